/**
 * The simulated cluster: live objects from a Helm fixture (or our own demo resources), one simulator per Camunda
 * management port and search cluster, and the fake Kubernetes API server in front, with a kubeconfig for the CLI.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { appVersionForChart, clusterFromManifest, fixtureChart, readFixture, repoRoot } from './cluster-from-manifests.js';
import type { ClusterObjects } from './cluster-from-manifests.js';
import { startFakeApiServer } from './kube/fake-apiserver.js';
import type { PolicyRule } from './kube/rbac.js';
import { workloadApi } from './kube/workload-api.js';
import { WorkloadController, type WorkloadTiming } from './kube/workloads.js';
import { restoreAppProgram, type RestoreAppControls } from './sim/restore-app.js';
import { issueServerCertificate, type TlsMaterial } from './kube/tls.js';
import type { ApiFaults, DenyRule, ExecHandler, FakeApiServer, PodNetwork } from './kube/fake-apiserver.js';
import { createFaults } from './sim/faults.js';
import type { SimFaults } from './sim/faults.js';
import { startSimServer } from './sim/http-sim.js';
import type { ErrorShape, SimHandler, SimHttpRequest, SimResponse, SimServer } from './sim/http-sim.js';
import { createPgDumpExecHandler, pgDumpText } from './sim/pg-dump.js';
import { createPsqlExecHandler, tablesOfDump, type PgState } from './sim/psql.js';
import type { PgDatabase, PgDumpConfig } from './sim/pg-dump.js';
import type { RequestLog, SimRequest } from './sim/request-log.js';
import { createSearchHandler, SEARCH_SIM_MAX_HEADER_SIZE, searchErrorShape } from './sim/search-sim.js';
import type { SearchSimConfig } from './sim/search-sim.js';
import { defaultIndices, defaultNaming, isDatedUsageMetric, SearchStore, type IndexNaming } from './sim/search-store.js';
import { SnapshotBackups } from './sim/snapshot-backups.js';
import type { SnapshotBackupConfig } from './sim/snapshot-backups.js';
import { commonActuator, notFound } from './sim/spring.js';
import type { ActuatorEndpoint } from './sim/spring.js';
import {
  asArray,
  asRecord,
  configMapText,
  envOf,
  externalSearchEndpoints,
  managementBasePath,
  physicalTenantsIn,
  podInfos,
  searchAuthFromValues,
  secretValue,
  yamlKey,
} from './sim/topology.js';
import type { PodInfo, SearchEndpoint } from './sim/topology.js';
import { defaultQuirks, webappBackupRoutes, webappErrorBody } from './sim/webapp-sim.js';
import type { WebappQuirks, WebappStyle } from './sim/webapp-sim.js';
import { ZeebeCluster } from './sim/zeebe-cluster.js';
import type { ZeebeConfig, ZeebeMinor } from './sim/zeebe-cluster.js';
import { exportingRoutes, partitionsRoute, zeebeBackupRoutes, zeebeErrorBody } from './sim/zeebe-sim.js';

export type { ClusterObjects } from './cluster-from-manifests.js';
export { clusterFromFixture, clusterFromManifest, fixturesDir, listFixtureScenarios } from './cluster-from-manifests.js';
export { indexStateOf } from './sim/search-indices.js';
export type { SimRequest } from './sim/request-log.js';
export type { SimFaults, HttpFault, BackupOutcomeFault, ExportingFault, SnapshotFault, BackupKind } from './sim/faults.js';

export interface WorldDurations {
  /** One Operate/Tasklist (8.6/8.7) or web-app (8.8/8.9) backup, all parts. */
  webapps: number;
  optimize: number;
  /** One Zeebe partition backup. */
  zeebe: number;
  /** A snapshot created through the ES/OS API (the zeebe-record snapshot). */
  snapshot: number;
  /** Web apps: INCOMPLETE is declared this long after the last part (real default 300 s). */
  incompleteCheckTimeout: number;
  /** The restore application on one broker (download + copy of its partitions). */
  restore: number;
}

export interface WorldBinaries {
  /** Binaries in Camunda images (Operate, Tasklist, Optimize, Zeebe, orchestration, Identity, …). Default curl, bash, sh. */
  camunda?: string[];
  /** Binaries in the Elasticsearch image. Default curl, bash, sh. */
  search?: string[];
  /** Per pod name, overrides the above. */
  byPod?: Record<string, string[]>;
}

export interface WorldOptions {
  fixture?: { chartVersion: string; scenario: string };
  /** Name of a resource set under test/world/resources (used when no fixture is given; default demo-8.7). */
  resources?: string;
  release?: string;
  namespace?: string;
  /** Initial simulator faults; the live object is World.faults. */
  faults?: Partial<SimFaults>;
  durations?: Partial<WorldDurations>;
  execProtocol?: 'v5' | 'v4';
  binaries?: WorldBinaries;
  rbacDeny?: DenyRule[];
  /** RBAC: the identity holds exactly this Role (see kube/rbac.ts); rbacDeny still applies on top. */
  role?: PolicyRule[];
  /** Controllers and kubelet of the simulated cluster (pod start/ready/termination, crash-loop back-off). */
  workloadTiming?: Partial<WorkloadTiming>;
  /** Extra fake API server faults (exec drops, port-forward refusal, …). */
  apiFaults?: ApiFaults;
  /** Override the repository names the components are configured with (null = not configured). */
  repositories?: Partial<Record<'operate' | 'tasklist' | 'optimize' | 'webapps', string | null>>;
  /** Snapshot repositories registered in ES/OS. Default: every repository name the components use, else camunda-backup. */
  searchRepositories?: string[];
  zeebe?: Partial<Pick<ZeebeConfig, 'store' | 'continuous' | 'offset' | 'takeResponseHasBackupId' | 'partitions' | 'physicalTenants'>>;
  quirks?: Partial<Record<'operate' | 'tasklist', Partial<WebappQuirks>>>;
  /** How a Service picks a pod for curl inside the cluster. Real kube-proxy spreads connections; default round-robin. */
  serviceRouting?: 'round-robin' | 'first';
  /** Serve https:// external ES/OS hosts with TLS from a world CA (default true); false = plain HTTP on those ports. */
  externalSearchTls?: boolean;
  pgDump?: Partial<PgDumpConfig>;
  token?: string;
  /**
   * Security on the release's own Elasticsearch (the bundled one answers without credentials otherwise): it then
   * demands Basic auth with these, and the release names them as a chart user would (`global.elasticsearch.auth`:
   * username, existingSecret `<release>-search-credentials`, key `password`).
   */
  searchCredentials?: { username: string; password: string };
  /**
   * Edits the release's objects before anything runs, as a `helm upgrade` with other values would have left them
   * (env on a component, other image tags): what the simulators run and what discovery reads follow from them.
   */
  customize?: (objects: ClusterObjects) => void;
  /**
   * Another release (or application) that shares this release's search engine: its indices, named by its own
   * prefixes (defaults for what is not given), are in the store beside this release's.
   */
  neighbour?: { naming?: Partial<IndexNaming>; zeebeRecords?: boolean; optimize?: boolean; minor?: string };
}

export interface SimPod {
  readonly namespace: string;
  readonly name: string;
  readonly role: PodInfo['role'];
  readonly ip: string | undefined;
  /** Container port → 127.0.0.1 port of its simulator. */
  readonly ports: Record<number, number>;
}

export interface WorldSims {
  readonly minor: ZeebeMinor;
  readonly chartVersion: string;
  readonly zeebe: ZeebeCluster | undefined;
  readonly search: SearchStore | undefined;
  readonly searchConfig: SearchSimConfig;
  /** Snapshot-based backups per kind (operate, tasklist on 8.6/8.7; webapps on 8.8/8.9; optimize). */
  readonly backups: Partial<Record<'operate' | 'tasklist' | 'webapps' | 'optimize', SnapshotBackups>>;
  readonly pods: SimPod[];
  readonly servers: SimServer[];
  /** External ES/OS endpoints and the local port serving each. */
  readonly externalSearch: Array<SearchEndpoint & { localPort: number }>;
  /** CA of the external search TLS certificates (PEM), and a file holding it. */
  readonly searchCaPem: string | undefined;
  readonly searchCaFile: string | undefined;
  readonly pgDump: PgDumpConfig;
  /** The Web Modeler databases' tables as psql left them, and every psql run (sim/psql.ts). */
  readonly pg: PgState;
  /** Knobs of the simulated broker restore application (sim/restore-app.ts). */
  readonly restoreApp: RestoreAppControls;
  /** How this release's components name their indices (from its configuration). */
  readonly indexNaming: IndexNaming;
  /** The indices of the neighbour release (WorldOptions.neighbour) in the shared store. */
  readonly neighbourIndices: readonly string[];
  /** Forget per-pod memory (running web-app backups), as a pod restart does. Exporting state survives, like the real thing. */
  restartPod(name: string): void;
}

export interface World {
  readonly kubeconfigPath: string;
  /** Environment for spawning the CLI: KUBECONFIG (merge over process.env). */
  readonly env: Record<string, string>;
  readonly namespace: string;
  readonly release: string;
  readonly objects: ClusterObjects;
  readonly log: SimRequest[];
  readonly api: FakeApiServer;
  /** How pods reach each other (what the fake API server uses for exec and port-forward). */
  readonly network: PodNetwork;
  readonly faults: SimFaults;
  readonly sims: WorldSims;
  /** Deployment/StatefulSet/PVC controllers and the kubelet (scale, patch, pod logs, volume contents). */
  readonly workloads: WorkloadController;
  /** 127.0.0.1 port of a pod's simulated container port (throws when there is none). */
  portOf(pod: string, containerPort: number): number;
  stop(): Promise<void>;
}

const DEFAULT_DURATIONS: WorldDurations = { webapps: 300, optimize: 200, zeebe: 300, snapshot: 150, incompleteCheckTimeout: 300_000, restore: 150 };
const MINOR_BY_CHART_MAJOR: Record<string, ZeebeMinor> = { '11': '8.6', '12': '8.7', '13': '8.8', '14': '8.9', '15': '8.10' };

/** Values with `global.elasticsearch.auth` naming the credentials Secret (see WorldOptions.searchCredentials). */
function withSearchAuth(values: unknown, release: string, username: string): unknown {
  const v = asRecord(values);
  const global = asRecord(v['global']);
  const elasticsearch = asRecord(global['elasticsearch']);
  const auth = { username, existingSecret: `${release}-search-credentials`, existingSecretKey: 'password' };
  return { ...v, global: { ...global, elasticsearch: { ...elasticsearch, auth } } };
}

export function resourcesDir(): string {
  return join(repoRoot(), 'test', 'world', 'resources');
}

/** A resource set: `<name>.yaml` (manifest; first line `# world: chartVersion=<x>`) and optional `<name>.values.yaml`. */
export function readResources(name: string, release: string, namespace: string): { manifest: string; values: unknown; chartVersion: string } {
  const path = join(resourcesDir(), `${name}.yaml`);
  if (!existsSync(path)) throw new Error(`No world resources ${path}`);
  let manifest = readFileSync(path, 'utf8');
  const chartVersion = /^# world: chartVersion=(\S+)/m.exec(manifest)?.[1];
  if (!chartVersion) throw new Error(`${path}: first line must be "# world: chartVersion=<version>"`);
  manifest = manifest.replace(/\{\{RELEASE\}\}/g, release).replace(/\{\{NAMESPACE\}\}/g, namespace);
  const valuesPath = join(resourcesDir(), `${name}.values.yaml`);
  const values = existsSync(valuesPath) ? ((parseYaml(readFileSync(valuesPath, 'utf8')) as unknown) ?? {}) : {};
  return { manifest, values, chartVersion };
}

/** TLS for simulated search clusters outside the cluster: their own CA, one certificate for every host. */
function searchTls(hosts: string[]): Promise<TlsMaterial> {
  return issueServerCertificate({
    ca: 'simulated-search-ca',
    server: hosts[0] ?? 'search.example.internal',
    altNames: hosts.map((value) => ({ type: 2 as const, value })),
  });
}

function matchesSelector(labels: Record<string, unknown>, selector: Record<string, unknown>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

function isRunning(pod: unknown): boolean {
  const p = asRecord(pod);
  const status = asRecord(p['status']);
  const ready = asArray(status['conditions']).some((c) => asRecord(c)['type'] === 'Ready' && asRecord(c)['status'] === 'True');
  return status['phase'] === 'Running' && ready && asRecord(p['metadata'])['deletionTimestamp'] == null;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const release = options.release ?? 'camunda';
  const namespace = options.namespace ?? 'camunda';
  const durations: WorldDurations = { ...DEFAULT_DURATIONS, ...options.durations };
  const faults = createFaults(options.faults);
  const log: RequestLog = [];
  const servers: SimServer[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'camunda-world-'));

  // Objects.
  let chartVersion: string;
  let objects: ClusterObjects;
  let values: unknown;
  if (options.fixture) {
    chartVersion = options.fixture.chartVersion;
    const fixture = readFixture(chartVersion, options.fixture.scenario, { release, namespace });
    values = fixture.values;
    const chart = fixtureChart(chartVersion);
    objects = clusterFromManifest(fixture.manifest, { release, namespace, chartVersion, appVersion: appVersionForChart(chartVersion), values, ...(chart ? { chart } : {}) });
  } else {
    const resources = readResources(options.resources ?? 'demo-8.7', release, namespace);
    chartVersion = resources.chartVersion;
    values = options.searchCredentials ? withSearchAuth(resources.values, release, options.searchCredentials.username) : resources.values;
    objects = clusterFromManifest(resources.manifest, { release, namespace, chartVersion, appVersion: appVersionForChart(chartVersion), values });
  }
  if (options.searchCredentials) {
    if (options.fixture) throw new Error('searchCredentials is for the resource sets; a fixture brings its own');
    objects.secrets.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${release}-search-credentials`, namespace, uid: randomUUID(), resourceVersion: '1', creationTimestamp: new Date().toISOString() },
      type: 'Opaque',
      data: { password: Buffer.from(options.searchCredentials.password, 'utf8').toString('base64') },
    });
  }
  options.customize?.(objects);
  const minor: ZeebeMinor = MINOR_BY_CHART_MAJOR[chartVersion.split('.')[0] ?? ''] ?? '8.7';
  const modern = minor === '8.8' || minor === '8.9' || minor === '8.10';
  const pods = podInfos(objects);
  const ofRole = (role: PodInfo['role']): PodInfo[] => pods.filter((p) => p.role === role);
  const brokers = ofRole('zeebe-broker').sort((a, b) => (a.ordinal ?? 0) - (b.ordinal ?? 0));
  const versionOf = (list: PodInfo[], fallback: string): string => list.find((p) => p.version)?.version ?? fallback;
  const zeebeVersion = versionOf(brokers, `${minor}.0`);

  // Configuration the components were deployed with.
  const zeebeConfigText = configMapText(objects, namespace, (name) => /zeebe-configuration/.test(name) && !name.includes('gateway'));
  const rdbms = modern && /^\s*type:\s*"?rdbms"?\s*$/m.test(zeebeConfigText);
  const zeebeRecords = !modern || /io\.camunda\.zeebe\.exporter\.(Elasticsearch|Opensearch)Exporter/.test(zeebeConfigText);
  const override = (key: 'operate' | 'tasklist' | 'optimize' | 'webapps', discovered: string | undefined): string | undefined => {
    const value = options.repositories?.[key];
    return value === null ? undefined : (value ?? discovered);
  };
  const repoOperate = override(
    'operate',
    envOf(ofRole('operate'), ['CAMUNDA_OPERATE_BACKUP_REPOSITORYNAME', 'CAMUNDA_OPERATE_BACKUP_REPOSITORY_NAME']) ??
      yamlKey(configMapText(objects, namespace, (n) => n.endsWith('operate-configuration')), ['repositoryName']),
  );
  const repoTasklist = override(
    'tasklist',
    envOf(ofRole('tasklist'), ['CAMUNDA_TASKLIST_BACKUP_REPOSITORYNAME', 'CAMUNDA_TASKLIST_BACKUP_REPOSITORY_NAME']) ??
      yamlKey(configMapText(objects, namespace, (n) => n.endsWith('tasklist-configuration')), ['repositoryName']),
  );
  const repoOptimize = override('optimize', envOf(ofRole('optimize'), ['CAMUNDA_OPTIMIZE_BACKUP_REPOSITORY_NAME']));
  const repoWebapps = override(
    'webapps',
    envOf(brokers, [
      'CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_BACKUP_REPOSITORYNAME',
      'CAMUNDA_DATA_SECONDARYSTORAGE_OPENSEARCH_BACKUP_REPOSITORYNAME',
      'CAMUNDA_DATA_BACKUP_REPOSITORYNAME',
      'CAMUNDA_OPERATE_BACKUP_REPOSITORYNAME',
      'CAMUNDA_TASKLIST_BACKUP_REPOSITORYNAME',
    ]) ?? yamlKey(zeebeConfigText, ['repository-name', 'repositoryName']),
  );
  const storeEnv = envOf(brokers, ['CAMUNDA_DATA_PRIMARYSTORAGE_BACKUP_STORE', 'CAMUNDA_DATA_BACKUP_STORE', 'ZEEBE_BROKER_DATA_BACKUP_STORE']);
  const continuousEnv = envOf(brokers, ['CAMUNDA_DATA_PRIMARYSTORAGE_BACKUP_CONTINUOUS', 'CAMUNDA_DATA_BACKUP_CONTINUOUS']);
  const partitionCount = Number(yamlKey(zeebeConfigText, ['partitionsCount', 'partition-count', 'partitionCount']) ?? 3);
  const replication = Number(yamlKey(zeebeConfigText, ['replicationFactor', 'replication-factor']) ?? Math.min(3, brokers.length || 1));

  // Search cluster: the bundled ES pods, or the external ES/OS the config names.
  const services = objects.services.map(asRecord);
  const serviceNames = new Set(services.map((s) => String(asRecord(s['metadata'])['name'])));
  const isClusterHost = (host: string): boolean => {
    const first = host.split('.')[0] ?? '';
    return serviceNames.has(first) || host.endsWith('.svc') || host.endsWith('.cluster.local') || host === 'localhost';
  };
  const external = externalSearchEndpoints(objects, isClusterHost);
  const esPods = ofRole('elasticsearch');
  const flavor: 'elasticsearch' | 'opensearch' | undefined =
    esPods.length > 0 ? 'elasticsearch' : (external.find((e) => e.flavor === 'opensearch')?.flavor ?? external[0]?.flavor ?? (ofRole('optimize').length > 0 || (modern && !rdbms) ? 'elasticsearch' : undefined));
  const configuredRepos = [repoOperate, repoTasklist, repoOptimize, repoWebapps].filter((r): r is string => !!r);
  const searchVersion = flavor === 'opensearch' ? '2.19.1' : (/:(\d+\.\d+\.\d+)/.exec(esPods[0]?.image ?? '')?.[1] ?? '8.17.4');
  let credentials: { username: string; password: string } | undefined;
  if (flavor && (esPods.length === 0 || options.searchCredentials)) {
    const auth = searchAuthFromValues(values, flavor);
    const password = auth ? secretValue(objects, namespace, auth.secret, auth.key) : undefined;
    if (auth && password !== undefined) credentials = { username: auth.username, password };
  }
  const naming = indexNamingOf(minor, { brokers, operate: ofRole('operate'), tasklist: ofRole('tasklist'), optimize: ofRole('optimize') }, {
    zeebe: zeebeConfigText,
    operate: configMapText(objects, namespace, (n) => n.endsWith('operate-configuration')),
    tasklist: configMapText(objects, namespace, (n) => n.endsWith('tasklist-configuration')),
  });
  const neighbour = options.neighbour;
  const neighbourMinor = neighbour?.minor ?? minor;
  const neighbourIndices = neighbour
    ? defaultIndices(neighbourMinor, { zeebeRecords: neighbour.zeebeRecords ?? true, optimize: neighbour.optimize ?? true, naming: { ...defaultNaming(neighbourMinor), ...neighbour.naming } })
    : [];
  const ownIndices = defaultIndices(minor, { zeebeRecords, optimize: ofRole('optimize').length > 0, naming });
  const shared = neighbourIndices.filter((index) => ownIndices.includes(index));
  // Two releases with the same index names share their data: no real installation runs like that.
  if (shared.length > 0) throw new Error(`the neighbour release would share these indices with ${release}: ${shared.join(', ')}; give it other prefixes`);
  const search = flavor
    ? new SearchStore({
        flavor,
        version: searchVersion,
        repositories: options.searchRepositories ?? (configuredRepos.length > 0 ? [...new Set(configuredRepos)] : ['camunda-backup']),
        indices: [...ownIndices, ...neighbourIndices],
        credentials,
      })
    : undefined;
  const searchConfig: SearchSimConfig = { snapshotDurationMs: durations.snapshot, rejectFeatureStates: true };

  // Zeebe.
  const zeebe =
    brokers.length > 0
      ? new ZeebeCluster(
          {
            store: options.zeebe?.store ?? ((storeEnv?.toUpperCase() as ZeebeConfig['store'] | undefined) ?? 'NONE'),
            continuous: options.zeebe?.continuous ?? continuousEnv === 'true',
            offset: options.zeebe?.offset ?? 0,
            durationMs: durations.zeebe,
            partitions: options.zeebe?.partitions ?? partitionCount,
            brokers: brokers.length,
            replicationFactor: replication,
            version: zeebeVersion,
            minor,
            takeResponseHasBackupId: options.zeebe?.takeResponseHasBackupId ?? false,
            physicalTenants: options.zeebe?.physicalTenants ?? physicalTenantsIn(objects, namespace, (name) => /zeebe-configuration/.test(name) && !name.includes('gateway')),
          },
          faults,
        )
      : undefined;

  // Snapshot-based backups.
  const backups: WorldSims['backups'] = {};
  const engine = (kind: 'operate' | 'tasklist' | 'webapps' | 'optimize', prefix: string, version: string, parts: number, sequential: boolean, repository: string | undefined, durationMs: number): SnapshotBackups | undefined => {
    if (!search) return undefined;
    const config: SnapshotBackupConfig = { repository, durationMs, incompleteCheckTimeoutMs: durations.incompleteCheckTimeout };
    const own = kind === 'webapps' ? [naming.operate, naming.tasklist, naming.camunda ?? naming.operate] : [naming[kind]];
    // 8.8 before 8.8.15 leaves the dated usage-metric indices out of its web-app backup (camunda/camunda#47122).
    const withoutDatedMetrics = kind === 'webapps' && minor === '8.8' && Number(/^8\.8\.(\d+)/.exec(version)?.[1] ?? '99') < 15;
    const indices = search.indices.filter((i) => own.some((p) => i.startsWith(p)) && !(withoutDatedMetrics && isDatedUsageMetric(i, naming)));
    const created = new SnapshotBackups({ kind, prefix, version, parts, sequential, indices }, search, config, faults);
    backups[kind] = created;
    return created;
  };
  if (!modern) {
    if (ofRole('operate').length > 0) engine('operate', 'camunda_operate', versionOf(ofRole('operate'), `${minor}.0`), 6, true, repoOperate, durations.webapps);
    if (ofRole('tasklist').length > 0) engine('tasklist', 'camunda_tasklist', versionOf(ofRole('tasklist'), `${minor}.0`), 6, true, repoTasklist, durations.webapps);
  } else if (!rdbms && brokers.length > 0) {
    engine('webapps', 'camunda_webapps', zeebeVersion, 5, true, repoWebapps, durations.webapps);
  }
  if (ofRole('optimize').length > 0) engine('optimize', 'camunda_optimize', versionOf(ofRole('optimize'), `${minor}.0`), 2, false, repoOptimize, durations.optimize);

  // One simulator per management port.
  const simPods: SimPod[] = [];
  const portsByPod = new Map<string, Record<number, number>>();
  const addServer = async (pod: PodInfo, containerPort: number, component: string, handler: SimHandler, errorShape: ErrorShape, basePath = '', maxHeaderSize?: number): Promise<void> => {
    const server = await startSimServer({ component, pod: pod.name, handler, log, faults, errorShape, basePath, maxHeaderSize });
    servers.push(server);
    const key = `${pod.namespace}/${pod.name}`;
    const ports = portsByPod.get(key) ?? {};
    ports[containerPort] = server.port;
    portsByPod.set(key, ports);
  };
  const route = (basePath: string, endpoints: ActuatorEndpoint[], routes: Array<(r: SimHttpRequest) => SimResponse | undefined>): SimHandler => {
    return (request) => commonActuator(request, basePath, endpoints) ?? routes.reduce<SimResponse | undefined>((found, r) => found ?? r(request), undefined) ?? notFound(request);
  };
  const quirksFor = (style: 'operate' | 'tasklist'): WebappQuirks => ({ ...defaultQuirks(style, minor), ...options.quirks?.[style] });
  const webappShape = (style: WebappStyle): ErrorShape => (status, message) => webappErrorBody(style, status, message);

  const starts: Array<Promise<void>> = [];
  for (const pod of pods) {
    switch (pod.role) {
      case 'operate':
      case 'tasklist': {
        const port = 9600;
        const basePath = managementBasePath(pod, port);
        const engineFor = backups[pod.role];
        const routes = engineFor ? [webappBackupRoutes({ style: pod.role, endpoint: 'backups', backups: engineFor, pod: pod.name, quirks: quirksFor(pod.role) })] : [];
        starts.push(addServer(pod, port, pod.role, route(basePath, ['health', 'info', 'prometheus', 'backups'], routes), webappShape(pod.role), basePath));
        break;
      }
      case 'optimize': {
        const engineFor = backups.optimize;
        const routes = engineFor ? [webappBackupRoutes({ style: 'optimize', endpoint: 'backups', backups: engineFor, pod: pod.name, quirks: { notFoundStatus: 404 } })] : [];
        starts.push(addServer(pod, 8092, 'optimize', route('', ['health', 'prometheus', 'backups'], routes), webappShape('optimize')));
        break;
      }
      case 'zeebe-gateway': {
        if (!zeebe) break;
        const basePath = managementBasePath(pod, 9600);
        const routes = [zeebeBackupRoutes(zeebe, 'backups'), exportingRoutes(zeebe)];
        starts.push(addServer(pod, 9600, 'zeebe-gateway', route(basePath, ['health', 'info', 'prometheus', 'backups', 'exporting'], routes), zeebeErrorBody, basePath));
        break;
      }
      case 'zeebe-broker': {
        if (!zeebe) break;
        const index = pod.ordinal ?? brokers.indexOf(pod);
        const basePath = managementBasePath(pod, 9600);
        if (modern) {
          const webapps = backups.webapps;
          const routes = [
            zeebeBackupRoutes(zeebe, 'backupRuntime'),
            ...(webapps ? [webappBackupRoutes({ style: 'webapps', endpoint: 'backupHistory', backups: webapps, pod: pod.name, quirks: { notFoundStatus: 404 } })] : []),
            exportingRoutes(zeebe),
            partitionsRoute(zeebe, index),
          ];
          const endpoints: ActuatorEndpoint[] = ['health', 'info', 'prometheus', ...(webapps ? (['backupHistory'] as const) : []), 'backupRuntime', 'exporting', 'partitions'];
          starts.push(addServer(pod, 9600, 'orchestration', route(basePath, endpoints, routes), zeebeErrorBody, basePath));
        } else {
          const routes = [zeebeBackupRoutes(zeebe, 'backups'), exportingRoutes(zeebe), partitionsRoute(zeebe, index)];
          starts.push(addServer(pod, 9600, 'zeebe-broker', route(basePath, ['health', 'prometheus', 'backups', 'exporting', 'partitions'], routes), zeebeErrorBody, basePath));
        }
        break;
      }
      case 'elasticsearch': {
        if (!search) break;
        starts.push(addServer(pod, 9200, search.flavor, createSearchHandler(search, searchConfig, faults), searchErrorShape(search.flavor), '', SEARCH_SIM_MAX_HEADER_SIZE));
        break;
      }
      default:
        break;
    }
  }
  await Promise.all(starts);

  // External ES/OS hosts.
  const externalSearch: WorldSims['externalSearch'] = [];
  let searchCaPem: string | undefined;
  let searchCaFile: string | undefined;
  if (search && external.length > 0) {
    const useTls = options.externalSearchTls !== false && external.some((e) => e.scheme === 'https');
    const tls = useTls ? await searchTls([...new Set(external.map((e) => e.host))]) : undefined;
    if (tls) {
      searchCaPem = tls.caPem;
      searchCaFile = join(tmp, 'search-ca.pem');
      writeFileSync(searchCaFile, tls.caPem);
    }
    for (const endpoint of external) {
      const server = await startSimServer({
        component: search.flavor,
        pod: endpoint.host,
        handler: createSearchHandler(search, searchConfig, faults),
        log,
        faults,
        errorShape: searchErrorShape(search.flavor),
        maxHeaderSize: SEARCH_SIM_MAX_HEADER_SIZE,
        ...(tls && endpoint.scheme === 'https' ? { tls: { cert: tls.certPem, key: tls.keyPem } } : {}),
      });
      servers.push(server);
      externalSearch.push({ ...endpoint, localPort: server.port });
    }
  }

  for (const pod of pods) simPods.push({ namespace: pod.namespace, name: pod.name, role: pod.role, ip: pod.ip, ports: portsByPod.get(`${pod.namespace}/${pod.name}`) ?? {} });

  // Pod network for the fake API server.
  const binariesFor = (podName: string): string[] => {
    const byPod = options.binaries?.byPod?.[podName];
    if (byPod) return byPod;
    const info = pods.find((p) => p.name === podName);
    if (info?.role === 'elasticsearch') return options.binaries?.search ?? ['curl', 'bash', 'sh'];
    if (info?.role === 'postgresql-web-modeler') return ['pg_dump', 'pg_dumpall', 'psql', 'bash', 'sh'];
    return options.binaries?.camunda ?? ['curl', 'bash', 'sh'];
  };
  const roundRobin = new Map<string, number>();
  // Pods the controllers create later (new Deployment pod names) are played by the simulator of their workload.
  const workloads = new WorkloadController(objects, options.workloadTiming);
  const ownerKey = (pod: unknown): string | undefined => {
    const owner = workloads.ownerOf(pod);
    return owner ? `${String(asRecord(asRecord(pod)['metadata'])['namespace'])}/${owner.kind}/${owner.name}` : undefined;
  };
  const portsByWorkload = new Map<string, Record<number, number>>();
  for (const pod of objects.pods) {
    const key = ownerKey(pod);
    const ports = portsByPod.get(`${String(asRecord(asRecord(pod)['metadata'])['namespace'])}/${String(asRecord(asRecord(pod)['metadata'])['name'])}`);
    if (key && ports && !portsByWorkload.has(key)) portsByWorkload.set(key, ports);
  }
  const podPort = (ns: string, pod: string, port: number): number | undefined => {
    const live = objects.pods.find((p) => asRecord(asRecord(p)['metadata'])['name'] === pod && asRecord(asRecord(p)['metadata'])['namespace'] === ns);
    if (!live || !isRunning(live)) return undefined;
    const key = ownerKey(live);
    return portsByPod.get(`${ns}/${pod}`)?.[port] ?? (key ? portsByWorkload.get(key)?.[port] : undefined);
  };
  const servicePort = (ns: string, serviceName: string, port: number, onlyPod?: string): number | undefined => {
    const service = objects.services.map(asRecord).find((s) => asRecord(s['metadata'])['name'] === serviceName && asRecord(s['metadata'])['namespace'] === ns);
    if (!service) return undefined;
    const spec = asRecord(service['spec']);
    const servicePortSpec = asArray(spec['ports']).map(asRecord).find((p) => Number(p['port']) === port);
    if (!servicePortSpec) return undefined;
    const selector = asRecord(spec['selector']);
    const candidates = objects.pods
      .map(asRecord)
      .filter((p) => asRecord(p['metadata'])['namespace'] === ns && isRunning(p) && matchesSelector(asRecord(asRecord(p['metadata'])['labels']), selector))
      .filter((p) => onlyPod === undefined || asRecord(p['metadata'])['name'] === onlyPod)
      .map((p) => String(asRecord(p['metadata'])['name']))
      .sort();
    if (candidates.length === 0) return undefined;
    const key = `${ns}/${serviceName}:${port}`;
    const turn = roundRobin.get(key) ?? 0;
    roundRobin.set(key, turn + 1);
    const chosen = options.serviceRouting === 'first' || onlyPod !== undefined ? candidates[0] : candidates[turn % candidates.length];
    if (!chosen) return undefined;
    const target = servicePortSpec['targetPort'] ?? port;
    const info = pods.find((p) => p.name === chosen && p.namespace === ns);
    const containerPort = typeof target === 'string' ? info?.namedPorts[target] : Number(target);
    return containerPort === undefined ? undefined : podPort(ns, chosen, containerPort);
  };
  const network: PodNetwork = {
    podPort,
    // The external search hosts stand for managed services with publicly trusted certificates: images trust them.
    trustedCaFile: searchCaFile,
    resolve(ns, pod, host, port) {
      const name = host.toLowerCase().replace(/\.$/, '');
      if (name === 'localhost' || name === '127.0.0.1' || name === '::1') return podPort(ns, pod, port);
      // Live pods first: controllers give recreated pods their IPs (pod IP → that pod, as on a real network).
      const live = objects.pods.map(asRecord).find((p) => asRecord(p['status'])['podIP'] === name && asRecord(p['metadata'])['deletionTimestamp'] === undefined);
      if (live) return podPort(String(asRecord(live['metadata'])['namespace']), String(asRecord(live['metadata'])['name']), port);
      const byIp = pods.find((p) => p.ip === name);
      if (byIp) return podPort(byIp.namespace, byIp.name, port);
      const ext = externalSearch.find((e) => e.host === name && e.port === port);
      if (ext) return ext.localPort;
      const stripped = name.replace(/\.svc\.cluster\.local$/, '').replace(/\.svc$/, '');
      const parts = stripped.split('.');
      if (parts.length === 1 && parts[0]) return servicePort(ns, parts[0], port);
      if (parts.length === 2 && parts[0] && parts[1]) return servicePort(parts[1], parts[0], port) ?? servicePort(ns, parts[1], port, parts[0]);
      // <pod>.<headless service>.<namespace>
      if (parts.length === 3 && parts[0] && parts[1] && parts[2]) return servicePort(parts[2], parts[1], port, parts[0]) ?? (podPort(parts[2], parts[0], port));
      return undefined;
    },
    hasBinary(_ns, pod, _container, binary) {
      return binariesFor(pod).includes(binary.split('/').pop() ?? binary);
    },
  };

  // pg_dump in the Web Modeler database pod.
  const pgDump: PgDumpConfig = { rows: 2000, ...options.pgDump };
  const databases: PgDatabase[] = ofRole('postgresql-web-modeler').map((p) => ({
    namespace: p.namespace,
    pod: p.name,
    database: p.env['POSTGRES_DATABASE'] ?? p.env['POSTGRESQL_DATABASE'] ?? 'postgres',
    user: p.env['POSTGRES_USER'] ?? p.env['POSTGRESQL_USERNAME'] ?? 'postgres',
  }));
  const pg: PgState = { tables: new Map(), loads: [] };
  const pgDumpHandler = createPgDumpExecHandler(databases, pgDump);
  const psqlHandler = createPsqlExecHandler(databases, pg, (database) => tablesOfDump(pgDumpText(database, pgDump.rows)));
  const execHandler: ExecHandler = async (ctx) => (await pgDumpHandler(ctx)) ?? psqlHandler(ctx);

  const token = options.token ?? 'world-token-0123456789';
  const apiFaults: ApiFaults = {
    ...options.apiFaults,
    ...(options.execProtocol ? { execProtocol: options.execProtocol } : {}),
    ...(options.rbacDeny ? { deny: options.rbacDeny } : {}),
    ...(options.role ? { role: options.role } : {}),
  };
  const restoreApp: RestoreAppControls = { exportingAfterRestore: 'EXPORTING' };
  if (zeebe) {
    workloads.addProgram(
      restoreAppProgram({
        zeebe,
        minor,
        chartVersion,
        configMap: (ns, name) => {
          const found = objects.configMaps.map(asRecord).find((c) => asRecord(c['metadata'])['name'] === name && asRecord(c['metadata'])['namespace'] === ns);
          return found ? (asRecord(found['data']) as Record<string, string>) : undefined;
        },
        restoreMs: durations.restore,
        brokerReadyMs: workloads.timing.readyMs,
        rdbms,
        controls: restoreApp,
      }),
    );
  }
  let api: FakeApiServer;
  try {
    api = await startFakeApiServer({ objects, token, network, faults: apiFaults, execHandler, extensions: [workloadApi(workloads)] });
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    throw error;
  }
  const kubeconfigPath = join(tmp, 'kubeconfig');
  writeFileSync(kubeconfigPath, api.kubeconfig({ namespace }), { mode: 0o600 });

  const sims: WorldSims = {
    minor,
    chartVersion,
    zeebe,
    search,
    searchConfig,
    backups,
    pods: simPods,
    servers,
    externalSearch,
    searchCaPem,
    searchCaFile,
    indexNaming: naming,
    neighbourIndices,
    pgDump,
    pg,
    restoreApp,
    restartPod(name: string) {
      for (const engineFor of Object.values(backups)) engineFor?.restartPod(name);
    },
  };
  let stopped = false;
  return {
    kubeconfigPath,
    env: { KUBECONFIG: kubeconfigPath },
    namespace,
    release,
    objects,
    log,
    api,
    network,
    faults,
    sims,
    workloads,
    portOf(pod: string, containerPort: number) {
      const port = portsByPod.get(`${namespace}/${pod}`)?.[containerPort];
      if (port === undefined) throw new Error(`No simulator for ${pod}:${containerPort}`);
      return port;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      workloads.stop();
      await Promise.all([api.close(), ...servers.map((s) => s.close())]);
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** How the release's components name their indices, read from their env and configuration files as they would. */
function indexNamingOf(
  minor: ZeebeMinor,
  pods: { brokers: PodInfo[]; operate: PodInfo[]; tasklist: PodInfo[]; optimize: PodInfo[] },
  config: { zeebe: string; operate: string; tasklist: string },
): IndexNaming {
  const both = (name: (engine: string) => string): string[] => ['ELASTICSEARCH', 'OPENSEARCH'].map(name);
  const zeebe = envOf(pods.brokers, both((e) => `ZEEBE_BROKER_EXPORTERS_${e}_ARGS_INDEX_PREFIX`)) ?? yamlKey(config.zeebe, ['prefix']) ?? 'zeebe-record';
  const optimizePrefix = envOf(pods.optimize, both((e) => `CAMUNDA_OPTIMIZE_${e}_SETTINGS_INDEX_PREFIX`));
  // Optimize 8.6: the prefix replaces "optimize"; 8.7+ (camunda/camunda#26832) it comes before "optimize-".
  const optimize = minor === '8.6' ? `${optimizePrefix ?? 'optimize'}-` : optimizePrefix ? `${optimizePrefix}-optimize-` : 'optimize-';
  if (minor === '8.6' || minor === '8.7') {
    const webapp = (part: 'operate' | 'tasklist', list: PodInfo[], text: string): string =>
      `${envOf(list, [...both((e) => `CAMUNDA_${part.toUpperCase()}_${e}_INDEXPREFIX`), 'CAMUNDA_DATABASE_INDEXPREFIX']) ?? yamlKey(text, ['indexPrefix']) ?? part}-`;
    return { operate: webapp('operate', pods.operate, config.operate), tasklist: webapp('tasklist', pods.tasklist, config.tasklist), optimize, zeebeRecord: `${zeebe}_` };
  }
  const prefix = envOf(pods.brokers, both((e) => `CAMUNDA_DATA_SECONDARYSTORAGE_${e}_INDEXPREFIX`)) ?? yamlKey(config.zeebe, ['index-prefix']);
  const head = prefix ? `${prefix}-` : '';
  return { operate: `${head}operate-`, tasklist: `${head}tasklist-`, camunda: `${head}camunda-`, optimize, zeebeRecord: `${zeebe}_` };
}
