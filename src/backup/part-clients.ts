/**
 * The operating side of each part: what a part says about a backup ID (observations), and one client per part that
 * reads, lists and deletes backups by ID in that part's own API (camunda-backup-api.md §3, §6, §7). Read and delete
 * only; taking backups is create's job.
 */
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
import { messageOf } from '../errors.js';
import type { ConnectionPool } from './connections.js';
import type { PartEndpoint } from './layout.js';

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

/** A part that could not be asked: the layout knew it beforehand (problem), or the call failed. */
export class PartUnavailableError extends Error {
  readonly problem: NonNullable<PartEndpoint['problem']>;
  constructor(problem: NonNullable<PartEndpoint['problem']>) {
    super(`${problem.message}; ${problem.hint}`);
    this.name = 'PartUnavailableError';
    this.problem = problem;
  }
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

/** The part's client; throws when its connection cannot be opened or the layout knows it cannot be asked. */
export async function partClient(pool: ConnectionPool, endpoint: PartEndpoint): Promise<PartClient> {
  if (endpoint.problem !== undefined) throw new PartUnavailableError(endpoint.problem);
  return clientFor(endpoint, await pool.context(endpoint));
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

/** One part's state of one backup; any failure to ask becomes ERROR with the reason, never a throw. */
export async function observePart(pool: ConnectionPool, endpoint: PartEndpoint, backupId: number): Promise<PartObservation> {
  try {
    return await (await partClient(pool, endpoint)).get(backupId);
  } catch (error) {
    return { state: 'ERROR', message: describeFailure(error) };
  }
}

/** The component's own words when it answered, the transport's otherwise. */
export function describeFailure(error: unknown): string {
  if (error instanceof ComponentHttpError) return error.message;
  return messageOf(error);
}
