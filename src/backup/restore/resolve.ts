/**
 * Reads, while the installation still runs, everything the restore plan names (camunda-restore.md §12 "Plan"):
 * the release's Camunda workloads and their replicas, Camunda's indices by their prefixes, the snapshots of the
 * backup ID, the broker StatefulSet's container and its data PVCs (orphans of earlier scale-downs included).
 * Read-only: nothing here changes the cluster.
 */
import type { ApiContext } from '../../camunda/management-api.js';
import { resolve as resolvePath } from 'node:path';
import type { Installation, WebModelerDatabase } from '../../camunda/installation.js';
import { existingIndices, listIndicesByPrefix } from '../../camunda/search-indices.js';
import { listSnapshots, searchApi, zeebeRecordsSnapshotName } from '../../camunda/search-api.js';
import { PreconditionError, UsageError } from '../../errors.js';
import { kubectlCommand, toolCommand, type ClusterFlags } from '../../kube/cluster-flags.js';
import type { KubeClient } from '../../kube/kube-client.js';
import type { Workload, WorkloadClient } from '../../kube/workload-client.js';
import type { ConnectionPool } from '../connections.js';
import { whereOf } from '../layout.js';
import { journalNameFor } from './journal.js';
import { webModelerLoadCommand } from './web-modeler.js';
import { buildRestorePlan, claimOrdinal, withWebModelerDumpFile, withWebModelerLoad, type PlannedSnapshot, type PlannedWorkload, type RestoreFacts, type RestoreMode, type RestorePlan } from './plan.js';

/**
 * The components that write Camunda data and must be stopped (§9 #6): the brokers (orchestration on 8.8+), the
 * 8.6/8.7 gateway and web apps, Optimize, Connectors, the 8.8 migration importer. Identity and Keycloak stay up
 * (camunda-docs#6202), and so do Elasticsearch/OpenSearch and the databases.
 */
export const STOPPED_COMPONENTS: readonly string[] = ['zeebe-broker', 'zeebe-gateway', 'operate', 'tasklist', 'optimize', 'connectors', 'zeebe-migration-importer', 'migration-importer'];

/** Camunda's index prefixes (the components' defaults, and the exporter's configured one). Never a bare word: a separator ends each. */
export function camundaIndexPrefixes(installation: Pick<Installation, 'procedure' | 'search'>): string[] {
  const prefixes = ['operate-', 'tasklist-', 'optimize-'];
  // 8.8+: the harmonised indices of the orchestration cluster (camunda-…); §1 "Index deletion pattern".
  if (installation.procedure.pauseBeforeWebapps) prefixes.push('camunda-');
  const zeebe = installation.search?.zeebeIndexPrefix ?? 'zeebe-record';
  prefixes.push(`${zeebe}_`, `${zeebe}-`);
  return [...new Set(prefixes)];
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
    indices = (await listIndicesByPrefix(context, indexPrefixes)).map((row) => row.index);
    snapshots = await snapshotsOf(context, repository, options.backupId);
    // An open index of the same name blocks a snapshot's restore (§10): whatever the snapshots hold and the cluster
    // has is deleted too, even where a configured prefix differs from the defaults.
    const held = await existingIndices(context, [...new Set(snapshots.flatMap((s) => s.indices))]);
    indices = [...new Set([...indices, ...held])].sort();
  }

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
    workloads,
    indices,
    snapshots,
    claims,
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

/** Resolves the facts and builds the plan. */
export async function planRestore(installation: Installation, options: ResolveOptions, deps: ResolveDeps): Promise<RestorePlan> {
  return buildRestorePlan(await resolveRestoreFacts(installation, options, deps));
}
