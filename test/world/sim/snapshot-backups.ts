/**
 * Backups that are ES/OS snapshots: Operate and Tasklist (8.6/8.7), the 8.8/8.9 web-app backupHistory, and Optimize.
 * The snapshots live in the shared SearchStore; what only the executing pod knows (is a backup still queued here?)
 * is kept per pod, as in the real applications (camunda/camunda#33717, #43104).
 */
import { takeOutcome } from './faults.js';
import type { BackupKind, SimFaults } from './faults.js';
import type { SearchStore, Snapshot, SnapshotState } from './search-store.js';

export interface SnapshotBackupConfig {
  /** Repository name the application is configured with; undefined = "No backup repository configured.". */
  repository: string | undefined;
  /** Total time of one backup (all parts). */
  durationMs: number;
  /** Web apps: how long after the last part a backup with missing parts is declared INCOMPLETE (real default 300 s). */
  incompleteCheckTimeoutMs: number;
}

export type BackupFailure =
  | { kind: 'badId'; message: string }
  | { kind: 'repoUnset'; message: string }
  | { kind: 'repoMissing'; message: string }
  | { kind: 'duplicate'; message: string }
  | { kind: 'running'; message: string }
  | { kind: 'searchDown'; message: string }
  | { kind: 'notFound'; message: string };

export class BackupError extends Error {
  readonly failure: BackupFailure;
  constructor(failure: BackupFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

export interface BackupDetail {
  snapshotName: string;
  state: SnapshotState;
  startTime: string;
  failures: string[] | null;
}

export interface BackupObject {
  backupId: number;
  state: string;
  failureReason: string | null;
  details: BackupDetail[];
}

/** "2025-06-03T07:55:15.685+0000", the format the web apps and Optimize print. */
export function backupStartTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export interface SnapshotBackupSpec {
  readonly kind: Exclude<BackupKind, 'zeebe'>;
  /** camunda_operate, camunda_tasklist, camunda_webapps, camunda_optimize */
  readonly prefix: string;
  readonly version: string;
  readonly parts: number;
  /** Web apps take parts one after the other; Optimize fires both at once. */
  readonly sequential: boolean;
  /** Indices the parts cover, dealt out round-robin (a part may hold none when there are more parts than indices). */
  readonly indices: readonly string[];
}

export class SnapshotBackups {
  readonly spec: SnapshotBackupSpec;
  readonly config: SnapshotBackupConfig;
  private readonly store: SearchStore;
  private readonly faults: SimFaults;
  /** pod → until when it is busy with a backup (Infinity = stuck). */
  private readonly busy = new Map<string, { backupId: number; until: number }>();

  constructor(spec: SnapshotBackupSpec, store: SearchStore, config: SnapshotBackupConfig, faults: SimFaults) {
    this.spec = spec;
    this.store = store;
    this.config = config;
    this.faults = faults;
  }

  private repositoryName(): string {
    if (this.faults.searchUnreachable) {
      throw new BackupError({ kind: 'searchDown', message: `Encountered an error connecting to Elasticsearch while retrieving repository with name [${this.config.repository ?? ''}].` });
    }
    const name = this.config.repository;
    if (!name) {
      throw new BackupError({
        kind: 'repoUnset',
        message:
          this.spec.kind === 'optimize'
            ? 'Cannot execute backup request because no Elasticsearch snapshot repository name found in Optimize configuration.'
            : 'No backup repository configured.',
      });
    }
    if (!this.store.repositories.has(name)) throw new BackupError({ kind: 'repoMissing', message: `No repository with name [${name}] could be found.` });
    return name;
  }

  private idPattern(): RegExp {
    return new RegExp(`^${this.spec.prefix}_(\\d+)_`);
  }

  private snapshotsOf(backupId: number): Snapshot[] {
    return this.store.listSnapshots(this.repositoryName(), [`${this.spec.prefix}_${backupId}_*`]);
  }

  isBusy(pod: string): boolean {
    const busy = this.busy.get(pod);
    return !!busy && busy.until > this.store.now();
  }

  /** POST: returns the scheduled snapshot names. */
  take(pod: string, backupId: number): string[] {
    const repository = this.repositoryName();
    const existing = this.snapshotsOf(backupId);
    if (existing.length > 0) {
      throw new BackupError({ kind: 'duplicate', message: `A backup with ID [${backupId}] already exists. Found snapshots: [${existing.map((s) => s.name).join(', ')}]` });
    }
    if (this.spec.kind !== 'optimize' && this.isBusy(pod)) throw new BackupError({ kind: 'running', message: 'Another backup is running at the moment' });

    const outcome = takeOutcome(this.faults, this.spec.kind);
    const count = this.spec.parts;
    const names = Array.from({ length: count }, (_, i) => `${this.spec.prefix}_${backupId}_${this.spec.version}_part_${i + 1}_of_${count}`);
    const perPart = this.spec.sequential ? Math.max(1, Math.floor(this.config.durationMs / count)) : this.config.durationMs;
    const now = this.store.now();
    // Which parts get created and how they end.
    let created = count;
    if (outcome?.state === 'INCOMPLETE') created = this.spec.sequential ? Math.ceil(count / 2) : 1;
    const failing = outcome?.state === 'FAILED' ? Math.min(created, Math.ceil(count / 2)) : outcome?.state === 'INCOMPATIBLE' ? 1 : 0;
    if (outcome?.state === 'FAILED' && this.spec.sequential) created = failing;
    let until = now;
    names.slice(0, created).forEach((name, index) => {
      const startMs = this.spec.sequential ? now + index * perPart : now;
      const isFailing = index + 1 === failing;
      const stuck = !!outcome?.stuck && index === created - 1;
      const finalState: Exclude<SnapshotState, 'IN_PROGRESS'> | undefined = stuck
        ? undefined
        : isFailing
          ? outcome?.state === 'INCOMPATIBLE'
            ? 'INCOMPATIBLE'
            : 'FAILED'
          : 'SUCCESS';
      this.store.createSnapshot(repository, name, {
        // Disjoint, as the real parts are (each part is a group of indices): restoring every part restores each index once.
        indices: this.spec.indices.filter((_, i) => i % count === index),
        includeGlobalState: false,
        metadata: { version: this.spec.version, partNo: index + 1, partCount: count },
        startMs,
        durationMs: perPart,
        finalState,
        failureReason: isFailing ? (outcome?.failureReason ?? 'IOException[simulated snapshot failure]') : undefined,
      });
      until = stuck ? Number.POSITIVE_INFINITY : startMs + perPart;
    });
    this.busy.set(pod, { backupId, until });
    return names;
  }

  private aggregate(pod: string, backupId: number, snapshots: Snapshot[]): BackupObject {
    const states = snapshots.map((s) => this.store.stateOf(s));
    const expected = Number(snapshots[0]?.metadata?.['partCount'] ?? this.spec.parts);
    const names = (filter: SnapshotState[]): string =>
      snapshots
        .filter((_, i) => filter.includes(states[i] ?? 'IN_PROGRESS'))
        .map((s) => s.name)
        .join(', ');
    let state: string;
    let failureReason: string | null = null;
    if (this.spec.kind === 'optimize') {
      const success = states.filter((s) => s === 'SUCCESS').length;
      if (success === expected) state = 'COMPLETED';
      else if (states.some((s) => s === 'FAILED' || s === 'PARTIAL')) {
        state = 'FAILED';
        failureReason = `The following snapshots failed: [${names(['FAILED', 'PARTIAL'])}]`;
      } else if (states.includes('INCOMPATIBLE')) state = 'INCOMPATIBLE';
      else if (states.includes('IN_PROGRESS')) state = 'IN_PROGRESS';
      else if (success < expected) state = 'INCOMPLETE';
      else state = 'FAILED';
    } else if (states.length === expected && states.every((s) => s === 'SUCCESS')) {
      state = 'COMPLETED';
    } else if (states.some((s) => s === 'FAILED' || s === 'PARTIAL')) {
      state = 'FAILED';
      failureReason = states.includes('FAILED')
        ? `There were failures with the following snapshots: ${names(['FAILED'])}`
        : `Some of the snapshots are partial: ${names(['PARTIAL'])}`;
    } else if (states.includes('INCOMPATIBLE')) {
      state = 'INCOMPATIBLE';
      failureReason = `Some of the snapshots are incompatible: ${names(['INCOMPATIBLE'])}`;
    } else if (states.includes('IN_PROGRESS')) {
      state = 'IN_PROGRESS';
    } else {
      // Fewer parts than expected and none running: only the executing pod knows whether more are coming.
      const busy = this.busy.get(pod);
      const runningHere = !!busy && busy.backupId === backupId && busy.until > this.store.now();
      const lastEnd = Math.max(...snapshots.map((s) => s.endMs));
      state = !runningHere && this.store.now() - lastEnd >= this.config.incompleteCheckTimeoutMs ? 'INCOMPLETE' : 'IN_PROGRESS';
    }
    return {
      backupId,
      state,
      failureReason,
      details: snapshots.map((s, i) => ({
        snapshotName: s.name,
        state: states[i] ?? 'IN_PROGRESS',
        startTime: backupStartTime(s.startMs),
        failures: states[i] === 'FAILED' ? [s.failureReason ?? 'snapshot failed'] : this.spec.kind === 'webapps' ? null : [],
      })),
    };
  }

  /** GET /{id}; throws notFound when no snapshot of that id exists. */
  get(pod: string, backupId: number): BackupObject {
    const snapshots = this.snapshotsOf(backupId);
    if (snapshots.length === 0) {
      throw new BackupError({
        kind: 'notFound',
        message: this.spec.kind === 'optimize' ? `No Optimize backup with ID [${backupId}] could be found.` : `No backup with id [${backupId}] found.`,
      });
    }
    return this.aggregate(pod, backupId, snapshots);
  }

  /** GET list, newest first. */
  list(pod: string): BackupObject[] {
    const repository = this.repositoryName();
    const byId = new Map<number, Snapshot[]>();
    for (const snapshot of this.store.listSnapshots(repository, [`${this.spec.prefix}_*`])) {
      const id = Number(this.idPattern().exec(snapshot.name)?.[1]);
      if (!Number.isFinite(id)) continue;
      byId.set(id, [...(byId.get(id) ?? []), snapshot]);
    }
    return [...byId.entries()]
      .sort((a, b) => Math.max(...b[1].map((s) => s.startMs)) - Math.max(...a[1].map((s) => s.startMs)))
      .map(([id, snapshots]) => this.aggregate(pod, id, snapshots));
  }

  /** DELETE /{id}; ES deletes asynchronously, here at once. */
  delete(backupId: number): void {
    const repository = this.repositoryName();
    const snapshots = this.snapshotsOf(backupId);
    if (snapshots.length === 0) {
      throw new BackupError({
        kind: 'notFound',
        message: this.spec.kind === 'optimize' ? `No Optimize backup with ID [${backupId}] could be found.` : `No backup with id [${backupId}] found.`,
      });
    }
    for (const snapshot of snapshots) this.store.deleteSnapshot(repository, snapshot.name);
  }

  /** Forget the per-pod memory, as a pod restart does. */
  restartPod(pod: string): void {
    this.busy.delete(pod);
  }
}
