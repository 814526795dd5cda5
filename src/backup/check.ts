/**
 * `check`: the pre-upgrade preflight a runbook runs before `create`. Read-only from the first call to the last:
 * SelfSubjectAccessReviews, discovery, health and list GETs, the brokers' partition state. Every finding is a
 * checklist item (PASS, WARN, FAIL or SKIP when an earlier failure made it impossible) with the fix.
 */
import type { DiscoveryOptions } from '../camunda/discover.js';
import type { Installation } from '../camunda/installation.js';
import { managementApi, readHealth } from '../camunda/management-api.js';
import { unsupportedTopology } from '../camunda/resolve-topology.js';
import { checkpointIdOf, type RuntimeState } from '../camunda/responses.js';
import { clusterHealth, searchApi } from '../camunda/search-api.js';
import { CliError, messageOf, UsageError } from '../errors.js';
import type { AccessCheck, AccessCheckResult, KubeClient } from '../kube/kube-client.js';
import type { AccessMode, Connector, HttpTarget } from '../reach/component-http.js';
import { backupPartsOf, describeFailure, openPartsSession, type PartsSession } from './backup-parts.js';
import type { Reporter } from './events.js';
import { findBrokers, pausedPartitions, readExporterStates } from './exporter-state.js';
import type { CheckItem, CheckReport, CheckStatus } from './lifecycle-report.js';
import { collectInventory, type Inventory } from './list.js';
import { resumeCommandFor } from './resume.js';
import { whereOf } from './plan.js';

export const DEFAULT_MAX_BACKUP_AGE_MS = 7 * 24 * 3_600_000;

export interface CheckOptions {
  readonly access: AccessMode;
  readonly discovery: DiscoveryOptions;
  /** The newest complete backup older than this is a warning. */
  readonly maxBackupAgeMs: number;
  readonly nowMs: number;
}

export interface CheckDeps {
  readonly kube: KubeClient;
  readonly discover: (kube: KubeClient, options: DiscoveryOptions) => Promise<Installation>;
  readonly connect: Connector;
  readonly emit: Reporter;
  readonly signal?: AbortSignal | undefined;
  readonly requestTimeoutMs?: number | undefined;
}

interface Permission {
  readonly check: AccessCheck;
  /** What the tool does with it. */
  readonly why: string;
}

/** The RBAC a run needs before discovery tells more (README "RBAC"). */
function baseAccessNeeds(namespace: string, access: AccessMode): Permission[] {
  const at = (verb: string, resource: string, why: string, subresource?: string): Permission => ({ check: { namespace, verb, resource, subresource }, why });
  const tunnel = access === 'exec' ? 'exec' : 'portforward';
  return [
    at('list', 'secrets', 'find the Helm release'),
    at('get', 'pods', 'read the component pods'),
    at('list', 'pods', 'find the component pods'),
    at('get', 'services', 'read the component services'),
    at('list', 'services', 'find the component services'),
    at('get', 'configmaps', 'read the component configuration'),
    at('get', 'pods', `open ${access} sessions`, tunnel),
    at('create', 'pods', `open ${access} sessions`, tunnel),
  ];
}

/** Extra RBAC that only discovery reveals: exec for URLs outside the cluster and Web Modeler, a search password Secret. */
function installationAccessNeeds(installation: Installation, access: AccessMode): Permission[] {
  const namespace = installation.namespace;
  const needs: Permission[] = [];
  const exec = (why: string): void => {
    needs.push({ check: { namespace, verb: 'get', resource: 'pods', subresource: 'exec' }, why }, { check: { namespace, verb: 'create', resource: 'pods', subresource: 'exec' }, why });
  };
  if (access === 'port-forward' && installation.search?.target.kind === 'url') exec(`reach ${installation.search.url} with curl from a pod`);
  else if (access === 'port-forward' && installation.webModeler) exec('run pg_dump in the Web Modeler database pod');
  if (installation.search?.credentials?.passwordSecret) {
    needs.push({ check: { namespace, verb: 'get', resource: 'secrets' }, why: `read the ${installation.search.engine} password (Secret ${installation.search.credentials.passwordSecret.name})` });
  }
  return needs;
}

const describeAccess = (check: AccessCheck): string => `${check.verb} ${check.resource}${check.subresource ? `/${check.subresource}` : ''}`;

export async function runCheck(options: CheckOptions, deps: CheckDeps): Promise<CheckReport> {
  const items: CheckItem[] = [];
  // The checklist itself goes to stdout at the end; progress says only what is being looked at.
  const add = (item: CheckItem): void => {
    items.push(item);
  };
  const namespace = options.discovery.namespace;
  const skipRest = (why: string): void => {
    for (const [id, title] of LATER_CHECKS) add({ id, title, status: 'SKIP', message: why });
  };

  // --- Kubernetes access --------------------------------------------------------------------------------------
  const baseNeeds = baseAccessNeeds(namespace, options.access);
  let baseResults: AccessCheckResult[];
  try {
    baseResults = await deps.kube.checkAccess(baseNeeds.map((need) => need.check));
  } catch (error) {
    add({
      id: 'kube-api',
      title: 'Kubernetes API reachable, credentials accepted',
      status: 'FAIL',
      message: messageOf(error),
      fix: error instanceof CliError && error.hint ? error.hint : 'check the kube context (kubectl cluster-info) and your credentials',
    });
    add({ id: 'rbac', title: 'Permissions (RBAC)', status: 'SKIP', message: 'the API server could not be asked' });
    add({ id: 'release', title: 'Camunda release found, version supported', status: 'SKIP', message: 'the Kubernetes API could not be used' });
    skipRest('the Kubernetes API could not be used');
    return finish(options, items, undefined, []);
  }
  add({ id: 'kube-api', title: 'Kubernetes API reachable, credentials accepted', status: 'PASS', message: `context ${deps.kube.contextName}, namespace ${namespace}` });

  // --- release and version --------------------------------------------------------------------------------------
  let installation: Installation | undefined;
  let discoveryError: unknown;
  try {
    installation = await deps.discover(deps.kube, options.discovery);
  } catch (error) {
    // Ambiguous input (several releases, a bad flag) is still bad input: exit 2 like every other command.
    if (error instanceof UsageError) throw error;
    discoveryError = error;
  }

  let extraResults: AccessCheckResult[] = [];
  let extraNeeds: Permission[] = [];
  if (installation) {
    extraNeeds = installationAccessNeeds(installation, options.access).filter(
      (need) => !baseNeeds.some((base) => describeAccess(base.check) === describeAccess(need.check)),
    );
    try {
      extraResults = extraNeeds.length > 0 ? await deps.kube.checkAccess(extraNeeds.map((need) => need.check)) : [];
    } catch (error) {
      extraResults = extraNeeds.map((need) => ({ ...need.check, allowed: false, reason: messageOf(error) }));
    }
  }
  add(rbacItem([...baseNeeds, ...extraNeeds], [...baseResults, ...extraResults], namespace));

  if (!installation) {
    add({
      id: 'release',
      title: 'Camunda release found, version supported',
      status: 'FAIL',
      message: messageOf(discoveryError),
      fix: discoveryError instanceof CliError && discoveryError.hint ? discoveryError.hint : 'check -n/--namespace and --release',
    });
    skipRest('no usable Camunda release');
    return finish(options, items, undefined, []);
  }
  add(releaseItem(installation));
  const topologyProblem = unsupportedTopology(installation);
  if (topologyProblem) {
    add({
      id: 'topology',
      title: 'One combined release, one Physical Tenant',
      status: 'FAIL',
      message: topologyProblem,
      fix: 'follow the Camunda 8.10 backup docs for each Physical Tenant or each release of a split installation; this tool supports combined, single-tenant releases',
    });
  }
  deps.emit({ kind: 'info', message: `checking the components of release ${installation.release}…` });

  const session = openPartsSession({ connect: deps.connect, emit: deps.emit, signal: deps.signal, requestTimeoutMs: deps.requestTimeoutMs });
  try {
    const [health, inventory, searchRepository, exporting] = await Promise.all([
      healthItems(installation, session),
      collectInventory(installation, session),
      searchRepositoryItem(installation, session),
      exportingItem(installation, deps.kube, session, options.access),
    ]);
    for (const item of health) add(item);
    add(repositoryConfigItem(installation));
    if (searchRepository) add(searchRepository);
    for (const item of backupApiItems(inventory)) add(item);
    add(exporting);
    if (installation.secondaryStorage === 'rdbms') add(await continuousItem(installation, session, options));
    else {
      if (installation.zeebeStore.continuous) {
        add({
          id: 'continuous-backups',
          title: 'Continuous Zeebe backups off (Elasticsearch/OpenSearch procedure)',
          status: 'FAIL',
          message: 'continuous backups are on: Zeebe then refuses backups with a chosen ID, which this procedure needs',
          fix: 'continuous backups belong to RDBMS secondary storage; switch camunda.data.primary-storage.backup.continuous off',
        });
      }
      add(newestBackupItem(inventory, options));
    }
    if (installation.webModeler) {
      add({
        id: 'web-modeler',
        title: 'Web Modeler database',
        status: 'PASS',
        message: `create dumps database "${installation.webModeler.database}" with pg_dump in pod/${installation.webModeler.pod.pod}`,
      });
    }
  } finally {
    await session.close();
  }
  return finish(options, items, installation, installation.warnings);
}

/** Checks that run only with a release, in output order; skipped together when there is none. */
const LATER_CHECKS: readonly (readonly [string, string])[] = [
  ['health', 'Components reachable and healthy'],
  ['repository-config', 'Snapshot repository configured and identical'],
  ['backup-api', 'Backup APIs answer'],
  ['exporting', 'Zeebe exporting not left paused'],
  ['newest-backup', 'Newest complete backup'],
];

function finish(options: CheckOptions, items: readonly CheckItem[], installation: Installation | undefined, warnings: readonly string[]): CheckReport {
  const count = (status: CheckStatus): number => items.filter((item) => item.status === status).length;
  const summary = { pass: count('PASS'), warn: count('WARN'), fail: count('FAIL'), skip: count('SKIP') };
  return {
    schemaVersion: 1,
    command: 'check',
    namespace: options.discovery.namespace,
    release: installation?.release,
    camundaVersion: installation?.camundaVersion,
    chartVersion: installation?.chartVersion,
    access: options.access,
    result: summary.fail > 0 ? 'FAIL' : summary.warn > 0 ? 'WARN' : 'PASS',
    summary,
    checks: items,
    warnings,
  };
}

function rbacItem(needs: readonly Permission[], results: readonly AccessCheckResult[], namespace: string): CheckItem {
  const denied = needs.flatMap((need, index) => {
    const result = results[index];
    return result && !result.allowed ? [{ need, result }] : [];
  });
  if (denied.length === 0) {
    return { id: 'rbac', title: 'Permissions (RBAC)', status: 'PASS', message: `granted: ${[...new Set(needs.map((n) => describeAccess(n.check)))].join(', ')}` };
  }
  const lines = [...new Map(denied.map(({ need, result }) => [describeAccess(need.check), `${describeAccess(need.check)} (to ${need.why}${result.reason ? `; ${result.reason}` : ''})`])).values()];
  return {
    id: 'rbac',
    title: 'Permissions (RBAC)',
    status: 'FAIL',
    message: `denied in namespace ${namespace}: ${lines.join('; ')}`,
    fix: 'bind the Role from the README ("RBAC") to your user or service account in this namespace',
  };
}

function releaseItem(installation: Installation): CheckItem {
  const found = `release ${installation.release}, chart ${installation.chartVersion}, Camunda ${installation.camundaVersion} (procedure ${installation.procedure.line}, ${installation.secondaryStorage} secondary storage)`;
  if (installation.forcedVersion) {
    return {
      id: 'release',
      title: 'Camunda release found, version supported',
      status: 'WARN',
      message: `${found}; the procedure is forced with --camunda-version`,
      fix: 'make sure the forced version matches what runs; without --camunda-version the detected version decides',
    };
  }
  return { id: 'release', title: 'Camunda release found, version supported', status: 'PASS', message: found };
}

async function healthItems(installation: Installation, session: PartsSession): Promise<CheckItem[]> {
  // One item per distinct pod: on 8.8+ the web apps and Zeebe are the same orchestration pod.
  const groups = new Map<string, { target: HttpTarget; basePath: string; parts: string[] }>();
  for (const component of installation.components) {
    const target: HttpTarget = { kind: 'pod', pod: component.target };
    const key = `${JSON.stringify(target)}${component.basePath}`;
    // On 8.8+ the web apps and Zeebe are one orchestration application: name it once.
    const orchestration = installation.procedure.pauseBeforeWebapps && (component.part === 'zeebe' || component.part === 'webapps');
    const label = orchestration ? 'orchestration' : component.part === 'zeebe' ? 'zeebe-gateway' : component.part;
    const group = groups.get(key) ?? { target, basePath: component.basePath, parts: [] };
    if (!group.parts.includes(label)) group.parts.push(label);
    groups.set(key, group);
  }
  const items = await Promise.all(
    [...groups.values()].map(async (group): Promise<CheckItem> => {
      const name = group.parts.join(', ');
      const id = `health:${group.parts.join('+')}`;
      const title = `${name} reachable and healthy`;
      const where = whereOf(group.target);
      try {
        const health = await readHealth(await session.context(group.target), group.basePath);
        if (health.status === 'UP') return { id, title, status: 'PASS', message: `UP at ${where}` };
        return { id, title, status: 'FAIL', message: `${health.status} (HTTP ${health.httpStatus}) at ${where}`, fix: `look at the pod's logs and events (kubectl describe ${where.split(':')[0]})` };
      } catch (error) {
        return { id, title, status: 'FAIL', message: `${where}: ${describeFailure(error)}`, fix: 'check that the pod runs and the management port answers; --access exec may help when port-forwards are blocked' };
      }
    }),
  );
  const search = installation.search;
  if (search) {
    const title = `${search.engine === 'opensearch' ? 'OpenSearch' : 'Elasticsearch'} reachable and healthy`;
    const where = whereOf(search.target, search.url);
    try {
      const health = await clusterHealth(await session.context(search.target, search.authorization));
      const status: CheckStatus = health.status === 'green' ? 'PASS' : health.status === 'yellow' ? 'WARN' : 'FAIL';
      items.push({
        id: 'health:search',
        title,
        status,
        message: `cluster ${health.clusterName ?? ''} is ${health.status} at ${where}`.replace('cluster  is', 'cluster is'),
        fix: status === 'PASS' ? undefined : 'snapshots of a cluster that is not green may be PARTIAL; fix unassigned shards first',
      });
    } catch (error) {
      items.push({ id: 'health:search', title, status: 'FAIL', message: `${where}: ${describeFailure(error)}`, fix: 'check the URL, the credentials Secret and network access from the cluster' });
    }
  }
  return items;
}

function repositoryConfigItem(installation: Installation): CheckItem {
  const id = 'repository-config';
  const title = 'Snapshot repository configured and identical';
  const webParts = installation.components.filter((c) => c.part !== 'zeebe' && !installation.skipped.some((s) => s.part === c.part));
  if (installation.secondaryStorage === 'rdbms' && webParts.length === 0) {
    return { id, title, status: 'PASS', message: 'not needed: RDBMS secondary storage and no Optimize' };
  }
  const known = webParts.filter((c) => c.repositoryName !== undefined);
  const unknown = webParts.filter((c) => c.repositoryName === undefined).map((c) => c.part);
  const name = installation.repositoryName;
  if (!name) {
    return {
      id,
      title,
      status: 'FAIL',
      message: `no snapshot repository name is configured${unknown.length > 0 ? ` (${unknown.join(', ')})` : ''}`,
      fix: 'set the backup repository of every component (e.g. CAMUNDA_OPERATE_BACKUP_REPOSITORYNAME, CAMUNDA_OPTIMIZE_BACKUP_REPOSITORY_NAME) or pass --snapshot-repository',
    };
  }
  const by = known.map((c) => c.part).join(', ');
  if (unknown.length > 0) {
    return {
      id,
      title,
      status: 'WARN',
      message: `"${name}"${by ? ` (${by})` : ' (--snapshot-repository)'}; not readable from the configuration of ${unknown.join(', ')}`,
      fix: 'make sure those components use the same repository; the backup API check below shows whether they have one',
    };
  }
  return { id, title, status: 'PASS', message: `"${name}"${by ? ` in ${by}` : ' (--snapshot-repository)'}` };
}

async function searchRepositoryItem(installation: Installation, session: PartsSession): Promise<CheckItem | undefined> {
  const search = installation.search;
  const name = installation.repositoryName;
  if (!search || !name) return undefined;
  const engine = search.engine === 'opensearch' ? 'OpenSearch' : 'Elasticsearch';
  const id = 'search-repository';
  const title = `Repository present in ${engine}`;
  try {
    const repository = await searchApi(await session.context(search.target, search.authorization)).repository(name);
    return { id, title, status: 'PASS', message: `"${name}" (type ${repository.type})` };
  } catch (error) {
    return { id, title, status: 'FAIL', message: `"${name}": ${describeFailure(error)}`, fix: `register it: PUT /_snapshot/${name} in ${engine} (same name in every component)` };
  }
}

function backupApiItems(inventory: Inventory): CheckItem[] {
  return inventory.listed
    .filter((part) => part.state !== 'SKIPPED')
    .map((part): CheckItem => {
      const id = `backup-api:${part.part}`;
      const title = `${part.part} backup API answers`;
      if (part.state === 'LISTED') return { id, title, status: 'PASS', message: `${part.count ?? 0} backup(s) at ${part.target}` };
      const message = part.message ?? 'no answer';
      let fix = 'see the message; kubectl camunda-backup list -v shows the calls';
      if (/no backup store is configured/i.test(message)) fix = 'configure a Zeebe backup store (S3, GCS, Azure or filesystem) in the release values';
      else if (/no backup repository configured|no .*snapshot repository name/i.test(message)) fix = `configure the snapshot repository of ${part.part}`;
      else if (/no repository with name|repository_missing/i.test(message)) fix = 'register the repository in Elasticsearch/OpenSearch under the configured name';
      return { id, title, status: 'FAIL', message, fix };
    });
}

async function exportingItem(installation: Installation, kube: KubeClient, session: PartsSession, access: AccessMode): Promise<CheckItem> {
  const id = 'exporting';
  const title = 'Zeebe exporting not left paused';
  const resume = resumeCommandFor(installation, access).split('\n')[0];
  let states;
  try {
    const brokers = await findBrokers(kube, installation);
    if (brokers.length === 0) return { id, title, status: 'WARN', message: 'no broker pods found (label app.kubernetes.io/component=zeebe-broker)', fix: `if unsure, resume exporting (harmless when not paused): ${resume}` };
    states = await readExporterStates(brokers, session);
  } catch (error) {
    return { id, title, status: 'WARN', message: `could not read the brokers: ${describeFailure(error)}`, fix: `if unsure, resume exporting (harmless when not paused): ${resume}` };
  }
  const paused = pausedPartitions(states);
  if (paused.length > 0) {
    const where = [...new Set(paused.map((p) => `partition ${p.partitionId} ${p.exporterPhase}`))].join(', ');
    return {
      id,
      title,
      status: 'FAIL',
      message: `exporting is paused (${where}): an earlier backup run may have died after pausing, unless a backup is running right now`,
      fix: `resume it: ${resume}`,
    };
  }
  const unread = states.filter((s) => !s.ok);
  const read = states.filter((s) => s.ok);
  if (read.length === 0) {
    return {
      id,
      title,
      status: 'WARN',
      message: `the exporter state is not readable (${unread.map((s) => `${s.broker}: ${s.ok ? '' : s.message}`).join('; ')})`,
      fix: `if unsure, resume exporting (harmless when not paused): ${resume}`,
    };
  }
  const partitions = new Set(read.flatMap((s) => (s.ok ? s.partitions.map((p) => p.partitionId) : [])));
  if (unread.length > 0) {
    return {
      id,
      title,
      status: 'WARN',
      message: `exporting on ${partitions.size} partition(s) of ${read.length} broker(s); not readable on ${unread.map((s) => `${s.broker} (${s.ok ? '' : s.message})`).join(', ')}`,
      fix: `if unsure, resume exporting (harmless when not paused): ${resume}`,
    };
  }
  return { id, title, status: 'PASS', message: `every partition (${partitions.size}) is EXPORTING on ${read.length} broker(s)` };
}

function newestBackupItem(inventory: Inventory, options: CheckOptions): CheckItem {
  const id = 'newest-backup';
  const title = 'Newest complete backup';
  const newest = inventory.entries.find((entry) => entry.restorable);
  const fix = 'take one now: kubectl camunda-backup create';
  if (!newest) {
    if (!inventory.complete) return { id, title, status: 'WARN', message: 'unknown: not every part could be listed (see above)', fix: 'fix the backup APIs, then check again' };
    return { id, title, status: 'WARN', message: inventory.entries.length === 0 ? 'there is no backup' : `none of the ${inventory.entries.length} backup(s) is complete`, fix };
  }
  const age = newest.timeMs === undefined ? undefined : options.nowMs - newest.timeMs;
  const when = newest.time ? ` from ${newest.time}` : '';
  if (age === undefined) return { id, title, status: 'WARN', message: `backup ${newest.backupId}; its age is unknown (the ID is no timestamp)`, fix };
  if (age > options.maxBackupAgeMs) {
    return { id, title, status: 'WARN', message: `backup ${newest.backupId}${when} is ${describeAge(age)} old (more than ${describeAge(options.maxBackupAgeMs)})`, fix };
  }
  return { id, title, status: 'PASS', message: `backup ${newest.backupId}${when}, ${describeAge(age)} old` };
}

/** "5 hours", "3.5 days": the age of a backup as an operator reads it. */
function describeAge(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 1) return `${Math.max(0, Math.round(ms / 60_000))} minutes`;
  if (hours < 48) return `${Math.round(hours)} hours`;
  return `${(hours / 24).toFixed(1)} days`;
}

async function continuousItem(installation: Installation, session: PartsSession, options: CheckOptions): Promise<CheckItem> {
  const id = 'continuous-backups';
  const title = 'Continuous Zeebe backups configured and recent (RDBMS)';
  if (!installation.zeebeStore.continuous) {
    return {
      id,
      title,
      status: 'FAIL',
      message: 'continuous backups are off: with RDBMS secondary storage Zeebe is backed up only in continuous mode',
      fix: 'set camunda.data.primary-storage.backup.continuous=true (env CAMUNDA_DATA_PRIMARYSTORAGE_BACKUP_CONTINUOUS), a backup store and a schedule such as PT1H',
    };
  }
  const zeebe = backupPartsOf(installation).present.find((p) => p.part === 'zeebe');
  if (!zeebe) return { id, title, status: 'WARN', message: 'continuous backups are on; no Zeebe endpoint to read their state' };
  let state: RuntimeState;
  try {
    state = await managementApi(await session.context(zeebe.target), zeebe.basePath).runtimeState(zeebe.path);
  } catch (error) {
    return { id, title, status: 'WARN', message: `continuous backups are on; ${zeebe.path}/state not readable: ${describeFailure(error)}`, fix: 'check the orchestration pod and its backup store' };
  }
  const backups = state.backupStates ?? [];
  if (backups.length === 0) {
    return { id, title, status: 'WARN', message: 'continuous backups are on, but no partition has a backup yet', fix: 'configure a schedule (e.g. PT1H) or trigger one: kubectl camunda-backup create' };
  }
  const times = backups.map((b) => (typeof b['checkpointTimestamp'] === 'string' ? Date.parse(b['checkpointTimestamp']) : typeof b['checkpointTimestamp'] === 'number' ? b['checkpointTimestamp'] : NaN));
  const oldest = Math.min(...times.filter((t) => Number.isFinite(t)));
  const rangesPerPartition = new Map<number, number>();
  for (const range of state.ranges ?? []) if (checkpointIdOf(range.end) !== undefined || checkpointIdOf(range.start) !== undefined) rangesPerPartition.set(range.partitionId, (rangesPerPartition.get(range.partitionId) ?? 0) + 1);
  const partitions = [...new Set(backups.map((b) => b.partitionId))].sort((a, b) => a - b);
  const noRange = partitions.filter((p) => !rangesPerPartition.has(p));
  const gaps = [...rangesPerPartition.entries()].filter(([, n]) => n > 1).map(([p]) => p);
  const problems: string[] = [];
  if (Number.isFinite(oldest) && options.nowMs - oldest > options.maxBackupAgeMs) problems.push(`the latest backup of some partition is from ${new Date(oldest).toISOString()}`);
  if (noRange.length > 0) problems.push(`partition(s) ${noRange.join(', ')} have no backup range`);
  if (gaps.length > 0) problems.push(`partition(s) ${gaps.join(', ')} have gaps (several ranges)`);
  const summary = `continuous backups on; ${partitions.length} partition(s) backed up${Number.isFinite(oldest) ? `, oldest latest backup ${new Date(oldest).toISOString()}` : ''}`;
  if (problems.length > 0) return { id, title, status: 'WARN', message: `${summary}; ${problems.join('; ')}`, fix: 'check the schedule and the backup store; the database needs its own vendor backups at a similar pace' };
  return { id, title, status: 'PASS', message: summary };
}
