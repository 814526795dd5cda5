/**
 * The facts the restore checks judge (checks.ts), gathered once and read-only: the backup's verdict exactly as
 * `status` reaches it, what runs (images of the release's pods), the brokers' StatefulSet and start script, the
 * snapshot repository, and a SelfSubjectAccessReview per permission the restore uses. Nothing here changes the
 * cluster: GETs, and SSARs, which the API server only answers.
 */
import type { Installation } from '../../camunda/installation.js';
import { listSnapshots, searchApi } from '../../camunda/search-api.js';
import { messageOf } from '../../errors.js';
import { propertyKeyForEnv, springPropertiesFrom } from '../../camunda/spring-properties.js';
import type { ClusterFlags } from '../../kube/cluster-flags.js';
import type { AccessCheck, ConfigMap, EnvVar, KubeClient, Pod } from '../../kube/kube-client.js';
import type { Workload, WorkloadClient } from '../../kube/workload-client.js';
import type { AccessMode } from '../../reach/component-http.js';
import { openPool } from '../connections.js';
import { layoutOf, partOf } from '../layout.js';
import { describeFailure, partClient } from '../part-clients.js';
import { baseAccessNeeds, installationAccessNeeds, type Permission } from '../operate/check/access.js';
import { runStatus, type LifecycleDeps } from '../operate/status.js';
import { journalNameFor } from './journal.js';
import type { RestoreAction, RestoreMode } from './plan.js';
import type { AccessFact, BackupFact, BrokerStatefulSetFact, RdbmsBackupFact, RepositoryFact, RestoreCheckFacts, RunningVersion, StartupScriptFact } from './checks.js';

/** `runs` and `now` as status has them: the verdict reads how each ID's create ended (the run record). */
export interface RestoreFactsDeps extends LifecycleDeps {
  readonly kube: KubeClient;
  readonly workloads: WorkloadClient;
}

export interface RestoreFactsRequest {
  readonly installation: Installation;
  readonly mode: RestoreMode;
  /** The ID to restore (Elasticsearch/OpenSearch); undefined on RDBMS, where the restore follows the database. */
  readonly backupId?: number | undefined;
  /**
   * The run continues an unfinished restore: the applications may be stopped and the indices gone, so the backup,
   * the versions and the repository were judged by the run that started it; only what this run itself needs is read.
   */
  readonly continuing?: boolean | undefined;
  /** The run loads a Web Modeler dump (--web-modeler-dump, or the continued plan's): psql runs through exec. */
  readonly loadsWebModelerDump?: boolean | undefined;
  /** How commands named in fixes reach this run's cluster, and its access mode. */
  readonly cluster?: ClusterFlags | undefined;
}

/** `<release>-zeebe`: the brokers' StatefulSet of every chart line (helm-layout.md §1). */
export const brokerStatefulSetName = (release: string): string => `${release}-zeebe`;

export async function gatherRestoreFacts(request: RestoreFactsRequest, deps: RestoreFactsDeps): Promise<RestoreCheckFacts> {
  const { installation } = request;
  const { mode } = request;
  const fresh = request.continuing !== true;
  const needs = restoreAccessNeeds(installation, deps.access, { webModelerDump: request.loadsWebModelerDump === true, mode });
  const pool = openPool(deps);
  try {
    const configMaps = await brokerConfigMaps(installation, deps.kube);
    const [backup, rdbmsBackup, running, brokers, repository, access] = await Promise.all([
      fresh && mode === 'backup-id' && request.backupId !== undefined ? backupFact(installation, request.backupId, deps) : undefined,
      fresh && mode === 'rdbms' ? rdbmsBackupFact(installation, pool) : undefined,
      fresh ? runningVersions(installation, deps.kube) : [],
      brokerFact(installation, deps.workloads, configMaps),
      fresh && mode === 'backup-id' ? repositoryFact(installation, request.backupId, pool) : undefined,
      accessFacts(needs, deps.kube),
    ]);
    return {
      release: installation.release,
      namespace: installation.namespace,
      line: installation.procedure.line,
      chartVersion: installation.chartVersion,
      camundaVersion: installation.camundaVersion,
      mode,
      continuing: !fresh,
      backup,
      rdbmsBackup,
      running,
      partitionCount: installation.partitionCount,
      repository,
      brokers,
      startupScript: startupScriptFact(configMaps),
      access,
      cluster: request.cluster,
      accessMode: deps.access,
    };
  } finally {
    await pool.close();
  }
}

/** The verdict of `status <id>`, by the same code. */
async function backupFact(installation: Installation, backupId: number, deps: RestoreFactsDeps): Promise<BackupFact> {
  const report = await runStatus(installation, backupId, deps);
  return {
    backupId,
    verdict: report.verdict,
    reasons: report.reasons,
    parts: report.parts.map((p) => ({ part: p.part, state: p.state, message: p.message, details: p.details })),
  };
}

/** RDBMS: the newest completed Zeebe backup, which the restore application's default mode starts from at the latest. */
async function rdbmsBackupFact(installation: Installation, pool: ReturnType<typeof openPool>): Promise<RdbmsBackupFact> {
  const zeebe = partOf(layoutOf(installation), 'zeebe');
  if (!zeebe) return { error: 'no Zeebe endpoint found' };
  try {
    const listed = await (await partClient(pool, zeebe)).list();
    const completed = [...listed.entries()].filter(([, o]) => o.state === 'COMPLETED').sort(([a], [b]) => b - a);
    const newest = completed[0];
    if (!newest) return {};
    const partitions = Array.isArray(newest[1].details?.['partitions']) ? (newest[1].details['partitions'] as { partitionId: number; brokerVersion?: string }[]) : [];
    return { newest: { backupId: newest[0], partitions: partitions.map((p) => ({ partitionId: p.partitionId, brokerVersion: p.brokerVersion })) } };
  } catch (error) {
    return { error: describeFailure(error) };
  }
}

const COMPONENT_LABEL = 'app.kubernetes.io/component';

/** The version each component runs, from its pods' image tags (the version label when the image has a digest). */
async function runningVersions(installation: Installation, kube: KubeClient): Promise<RunningVersion[]> {
  const pods = await kube.listPods(installation.namespace, `app.kubernetes.io/instance=${installation.release}`);
  const orchestration = installation.procedure.pauseBeforeWebapps;
  const componentOf = (pod: Pod): string | undefined => {
    const label = pod.labels[COMPONENT_LABEL];
    if (label === 'zeebe-broker') return orchestration ? 'orchestration' : 'zeebe';
    return label === 'operate' || label === 'tasklist' || label === 'optimize' ? label : undefined;
  };
  const found = new Map<string, RunningVersion>();
  for (const pod of pods.filter((p) => !p.deleting)) {
    const component = componentOf(pod);
    if (!component || found.has(component)) continue;
    const container = pod.containers[0];
    const tag = /:([^:@/]+)$/.exec(container?.image.split('@')[0] ?? '')?.[1];
    const version = /^v?\d+\.\d+\.\d+/.test(tag ?? '') ? tag : pod.labels['app.kubernetes.io/version'];
    found.set(component, { component, version, from: `pod/${pod.name} image ${container?.image ?? '?'}` });
  }
  return [...found.values()];
}

/** The chart's broker ConfigMaps (application.yaml, startup.sh), as the brokers' pods mount them. */
async function brokerConfigMaps(installation: Installation, kube: KubeClient): Promise<ConfigMap[]> {
  const names = installation.procedure.configMapSuffixes.map((suffix) => `${installation.release}-${suffix}`);
  const found = await Promise.all(names.map((name) => kube.readConfigMap(installation.namespace, name).catch(() => undefined)));
  return found.filter((c): c is ConfigMap => c !== undefined);
}

/**
 * The backup store the restore pods will have: the StatefulSet's env (what every new pod gets), else the broker
 * configuration file its pods mount. Not the running pods' env nor the Helm values: a restore starts new pods from
 * the StatefulSet as it is now.
 */
async function brokerFact(installation: Installation, workloads: WorkloadClient, configMaps: readonly ConfigMap[]): Promise<BrokerStatefulSetFact> {
  const name = brokerStatefulSetName(installation.release);
  let statefulSet: Workload | undefined;
  try {
    statefulSet = await workloads.readWorkload({ kind: 'StatefulSet', namespace: installation.namespace, name });
  } catch (error) {
    return { name, found: false, storeFrom: messageOf(error) };
  }
  if (!statefulSet) return { name, found: false };
  const container = statefulSet.containers.find((c) => c.name === 'orchestration' || c.name === 'zeebe') ?? statefulSet.containers[0];
  const envNames = installation.procedure.zeebeStoreEnv;
  const store = storeFromEnv(container?.env ?? [], envNames) ?? storeFromConfiguration(configMaps, envNames);
  return { name, found: true, store: store?.store, storeFrom: store?.from, command: container?.command };
}

function storeFromEnv(env: readonly EnvVar[], names: readonly string[]): { store: string; from: string } | undefined {
  for (const name of names) {
    const entry = env.find((e) => e.name === name);
    if (!entry) continue;
    if (entry.value !== undefined) return { store: entry.value.trim().toUpperCase(), from: `env ${name}` };
    const ref = entry.valueFrom?.secretKeyRef ?? entry.valueFrom?.configMapKeyRef;
    if (ref) return { store: `set from ${ref.name}/${ref.key}`, from: `env ${name}` };
  }
  return undefined;
}

function storeFromConfiguration(configMaps: readonly ConfigMap[], names: readonly string[]): { store: string; from: string } | undefined {
  const props = springPropertiesFrom(configMaps);
  for (const key of names.map(propertyKeyForEnv)) {
    const value = props.get(key)?.trim();
    if (value && !value.startsWith('${')) return { store: value.toUpperCase(), from: `${props.sources[0] ?? 'configuration'} ${key}` };
  }
  return undefined;
}

/** The start script the brokers run, from the chart's broker ConfigMap. */
function startupScriptFact(configMaps: readonly ConfigMap[]): StartupScriptFact | undefined {
  for (const configMap of configMaps) {
    const script = configMap.data['startup.sh'];
    if (script !== undefined) return { source: `ConfigMap ${configMap.name} (startup.sh)`, restoreBranch: /\$\{?ZEEBE_RESTORE\}?"?\s*=\s*"?true/.test(script) };
  }
  return undefined;
}

/** Registered (GET /_snapshot/<repo>) and readable (the snapshots of the ID list). */
async function repositoryFact(installation: Installation, backupId: number | undefined, pool: ReturnType<typeof openPool>): Promise<RepositoryFact> {
  const search = installation.search;
  const name = installation.repositoryName;
  const engine = search?.engine === 'opensearch' ? 'OpenSearch' : 'Elasticsearch';
  if (!search || !name) return { name, registered: false, readable: false, engine, message: search ? undefined : 'no Elasticsearch/OpenSearch endpoint found' };
  try {
    const context = await pool.context(search);
    await searchApi(context).repository(name);
    try {
      await listSnapshots(context, name, backupId === undefined ? '_all' : `*_${backupId}*`);
      return { name, registered: true, readable: true, engine };
    } catch (error) {
      return { name, registered: true, readable: false, engine, message: describeFailure(error) };
    }
  } catch (error) {
    return { name, registered: false, readable: false, engine, message: describeFailure(error) };
  }
}

/** What a restore run asks the access review about, besides the installation: the steps its plan will have. */
export interface RestoreAccessOptions {
  /** --web-modeler-dump: the run loads the dump with psql in the database pod (an exec, in either access mode). */
  readonly webModelerDump?: boolean | undefined;
  /** RDBMS: no index is deleted and no snapshot restored. */
  readonly mode?: RestoreMode | undefined;
}

type KubeVerb = Pick<Permission['check'], 'verb' | 'group' | 'resource' | 'subresource' | 'name'> & { readonly why: string };

/**
 * The Kubernetes API calls each kind of plan step makes (restore/execute.ts, verify.ts, web-modeler.ts), beyond the
 * discovery and the tunnels every command opens (baseAccessNeeds, installationAccessNeeds: pods, services,
 * configmaps, secrets, port-forward or exec, which also carry the search engine and the components' actuators).
 * A Record over every action: a new kind of step does not compile until it says what it needs.
 */
export function restoreStepAccess(release: string): Record<RestoreAction, readonly KubeVerb[]> {
  const brokers = brokerStatefulSetName(release);
  const readWorkloads: KubeVerb[] = [
    { verb: 'get', group: 'apps', resource: 'deployments', why: 'read their replicas and readiness' },
    { verb: 'get', group: 'apps', resource: 'statefulsets', why: 'read its replicas and readiness' },
  ];
  const scale: KubeVerb[] = [
    ...readWorkloads,
    { verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale', why: 'scale them down and back up' },
    { verb: 'patch', group: 'apps', resource: 'statefulsets', subresource: 'scale', name: brokers, why: 'scale the brokers down and up' },
  ];
  const brokerPatch: KubeVerb = { verb: 'patch', group: 'apps', resource: 'statefulsets', name: brokers, why: 'set and remove the restore env on the brokers' };
  const brokerLogs: KubeVerb = { verb: 'get', group: '', resource: 'pods', subresource: 'log', why: "read whether the restore succeeded in the brokers' logs" };
  return {
    'scale-down': scale,
    'scale-up': scale,
    'await-ready': readWorkloads,
    // RDBMS: the run stops here until the owner restored the database; a continued run re-asserts the stops (scale-down).
    'await-database-restore': scale,
    // The search engine is reached through the tunnel of the access mode (the installation's needs).
    'delete-indices': [],
    'verify-indices-gone': [],
    'restore-snapshot': [],
    'delete-pvc': [
      { verb: 'delete', group: '', resource: 'persistentvolumeclaims', why: 'delete the Zeebe volumes before the restore' },
      { verb: 'get', group: '', resource: 'persistentvolumeclaims', why: 'wait until they are gone' },
    ],
    'patch-restore-mode': [brokerPatch],
    // Scales the brokers to 0 itself the moment every one restored.
    'await-broker-restore': [brokerLogs, ...scale],
    'revert-restore-mode': [brokerPatch, ...scale],
    'verify-zeebe-data': [brokerLogs],
    'verify-exporting': [],
    'verify-backup-listed': [],
    'load-web-modeler-dump': [
      { verb: 'get', group: '', resource: 'pods', subresource: 'exec', why: 'load the Web Modeler dump with psql in its database pod' },
      { verb: 'create', group: '', resource: 'pods', subresource: 'exec', why: 'load the Web Modeler dump with psql in its database pod' },
    ],
  };
}

/** The kinds of step a plan for this run will have (plan.ts builds them; the checks run before it). */
export function plannedActions(options: RestoreAccessOptions): RestoreAction[] {
  const all = Object.keys(restoreStepAccess('')) as RestoreAction[];
  return all.filter((action) => {
    if (action === 'load-web-modeler-dump') return options.webModelerDump === true;
    if (action === 'delete-indices' || action === 'verify-indices-gone' || action === 'restore-snapshot' || action === 'verify-backup-listed') return options.mode !== 'rdbms';
    return true;
  });
}

/**
 * Everything a restore asks of Kubernetes (camunda-restore.md §12; test/world/README.md "RBAC"): what create needs
 * to find and reach the components, what each kind of step of the plan calls (restoreStepAccess), the PVC listing
 * of the plan, and the journal in a ConfigMap. The release's Lease is not asked here: the lock says itself when it
 * cannot be taken, and a Role narrows it by name, which an access review without one cannot match.
 */
export function restoreAccessNeeds(installation: Installation, access: AccessMode, options: RestoreAccessOptions = {}): Permission[] {
  const namespace = installation.namespace;
  const at = (verb: string, group: string, resource: string, why: string, subresource?: string, name?: string): Permission => ({
    check: { namespace, verb, group, resource, subresource, ...(name !== undefined ? { name } : {}) },
    why,
  });
  const journal = journalNameFor(installation.release);
  const table = restoreStepAccess(installation.release);
  const steps = plannedActions(options).flatMap((action) => table[action].map((v) => at(v.verb, v.group ?? '', v.resource, v.why, v.subresource, v.name)));
  const plan: Permission[] = [
    at('list', 'apps', 'deployments', 'find the Camunda Deployments to stop'),
    at('list', 'apps', 'statefulsets', "find the brokers' StatefulSet"),
    at('list', '', 'persistentvolumeclaims', 'find the Zeebe volumes'),
    at('create', '', 'configmaps', 'keep the restore journal'),
    at('update', '', 'configmaps', 'keep the restore journal', undefined, journal),
  ];
  // Web Modeler's database is reached only by the dump load (a step of its own above), never by pg_dump here.
  const needs = [...baseAccessNeeds(namespace, access), ...installationAccessNeeds({ ...installation, webModeler: undefined }, access), ...plan, ...steps];
  const seen = new Set<string>();
  return needs.filter((need) => {
    const key = JSON.stringify(need.check);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function accessFacts(needs: readonly Permission[], kube: KubeClient): Promise<AccessFact[]> {
  const checks: AccessCheck[] = needs.map((n) => n.check);
  try {
    const results = await kube.checkAccess(checks);
    return needs.map((need, index) => ({ check: need.check, why: need.why, allowed: results[index]?.allowed === true, reason: results[index]?.reason }));
  } catch (error) {
    return needs.map((need) => ({ check: need.check, why: need.why, allowed: false, reason: `the access review failed: ${messageOf(error)}` }));
  }
}
