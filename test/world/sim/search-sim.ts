/**
 * Elasticsearch / OpenSearch REST simulator: the snapshot API the backup procedure uses (create with
 * wait_for_completion, get, _all, _status, delete, repository lookup), their real error shapes, and Basic auth.
 */
import { takeSnapshotFault } from './faults.js';
import type { SimFaults } from './faults.js';
import { INVALID_JSON, json, parseJsonBody } from './http-sim.js';
import type { SimHttpRequest, SimResponse } from './http-sim.js';
import { searchIndexRoutes } from './search-indices.js';
import { SearchError } from './search-store.js';
import type { SearchStore } from './search-store.js';

export interface SearchSimConfig {
  /** How long a snapshot created through the REST API takes. */
  snapshotDurationMs: number;
  /** OpenSearch rejects `feature_states` (an Elasticsearch-only field). */
  rejectFeatureStates: boolean;
}

/** `http.max_initial_line_length`: 4 KB by default in Elasticsearch and OpenSearch. */
export const MAX_INITIAL_LINE_LENGTH = 4096;

export function searchError(status: number, type: string, reason: string): SimResponse {
  const cause = { type, reason };
  return json(status, { error: { root_cause: [cause], type, reason }, status });
}

export function searchErrorShape(flavor: 'elasticsearch' | 'opensearch') {
  return (status: number, message: string): SimResponse =>
    status === 401 && flavor === 'opensearch'
      ? { status, text: 'Unauthorized', headers: { 'www-authenticate': 'Basic realm="OpenSearch Security"' } }
      : searchError(status, status >= 500 ? 'exception' : 'illegal_argument_exception', message);
}

function unauthorized(store: SearchStore, request: SimHttpRequest, username?: string): SimResponse {
  if (store.flavor === 'opensearch') {
    return { status: 401, text: 'Unauthorized', headers: { 'www-authenticate': 'Basic realm="OpenSearch Security"' } };
  }
  const reason = username
    ? `unable to authenticate user [${username}] for REST request [${request.fullPath}]`
    : `missing authentication credentials for REST request [${request.fullPath}]`;
  const header = { 'WWW-Authenticate': ['Basic realm="security" charset="UTF-8"', 'ApiKey'] };
  const cause = { type: 'security_exception', reason, header };
  return {
    status: 401,
    body: { error: { root_cause: [cause], ...cause }, status: 401 },
    headers: { 'www-authenticate': 'Basic realm="security" charset="UTF-8"' },
  };
}

function checkAuth(store: SearchStore, request: SimHttpRequest): SimResponse | undefined {
  if (!store.credentials) return undefined;
  const header = request.headers.authorization ?? '';
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (!match?.[1]) return unauthorized(store, request);
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  const username = decoded.slice(0, separator);
  const password = decoded.slice(separator + 1);
  if (username !== store.credentials.username || password !== store.credentials.password) return unauthorized(store, request, username);
  return undefined;
}

const ES_CREATE_KEYS = ['indices', 'ignore_unavailable', 'include_global_state', 'partial', 'metadata', 'feature_states', 'expand_wildcards', 'allow_no_indices'];
const OS_CREATE_KEYS = ['indices', 'ignore_unavailable', 'include_global_state', 'partial', 'metadata', 'expand_wildcards', 'allow_no_indices'];

export function createSearchHandler(store: SearchStore, config: SearchSimConfig, faults: SimFaults) {
  const info = (): SimResponse =>
    json(200, {
      name: `${store.flavor}-sim-0`,
      cluster_name: store.flavor === 'elasticsearch' ? 'elasticsearch' : 'opensearch',
      cluster_uuid: 'sim-cluster-uuid',
      version: { ...(store.flavor === 'opensearch' ? { distribution: 'opensearch' } : { build_flavor: 'default' }), number: store.version },
      tagline: store.flavor === 'elasticsearch' ? 'You Know, for Search' : 'The OpenSearch Project: https://opensearch.org/',
    });

  const createSnapshot = (request: SimHttpRequest, repositoryName: string, name: string): SimResponse => {
    const parsed = parseJsonBody(request.body);
    if (parsed === INVALID_JSON) return searchError(400, 'x_content_parse_exception', 'Failed to parse object: request body is not valid JSON');
    const body = (parsed ?? {}) as Record<string, unknown>;
    const allowed = store.flavor === 'elasticsearch' ? ES_CREATE_KEYS : OS_CREATE_KEYS;
    for (const key of Object.keys(body)) {
      if (!allowed.includes(key) && (store.flavor === 'elasticsearch' || config.rejectFeatureStates || key !== 'feature_states')) {
        return searchError(400, 'illegal_argument_exception', `malformed create snapshot request, unknown key [${key}]`);
      }
    }
    store.repository(repositoryName);
    const indices = store.resolveIndices(body['indices']);
    const fault = takeSnapshotFault(faults, name);
    const snapshot = store.createSnapshot(repositoryName, name, {
      indices,
      includeGlobalState: body['include_global_state'] === undefined ? true : Boolean(body['include_global_state']),
      featureStates: Array.isArray(body['feature_states']) ? body['feature_states'].map(String) : undefined,
      metadata: body['metadata'] && typeof body['metadata'] === 'object' ? (body['metadata'] as Record<string, unknown>) : undefined,
      durationMs: config.snapshotDurationMs,
      finalState: fault?.state ?? 'SUCCESS',
    });
    if (request.query.get('wait_for_completion') === 'true') {
      // A stuck snapshot keeps the request open like ES does; the client's timeout ends it.
      const delayMs = snapshot.finalState === undefined ? 600_000 : Math.max(0, snapshot.endMs - store.now());
      // Judged at the end time at the earliest: a timer may fire a millisecond before the clock reaches it.
      return { status: 200, delayMs, lateBody: () => ({ snapshot: store.snapshotInfo(snapshot, Math.max(store.now(), snapshot.endMs)) }) };
    }
    return json(200, { accepted: true });
  };

  const getSnapshots = (repositoryName: string, names: string): SimResponse => {
    const patterns = names.split(',');
    const snapshots = store.listSnapshots(repositoryName, patterns);
    const missing = patterns.find((p) => !p.includes('*') && p !== '_all' && !snapshots.some((s) => s.name === p));
    if (missing) return searchError(404, 'snapshot_missing_exception', `[${repositoryName}:${missing}] is missing`);
    const list = snapshots.map((s) => store.snapshotInfo(s));
    return json(200, store.flavor === 'elasticsearch' ? { snapshots: list, total: list.length, remaining: 0 } : { snapshots: list });
  };

  const snapshotStatus = (repositoryName: string, names: string): SimResponse => {
    const snapshots = store.listSnapshots(repositoryName, names.split(','));
    if (snapshots.length === 0) return searchError(404, 'snapshot_missing_exception', `[${repositoryName}:${names}] is missing`);
    return json(200, {
      snapshots: snapshots.map((s) => {
        const state = store.stateOf(s);
        const total = s.indices.length;
        const done = state === 'IN_PROGRESS' ? 0 : total;
        return {
          snapshot: s.name,
          repository: s.repository,
          uuid: s.uuid,
          state,
          include_global_state: s.includeGlobalState,
          shards_stats: { initializing: 0, started: total - done, finalizing: 0, done, failed: state === 'FAILED' ? total : 0, total },
          stats: { incremental: { file_count: total, size_in_bytes: total * 1024 }, total: { file_count: total, size_in_bytes: total * 1024 }, start_time_in_millis: s.startMs, time_in_millis: Math.max(0, s.endMs - s.startMs) },
          indices: Object.fromEntries(s.indices.map((index) => [index, { shards_stats: { initializing: 0, started: 0, finalizing: 0, done: 1, failed: 0, total: 1 } }])),
        };
      }),
    });
  };

  return (request: SimHttpRequest): SimResponse => {
    // Netty refuses a request line over http.max_initial_line_length (4 KB by default) before anything else.
    const target = request.target ?? `${request.fullPath.split('/').map(encodeURIComponent).join('/')}${request.query.size > 0 ? `?${request.query.toString()}` : ''}`;
    if (`${request.method} ${target} HTTP/1.1`.length > MAX_INITIAL_LINE_LENGTH) {
      return searchError(400, 'too_long_http_line_exception', `An HTTP line is larger than ${MAX_INITIAL_LINE_LENGTH} bytes.`);
    }
    const denied = checkAuth(store, request);
    if (denied) return denied;
    const parts = request.path.split('/').filter((p) => p !== '');
    const method = request.method;
    try {
      if (parts.length === 0 && (method === 'GET' || method === 'HEAD')) return info();
      // Index listing/deletion, snapshot restore, recovery and health (search-indices.ts).
      const indexAnswer = searchIndexRoutes(store, request);
      if (indexAnswer) return indexAnswer;
      if (parts[0] !== '_snapshot') return searchError(400, 'illegal_argument_exception', `request [${request.fullPath}] contains unrecognized parameters or path`);
      const [, repositoryName, snapshotName, action] = parts;
      if (!repositoryName || repositoryName === '_all' || repositoryName === '*') {
        if (method !== 'GET') return searchError(405, 'method_not_allowed', `Incorrect HTTP method for uri [${request.fullPath}]`);
        return json(200, Object.fromEntries([...store.repositories.values()].map((r) => [r.name, { type: r.type, settings: r.settings }])));
      }
      if (!snapshotName) {
        if (method === 'GET') {
          const repos = repositoryName.split(',').map((name) => store.repository(name));
          return json(200, Object.fromEntries(repos.map((r) => [r.name, { type: r.type, settings: r.settings }])));
        }
        if (method === 'PUT' || method === 'POST') {
          const body = (parseJsonBody(request.body) ?? {}) as Record<string, unknown>;
          store.addRepository(repositoryName, String(body['type'] ?? 'fs'), (body['settings'] as Record<string, unknown>) ?? {});
          return json(200, { acknowledged: true });
        }
        if (method === 'DELETE') {
          store.repository(repositoryName);
          store.repositories.delete(repositoryName);
          return json(200, { acknowledged: true });
        }
      }
      if (snapshotName && !action) {
        if (method === 'PUT' || method === 'POST') return createSnapshot(request, repositoryName, snapshotName);
        if (method === 'GET') return getSnapshots(repositoryName, snapshotName);
        if (method === 'DELETE') {
          for (const name of snapshotName.split(',')) {
            if (name.includes('*')) for (const s of store.listSnapshots(repositoryName, [name])) store.deleteSnapshot(repositoryName, s.name);
            else store.deleteSnapshot(repositoryName, name);
          }
          return json(200, { acknowledged: true });
        }
      }
      if (snapshotName && action === '_status' && method === 'GET') return snapshotStatus(repositoryName, snapshotName);
      return searchError(405, 'method_not_allowed', `Incorrect HTTP method for uri [${request.fullPath}] and method [${method}]`);
    } catch (error) {
      if (error instanceof SearchError) return searchError(error.status, error.type, error.message);
      throw error;
    }
  };
}
