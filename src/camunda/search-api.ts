/**
 * What we say to Elasticsearch/OpenSearch (camunda-backup-api.md §7): the snapshot repository check and the
 * `camunda_zeebe_records_backup_<id>` snapshot of the Zeebe exporter's indices.
 */
import type { SearchEngine } from './versions.js';
import { ComponentHttpError, send, sendOk, type ApiContext } from './management-api.js';
import {
  ClusterHealthSchema,
  CreateSnapshotResponseSchema,
  GetSnapshotsResponseSchema,
  parseJsonBody,
  RepositoriesResponseSchema,
  type SnapshotInfo,
} from './responses.js';

export function zeebeRecordsSnapshotName(backupId: number): string {
  return `camunda_zeebe_records_backup_${backupId}`;
}

/** ES needs feature_states none so the snapshot holds only these indices; OpenSearch has no feature states. */
export function zeebeRecordsSnapshotBody(engine: SearchEngine, indices: string): Readonly<Record<string, unknown>> {
  return engine === 'elasticsearch' ? { indices, feature_states: ['none'] } : { indices };
}

const encode = (segment: string): string => encodeURIComponent(segment);

export function repositoryPath(repository: string): string {
  return `/_snapshot/${encode(repository)}`;
}

export function snapshotPath(repository: string, snapshot: string): string {
  return `${repositoryPath(repository)}/${encode(snapshot)}`;
}

export function createSnapshotPath(repository: string, snapshot: string): string {
  return `${snapshotPath(repository, snapshot)}?wait_for_completion=true`;
}

/** A snapshot that finished but not cleanly: state other than SUCCESS or failed shards. */
export function snapshotProblem(info: SnapshotInfo): string | undefined {
  if (info.state !== 'SUCCESS') {
    const failures = (info.failures ?? []).slice(0, 3).map((failure) => JSON.stringify(failure));
    return `snapshot ${info.snapshot} ended ${info.state ?? 'without a state'}${failures.length > 0 ? `: ${failures.join('; ')}` : ''}`;
  }
  const failed = info.shards?.failed ?? 0;
  if (failed > 0) return `snapshot ${info.snapshot} has ${failed} failed shard(s) of ${info.shards?.total ?? '?'}`;
  return undefined;
}

export function isSnapshotRunning(info: SnapshotInfo): boolean {
  return info.state === 'IN_PROGRESS' || info.state === 'STARTED' || info.state === 'INIT' || info.state === undefined || info.state === null;
}

export interface SearchApi {
  readonly via: string;
  /** Resolves when the repository is registered; ComponentHttpError (kind no-repository on 404) otherwise. */
  repository(repository: string): Promise<{ readonly type: string }>;
  /**
   * PUT the snapshot with wait_for_completion=true. Returns the final info when the answer carries a state,
   * undefined when it only accepted the request (poll `snapshot()` then).
   */
  createSnapshot(repository: string, snapshot: string, body: unknown, timeoutMs?: number): Promise<SnapshotInfo | undefined>;
  /** The snapshot's info, or undefined when it does not exist. */
  snapshot(repository: string, snapshot: string): Promise<SnapshotInfo | undefined>;
  deleteSnapshot(repository: string, snapshot: string): Promise<void>;
}

export function searchApi(context: ApiContext): SearchApi {
  return {
    via: context.http.description,

    async repository(repository) {
      const path = repositoryPath(repository);
      const response = await sendOk(context, { method: 'GET', path });
      const repositories = parseJsonBody(RepositoriesResponseSchema, response.body, `GET ${path}`);
      const found = repositories[repository];
      if (!found) {
        throw new ComponentHttpError({ method: 'GET', path }, { status: 404, body: JSON.stringify({ error: { type: 'repository_missing_exception', reason: `[${repository}] missing` } }) });
      }
      return found;
    },

    async createSnapshot(repository, snapshot, body, timeoutMs) {
      const path = createSnapshotPath(repository, snapshot);
      const response = await sendOk(context, { method: 'PUT', path, body, timeoutMs });
      const parsed = parseJsonBody(CreateSnapshotResponseSchema, response.body, `PUT ${path}`);
      const info = parsed.snapshot;
      return info && info.state ? info : undefined;
    },

    async snapshot(repository, name) {
      const path = snapshotPath(repository, name);
      const response = await send(context, { method: 'GET', path });
      if (response.status === 404) {
        const error = new ComponentHttpError({ method: 'GET', path }, response);
        // A missing repository is not a missing snapshot: that one must surface.
        if (error.kind === 'no-repository') throw error;
        return undefined;
      }
      if (response.status < 200 || response.status > 299) throw new ComponentHttpError({ method: 'GET', path }, response);
      const parsed = parseJsonBody(GetSnapshotsResponseSchema, response.body, `GET ${path}`);
      return parsed.snapshots.find((info) => info.snapshot === name);
    },

    async deleteSnapshot(repository, name) {
      await sendOk(context, { method: 'DELETE', path: snapshotPath(repository, name) });
    },
  };
}

/** Pattern of every zeebe-record snapshot the procedure takes, for listing. */
export const ZEEBE_RECORDS_SNAPSHOT_PATTERN = 'camunda_zeebe_records_backup_*';

/** The backup id in a zeebe-record snapshot name, or undefined for any other snapshot. */
export function backupIdOfZeebeRecordsSnapshot(name: string): number | undefined {
  const match = /^camunda_zeebe_records_backup_(\d+)$/.exec(name);
  const id = match?.[1] === undefined ? undefined : Number(match[1]);
  return id !== undefined && Number.isSafeInteger(id) ? id : undefined;
}

/**
 * `GET /_snapshot/<repo>/<pattern>`: the snapshots matching a wildcard pattern (an empty list when none match).
 * A missing repository throws a ComponentHttpError of kind no-repository.
 */
export async function listSnapshots(context: ApiContext, repository: string, pattern: string): Promise<readonly SnapshotInfo[]> {
  // encodeURIComponent keeps "*" as is, which the wildcard needs.
  const path = snapshotPath(repository, pattern);
  const response = await sendOk(context, { method: 'GET', path });
  return parseJsonBody(GetSnapshotsResponseSchema, response.body, `GET ${path}`).snapshots;
}

/**
 * `DELETE /_snapshot/<repo>/<name>`: true when deleted, false when there was no such snapshot (§6). Any other
 * answer, a missing repository included, throws.
 */
export async function deleteSnapshotIfPresent(context: ApiContext, repository: string, name: string): Promise<boolean> {
  const path = snapshotPath(repository, name);
  const response = await send(context, { method: 'DELETE', path });
  if (response.status >= 200 && response.status <= 299) return true;
  const error = new ComponentHttpError({ method: 'DELETE', path }, response);
  if (response.status === 404 && error.kind === 'not-found') return false;
  throw error;
}

/** `GET /_cluster/health`: green, yellow or red. */
export async function clusterHealth(context: ApiContext): Promise<{ readonly status: string; readonly clusterName?: string | undefined }> {
  const response = await sendOk(context, { method: 'GET', path: '/_cluster/health' });
  const parsed = parseJsonBody(ClusterHealthSchema, response.body, 'GET /_cluster/health');
  return { status: parsed.status, clusterName: parsed.cluster_name ?? undefined };
}
