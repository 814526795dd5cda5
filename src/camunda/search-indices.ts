/**
 * The index side of Elasticsearch/OpenSearch that a restore needs (camunda-restore.md §2 steps 4–5, §8, §8.2):
 * list Camunda's indices by their configured prefixes, delete one index by its exact name (never a pattern: a
 * wildcard or `_all` would also take another application's data), and restore one snapshot without global state,
 * judged by what the cluster then holds, not by the restore call's answer alone.
 */
import { z } from 'zod';
import { PreconditionError } from '../errors.js';
import { ComponentHttpError, send, sendOk, type ApiContext } from './management-api.js';
import { parseJsonBody, type SnapshotInfo } from './responses.js';
import { searchApi, snapshotPath } from './search-api.js';

export interface IndexRow {
  readonly index: string;
  readonly health: string | undefined;
  readonly status: string | undefined;
}

const CatIndicesSchema = z.array(z.object({ index: z.string(), health: z.string().nullish(), status: z.string().nullish() }).loose());
const RestoreResponseSchema = z
  .object({
    accepted: z.boolean().nullish(),
    snapshot: z
      .object({
        snapshot: z.string().nullish(),
        indices: z.array(z.string()).nullish(),
        shards: z.object({ total: z.number().nullish(), failed: z.number().nullish(), successful: z.number().nullish() }).loose().nullish(),
      })
      .loose()
      .nullish(),
  })
  .loose();

/** Why a name may not be given to DELETE: it would match more than itself, or it is not a concrete index. */
export function unsafeIndexName(name: string): string | undefined {
  if (name.trim() === '') return 'an empty name';
  if (name.includes('*') || name.includes('?')) return 'a wildcard';
  if (name.includes(',')) return 'a list of indices';
  if (name === '_all' || name.startsWith('_') || name.startsWith('-') || name.startsWith('+')) return 'not a concrete index name';
  if (/[\s/\\"<>|#:]/.test(name)) return 'a character an index name cannot have';
  if (name !== name.toLowerCase()) return 'upper case, which index names cannot have';
  return undefined;
}

function checkPrefix(prefix: string): void {
  const problem = unsafeIndexName(prefix);
  if (problem) throw new PreconditionError(`refusing to list indices by the prefix "${prefix}": it is ${problem}`);
}

/**
 * `GET /_cat/indices/<p>*,…?format=json`: every index (open or closed) whose name starts with one of the
 * prefixes, sorted. Filtered again here, so a cluster that ignores the pattern cannot hand out foreign indices.
 */
export async function listIndicesByPrefix(context: ApiContext, prefixes: readonly string[]): Promise<IndexRow[]> {
  if (prefixes.length === 0) return [];
  for (const prefix of prefixes) checkPrefix(prefix);
  const pattern = prefixes.map((p) => `${encodeURIComponent(p)}*`).join(',');
  const path = `/_cat/indices/${pattern}?format=json&h=index,health,status&expand_wildcards=all`;
  const response = await sendOk(context, { method: 'GET', path });
  const rows = parseJsonBody(CatIndicesSchema, response.body, `GET ${path}`);
  return rows
    .filter((row) => prefixes.some((prefix) => row.index.startsWith(prefix)))
    .map((row) => ({ index: row.index, health: row.health ?? undefined, status: row.status ?? undefined }))
    .sort((a, b) => a.index.localeCompare(b.index));
}

/**
 * `DELETE /<index>` for one concrete name. True when deleted, false when it did not exist. A name that could match
 * anything else is refused before a request is sent.
 */
export async function deleteIndex(context: ApiContext, name: string): Promise<boolean> {
  const problem = unsafeIndexName(name);
  if (problem) throw new PreconditionError(`refusing to delete the index "${name}": it is ${problem}; indices are deleted one by one by their exact name`);
  const path = `/${encodeURIComponent(name)}`;
  const response = await send(context, { method: 'DELETE', path });
  if (response.status >= 200 && response.status <= 299) return true;
  if (response.status === 404 && /index_not_found_exception/.test(response.body)) return false;
  throw new ComponentHttpError({ method: 'DELETE', path }, response);
}

/**
 * Elasticsearch and OpenSearch refuse a request line over 4096 bytes (`http.max_initial_line_length`: 400
 * too_long_http_line_exception). Names that go into a URL are sent in groups whose joined, encoded form stays under
 * this many bytes, leaving room for the method, the path around them, the query and the protocol.
 */
export const MAX_NAMES_IN_URL_BYTES = 3000;

/** The names in groups whose comma-joined, URL-encoded form fits MAX_NAMES_IN_URL_BYTES (one name per group at least). */
export function namesInChunks(names: readonly string[], maxBytes = MAX_NAMES_IN_URL_BYTES): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const name of names) {
    const size = encodeURIComponent(name).length + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    bytes += current.length > 0 ? size : encodeURIComponent(name).length;
    current.push(name);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Which of the names exist now (`GET /_cat/indices/<a>,<b>`; names the cluster does not know are left out), asked in
 * groups that keep every request line under the servers' limit, however many names there are.
 */
export async function existingIndices(context: ApiContext, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  for (const name of names) {
    const problem = unsafeIndexName(name);
    if (problem) throw new PreconditionError(`refusing to look up the index "${name}": it is ${problem}`);
  }
  const found = new Set<string>();
  for (const chunk of namesInChunks([...new Set(names)])) {
    const path = `/_cat/indices/${chunk.map(encodeURIComponent).join(',')}?format=json&h=index,health,status&expand_wildcards=all&ignore_unavailable=true`;
    const response = await send(context, { method: 'GET', path });
    if (response.status === 404) continue;
    if (response.status < 200 || response.status > 299) throw new ComponentHttpError({ method: 'GET', path }, response);
    for (const row of parseJsonBody(CatIndicesSchema, response.body, `GET ${path}`)) found.add(row.index);
  }
  return found;
}

/** `GET /_snapshot/<repo>/<snapshot>`: its indices, state and shard counts; undefined when it does not exist. */
export function snapshotDetails(context: ApiContext, repository: string, snapshot: string): Promise<SnapshotInfo | undefined> {
  return searchApi(context).snapshot(repository, snapshot);
}

export interface RestoredSnapshot {
  readonly snapshot: string;
  readonly indices: readonly string[];
  readonly shards: { readonly total: number; readonly failed: number; readonly successful: number };
}

/** A snapshot restore that did not bring back everything it holds. */
export class SnapshotRestoreError extends Error {
  readonly snapshot: string;
  constructor(snapshot: string, message: string, options: { cause?: unknown } = {}) {
    super(`restoring snapshot ${snapshot} failed: ${message}`, options);
    this.name = 'SnapshotRestoreError';
    this.snapshot = snapshot;
  }
}

/** The restore body: never the snapshot's global state (templates, persistent settings), same for ES and OS. */
export const RESTORE_BODY = Object.freeze({ include_global_state: false });

/**
 * Restores one snapshot with wait_for_completion and verifies it (camunda-restore.md §8.2): the snapshot exists
 * and is SUCCESS, no shard failed, and every index the snapshot holds exists afterwards. `timeoutMs` bounds the
 * call (restoring large indices takes long).
 */
export async function restoreSnapshot(context: ApiContext, repository: string, snapshot: string, timeoutMs: number): Promise<RestoredSnapshot> {
  const details = await snapshotDetails(context, repository, snapshot);
  if (!details) throw new SnapshotRestoreError(snapshot, `the snapshot does not exist in repository ${repository}`);
  if (details.state !== 'SUCCESS') throw new SnapshotRestoreError(snapshot, `the snapshot is ${details.state ?? 'in an unknown state'}, not SUCCESS`);
  const expected = [...(details.indices ?? [])].sort();
  const path = `${snapshotPath(repository, snapshot)}/_restore?wait_for_completion=true`;
  const response = await send(context, { method: 'POST', path, body: RESTORE_BODY, timeoutMs });
  if (response.status < 200 || response.status > 299) {
    const error = new ComponentHttpError({ method: 'POST', path }, response);
    const open = /cannot restore index \[([^\]]+)\] because an open index with same name already exists/.exec(response.body);
    throw new SnapshotRestoreError(snapshot, open ? `the index ${open[1] ?? ''} still exists and is open; it must be deleted before the restore` : error.message, { cause: error });
  }
  const parsed = parseJsonBody(RestoreResponseSchema, response.body, `POST ${path}`);
  const shards = parsed.snapshot?.shards;
  if (!parsed.snapshot || !shards) throw new SnapshotRestoreError(snapshot, 'the cluster did not report the restore result (was wait_for_completion ignored?)');
  const failed = shards.failed ?? 0;
  const total = shards.total ?? 0;
  if (failed > 0) throw new SnapshotRestoreError(snapshot, `${failed} of ${total} shard(s) failed to restore`);
  const present = await existingIndices(context, expected);
  const missing = expected.filter((index) => !present.has(index));
  if (missing.length > 0) throw new SnapshotRestoreError(snapshot, `index(es) of the snapshot missing after the restore: ${missing.join(', ')}`);
  return { snapshot, indices: expected, shards: { total, failed, successful: shards.successful ?? total - failed } };
}
