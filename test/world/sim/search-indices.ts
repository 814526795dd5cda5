/**
 * The index side of Elasticsearch/OpenSearch that a restore uses: listing (`_cat/indices`, `GET <pattern>`),
 * deleting by name (`DELETE <index>`, wildcards refused when `action.destructive_requires_name` is true — the
 * default since ES 8.0), restoring a snapshot (`POST _snapshot/<repo>/<snap>/_restore` with `indices`,
 * `include_global_state`, `wait_for_completion`, refusing to restore over an open index with ES's 500
 * snapshot_restore_exception), the restored indices appearing after a recovery that shows in `_recovery` and in
 * `_cluster/health`, and failed shards on request.
 */
import { createHash } from 'node:crypto';
import { INVALID_JSON, json, parseJsonBody } from './http-sim.js';
import type { SimHttpRequest, SimResponse } from './http-sim.js';
import { matchesAny, SearchError } from './search-store.js';
import type { SearchStore, Snapshot } from './search-store.js';

export interface IndexInfo {
  readonly uuid: string;
  status: 'open' | 'close';
  /** `<repo>:<snapshot>` the index was restored from. */
  restoredFrom?: string;
  /** Recovery from the snapshot ends here (red before). */
  recoveringUntil?: number;
  /** Shards that failed to recover: the index stays red. */
  failedShards?: number;
}

export interface RestoreRecord {
  readonly repository: string;
  readonly snapshot: string;
  readonly at: number;
  readonly indices: string[];
  readonly includeGlobalState: boolean;
  readonly waitForCompletion: boolean;
  readonly body: Record<string, unknown>;
}

/** Per-store index and restore state (kept beside SearchStore so the backup simulators stay untouched). */
export class SearchIndexState {
  readonly info = new Map<string, IndexInfo>();
  readonly restores: RestoreRecord[] = [];
  /** Every DELETE of indices that was carried out: the names (or patterns) it gave, and what it deleted. */
  readonly deletes: { readonly at: number; readonly names: readonly string[]; readonly deleted: readonly string[] }[] = [];
  /** ES ≥ 8 defaults to true; OpenSearch 2.x to false. */
  destructiveRequiresName: boolean;
  /** How long recovering the indices of one snapshot takes. */
  restoreDurationMs = 100;
  /** Snapshot name → number of shards that fail to recover on restore (each failed shard = one index, red). */
  readonly restoreFailures = new Map<string, number>();

  constructor(store: SearchStore) {
    const major = Number(store.version.split('.')[0]);
    this.destructiveRequiresName = store.flavor === 'elasticsearch' && major >= 8;
  }

  infoOf(index: string): IndexInfo {
    let found = this.info.get(index);
    if (!found) {
      found = { uuid: createHash('sha256').update(`${index}/${this.info.size}/${Date.now()}`).digest('base64url').slice(0, 22), status: 'open' };
      this.info.set(index, found);
    }
    return found;
  }

  health(index: string, now: number): 'green' | 'yellow' | 'red' {
    const info = this.infoOf(index);
    if ((info.failedShards ?? 0) > 0) return 'red';
    if (info.recoveringUntil !== undefined && now < info.recoveringUntil) return 'red';
    return 'green';
  }
}

const states = new WeakMap<SearchStore, SearchIndexState>();

export function indexStateOf(store: SearchStore): SearchIndexState {
  let state = states.get(store);
  if (!state) {
    state = new SearchIndexState(store);
    states.set(store, state);
  }
  return state;
}

function searchError(status: number, type: string, reason: string, extra: Record<string, unknown> = {}): SimResponse {
  const cause = { type, reason, ...extra };
  return json(status, { error: { root_cause: [cause], ...cause }, status });
}

const indexNotFound = (name: string): SimResponse => searchError(404, 'index_not_found_exception', `no such index [${name}]`, { 'resource.type': 'index_or_alias', 'resource.id': name, index_uuid: '_na_', index: name });

/** The first name of the list that is no pattern and names no index. */
const missingExactName = (store: SearchStore, patterns: readonly string[]): string | undefined => patterns.find((p) => !p.includes('*') && p !== '_all' && !store.indices.includes(p));

const ES_RESTORE_KEYS = ['indices', 'ignore_unavailable', 'include_global_state', 'partial', 'rename_pattern', 'rename_replacement', 'include_aliases', 'index_settings', 'ignore_index_settings', 'feature_states', 'expand_wildcards', 'allow_no_indices', 'rename_alias_pattern', 'rename_alias_replacement'];

function patternsOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : ['*'];
  return list.map((p) => p.trim()).filter((p) => p !== '');
}

/** Handles the index and restore endpoints; undefined for everything else. */
export function searchIndexRoutes(store: SearchStore, request: SimHttpRequest): SimResponse | undefined {
  const state = indexStateOf(store);
  const parts = request.path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  const method = request.method;
  const now = store.now();

  if (parts[0] === '_cat' && parts[1] === 'indices' && method === 'GET') {
    const patterns = (parts[2] ?? '*').split(',');
    // An exact name the cluster does not know is a 404, unless ignore_unavailable; patterns may match nothing.
    const missing = request.query.get('ignore_unavailable') === 'true' ? undefined : missingExactName(store, patterns);
    if (missing) return indexNotFound(missing);
    const names = store.indices.filter((index) => matchesAny(index, patterns)).sort();
    const rows = names.map((index) => {
      const info = state.infoOf(index);
      return { health: state.health(index, now), status: info.status, index, uuid: info.uuid, pri: '1', rep: '0', 'docs.count': '10', 'docs.deleted': '0', 'store.size': '12kb', 'pri.store.size': '12kb' };
    });
    const columns = (request.query.get('h') ?? 'health,status,index,uuid,pri,rep,docs.count,docs.deleted,store.size,pri.store.size').split(',');
    if (request.query.get('format') === 'json') return json(200, rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c as keyof typeof row]]))));
    return { status: 200, text: rows.map((row) => columns.map((c) => row[c as keyof typeof row] ?? '').join(' ')).join('\n') + (rows.length ? '\n' : ''), contentType: 'text/plain; charset=UTF-8' };
  }

  if (parts[0] === '_recovery' || (parts.length === 2 && parts[1] === '_recovery')) {
    const patterns = parts[0] === '_recovery' ? ['*'] : (parts[0] ?? '*').split(',');
    const activeOnly = request.query.get('active_only') === 'true';
    const body: Record<string, unknown> = {};
    for (const index of store.indices.filter((i) => matchesAny(i, patterns))) {
      const info = state.infoOf(index);
      if (!info.restoredFrom) continue;
      const active = info.recoveringUntil !== undefined && now < info.recoveringUntil;
      if (activeOnly && !active) continue;
      const [repository, snapshot] = info.restoredFrom.split(':');
      body[index] = { shards: [{ id: 0, type: 'SNAPSHOT', stage: active ? 'INDEX' : 'DONE', primary: true, source: { repository, snapshot, index } }] };
    }
    return json(200, body);
  }

  if (parts[0] === '_cluster' && parts[1] === 'health' && method === 'GET') {
    const patterns = parts[2] ? parts[2].split(',') : ['*'];
    const healths = store.indices.filter((i) => matchesAny(i, patterns)).map((i) => state.health(i, now));
    const status = healths.includes('red') ? 'red' : 'green';
    return json(200, { cluster_name: store.flavor, status, timed_out: false, number_of_nodes: 3, number_of_data_nodes: 3, active_primary_shards: healths.filter((h) => h !== 'red').length, unassigned_shards: healths.filter((h) => h === 'red').length });
  }

  if (parts[0] === '_snapshot' && parts.length === 4 && parts[3] === '_restore' && method === 'POST') {
    return restore(store, state, request, parts[1] ?? '', parts[2] ?? '');
  }

  // Index APIs: GET/HEAD/DELETE /<index>[,<index>…] (not _-prefixed system endpoints).
  if (parts.length === 1 && parts[0] && !parts[0].startsWith('_')) {
    const target = parts[0];
    const patterns = target.split(',');
    if (method === 'DELETE') {
      // action.destructive_requires_name: any pattern or _all in the list refuses the whole request.
      const wildcard = patterns.some((p) => p.includes('*') || p === '_all');
      if (wildcard && state.destructiveRequiresName) return searchError(400, 'illegal_argument_exception', 'Wildcard expressions or all indices are not allowed');
      // A missing exact name fails the whole request (nothing deleted) unless ignore_unavailable=true, which skips
      // it and deletes the others; open and closed indices alike (the delete-index defaults allow closed ones).
      const missing = request.query.get('ignore_unavailable') === 'true' ? undefined : missingExactName(store, patterns);
      if (missing) return indexNotFound(missing);
      const doomed = store.indices.filter((i) => matchesAny(i, patterns));
      store.indices = store.indices.filter((i) => !doomed.includes(i));
      for (const index of doomed) state.info.delete(index);
      state.deletes.push({ at: now, names: patterns, deleted: doomed });
      return json(200, { acknowledged: true });
    }
    if (method === 'GET' || method === 'HEAD') {
      const missing = missingExactName(store, patterns);
      if (missing) return method === 'HEAD' ? { status: 404, text: '' } : indexNotFound(missing);
      const found = store.indices.filter((i) => matchesAny(i, patterns));
      if (method === 'HEAD') return { status: 200, text: '' };
      return json(
        200,
        Object.fromEntries(
          found.map((index) => {
            const info = state.infoOf(index);
            return [index, { aliases: {}, mappings: {}, settings: { index: { uuid: info.uuid, provided_name: index, number_of_shards: '1', number_of_replicas: '0', ...(info.status === 'close' ? { verified_before_close: 'true' } : {}) } } }];
          }),
        ),
      );
    }
  }
  if (parts.length === 2 && parts[1] === '_close' && method === 'POST') {
    const index = parts[0] ?? '';
    if (!store.indices.includes(index)) return searchError(404, 'index_not_found_exception', `no such index [${index}]`);
    state.infoOf(index).status = 'close';
    return json(200, { acknowledged: true, shards_acknowledged: true, indices: { [index]: { closed: true } } });
  }
  return undefined;
}

function restore(store: SearchStore, state: SearchIndexState, request: SimHttpRequest, repositoryName: string, snapshotName: string): SimResponse {
  let snapshot: Snapshot | undefined;
  try {
    snapshot = store.listSnapshots(repositoryName, [snapshotName]).find((s) => s.name === snapshotName);
  } catch (error) {
    if (error instanceof SearchError) return searchError(error.status, error.type, error.message);
    throw error;
  }
  if (!snapshot) return searchError(404, 'snapshot_missing_exception', `[${repositoryName}:${snapshotName}] is missing`);
  const parsed = parseJsonBody(request.body);
  if (parsed === INVALID_JSON) return searchError(400, 'x_content_parse_exception', 'Failed to parse object: request body is not valid JSON');
  const body = (parsed ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    const allowed = store.flavor === 'elasticsearch' ? ES_RESTORE_KEYS : ES_RESTORE_KEYS.filter((k) => k !== 'feature_states');
    if (!allowed.includes(key)) return searchError(400, 'illegal_argument_exception', `Unknown parameter ${key}`);
  }
  const id = `[${repositoryName}:${snapshotName}/${snapshot.uuid}]`;
  const snapshotState = store.stateOf(snapshot);
  if (snapshotState !== 'SUCCESS' && !(snapshotState === 'PARTIAL' && body['partial'] === true)) {
    return searchError(500, 'snapshot_restore_exception', `${id} unsupported snapshot state [${snapshotState}]`);
  }
  const patterns = patternsOf(body['indices']);
  const missing = patterns.find((p) => !p.includes('*') && !snapshot.indices.includes(p));
  if (missing && body['ignore_unavailable'] !== true) return searchError(404, 'index_not_found_exception', `no such index [${missing}]`);
  const selected = snapshot.indices.filter((index) => matchesAny(index, patterns));
  const open = selected.find((index) => store.indices.includes(index) && state.infoOf(index).status === 'open');
  if (open) {
    return searchError(
      500,
      'snapshot_restore_exception',
      `${id} cannot restore index [${open}] because an open index with same name already exists in the cluster. Either close or delete the existing index or restore the index under a different name by providing a rename pattern and replacement name`,
    );
  }
  const includeGlobalState = body['include_global_state'] === true;
  const waitForCompletion = request.query.get('wait_for_completion') === 'true';
  state.restores.push({ repository: repositoryName, snapshot: snapshotName, at: store.now(), indices: selected, includeGlobalState, waitForCompletion, body });
  const failed = Math.min(selected.length, state.restoreFailures.get(snapshotName) ?? 0);
  const until = store.now() + state.restoreDurationMs;
  selected.forEach((index, i) => {
    if (!store.indices.includes(index)) store.indices.push(index);
    state.info.delete(index);
    const info = state.infoOf(index);
    info.status = 'open';
    info.restoredFrom = `${repositoryName}:${snapshotName}`;
    info.recoveringUntil = until;
    if (i < failed) info.failedShards = 1;
  });
  const result = { snapshot: { snapshot: snapshotName, indices: selected, shards: { total: selected.length, failed, successful: selected.length - failed } } };
  if (waitForCompletion) return { status: 200, delayMs: state.restoreDurationMs, body: result };
  return json(200, { accepted: true });
}
