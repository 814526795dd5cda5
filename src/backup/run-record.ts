/**
 * The record of create runs kept in the cluster: one ConfigMap per release, one entry per backup ID, written when a
 * create starts an ID ("RUNNING") and when it ends (COMPLETED, FAILED, INTERRUPTED, TIMED_OUT, with the reason and
 * the parts it left behind). Why: a create stopped while the Zeebe backup runs resumes exporting, as it must, and
 * Zeebe then finishes that backup on its own; every part then says COMPLETED although the set was not taken in the
 * documented order (camunda-backup-api.md §9). Only the run knows it did not complete, so it writes that down where
 * status, list, check and retention read it. Pure: the ConfigMap's content and its reading; run-record-store.ts
 * does the Kubernetes calls.
 */
import { toolCommand, type ClusterFlags } from '../kube/cluster-flags.js';

/** What a create run wrote about one backup ID. */
export type RecordedRunState = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'INTERRUPTED' | 'TIMED_OUT';

export interface RunEntry {
  readonly backupId: number;
  readonly state: RecordedRunState;
  /** ISO-8601. */
  readonly startedAt: string;
  /** ISO-8601; absent while RUNNING. */
  readonly endedAt?: string | undefined;
  /** Who ran it: "user@host pid N (create)", the same words the release Lease holds. */
  readonly by: string;
  /** RUNNING: the run's --timeout ends then; past it (and the resume's grace) the run is over, Lease or not. ISO-8601. */
  readonly deadlineAt?: string | undefined;
  /** false: the run could not take the release Lease (RBAC), so no Lease can confirm it still runs. */
  readonly locked?: boolean | undefined;
  /** Why it did not complete, in the run's own words. */
  readonly reason?: string | undefined;
  /** Parts that hold something of this ID after a run that did not complete (empty: nothing was left). */
  readonly leftBehind?: readonly string[] | undefined;
}

/**
 * What status, list and check report about the create run of an ID (`createOutcome` in their JSON):
 * the recorded end, or for an entry still marked RUNNING whether a run is still on it: RUNNING (a run holding the
 * release's Lease names this ID), DID_NOT_FINISH (no run holds it: the create was killed before it could write
 * its end), RUNNING_UNCONFIRMED (the Lease could not be read).
 */
export type CreateOutcomeState = Exclude<RecordedRunState, 'RUNNING'> | 'RUNNING' | 'DID_NOT_FINISH' | 'RUNNING_UNCONFIRMED';

export interface CreateOutcome {
  readonly state: CreateOutcomeState;
  readonly startedAt: string;
  readonly endedAt?: string | undefined;
  readonly by: string;
  readonly reason?: string | undefined;
  readonly leftBehind?: readonly string[] | undefined;
}

/** Who holds the release now, as far as status and list need it. */
export type RunHolder =
  | { readonly kind: 'read'; /** Backup ID the holding create named, if a create holds the release. */ readonly backupId?: number | undefined; readonly holder?: string | undefined }
  | { readonly kind: 'unreadable'; readonly message: string };

/** The record as read, with the release's current holder. */
export interface RunBook {
  readonly entries: ReadonlyMap<number, RunEntry>;
  readonly holder: RunHolder;
}

export const RUN_RECORD_MANAGED_BY = { 'app.kubernetes.io/managed-by': 'kubectl-camunda-backup' } as const;
/** Annotation on the release Lease naming the backup ID the holding create works on. */
export const LEASE_BACKUP_ID_ANNOTATION = 'kubectl-camunda-backup/backup-id';

/** Entries kept whatever their state: the newest IDs. */
export const KEEP_NEWEST = 50;
/** Hard bound, far below a ConfigMap's 1 MiB: beyond it even unfinished entries go, oldest first. */
export const MAX_ENTRIES = 400;

export function runRecordName(release: string): string {
  return `camunda-backup-${release}-runs`.slice(0, 253);
}

const KEY_PREFIX = 'backup-';
const keyOf = (backupId: number): string => `${KEY_PREFIX}${backupId}`;
const STATES: ReadonlySet<string> = new Set<RecordedRunState>(['RUNNING', 'COMPLETED', 'FAILED', 'INTERRUPTED', 'TIMED_OUT']);

/** The entries of a ConfigMap's data; keys or values this version cannot read are skipped (and kept on writes). */
export function parseRunRecord(data: Readonly<Record<string, string>>): Map<number, RunEntry> {
  const entries = new Map<number, RunEntry>();
  for (const [key, value] of Object.entries(data)) {
    const entry = parseEntry(key, value);
    if (entry) entries.set(entry.backupId, entry);
  }
  return entries;
}

function parseEntry(key: string, value: string): RunEntry | undefined {
  if (!key.startsWith(KEY_PREFIX)) return undefined;
  const backupId = Number(key.slice(KEY_PREFIX.length));
  if (!Number.isSafeInteger(backupId) || backupId <= 0) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const text = (field: string): string | undefined => (typeof r[field] === 'string' ? (r[field] as string) : undefined);
  const state = text('state');
  const startedAt = text('startedAt');
  if (!state || !STATES.has(state) || !startedAt) return undefined;
  const left = Array.isArray(r['leftBehind']) ? r['leftBehind'].filter((p): p is string => typeof p === 'string') : undefined;
  return {
    backupId,
    state: state as RecordedRunState,
    startedAt,
    endedAt: text('endedAt'),
    by: text('by') ?? 'unknown',
    deadlineAt: text('deadlineAt'),
    locked: typeof r['locked'] === 'boolean' ? r['locked'] : undefined,
    reason: text('reason'),
    leftBehind: left,
  };
}

function encodeEntry(entry: RunEntry): string {
  const { backupId: _id, ...fields } = entry;
  return JSON.stringify(Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)));
}

/** Whether an entry must outlive the newest KEEP_NEWEST: its run did not complete and may have left parts. */
function mustKeep(entry: RunEntry): boolean {
  if (entry.state === 'COMPLETED') return false;
  // RUNNING: the run died before it said what it left; assume it left something.
  return entry.leftBehind === undefined || entry.leftBehind.length > 0;
}

/** The IDs to drop so the record stays bounded: beyond the newest KEEP_NEWEST only unfinished ones with parts, at most MAX_ENTRIES. */
export function idsToPrune(entries: Iterable<RunEntry>): number[] {
  const newestFirst = [...entries].sort((a, b) => b.backupId - a.backupId);
  const kept = newestFirst.filter((entry, index) => index < KEEP_NEWEST || mustKeep(entry)).slice(0, MAX_ENTRIES);
  const keep = new Set(kept.map((entry) => entry.backupId));
  return newestFirst.filter((entry) => !keep.has(entry.backupId)).map((entry) => entry.backupId);
}

/** The ConfigMap data with `entry` written (replacing an earlier entry of its ID) and the record bounded. */
export function withEntry(data: Readonly<Record<string, string>>, entry: RunEntry): Record<string, string> {
  const next: Record<string, string> = { ...data, [keyOf(entry.backupId)]: encodeEntry(entry) };
  return withoutEntries(next, idsToPrune(parseRunRecord(next).values()));
}

/** The ConfigMap data without the entries of `backupIds` (delete prunes the IDs it removed). */
export function withoutEntries(data: Readonly<Record<string, string>>, backupIds: readonly number[]): Record<string, string> {
  const next: Record<string, string> = { ...data };
  for (const id of backupIds) delete next[keyOf(id)];
  return next;
}

export interface RunStart {
  readonly backupId: number;
  readonly startedMs: number;
  readonly by: string;
  /** The run's --timeout. */
  readonly timeoutMs: number;
  /** Whether the run holds the release Lease. */
  readonly locked: boolean;
}

/** The entry create writes when it starts an ID, before its first change. */
export function startedEntry(start: RunStart): RunEntry {
  return {
    backupId: start.backupId,
    state: 'RUNNING',
    startedAt: new Date(start.startedMs).toISOString(),
    by: start.by,
    deadlineAt: new Date(start.startedMs + start.timeoutMs).toISOString(),
    ...(start.locked ? {} : { locked: false }),
  };
}

/** How a create run ended, as its report knows it. */
export interface RunEnding {
  readonly state: Exclude<RecordedRunState, 'RUNNING'>;
  readonly reason?: string | undefined;
  readonly leftBehind: readonly string[];
}

export function endedEntry(started: RunEntry, ending: RunEnding, endedMs: number): RunEntry {
  const { deadlineAt: _deadline, locked: _locked, ...rest } = started;
  return {
    ...rest,
    state: ending.state,
    endedAt: new Date(endedMs).toISOString(),
    reason: ending.state === 'COMPLETED' ? undefined : ending.reason,
    leftBehind: ending.state === 'COMPLETED' ? undefined : ending.leftBehind,
  };
}

/**
 * After its deadline a create still resumes exporting (with retries for minutes) and writes its end; past this grace
 * a RUNNING entry is a run that died, Lease or not.
 */
export const RUN_END_GRACE_MS = 30 * 60_000;
/** For an entry without a deadline: create's --timeout is at most 24 h. */
const LONGEST_RUN_MS = 24 * 3_600_000;

/** What status and list say about the create run of `backupId`; undefined when no run of this version recorded it. */
export function createOutcomeOf(book: RunBook | undefined, backupId: number, nowMs: number): CreateOutcome | undefined {
  const entry = book?.entries.get(backupId);
  if (!entry) return undefined;
  const { state, startedAt, endedAt, by, reason, leftBehind } = entry;
  const base = { startedAt, endedAt, by, reason, leftBehind };
  if (state !== 'RUNNING') return { state, ...base };
  const died = { state: 'DID_NOT_FINISH' as const, ...base };
  const deadline = Date.parse(entry.deadlineAt ?? '') || Date.parse(startedAt) + LONGEST_RUN_MS;
  if (nowMs > deadline + RUN_END_GRACE_MS) return { ...died, reason: `create did not finish: started ${startedAt} by ${by}, it never recorded an end and its time is long up (killed?)` };
  const holder = book!.holder;
  if (holder.kind === 'read' && holder.backupId === backupId) return { state: 'RUNNING', ...base, reason: `create is still running (${holder.holder ?? by})` };
  if (holder.kind === 'unreadable' || entry.locked === false) {
    const why = holder.kind === 'unreadable' ? `the release Lease cannot be read (${holder.message})` : 'that run could not lock the release';
    return { state: 'RUNNING_UNCONFIRMED', ...base, reason: `create started ${startedAt} by ${by} has not recorded its end; whether it still runs is unknown: ${why}` };
  }
  return { ...died, reason: `create did not finish: started ${startedAt} by ${by}, it never recorded an end and no run holds the release now (killed?)` };
}

/** Whether a run may still be working on the ID: retention must not take its parts away. No record: maybe (as before). */
export function createMayStillRun(outcome: CreateOutcome | undefined): boolean {
  return outcome === undefined || outcome.state === 'RUNNING' || outcome.state === 'RUNNING_UNCONFIRMED';
}

/** The command that removes every part of a backup ID, reaching the cluster the run reached. */
export function deleteToolCommand(where: { readonly namespace: string; readonly release: string }, backupId: number, access: string, cluster: ClusterFlags): string {
  return toolCommand(`delete ${backupId}`, { cluster, namespace: where.namespace, release: where.release, access });
}

/** What create calls on the record (run-record-store.ts). Neither call throws: a record that cannot be written is said once and the run goes on. */
export interface RunRecorder {
  /** Before the run's first change. */
  started(backupId: number, startedMs: number): Promise<void>;
  /** After the last step and the resume, before the release Lease is let go. */
  ended(ending: RunEnding, endedMs: number): Promise<void>;
}

/** The run record as status, list, check and delete read it; `warning` when it could not be read (verdicts then use the parts alone). */
export interface RunBookRead {
  readonly book?: RunBook | undefined;
  readonly warning?: string | undefined;
}
