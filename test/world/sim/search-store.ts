/**
 * In-memory Elasticsearch/OpenSearch snapshot repositories. The web-app and Optimize simulators take their backups
 * as snapshots here, exactly like the real applications do, so `_snapshot/<repo>/_all` and the components' own
 * backup APIs always agree (and deleting a snapshot through ES deletes that part of a backup).
 */
import { createHash } from 'node:crypto';

export type SnapshotState = 'IN_PROGRESS' | 'SUCCESS' | 'FAILED' | 'PARTIAL' | 'INCOMPATIBLE';
export type SearchFlavor = 'elasticsearch' | 'opensearch';

export interface Snapshot {
  readonly name: string;
  readonly uuid: string;
  readonly repository: string;
  readonly indices: string[];
  readonly includeGlobalState: boolean;
  readonly featureStates: string[] | undefined;
  readonly metadata: Record<string, unknown> | undefined;
  /** Not visible in the repository before this (web-app parts are taken one after the other). */
  readonly startMs: number;
  endMs: number;
  /** State once endMs has passed; `undefined` = never finishes (stuck). */
  finalState: Exclude<SnapshotState, 'IN_PROGRESS'> | undefined;
  failureReason?: string | undefined;
}

export interface Repository {
  readonly name: string;
  readonly type: string;
  readonly settings: Record<string, unknown>;
  readonly snapshots: Map<string, Snapshot>;
}

/** An ES/OS error as the REST layer renders it. */
export class SearchError extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, type: string, reason: string) {
    super(reason);
    this.status = status;
    this.type = type;
  }
}

export interface SearchStoreOptions {
  readonly flavor: SearchFlavor;
  /** Server version, e.g. 8.17.4 (ES) or 2.19.1 (OS). */
  readonly version: string;
  readonly repositories?: readonly string[];
  readonly indices?: readonly string[];
  /** When set, every HTTP request must carry these Basic credentials. */
  readonly credentials?: { username: string; password: string } | undefined;
  readonly now?: () => number;
}

let uuidCounter = 0;
function snapshotUuid(seed: string): string {
  uuidCounter += 1;
  return createHash('sha256').update(`${seed}/${uuidCounter}`).digest('base64url').slice(0, 22);
}

function wildcardToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

export function matchesAny(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => p === '_all' || wildcardToRegExp(p).test(name));
}

export class SearchStore {
  readonly flavor: SearchFlavor;
  readonly version: string;
  readonly repositories = new Map<string, Repository>();
  indices: string[];
  credentials: { username: string; password: string } | undefined;
  readonly now: () => number;

  constructor(options: SearchStoreOptions) {
    this.flavor = options.flavor;
    this.version = options.version;
    this.indices = [...(options.indices ?? [])];
    this.credentials = options.credentials;
    this.now = options.now ?? Date.now;
    for (const name of options.repositories ?? []) this.addRepository(name);
  }

  addRepository(name: string, type = 's3', settings: Record<string, unknown> = { bucket: 'camunda-search-snapshots', base_path: name }): Repository {
    const existing = this.repositories.get(name);
    if (existing) return existing;
    const repository: Repository = { name, type, settings, snapshots: new Map() };
    this.repositories.set(name, repository);
    return repository;
  }

  repository(name: string): Repository {
    const repository = this.repositories.get(name);
    if (!repository) throw new SearchError(404, 'repository_missing_exception', `[${name}] missing`);
    return repository;
  }

  stateOf(snapshot: Snapshot, at = this.now()): SnapshotState {
    if (snapshot.finalState === undefined || at < snapshot.endMs) return 'IN_PROGRESS';
    return snapshot.finalState;
  }

  /** Resolves index patterns (comma-separated or array) against the cluster's indices. */
  resolveIndices(indices: unknown): string[] {
    const patterns = (Array.isArray(indices) ? indices.map(String) : typeof indices === 'string' ? indices.split(',') : ['*'])
      .map((p) => p.trim())
      .filter((p) => p !== '');
    const missing = patterns.find((p) => !p.includes('*') && p !== '_all' && !this.indices.includes(p));
    if (missing) throw new SearchError(404, 'index_not_found_exception', `no such index [${missing}]`);
    return this.indices.filter((index) => matchesAny(index, patterns));
  }

  createSnapshot(
    repositoryName: string,
    name: string,
    options: {
      indices: string[];
      includeGlobalState?: boolean;
      featureStates?: string[] | undefined;
      metadata?: Record<string, unknown> | undefined;
      startMs?: number;
      durationMs: number;
      finalState: Exclude<SnapshotState, 'IN_PROGRESS'> | undefined;
      failureReason?: string | undefined;
    },
  ): Snapshot {
    const repository = this.repository(repositoryName);
    if (repository.snapshots.has(name)) {
      throw new SearchError(400, 'invalid_snapshot_name_exception', `[${repositoryName}:${name}] Invalid snapshot name [${name}], snapshot with the same name already exists`);
    }
    const startMs = options.startMs ?? this.now();
    const snapshot: Snapshot = {
      name,
      uuid: snapshotUuid(`${repositoryName}/${name}`),
      repository: repositoryName,
      indices: options.indices,
      includeGlobalState: options.includeGlobalState ?? true,
      featureStates: options.featureStates,
      metadata: options.metadata,
      startMs,
      endMs: startMs + options.durationMs,
      finalState: options.finalState,
      failureReason: options.failureReason,
    };
    repository.snapshots.set(name, snapshot);
    return snapshot;
  }

  /** Snapshots visible now (started), optionally filtered by name patterns. */
  listSnapshots(repositoryName: string, patterns: readonly string[] = ['_all']): Snapshot[] {
    const at = this.now();
    return [...this.repository(repositoryName).snapshots.values()]
      .filter((s) => s.startMs <= at && matchesAny(s.name, patterns))
      .sort((a, b) => a.startMs - b.startMs || a.name.localeCompare(b.name));
  }

  deleteSnapshot(repositoryName: string, name: string): void {
    const repository = this.repository(repositoryName);
    const snapshot = repository.snapshots.get(name);
    if (!snapshot || snapshot.startMs > this.now()) {
      throw new SearchError(404, 'snapshot_missing_exception', `[${repositoryName}:${name}] is missing`);
    }
    repository.snapshots.delete(name);
  }

  /** The snapshot object of GET /_snapshot and of a create with wait_for_completion. */
  snapshotInfo(snapshot: Snapshot, at = this.now()): Record<string, unknown> {
    const state = this.stateOf(snapshot, at);
    const done = state !== 'IN_PROGRESS';
    const total = snapshot.indices.length;
    const failed = state === 'FAILED' ? total : state === 'PARTIAL' ? Math.min(1, total) : 0;
    const iso = (ms: number): string => new Date(ms).toISOString();
    const versionId = Number(this.version.split('.').map((part, i) => (i === 0 ? part : part.padStart(2, '0'))).join('') + '99');
    const failures =
      failed > 0
        ? snapshot.indices.slice(0, failed).map((index) => ({
            index,
            index_uuid: index,
            shard_id: 0,
            reason: snapshot.failureReason ?? 'IOException[simulated repository write failure]',
            node_id: 'sim-node-1',
            status: 'INTERNAL_SERVER_ERROR',
          }))
        : [];
    return {
      snapshot: snapshot.name,
      uuid: snapshot.uuid,
      ...(this.flavor === 'elasticsearch' ? { repository: snapshot.repository } : {}),
      version_id: versionId,
      version: this.version,
      indices: snapshot.indices,
      data_streams: [],
      include_global_state: snapshot.includeGlobalState,
      ...(this.flavor === 'elasticsearch' ? { feature_states: [] } : { remote_store_index_shallow_copy: false }),
      ...(snapshot.metadata ? { metadata: snapshot.metadata } : {}),
      state,
      ...(snapshot.failureReason && state === 'FAILED' ? { reason: snapshot.failureReason } : {}),
      start_time: iso(snapshot.startMs),
      start_time_in_millis: snapshot.startMs,
      ...(done
        ? { end_time: iso(snapshot.endMs), end_time_in_millis: snapshot.endMs, duration_in_millis: snapshot.endMs - snapshot.startMs }
        : { end_time_in_millis: 0, duration_in_millis: at - snapshot.startMs }),
      failures,
      shards: done ? { total, failed, successful: total - failed } : { total: 0, failed: 0, successful: 0 },
    };
  }
}

/**
 * The name prefix of each owner's indices, separator included, as the release's configuration makes them (see
 * src/camunda/resolve-index-prefixes.ts for the rules and their sources): `operate-`, `prod-camunda-`, `zeebe-record_`.
 */
export interface IndexNaming {
  readonly operate: string;
  readonly tasklist: string;
  /** 8.8+: the orchestration cluster's camunda-* indices. */
  readonly camunda?: string | undefined;
  readonly optimize: string;
  readonly zeebeRecord: string;
}

const MODERN = new Set(['8.8', '8.9', '8.10']);

export function defaultNaming(minor: string): IndexNaming {
  return { operate: 'operate-', tasklist: 'tasklist-', ...(MODERN.has(minor) ? { camunda: 'camunda-' } : {}), optimize: 'optimize-', zeebeRecord: 'zeebe-record_' };
}

/** `[<prefix>-]camunda-usage-metric[-tu]-<version>_<date>`: the dated usage-metric indices (camunda/camunda#47122). */
export function isDatedUsageMetric(index: string, naming: IndexNaming): boolean {
  return naming.camunda !== undefined && index.startsWith(naming.camunda) && /^usage-metric(-tu)?-\d+(\.\d+)*_.+$/.test(index.slice(naming.camunda.length));
}

/** Indices a Camunda installation of this minor version keeps in ES/OS (names follow the real templates loosely). */
export function defaultIndices(minor: string, options: { zeebeRecords: boolean; optimize: boolean; prefix?: string; naming?: IndexNaming }): string[] {
  const day = new Date().toISOString().slice(0, 10);
  const naming = options.naming ?? { ...defaultNaming(minor), ...(options.prefix ? { zeebeRecord: `${options.prefix}_` } : {}) };
  const zeebe = options.zeebeRecords
    ? ['process', 'job', 'deployment', 'process-instance', 'variable'].map((value) => `${naming.zeebeRecord}${value}_${minor}.0_${day}`)
    : [];
  const webapps = [
    `${naming.operate}list-view-8.3.0_`,
    `${naming.operate}flownode-instance-8.3.1_`,
    `${naming.operate}variable-8.3.0_`,
    `${naming.tasklist}task-8.5.0_`,
    `${naming.tasklist}variable-8.3.0_`,
    // 8.8+: the usage metrics, the runtime index and the dated ones the archiver rolls them into.
    ...(naming.camunda ? [`${naming.camunda}usage-metric-8.8.0_`, `${naming.camunda}usage-metric-8.8.0_${day}`, `${naming.camunda}usage-metric-tu-8.8.0_${day}`] : []),
  ];
  const optimize = options.optimize ? [`${naming.optimize}process-definition_v6`, `${naming.optimize}process-instance-index_v8`, `${naming.optimize}metadata_v3`] : [];
  return [...zeebe, ...webapps, ...optimize];
}
