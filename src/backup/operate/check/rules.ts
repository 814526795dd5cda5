/**
 * The checklist after discovery, as a list of small rules: each reads the facts gathered once (the installation,
 * its layout's parts, the inventory of backups, the pool of connections) and says PASS, WARN or FAIL with the fix.
 * The rules run concurrently; their items keep the list's order.
 */
import type { Installation } from '../../../camunda/installation.js';
import { readHealth } from '../../../camunda/management-api.js';
import { checkpointIdOf, type RuntimeState } from '../../../camunda/responses.js';
import { clusterHealth, searchApi } from '../../../camunda/search-api.js';
import { kubectlCommand, toolCommand, type ClusterFlags, type CommandTarget } from '../../../kube/cluster-flags.js';
import type { KubeClient } from '../../../kube/kube-client.js';
import type { AccessMode, HttpTarget } from '../../../reach/component-http.js';
import type { ConnectionPool } from '../../connections.js';
import { findBrokers, pausedPartitions, readExporterStates, resumeCommandFor } from '../../exporting.js';
import { layoutOf, partOf, whereOf } from '../../layout.js';
import { describeFailure } from '../../part-clients.js';
import type { CheckItem, CheckStatus } from '../lifecycle-report.js';
import type { Inventory } from '../list.js';
import { fixFor } from './fixes.js';

/** What the rules read, gathered once for all of them. */
export interface CheckFacts {
  readonly installation: Installation;
  readonly kube: KubeClient;
  readonly pool: ConnectionPool;
  readonly access: AccessMode;
  /** How a printed command reaches this cluster. */
  readonly cluster: ClusterFlags;
  /** Every part's list of backups; shared by the rules that judge backups. */
  readonly inventory: Promise<Inventory>;
  readonly maxBackupAgeMs: number;
  readonly nowMs: number;
}

/** One rule of the checklist: no items when it does not apply to the installation. */
export type CheckRule = (facts: CheckFacts) => Promise<readonly CheckItem[]> | readonly CheckItem[];

export const RULES: readonly CheckRule[] = [
  (facts) => healthItems(facts.installation, facts.pool, targetOf(facts)),
  ({ installation }) => [repositoryConfigItem(installation)],
  async ({ installation, pool }) => {
    const item = await searchRepositoryItem(installation, pool);
    return item ? [item] : [];
  },
  async (facts) => backupApiItems(await facts.inventory, targetOf(facts)),
  async ({ installation, kube, pool, access, cluster }) => [await exportingItem(installation, kube, pool, access, cluster)],
  async (facts) => {
    if (facts.installation.secondaryStorage === 'rdbms') return [await continuousItem(facts.installation, facts.pool, facts, targetOf(facts))];
    return facts.installation.zeebeStore.continuous ? [continuousOnElasticsearchItem()] : [];
  },
  async (facts) => (facts.installation.secondaryStorage === 'rdbms' ? [] : [newestBackupItem(await facts.inventory, facts, targetOf(facts))]),
  ({ installation }) => (installation.webModeler ? [webModelerItem(installation.webModeler)] : []),
];

/** Where the commands a fix names must go: this run's cluster, namespace, release and access. */
function targetOf(facts: Pick<CheckFacts, 'installation' | 'cluster' | 'access'>): CommandTarget {
  return { cluster: facts.cluster, namespace: facts.installation.namespace, release: facts.installation.release, access: facts.access };
}

export async function runRules(facts: CheckFacts): Promise<CheckItem[]> {
  return (await Promise.all(RULES.map((rule) => rule(facts)))).flat();
}

function continuousOnElasticsearchItem(): CheckItem {
  return {
    id: 'continuous-backups',
    title: 'Continuous Zeebe backups off (Elasticsearch/OpenSearch procedure)',
    status: 'FAIL',
    message: 'continuous backups are on: Zeebe then refuses backups with a chosen ID, which this procedure needs',
    fix: 'continuous backups belong to RDBMS secondary storage; switch camunda.data.primary-storage.backup.continuous off',
  };
}

function webModelerItem(database: NonNullable<Installation['webModeler']>): CheckItem {
  return {
    id: 'web-modeler',
    title: 'Web Modeler database',
    status: 'PASS',
    message: `create dumps database "${database.database}" with pg_dump in pod/${database.pod.pod}`,
  };
}

async function healthItems(installation: Installation, pool: ConnectionPool, target: CommandTarget): Promise<CheckItem[]> {
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
        const health = await readHealth(await pool.context({ target: group.target }), group.basePath);
        if (health.status === 'UP') return { id, title, status: 'PASS', message: `UP at ${where}` };
        return { id, title, status: 'FAIL', message: `${health.status} (HTTP ${health.httpStatus}) at ${where}`, fix: `look at the pod's logs and events (${kubectlCommand(`describe ${where.split(':')[0]}`, target)})` };
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
      const health = await clusterHealth(await pool.context(search));
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


async function searchRepositoryItem(installation: Installation, pool: ConnectionPool): Promise<CheckItem | undefined> {
  const search = installation.search;
  const name = installation.repositoryName;
  if (!search || !name) return undefined;
  const engine = search.engine === 'opensearch' ? 'OpenSearch' : 'Elasticsearch';
  const id = 'search-repository';
  const title = `Repository present in ${engine}`;
  try {
    const repository = await searchApi(await pool.context(search)).repository(name);
    return { id, title, status: 'PASS', message: `"${name}" (type ${repository.type})` };
  } catch (error) {
    return { id, title, status: 'FAIL', message: `"${name}": ${describeFailure(error)}`, fix: `register it: PUT /_snapshot/${name} in ${engine} (same name in every component)` };
  }
}


function backupApiItems(inventory: Inventory, target: CommandTarget): CheckItem[] {
  return inventory.listed
    .filter((part) => part.state !== 'SKIPPED')
    .map((part): CheckItem => {
      const id = `backup-api:${part.part}`;
      const title = `${part.part} backup API answers`;
      if (part.state === 'LISTED') return { id, title, status: 'PASS', message: `${part.count ?? 0} backup(s) at ${part.target}` };
      return { id, title, status: 'FAIL', message: part.message ?? 'no answer', fix: fixFor(inventory.failures.get(part.part), part.part, target) };
    });
}

async function exportingItem(installation: Installation, kube: KubeClient, pool: ConnectionPool, access: AccessMode, cluster: ClusterFlags): Promise<CheckItem> {
  const id = 'exporting';
  const title = 'Zeebe exporting not left paused';
  const resume = resumeCommandFor(installation, access, cluster).split('\n')[0];
  let states;
  try {
    const brokers = await findBrokers(kube, installation);
    if (brokers.length === 0) return { id, title, status: 'WARN', message: 'no broker pods found (label app.kubernetes.io/component=zeebe-broker)', fix: `if unsure, resume exporting (harmless when not paused): ${resume}` };
    states = await readExporterStates(brokers, pool);
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


function newestBackupItem(inventory: Inventory, options: Pick<CheckFacts, 'maxBackupAgeMs' | 'nowMs'>, target: CommandTarget): CheckItem {
  const id = 'newest-backup';
  const title = 'Newest complete backup';
  const newest = inventory.entries.find((entry) => entry.restorable);
  const fix = `take one now: ${toolCommand('create', target)}`;
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


async function continuousItem(installation: Installation, pool: ConnectionPool, options: Pick<CheckFacts, 'maxBackupAgeMs' | 'nowMs'>, target: CommandTarget): Promise<CheckItem> {
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
  const zeebe = partOf(layoutOf(installation), 'zeebe');
  if (!zeebe || zeebe.problem) return { id, title, status: 'WARN', message: 'continuous backups are on; no Zeebe endpoint to read their state' };
  let state: RuntimeState;
  try {
    state = await (await pool.api(zeebe)).runtimeState(zeebe.path);
  } catch (error) {
    return { id, title, status: 'WARN', message: `continuous backups are on; ${zeebe.path}/state not readable: ${describeFailure(error)}`, fix: 'check the orchestration pod and its backup store' };
  }
  const backups = state.backupStates ?? [];
  if (backups.length === 0) {
    return { id, title, status: 'WARN', message: 'continuous backups are on, but no partition has a backup yet', fix: `configure a schedule (e.g. PT1H) or trigger one: ${toolCommand('create', target)}` };
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

