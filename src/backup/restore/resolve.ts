/**
 * Reads, while the installation still runs, everything the restore plan names (camunda-restore.md §12 "Plan"):
 * the release's Camunda workloads and their replicas, Camunda's indices by their prefixes, the snapshots of the
 * backup ID, the broker StatefulSet's container and its data PVCs (orphans of earlier scale-downs included).
 * Read-only: nothing here changes the cluster.
 */
import type { ApiContext } from '../../camunda/management-api.js';
import { resolve as resolvePath } from 'node:path';
import type { Installation, WebModelerDatabase } from '../../camunda/installation.js';
import { listIndicesByPrefix } from '../../camunda/search-indices.js';
import { listSnapshots, searchApi, zeebeRecordsSnapshotName } from '../../camunda/search-api.js';
import { PreconditionError, UsageError } from '../../errors.js';
import { kubectlCommand, toolCommand, type ClusterFlags } from '../../kube/cluster-flags.js';
import type { KubeClient } from '../../kube/kube-client.js';
import type { Workload, WorkloadClient } from '../../kube/workload-client.js';
import type { ConnectionPool } from '../connections.js';
import { layoutOf, partOf, whereOf } from '../layout.js';
import { describeFailure } from '../part-clients.js';
import { journalNameFor } from './journal.js';
import { webModelerLoadCommand } from './web-modeler.js';
import { buildRestorePlan, claimOrdinal, withWebModelerDumpFile, withWebModelerLoad, type ExpectedPartition, type PlannedSnapshot, type PlannedWorkload, type RestoreFacts, type RestoreMode, type RestorePlan } from './plan.js';

/**
 * The components that write Camunda data and must be stopped (§9 #6): the brokers (orchestration on 8.8+), the
 * 8.6/8.7 gateway and web apps, Optimize, Connectors, the 8.8 migration importer. Identity and Keycloak stay up
 * (camunda-docs#6202), and so do Elasticsearch/OpenSearch and the databases.
 */
export const STOPPED_COMPONENTS: readonly string[] = ['zeebe-broker', 'zeebe-gateway', 'operate', 'tasklist', 'optimize', 'connectors', 'zeebe-migration-importer', 'migration-importer'];

/**
 * The release's index prefixes as discovery read them from its configuration (camunda/resolve-index-prefixes.ts),
 * each ending in its separator. A prefix that cannot be read safely refuses the restore: guessing one could delete
 * another release's or application's indices in a shared search engine.
 */
export function camundaIndexPrefixes(installation: Pick<Installation, 'release' | 'indexPrefixes'>): string[] {
  const found = installation.indexPrefixes;
  if (!found) {
    throw new PreconditionError(`the index prefixes of release ${installation.release} are not known, so its indices cannot be told from others; nothing was changed`, {
      hint: 'check that discovery finds the release\'s Elasticsearch/OpenSearch configuration',
    });
  }
  if (found.unresolved.length > 0) {
    throw new PreconditionError(`cannot tell which indices belong to release ${installation.release}: ${found.unresolved.join('; ')}; nothing was changed`, {
      hint: 'set the index prefix as a plain value (container env, the Helm values or the configuration file) so that it can be read',
    });
  }
  return [...new Set(found.prefixes.map((p) => p.prefix))].sort();
}

/**
 * camunda/camunda#47122: web-app backups of 8.8 before 8.8.15 (and of 8.9 before the fix, version unverified) do not
 * hold the dated usage-metric indices (`[<prefix>-]camunda-usage-metric[-tu]-<version>_<date>`). Deleting them would
 * lose the usage metrics for good, so the ones no snapshot of the backup holds are kept (camunda-restore.md §2, §9 #5).
 */
export function usageMetricsKept(installation: Pick<Installation, 'procedure' | 'camundaVersion'>, prefixes: readonly string[], indices: readonly string[], held: ReadonlySet<string>): string[] {
  if (!usageMetricsMissFromBackups(installation)) return [];
  const dated = /^usage-metric(-tu)?-\d+(\.\d+)*_.+$/;
  const orchestration = prefixes.filter((p) => p.endsWith('camunda-'));
  return indices.filter((index) => !held.has(index) && orchestration.some((p) => index.startsWith(p) && dated.test(index.slice(p.length))));
}

function usageMetricsMissFromBackups({ procedure, camundaVersion }: Pick<Installation, 'procedure' | 'camundaVersion'>): boolean {
  if (procedure.line === '8.9') return true;
  if (procedure.line !== '8.8') return false;
  const patch = /^8\.8\.(\d+)/.exec(camundaVersion)?.[1];
  // An unreadable patch level: keep them (the safe side; a held index is deleted anyway).
  return patch === undefined || Number(patch) < 15;
}

/**
 * Indices under one of the release's prefixes that are named like another release's Camunda indices under a longer
 * prefix (this release `camunda-`, another `camunda-operate-…` from its prefix `camunda`): Camunda's docs forbid one
 * prefix beginning another in a shared cluster, and the names alone cannot tell whose they are.
 */
export function lookForeign(indices: readonly string[], prefixes: readonly string[]): string[] {
  const camundaName = /^(operate|tasklist|camunda|optimize)-|^zeebe-record/;
  return indices.filter((index) => {
    const own = prefixes.filter((p) => index.startsWith(p)).sort((a, b) => b.length - a.length)[0];
    return own !== undefined && camundaName.test(index.slice(own.length));
  });
}

/** The indices of the snapshots that do not start with one of the release's prefixes: another release's or application's. */
function foreignSnapshotIndices(snapshots: readonly PlannedSnapshot[], prefixes: readonly string[]): string[] {
  return [...new Set(snapshots.flatMap((s) => s.indices.filter((index) => !prefixes.some((p) => index.startsWith(p)))))].sort();
}

const SNAPSHOT_PART = /^camunda_(operate|tasklist|webapps|optimize)_(\d+)_/;

export interface ResolveOptions {
  readonly mode: RestoreMode;
  readonly backupId: number | null;
  readonly restoreTo?: string | undefined;
  readonly webModelerDump?: string | undefined;
  /** For the printed commands. */
  readonly cluster?: ClusterFlags | undefined;
}

export interface ResolveDeps {
  readonly kube: Pick<KubeClient, 'listPods'>;
  readonly workloads: WorkloadClient;
  readonly pool: ConnectionPool;
}

/** The broker StatefulSet among the release's workloads. */
function brokerOf(workloads: readonly Workload[], installation: Installation): Workload {
  const broker = workloads.find((w) => w.kind === 'StatefulSet' && w.labels['app.kubernetes.io/component'] === 'zeebe-broker');
  if (!broker) {
    throw new PreconditionError(`no Zeebe broker StatefulSet (app.kubernetes.io/component=zeebe-broker) found for release "${installation.release}" in namespace "${installation.namespace}"`, {
      hint: 'check the release name (--release) and namespace (-n)',
    });
  }
  return broker;
}

/** The refusal of a plan while the brokers are at 0 (a PreconditionError: exit 3, nothing changed). */
export class StoppedBrokersError extends PreconditionError {}

/**
 * A plan records the replicas it finds. With the brokers' StatefulSet at 0 it would record 0, wait for no broker
 * (the restore "succeeds" at once) and take every data PVC for an orphan: refused, saying how to get out. Only asked
 * when no unfinished journal holds the replicas recorded before the brokers were stopped.
 */
export function stoppedBrokersRefusal(
  broker: Pick<Workload, 'name' | 'replicas'>,
  installation: Pick<Installation, 'release' | 'namespace'> & { readonly secondaryStorage?: Installation['secondaryStorage'] | undefined },
  cluster: ClusterFlags,
  access?: string,
): StoppedBrokersError | undefined {
  if (broker.replicas > 0) return undefined;
  const target = { cluster, namespace: installation.namespace, release: installation.release, access };
  const rdbms = installation.secondaryStorage === 'rdbms';
  return new StoppedBrokersError(
    `statefulset/${broker.name} has 0 replicas and no unfinished restore journal recorded how many brokers it runs: a restore planned now would record 0, wait for no broker and delete every Zeebe data PVC as an orphan; nothing was changed`,
    {
      hint: [
        `if a restore stopped it, continue that restore (see ${toolCommand('restore --status', target)}; its journal is configmap/${journalNameFor(installation.release)}: if it was deleted, the replicas it recorded are gone)`,
        `otherwise scale the brokers back to the cluster size of your values, ${kubectlCommand(`scale statefulset ${broker.name}`, target)} --replicas=<clusterSize>, wait until they are ready, and run the restore again`,
        ...(rdbms ? ['on an RDBMS the database must be restored while Camunda is stopped: run restore --stop-for-database-restore first, restore the database after it'] : []),
      ].join('; '),
    },
  );
}

/** The broker StatefulSet of the release, read now (discovery may have failed because it is at 0): refused when it has 0 replicas. */
export async function refuseStoppedBrokers(installation: Parameters<typeof stoppedBrokersRefusal>[1], workloads: WorkloadClient, cluster: ClusterFlags, access?: string): Promise<void> {
  const all = await workloads.listWorkloads(installation.namespace, `app.kubernetes.io/instance=${installation.release}`);
  const broker = all.find((w) => w.kind === 'StatefulSet' && w.labels['app.kubernetes.io/component'] === 'zeebe-broker');
  const refusal = broker ? stoppedBrokersRefusal(broker, installation, cluster, access) : undefined;
  if (refusal) throw refusal;
}

export async function resolveRestoreFacts(installation: Installation, options: ResolveOptions, deps: ResolveDeps): Promise<RestoreFacts> {
  const { namespace, release } = installation;
  const all = await deps.workloads.listWorkloads(namespace, `app.kubernetes.io/instance=${release}`);
  const camunda = all.filter((w) => STOPPED_COMPONENTS.includes(w.labels['app.kubernetes.io/component'] ?? ''));
  const broker = brokerOf(camunda, installation);
  const stopped = stoppedBrokersRefusal(broker, installation, options.cluster ?? {});
  if (stopped) throw stopped;
  const container = broker.containers.find((c) => c.name === 'orchestration' || c.name === 'zeebe') ?? broker.containers[0];
  if (!container) throw new PreconditionError(`statefulset/${broker.name} has no container`);
  // The brokers first: they stop writing before the applications that read from them.
  const workloads: PlannedWorkload[] = [broker, ...camunda.filter((w) => w !== broker)].map((w) => ({
    kind: w.kind,
    name: w.name,
    component: w.labels['app.kubernetes.io/component'] ?? '',
    replicas: w.replicas,
  }));
  const warnings: string[] = [];

  let indices: string[] = [];
  let snapshots: PlannedSnapshot[] = [];
  let searchWhere: string | undefined;
  let kept: string[] = [];
  const indexPrefixes = options.mode === 'rdbms' ? [] : camundaIndexPrefixes(installation);
  if (options.mode === 'backup-id' && options.backupId !== null) {
    const search = installation.search;
    const repository = installation.repositoryName;
    if (!search) throw new PreconditionError('no Elasticsearch/OpenSearch endpoint found: the indices cannot be restored', { hint: 'check the release values (global.elasticsearch / global.opensearch)' });
    if (!repository) throw new PreconditionError("no snapshot repository name found in the components' configuration", { hint: 'pass --snapshot-repository <name>' });
    searchWhere = whereOf(search.target, search.url);
    // An external search engine is reached through curl in a pod: it must be one that the restore leaves running.
    const relay = search.target.kind === 'url' ? search.target.via : undefined;
    const stopping = relay ? workloads.find((w) => relay.pod.startsWith(`${w.name}-`)) : undefined;
    if (relay && stopping) {
      throw new PreconditionError(
        `${search.url} is reached through curl in pod ${relay.pod}, which the restore stops (${stopping.kind.toLowerCase()}/${stopping.name}); nothing was changed`,
        { hint: 'pass --exec-pod <pod> naming a pod that stays up during the restore and has curl (one you start for it, or Identity\'s)' },
      );
    }
    const context = await deps.pool.context({ target: search.target, authorization: search.authorization });
    // An error of the search engine here is said in one line at the command's boundary (planningError, exit 3).
    const listed = (await listIndicesByPrefix(context, indexPrefixes)).map((row) => row.index);
    snapshots = await snapshotsOf(context, repository, options.backupId);
    // A snapshot that holds an index under none of the release's prefixes would bring back (or, blocked by its open
    // index, fail on) another release's or application's index: the prefixes and the backup do not agree.
    const foreign = foreignSnapshotIndices(snapshots, indexPrefixes);
    if (foreign.length > 0) {
      throw new PreconditionError(
        `backup ${options.backupId} holds indices that are not under the index prefixes of release ${release} (${indexPrefixes.join(', ')}): ${foreign.join(', ')}; restoring it could overwrite another release's or application's data; nothing was changed`,
        { hint: 'check the index prefixes the release is configured with against the ones the backup was taken with' },
      );
    }
    const ambiguous = lookForeign(listed, indexPrefixes);
    if (ambiguous.length > 0) {
      throw new PreconditionError(
        `indices under the prefixes of release ${release} are named like another release's Camunda indices: ${ambiguous.join(', ')}; a restore cannot tell whose they are; nothing was changed`,
        { hint: 'give every release in this search engine an index prefix that does not begin another one (Camunda requires it for shared clusters)' },
      );
    }
    const held = new Set(snapshots.flatMap((s) => s.indices));
    kept = usageMetricsKept(installation, indexPrefixes, listed, held);
    // Every index of the release, and (already among them, by the check above) every index a snapshot brings back:
    // an open index of the same name blocks a snapshot's restore (§10).
    indices = listed.filter((index) => !kept.includes(index)).sort();
  }

  const zeebePartitions = await expectedPartitions(installation, options, deps.pool, warnings);

  const claims = (await deps.workloads.listClaims(namespace)).map((c) => c.name).filter((name) => claimOrdinal(broker.name, name) !== undefined);
  if (claims.length === 0) {
    warnings.push(`no data PVC (data-${broker.name}-<n>) found: the brokers keep their data elsewhere (persistenceType local or memory?), which a restore cannot empty`);
  }
  const dump = options.webModelerDump;
  const webModeler = installation.webModeler;
  return {
    release,
    namespace,
    line: installation.procedure.line,
    camundaVersion: installation.camundaVersion,
    chartVersion: installation.chartVersion,
    mode: options.mode,
    backupId: options.backupId,
    ...(options.restoreTo !== undefined ? { restoreTo: options.restoreTo } : {}),
    ...(searchWhere !== undefined ? { searchWhere } : {}),
    indexPrefixes,
    ...(kept.length > 0
      ? {
          keptIndices: {
            indices: kept,
            reason: `dated usage-metric indices that backup ${options.backupId ?? ''} does not hold (Camunda ${installation.camundaVersion}, camunda/camunda#47122): deleting them would lose the usage metrics`,
          },
        }
      : {}),
    workloads,
    indices,
    snapshots,
    claims,
    zeebePartitions,
    broker: {
      statefulSet: broker.name,
      container: container.name,
      env: container.env,
      ...(container.livenessProbe ? { livenessProbe: container.livenessProbe } : {}),
      ...(container.startupProbe ? { startupProbe: container.startupProbe } : {}),
    },
    ...(dump !== undefined && webModeler ? { webModeler: webModelerFactsOf(webModeler, release, dump, all) } : {}),
    webModelerDeployed: webModeler !== undefined || all.some((w) => w.name.includes('web-modeler')),
    ...(webModeler ? { webModelerLoad: webModelerLoadCommand(webModeler, dump ?? `web-modeler-${options.backupId ?? '<id>'}.sql`, options.cluster ?? {}) } : {}),
    warnings,
  };
}

/** The database the dump goes into, and the Web Modeler Deployments stopped while it loads (with their replicas now). */
function webModelerFactsOf(webModeler: WebModelerDatabase, release: string, file: string, all: readonly Workload[]): NonNullable<RestoreFacts['webModeler']> {
  return {
    file,
    database: webModeler.database,
    pod: webModeler.pod.pod,
    container: webModeler.pod.container,
    username: webModeler.username,
    port: webModeler.pod.port,
    // restapi, webapp, websockets: every Deployment of Web Modeler (not its database) is stopped for the load.
    workloads: all
      .filter((w) => w.kind === 'Deployment' && w.name.startsWith(`${release}-web-modeler`))
      .map((w) => ({ kind: w.kind, name: w.name, component: w.labels['app.kubernetes.io/component'] ?? '', replicas: w.replicas })),
  };
}

/**
 * A continued restore keeps its journal's plan; a --web-modeler-dump given on the rerun is added to it rather than
 * ignored. The load is the plan's last phase and Web Modeler is no workload the restore stops, so an unfinished
 * restore has not passed it and its stop/start steps fit after the others (their replicas read now). A plan that
 * loads a dump already takes the rerun's file while its load has not run; once it ran, another file is bad input.
 */
export async function continuedPlanWithDump(
  plan: RestorePlan,
  done: readonly string[],
  file: string,
  installation: Pick<Installation, 'webModeler' | 'namespace' | 'release'>,
  deps: Pick<ResolveDeps, 'workloads'>,
): Promise<{ readonly plan: RestorePlan; readonly change?: string | undefined }> {
  const planned = plan.steps.find((s) => s.action === 'load-web-modeler-dump');
  if (planned?.action === 'load-web-modeler-dump') {
    if (resolvePath(planned.file) === resolvePath(file)) return { plan };
    if (done.includes(planned.id)) {
      throw new UsageError(`--web-modeler-dump: this restore already loaded the Web Modeler dump ${planned.file}; it loads no other`, {
        hint: 'continue it without --web-modeler-dump (or with the same file)',
      });
    }
    return { plan: withWebModelerDumpFile(plan, file), change: `the Web Modeler dump of this restore is now ${file} (was ${planned.file})` };
  }
  if (!installation.webModeler) {
    throw new PreconditionError('--web-modeler-dump: no Web Modeler database found in the release', { hint: 'load the dump with psql yourself, or check that Web Modeler is enabled' });
  }
  const all = await deps.workloads.listWorkloads(installation.namespace, `app.kubernetes.io/instance=${installation.release}`);
  return {
    plan: withWebModelerLoad(plan, webModelerFactsOf(installation.webModeler, installation.release, file, all)),
    change: `this restore was planned without --web-modeler-dump: the load of ${file} is added as its last phase`,
  };
}

/** Every snapshot of the ID in the repository: web apps (or Operate and Tasklist), Optimize, and the zeebe-record one. */
async function snapshotsOf(context: ApiContext, repository: string, backupId: number): Promise<PlannedSnapshot[]> {
  const listed = await listSnapshots(context, repository, `camunda_*_${backupId}_*`);
  const found: PlannedSnapshot[] = [];
  for (const info of listed) {
    const match = SNAPSHOT_PART.exec(info.snapshot);
    if (!match || Number(match[2]) !== backupId) continue;
    found.push({ part: match[1] as PlannedSnapshot['part'], snapshot: info.snapshot, repository, indices: [...(info.indices ?? [])].sort() });
  }
  const records = await searchApi(context).snapshot(repository, zeebeRecordsSnapshotName(backupId));
  if (records) found.push({ part: 'zeebe-records', snapshot: records.snapshot, repository, indices: [...(records.indices ?? [])].sort() });
  const order = ['operate', 'tasklist', 'webapps', 'optimize', 'zeebe-records'];
  return found.sort((a, b) => order.indexOf(a.part) - order.indexOf(b.part) || a.snapshot.localeCompare(b.snapshot, 'en', { numeric: true }));
}

/**
 * What each partition of the Zeebe backup holds (its snapshot and checkpoint position, `GET …/<id>` while the
 * brokers run), so that the run can tell restored brokers from empty ones once they run again (§8.2). On RDBMS the
 * restore application picks the backups itself: every partition of the release, without positions.
 */
async function expectedPartitions(installation: Installation, options: ResolveOptions, pool: ConnectionPool, warnings: string[]): Promise<ExpectedPartition[]> {
  const eachPartition = (): ExpectedPartition[] => Array.from({ length: installation.partitionCount ?? 0 }, (_, i) => ({ partitionId: i + 1 }));
  if (options.mode === 'rdbms' || options.backupId === null) return eachPartition();
  const zeebe = partOf(layoutOf(installation), 'zeebe');
  try {
    if (!zeebe?.target) throw new Error('no Zeebe endpoint found');
    const backup = await (await pool.api({ ...zeebe, target: zeebe.target })).zeebeBackup(zeebe.path, options.backupId);
    return (backup.details ?? [])
      .map((d) => ({
        partitionId: d.partitionId,
        ...(d.snapshotId ? { snapshotId: d.snapshotId } : {}),
        ...(typeof d.checkpointPosition === 'number' ? { checkpointPosition: d.checkpointPosition } : {}),
      }))
      .sort((a, b) => a.partitionId - b.partitionId);
  } catch (error) {
    // A real run has just read it in its checks; a dry run does not check. Either way the plan says what it lacks.
    warnings.push(`the Zeebe backup ${options.backupId} cannot be read (${describeFailure(error)}): after the restore, each partition is only required to have a snapshot`);
    return eachPartition();
  }
}

/** Resolves the facts and builds the plan. */
export async function planRestore(installation: Installation, options: ResolveOptions, deps: ResolveDeps): Promise<RestorePlan> {
  return buildRestorePlan(await resolveRestoreFacts(installation, options, deps));
}
