/**
 * The parts of a backup as the operating commands (status, list, delete, check) see them: which parts an
 * installation has, where each one answers, and one client per part that reads, lists and deletes backups by ID
 * in that part's own API (camunda-backup-api.md §3, §6, §7). Read and delete only; taking backups is create's job.
 */
import { setMaxListeners } from 'node:events';
import type { Installation } from '../camunda/installation.js';
import { ComponentHttpError, managementApi, type ApiContext } from '../camunda/management-api.js';
import type { SnapshotInfo, WebappBackup, ZeebeBackup } from '../camunda/responses.js';
import {
  backupIdOfZeebeRecordsSnapshot,
  deleteSnapshotIfPresent,
  isSnapshotRunning,
  listSnapshots,
  searchApi,
  snapshotProblem,
  ZEEBE_RECORDS_SNAPSHOT_PATTERN,
  zeebeRecordsSnapshotName,
} from '../camunda/search-api.js';
import type { BackupPart } from '../camunda/versions.js';
import { messageOf } from '../errors.js';
import type { ComponentHttp, Connector, HttpTarget } from '../reach/component-http.js';
import type { SecretValue } from '../secret-value.js';
import type { Reporter } from '../events.js';
import { inPartOrder, procedureKindOf, whereOf, zeebeRecordsSkipReason, type ProcedureKind } from './plan.js';

/** What a part says about one backup ID. ERROR: the part could not be asked (unreachable, unexpected answer). */
export type ObservedState = 'COMPLETED' | 'IN_PROGRESS' | 'FAILED' | 'INCOMPLETE' | 'INCOMPATIBLE' | 'DELETED' | 'NOT_FOUND' | 'ERROR';

export interface PartObservation {
  readonly state: ObservedState;
  /** The component's words: failureReason, or why it could not be asked. */
  readonly message?: string | undefined;
  /** When the part's backup started (epoch ms), when the component says. */
  readonly startedMs?: number | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

export interface PartEndpoint {
  readonly part: BackupPart;
  readonly target: HttpTarget;
  /** "pod/camunda-operate-abc:9600" or the search URL. */
  readonly where: string;
  /** Management base path ("" or "/operate"); "" for the search engine. */
  readonly basePath: string;
  /** Collection path ("/actuator/backups", "/actuator/backupHistory", "/actuator/backupRuntime"); unused for zeebe-records. */
  readonly path: string;
  /** zeebe-records: the snapshot repository. */
  readonly repository?: string | undefined;
  readonly authorization?: SecretValue | undefined;
  /** Known before any call: why this part cannot be asked (e.g. no repository name). Its calls report ERROR. */
  readonly problem?: string | undefined;
}

export interface BackupParts {
  readonly procedure: ProcedureKind;
  /** In report order: optimize, operate, tasklist, webapps, zeebe-records, zeebe. */
  readonly present: readonly PartEndpoint[];
  readonly skipped: readonly { readonly part: BackupPart; readonly reason: string }[];
}

/** Which parts the installation's backups have and where each answers. Pure; mirrors create's plan (plan.ts). */
export function backupPartsOf(installation: Installation): BackupParts {
  const { procedure } = installation;
  const kind = procedureKindOf(installation);
  const present: PartEndpoint[] = [];
  const skipped: { part: BackupPart; reason: string }[] = [];
  const skippedReason = (part: BackupPart): string | undefined => installation.skipped.find((s) => s.part === part)?.reason;
  const component = (part: BackupPart) => installation.components.find((c) => c.part === part);
  const skip = (part: BackupPart, reason: string): void => {
    if (!skipped.some((s) => s.part === part)) skipped.push({ part, reason });
  };

  const addComponent = (part: Exclude<BackupPart, 'zeebe-records'>, host: ReturnType<typeof component>, path: string | undefined): void => {
    const reason = skippedReason(part);
    if (reason !== undefined) return skip(part, reason);
    if (!host || path === undefined) return;
    const target: HttpTarget = { kind: 'pod', pod: host.target };
    present.push({ part, target, where: whereOf(target), basePath: part === 'optimize' ? '' : host.basePath, path });
  };

  const zeebe = component('zeebe');
  if (kind === 'separate-webapps') {
    addComponent('optimize', component('optimize'), procedure.backupPaths.optimize);
    addComponent('operate', component('operate'), procedure.backupPaths.operate);
    addComponent('tasklist', component('tasklist'), procedure.backupPaths.tasklist);
  } else if (kind === 'orchestration') {
    if (installation.secondaryStorage === 'none') skip('webapps', 'no secondary storage: the web apps are not running');
    else addComponent('webapps', component('webapps') ?? zeebe, procedure.backupPaths.webapps);
    addComponent('optimize', component('optimize'), procedure.backupPaths.optimize);
  } else {
    skip('webapps', "RDBMS secondary storage: the Camunda database holds this data; it is backed up with the database vendor's tools");
    addComponent('optimize', component('optimize'), procedure.backupPaths.optimize);
  }

  const recordsReason = zeebeRecordsSkipReason(installation, kind);
  if (recordsReason !== undefined) {
    skip('zeebe-records', recordsReason);
  } else if (installation.search) {
    const search = installation.search;
    const repository = installation.repositoryName;
    present.push({
      part: 'zeebe-records',
      target: search.target,
      where: whereOf(search.target, search.url),
      basePath: '',
      path: '',
      repository,
      authorization: search.authorization,
      problem: repository ? undefined : "no snapshot repository name found in the components' configuration; pass --snapshot-repository <name>",
    });
  } else {
    skip('zeebe-records', 'no Elasticsearch/OpenSearch endpoint found');
  }

  addComponent('zeebe', zeebe, procedure.backupPaths.zeebe);
  for (const other of installation.skipped) skip(other.part, other.reason);

  return {
    procedure: kind,
    present: inPartOrder(present),
    skipped: inPartOrder(skipped.filter((s) => !present.some((p) => p.part === s.part))),
  };
}

// --------------------------------------------------------------------------------------------------------------
// Observations from each API's answer

/** "2025-06-03T07:55:15.685+0000" (web apps, Optimize) and nanosecond ISO times (Zeebe) → epoch ms. */
export function parseComponentTime(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const normalised = text
    .trim()
    .replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
    .replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(normalised);
  return Number.isFinite(ms) ? ms : undefined;
}

const earliest = (times: readonly (number | undefined)[]): number | undefined => {
  const known = times.filter((t): t is number => t !== undefined);
  return known.length === 0 ? undefined : Math.min(...known);
};

export function observeWebappBackup(backup: WebappBackup): PartObservation {
  const details = backup.details ?? [];
  return {
    state: backup.state,
    message: backup.failureReason ?? undefined,
    startedMs: earliest(details.map((detail) => parseComponentTime(detail.startTime))),
    details: {
      snapshots: details.map((detail) => ({
        snapshotName: detail.snapshotName,
        state: detail.state ?? undefined,
        ...(detail.failures && detail.failures.length > 0 ? { failures: detail.failures } : {}),
      })),
    },
  };
}

export function observeZeebeBackup(backup: ZeebeBackup): PartObservation {
  const partitions = backup.details ?? [];
  const state: ObservedState = backup.state === 'DOES_NOT_EXIST' ? 'NOT_FOUND' : backup.state;
  const partitionReasons = partitions.filter((p) => p.failureReason).map((p) => `partition ${p.partitionId}: ${p.failureReason}`);
  const missing = partitions.filter((p) => p.state === 'DOES_NOT_EXIST').map((p) => p.partitionId);
  const message =
    backup.failureReason ??
    (partitionReasons.length > 0 ? partitionReasons.join('; ') : missing.length > 0 && state !== 'NOT_FOUND' ? `no backup on partition(s) ${missing.join(', ')}` : undefined);
  return {
    state,
    message: message ?? undefined,
    startedMs: earliest(partitions.map((p) => parseComponentTime(p.createdAt))),
    details: {
      partitions: partitions.map((p) => ({
        partitionId: p.partitionId,
        state: p.state,
        ...(p.brokerVersion ? { brokerVersion: p.brokerVersion } : {}),
        ...(p.failureReason ? { failureReason: p.failureReason } : {}),
      })),
    },
  };
}

export function observeSnapshot(info: SnapshotInfo, repository: string): PartObservation {
  const startedMs = parseComponentTime(info.start_time) ?? (typeof info['start_time_in_millis'] === 'number' ? info['start_time_in_millis'] : undefined);
  const details = { snapshot: info.snapshot, repository, state: info.state ?? undefined, ...(info.shards ? { shards: info.shards } : {}) };
  if (isSnapshotRunning(info)) return { state: 'IN_PROGRESS', startedMs, details };
  const problem = snapshotProblem(info);
  if (problem === undefined) return { state: 'COMPLETED', startedMs, details };
  return { state: info.state === 'INCOMPATIBLE' ? 'INCOMPATIBLE' : 'FAILED', message: problem, startedMs, details };
}

// --------------------------------------------------------------------------------------------------------------
// Clients

export interface PartClient {
  readonly endpoint: PartEndpoint;
  /** The part's state of one backup; NOT_FOUND when the part has none. Other failures throw. */
  get(backupId: number): Promise<PartObservation>;
  /** Every backup the part knows, by ID. */
  list(): Promise<ReadonlyMap<number, PartObservation>>;
  /** true: deleted (or deletion submitted, ES deletes asynchronously); false: the part had no such backup. */
  delete(backupId: number): Promise<boolean>;
}

function clientFor(endpoint: PartEndpoint, context: ApiContext): PartClient {
  if (endpoint.part === 'zeebe-records') {
    const repository = endpoint.repository ?? '';
    const search = searchApi(context);
    return {
      endpoint,
      async get(backupId) {
        const info = await search.snapshot(repository, zeebeRecordsSnapshotName(backupId));
        return info ? observeSnapshot(info, repository) : { state: 'NOT_FOUND' };
      },
      async list() {
        const result = new Map<number, PartObservation>();
        for (const info of await listSnapshots(context, repository, ZEEBE_RECORDS_SNAPSHOT_PATTERN)) {
          const id = backupIdOfZeebeRecordsSnapshot(info.snapshot);
          if (id !== undefined) result.set(id, observeSnapshot(info, repository));
        }
        return result;
      },
      delete: (backupId) => deleteSnapshotIfPresent(context, repository, zeebeRecordsSnapshotName(backupId)),
    };
  }

  const api = managementApi(context, endpoint.basePath);
  if (endpoint.part === 'zeebe') {
    return {
      endpoint,
      get: (backupId) => unlessNotFound(async () => observeZeebeBackup(await api.zeebeBackup(endpoint.path, backupId)), { state: 'NOT_FOUND' }),
      async list() {
        // The gateway does not sort (§3.4); callers sort by ID.
        return new Map((await api.zeebeBackups(endpoint.path)).map((backup) => [backup.backupId, observeZeebeBackup(backup)]));
      },
      async delete(backupId) {
        // Zeebe answers 204 whether or not the backup exists (§3.4): ask first, so the report can tell.
        const exists = await unlessNotFound(async () => {
          await api.zeebeBackup(endpoint.path, backupId);
          return true;
        }, false);
        if (exists) await api.deleteBackup(endpoint.path, backupId);
        return exists;
      },
    };
  }

  return {
    endpoint,
    get: (backupId) => unlessNotFound(async () => observeWebappBackup(await api.webappBackup(endpoint.path, backupId)), { state: 'NOT_FOUND' }),
    async list() {
      return new Map((await api.webappBackups(endpoint.path)).map((backup) => [backup.backupId, observeWebappBackup(backup)]));
    },
    delete: (backupId) =>
      unlessNotFound(async () => {
        await api.deleteBackup(endpoint.path, backupId);
        return true;
      }, false),
  };
}

/** The call's result, or `absent` when the component answered that it has no such backup. */
async function unlessNotFound<T>(call: () => Promise<T>, absent: T): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ComponentHttpError && error.kind === 'not-found') return absent;
    throw error;
  }
}

export interface PartsSessionDeps {
  readonly connect: Connector;
  readonly emit: Reporter;
  readonly signal?: AbortSignal | undefined;
  /** Per HTTP request; default 30 s. */
  readonly requestTimeoutMs?: number | undefined;
}

export interface PartsSession {
  /** The part's client; throws when its connection cannot be opened or the part has a known problem. */
  client(endpoint: PartEndpoint): Promise<PartClient>;
  /** An API context on any target (brokers, health checks), sharing the session's connections. */
  context(target: HttpTarget, authorization?: SecretValue): Promise<ApiContext>;
  close(): Promise<void>;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Opens connections lazily, one per distinct target (the web apps and Zeebe share the orchestration pod on 8.8+),
 * so one unreachable component fails only its own parts.
 */
export function openPartsSession(deps: PartsSessionDeps): PartsSession {
  // Every in-flight request listens on the signal; check runs a few dozen at once, more than Node's default 10.
  const controller = new AbortController();
  setMaxListeners(256, controller.signal);
  const forward = (): void => controller.abort(deps.signal?.reason);
  if (deps.signal?.aborted) forward();
  else deps.signal?.addEventListener('abort', forward, { once: true });
  const channels = new Map<string, Promise<ComponentHttp>>();
  const channel = (target: HttpTarget): Promise<ComponentHttp> => {
    const key = JSON.stringify(target);
    let opened = channels.get(key);
    if (!opened) {
      opened = deps.connect(target);
      // A failed connection is reported by whoever awaits it; keep the rejection from going unhandled here.
      opened.catch(() => undefined);
      channels.set(key, opened);
    }
    return opened;
  };
  const context = async (target: HttpTarget, authorization?: SecretValue): Promise<ApiContext> => ({
    http: await channel(target),
    emit: deps.emit,
    signal: controller.signal,
    requestTimeoutMs: deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    headers: authorization ? { Authorization: authorization.reveal() } : undefined,
  });
  return {
    async client(endpoint) {
      if (endpoint.problem !== undefined) throw new Error(endpoint.problem);
      return clientFor(endpoint, await context(endpoint.target, endpoint.authorization));
    },
    context,
    async close() {
      deps.signal?.removeEventListener('abort', forward);
      const open = await Promise.allSettled([...channels.values()]);
      await Promise.allSettled(open.flatMap((result) => (result.status === 'fulfilled' ? [result.value.close()] : [])));
    },
  };
}

/** One part's state of one backup; any failure to ask becomes ERROR with the reason, never a throw. */
export async function observePart(session: PartsSession, endpoint: PartEndpoint, backupId: number): Promise<PartObservation> {
  try {
    return await (await session.client(endpoint)).get(backupId);
  } catch (error) {
    return { state: 'ERROR', message: describeFailure(error) };
  }
}

/** The component's own words when it answered, the transport's otherwise. */
export function describeFailure(error: unknown): string {
  if (error instanceof ComponentHttpError) return error.message;
  return messageOf(error);
}
