/**
 * Test kit for the create procedure: a tiny Installation builder, a fake Connector that answers from a table of
 * scripted responses per "<target> <METHOD> <path>", and a memory reporter.
 */
import type { Installation, ComponentEndpoint, SearchEndpoint } from '../../src/camunda/installation.js';
import { procedureForLine, type CamundaLine, type SecondaryStorage } from '../../src/camunda/versions.js';
import type { RunEvent, Reporter } from '../../src/events.js';
import type { ComponentHttp, Connector, HttpRequest, HttpResponse, HttpTarget } from '../../src/reach/component-http.js';
import { SecretValue } from '../../src/secret-value.js';

export const NS = 'camunda';

const pod = (name: string, container: string, port: number) => ({ namespace: NS, pod: name, container, port });

export function anInstallation(line: CamundaLine, overrides: Partial<Installation> & { engine?: 'elasticsearch' | 'opensearch' } = {}): Installation {
  const procedure = procedureForLine(line);
  if (!procedure) throw new Error(`no procedure ${line}`);
  const separate = !procedure.pauseBeforeWebapps;
  const components: ComponentEndpoint[] = separate
    ? [
        { part: 'optimize', target: pod('optimize-0', 'optimize', 8092), service: 'camunda-optimize', basePath: '' },
        { part: 'operate', target: pod('operate-0', 'operate', 9600), service: 'camunda-operate', basePath: '' },
        { part: 'tasklist', target: pod('tasklist-0', 'tasklist', 9600), service: 'camunda-tasklist', basePath: '' },
        { part: 'zeebe', target: pod('gateway-0', 'zeebe-gateway', 9600), service: 'camunda-zeebe-gateway', basePath: '' },
      ]
    : [
        { part: 'optimize', target: pod('optimize-0', 'optimize', 8092), service: 'camunda-optimize', basePath: '' },
        { part: 'webapps', target: pod('zeebe-0', 'orchestration', 9600), service: 'camunda-zeebe-gateway', basePath: '' },
        { part: 'zeebe', target: pod('zeebe-0', 'orchestration', 9600), service: 'camunda-zeebe-gateway', basePath: '' },
      ];
  const engine = overrides.engine ?? 'elasticsearch';
  const search: SearchEndpoint = {
    engine,
    target: { kind: 'pod', pod: pod('search-0', engine, 9200) },
    url: `http://camunda-${engine}:9200`,
    zeebeIndexPrefix: 'zeebe-record',
    authorization: new SecretValue('Basic c2VjcmV0'),
  };
  const secondaryStorage: SecondaryStorage = overrides.secondaryStorage ?? engine;
  const { engine: _engine, ...rest } = overrides;
  return {
    release: 'camunda',
    namespace: NS,
    chartVersion: `${procedure.chartMajor}.1.0`,
    camundaVersion: `${line}.3`,
    procedure,
    forcedVersion: false,
    secondaryStorage,
    components,
    search,
    repositoryName: 'camunda-backups',
    skipped: [],
    zeebeStore: { store: 'S3', continuous: false },
    warnings: [],
    ...rest,
  };
}

export interface Scripted {
  readonly status: number;
  readonly body?: unknown;
  /** Delay before answering (ms). */
  readonly delayMs?: number;
  /** Throw instead of answering (transport failure). */
  readonly fail?: string;
}

export type Route = Scripted | readonly Scripted[] | ((request: HttpRequest, call: number) => Scripted);

export interface LoggedCall {
  readonly target: string;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly key: string;
}

export const ok = (body: unknown, status = 200): Scripted => ({ status, body });
export const exportingOk: Scripted = { status: 200, body: { body: null, status: 204, contentType: null } };
export const exportingFailed = (message: string): Scripted => ({ status: 200, body: { body: { message }, status: 500, contentType: null } });

export function targetName(target: HttpTarget): string {
  return target.kind === 'pod' ? target.pod.pod : target.url;
}

export interface FakeCluster {
  readonly connect: Connector;
  readonly calls: LoggedCall[];
  /** "<target> <METHOD> <path>" of every call, in order. */
  keys(): string[];
  /** Calls that change something (everything but GET). */
  mutations(): string[];
  readonly opened: string[];
  readonly closed: string[];
  /** Replace or add routes. */
  route(key: string, route: Route): void;
}

export function fakeCluster(routes: Record<string, Route>, options: { failConnect?: Record<string, Error> } = {}): FakeCluster {
  const table = new Map<string, Route>(Object.entries(routes));
  const counters = new Map<string, number>();
  const calls: LoggedCall[] = [];
  const opened: string[] = [];
  const closed: string[] = [];
  const connect: Connector = async (target) => {
    const name = targetName(target);
    const failure = options.failConnect?.[name];
    if (failure) throw failure;
    opened.push(name);
    const http: ComponentHttp = {
      description: `fake pod/${name}`,
      async request(request): Promise<HttpResponse> {
        const key = `${name} ${request.method} ${request.path}`;
        calls.push({ target: name, method: request.method, path: request.path, body: request.body, headers: request.headers, key });
        const route = table.get(key);
        if (route === undefined) return { status: 404, body: JSON.stringify({ timestamp: 'now', status: 404, error: 'Not Found', path: request.path }) };
        const call = counters.get(key) ?? 0;
        counters.set(key, call + 1);
        const scripted = typeof route === 'function' ? route(request, call) : Array.isArray(route) ? (route[Math.min(call, route.length - 1)] as Scripted) : (route as Scripted);
        if (scripted.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
        if (scripted.fail) throw new Error(scripted.fail);
        return { status: scripted.status, body: typeof scripted.body === 'string' ? scripted.body : scripted.body === undefined ? '' : JSON.stringify(scripted.body) };
      },
      async close() {
        closed.push(name);
      },
    };
    return http;
  };
  return {
    connect,
    calls,
    opened,
    closed,
    keys: () => calls.map((call) => call.key),
    mutations: () => calls.filter((call) => call.method !== 'GET').map((call) => call.key),
    route: (key, route) => table.set(key, route),
  };
}

export interface MemoryReporter {
  readonly emit: Reporter;
  readonly events: RunEvent[];
  of<K extends RunEvent['kind']>(kind: K): Extract<RunEvent, { kind: K }>[];
}

export function memoryReporter(): MemoryReporter {
  const events: RunEvent[] = [];
  return {
    emit: (event) => events.push(event),
    events,
    of: <K extends RunEvent['kind']>(kind: K) => events.filter((event): event is Extract<RunEvent, { kind: K }> => event.kind === kind),
  };
}

// --- scripted component answers ------------------------------------------------------------------------------

export const webappBackup = (id: number, state: string, prefix: string, parts = 2, extra: Record<string, unknown> = {}) => ({
  backupId: id,
  state,
  failureReason: null,
  details: Array.from({ length: parts }, (_, index) => ({
    snapshotName: `camunda_${prefix}_${id}_8.7.3_part_${index + 1}_of_${parts}`,
    state: state === 'COMPLETED' ? 'SUCCESS' : 'IN_PROGRESS',
    startTime: '2025-06-03T07:55:15.685+0000',
    failures: null,
  })),
  ...extra,
});

export const zeebeBackup = (id: number, state: string, extra: Record<string, unknown> = {}) => ({
  backupId: id,
  state,
  details: [1, 2, 3].map((partitionId) => ({
    partitionId,
    state: state === 'COMPLETED' ? 'COMPLETED' : 'IN_PROGRESS',
    snapshotId: `${partitionId}-1-3-2`,
    checkpointPosition: 10 + partitionId,
    brokerId: partitionId - 1,
    brokerVersion: '8.7.3',
    createdAt: '2025-06-03T08:06:06.246997293Z',
  })),
  ...extra,
});

export const snapshotResponse = (name: string, state = 'SUCCESS', failed = 0) => ({
  snapshot: {
    snapshot: name,
    uuid: 'u1',
    state,
    indices: ['zeebe-record_process_8.7.3_2025-06-03'],
    shards: { total: 3, failed, successful: 3 - failed },
    failures: failed > 0 ? [{ index: 'zeebe-record_x', reason: 'disk full' }] : [],
  },
});

export const notFound = (message: string): Scripted => ({ status: 404, body: { message } });
export const esMissing = (type: string, reason: string): Scripted => ({ status: 404, body: { error: { type, reason }, status: 404 } });

/** Routes for a complete, successful run of `line` with backup id `id`. */
export function happyRoutes(line: CamundaLine, id: number): Record<string, Route> {
  const search = 'search-0';
  const searchRoutes: Record<string, Route> = {
    [`${search} GET /_snapshot/camunda-backups`]: ok({ 'camunda-backups': { type: 'fs', settings: {} } }),
    [`${search} GET /_snapshot/camunda-backups/camunda_zeebe_records_backup_${id}`]: [
      esMissing('snapshot_missing_exception', `[camunda-backups:camunda_zeebe_records_backup_${id}] is missing`),
    ],
    [`${search} PUT /_snapshot/camunda-backups/camunda_zeebe_records_backup_${id}?wait_for_completion=true`]: ok(snapshotResponse(`camunda_zeebe_records_backup_${id}`)),
  };
  const optimize: Record<string, Route> = {
    [`optimize-0 GET /actuator/backups/${id}`]: [
      notFound(`No Optimize backup with ID [${id}] could be found.`),
      ok(webappBackup(id, 'IN_PROGRESS', 'optimize')),
      ok(webappBackup(id, 'COMPLETED', 'optimize')),
    ],
    'optimize-0 POST /actuator/backups': ok({ message: `Backup creation for ID ${id} has been scheduled.` }, 202),
  };
  if (line === '8.6' || line === '8.7') {
    const webapp = (name: string): Record<string, Route> => ({
      [`${name}-0 GET /actuator`]: ok({ _links: { self: {}, backups: {}, 'backups-id': {}, health: {} } }),
      [`${name}-0 GET /actuator/backups/${id}`]: [
        { status: 400, body: { status: 400, message: `No backup with id [${id}] found.`, instance: 'x', type: 'y' } },
        ok(webappBackup(id, 'IN_PROGRESS', name, 6)),
        ok(webappBackup(id, 'COMPLETED', name, 6)),
      ],
      [`${name}-0 POST /actuator/backups`]: ok({ scheduledSnapshots: [`camunda_${name}_${id}_8.7.3_part_1_of_6`] }),
    });
    return {
      ...searchRoutes,
      ...optimize,
      ...webapp('operate'),
      ...webapp('tasklist'),
      'gateway-0 GET /actuator': ok({ _links: { backups: {}, exporting: {} } }),
      'gateway-0 GET /actuator/backups': ok([zeebeBackup(id - 100, 'COMPLETED')]),
      'gateway-0 POST /actuator/exporting/pause?soft=true': exportingOk,
      'gateway-0 POST /actuator/exporting/resume': exportingOk,
      'gateway-0 POST /actuator/backups': ok({ message: `A backup with id ${id} has been scheduled.` }, 202),
      [`gateway-0 GET /actuator/backups/${id}`]: [ok(zeebeBackup(id, 'IN_PROGRESS')), ok(zeebeBackup(id, 'IN_PROGRESS')), ok(zeebeBackup(id, 'COMPLETED'))],
    };
  }
  return {
    ...searchRoutes,
    ...optimize,
    'zeebe-0 GET /actuator': ok({ _links: { backupHistory: {}, backupRuntime: {}, exporting: {} } }),
    [`zeebe-0 GET /actuator/backupHistory/${id}`]: [
      notFound(`No backup with id [${id}] found.`),
      ok(webappBackup(id, 'IN_PROGRESS', 'webapps', 5)),
      ok(webappBackup(id, 'COMPLETED', 'webapps', 5)),
    ],
    'zeebe-0 POST /actuator/backupHistory': ok({ scheduledSnapshots: [`camunda_webapps_${id}_8.8.3_part_1_of_5`] }),
    'zeebe-0 GET /actuator/backupRuntime': ok([]),
    'zeebe-0 POST /actuator/exporting/pause?soft=true': exportingOk,
    'zeebe-0 POST /actuator/exporting/resume': exportingOk,
    'zeebe-0 POST /actuator/backupRuntime': ok({ message: `A backup with id ${id} has been scheduled. Use GET actuator/backups/${id} to monitor the status.` }, 202),
    [`zeebe-0 GET /actuator/backupRuntime/${id}`]: [ok(zeebeBackup(id, 'IN_PROGRESS')), ok(zeebeBackup(id, 'COMPLETED'))],
  };
}
