/**
 * The index side of Elasticsearch/OpenSearch that a restore needs (camunda-restore.md §2 steps 4–5, §8, §8.2):
 * list Camunda's indices by their configured prefixes, delete indices by their exact names (never a pattern: a
 * wildcard or `_all` would also take another application's data; a few requests of comma-separated names, each
 * within the request line's limit), and restore one snapshot without global state,
 * judged by what the cluster then holds, not by the restore call's answer alone.
 */
import { z } from 'zod';
import { PreconditionError } from '../errors.js';
import { ComponentHttpError, send, sendOk, type ApiContext } from './management-api.js';
import { parseJsonBody } from './responses.js';
import { snapshotPath } from './search-api.js';

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
 * How long the comma-separated list of index names in one request path may be, encoded. Elasticsearch and
 * OpenSearch refuse a request line longer than `http.max_initial_line_length` (4 KB by default) before reading
 * it; this leaves room for the method, the query string and the protocol, and for a cluster that lowered it a little.
 */
export const INDEX_LIST_MAX_CHARS = 3_000;

/**
 * Splits exact index names into lists that each fit into one request path (at most `maxChars` encoded, commas
 * included), in their order. Every name is checked first: a name that could match more than itself is refused
 * before any request is built, so a list never holds a pattern.
 */
export function batchIndexNames(names: readonly string[], maxChars = INDEX_LIST_MAX_CHARS): string[][] {
  for (const name of names) {
    const problem = unsafeIndexName(name);
    if (problem) throw new PreconditionError(`refusing to name the index "${name}" in a request: it is ${problem}; indices are deleted only by their exact names`);
  }
  const batches: string[][] = [];
  let batch: string[] = [];
  let length = 0;
  for (const name of names) {
    const encoded = encodeURIComponent(name).length;
    if (encoded > maxChars) throw new PreconditionError(`refusing to name the index "${name}" in a request: its name is longer than ${maxChars} characters encoded`);
    const added = batch.length === 0 ? encoded : length + 1 + encoded;
    if (added > maxChars) {
      batches.push(batch);
      batch = [name];
      length = encoded;
    } else {
      batch.push(name);
      length = added;
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

const listPath = (names: readonly string[]): string => names.map(encodeURIComponent).join(',');

/**
 * Deletes indices by their exact names, as few requests as the request line allows: `DELETE /<a>,<b>,…` with
 * `ignore_unavailable=true`, so a name that vanished meanwhile (deleted by an earlier, interrupted run) is skipped
 * instead of failing the request, while every other name of the list is still deleted, open or closed (both
 * Elasticsearch 8 and OpenSearch 2 read ignore_unavailable on this API, and their delete-index defaults allow
 * closed indices). A list never holds a pattern, so `action.destructive_requires_name` never objects and no
 * other index can match. Returns how many requests it sent.
 */
export async function deleteIndices(context: ApiContext, names: readonly string[]): Promise<number> {
  const batches = batchIndexNames(names);
  for (const batch of batches) {
    const path = `/${listPath(batch)}?ignore_unavailable=true`;
    await sendOk(context, { method: 'DELETE', path });
  }
  return batches.length;
}

/**
 * Which of the names exist now, open or closed (`GET /_cat/indices/<a>,<b>,…` with ignore_unavailable; names the
 * cluster does not know are left out), in as few requests as the request line allows.
 */
export async function existingIndices(context: ApiContext, names: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const batch of batchIndexNames(names)) {
    const path = `/_cat/indices/${listPath(batch)}?format=json&h=index,health,status&expand_wildcards=all&ignore_unavailable=true`;
    const response = await send(context, { method: 'GET', path });
    if (response.status === 404) continue;
    if (response.status < 200 || response.status > 299) throw new ComponentHttpError({ method: 'GET', path }, response);
    for (const row of parseJsonBody(CatIndicesSchema, response.body, `GET ${path}`)) if (batch.includes(row.index)) found.add(row.index);
  }
  return found;
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

/** A snapshot of the plan: its name, repository and the indices the checks read from its details. */
export interface SnapshotToRestore {
  readonly repository: string;
  readonly snapshot: string;
  readonly indices: readonly string[];
}

/**
 * Restores one snapshot with wait_for_completion and verifies it (camunda-restore.md §8.2): no shard failed, and
 * every index the snapshot holds exists afterwards (the ones the checks read from its details, and the ones the
 * restore answer names). `timeoutMs` bounds the call (restoring large indices takes long).
 *
 * The snapshot's details are not read again first: the checks read them (state SUCCESS, its indices) before any
 * change, and the restore call itself refuses what a re-read would catch — a snapshot deleted since is
 * `404 snapshot_missing_exception`, one that is not restorable `500 snapshot_restore_exception` (a SUCCESS snapshot
 * never changes state). A re-read would only add a round trip per snapshot.
 */
export async function restoreSnapshot(context: ApiContext, planned: SnapshotToRestore, timeoutMs: number): Promise<RestoredSnapshot> {
  const { repository, snapshot } = planned;
  const path = `${snapshotPath(repository, snapshot)}/_restore?wait_for_completion=true`;
  const response = await send(context, { method: 'POST', path, body: RESTORE_BODY, timeoutMs });
  if (response.status < 200 || response.status > 299) {
    const error = new ComponentHttpError({ method: 'POST', path }, response);
    throw new SnapshotRestoreError(snapshot, restoreRefusal(response.status, response.body, repository) ?? error.message, { cause: error });
  }
  const parsed = parseJsonBody(RestoreResponseSchema, response.body, `POST ${path}`);
  const shards = parsed.snapshot?.shards;
  if (!parsed.snapshot || !shards) throw new SnapshotRestoreError(snapshot, 'the cluster did not report the restore result (was wait_for_completion ignored?)');
  const failed = shards.failed ?? 0;
  const total = shards.total ?? 0;
  if (failed > 0) throw new SnapshotRestoreError(snapshot, `${failed} of ${total} shard(s) failed to restore`);
  const expected = [...new Set([...planned.indices, ...(parsed.snapshot.indices ?? [])])].sort();
  const present = await existingIndices(context, expected);
  const missing = expected.filter((index) => !present.has(index));
  if (missing.length > 0) throw new SnapshotRestoreError(snapshot, `index(es) of the snapshot missing after the restore: ${missing.join(', ')}`);
  return { snapshot, indices: expected, shards: { total, failed, successful: shards.successful ?? total - failed } };
}

/** The cluster's refusal of a restore in the operator's words, when it is one a restore meets. */
function restoreRefusal(status: number, body: string, repository: string): string | undefined {
  const open = /cannot restore index \[([^\]]+)\] because an open index with same name already exists/.exec(body);
  if (open) return `the index ${open[1] ?? ''} still exists and is open; it must be deleted before the restore`;
  if (status === 404 && /snapshot_missing_exception/.test(body)) return `the snapshot does not exist in repository ${repository} (deleted since the checks?)`;
  const state = /unsupported snapshot state \[([A-Z_]+)\]/.exec(body);
  if (state) return `the snapshot is ${state[1] ?? 'in an unknown state'}, not SUCCESS`;
  return undefined;
}
