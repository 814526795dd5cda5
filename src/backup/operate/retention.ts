/**
 * Which backups retention deletes. Pure: the same backups, rule and clock give the same decisions, and
 * `delete --dry-run` prints exactly them.
 *
 * The rule (README "Retention"):
 * - `--keep N` keeps the N newest COMPLETE backups (complete in every part) and deletes every backup older than
 *   the N-th of them, whatever its state. Backups newer than it that are not complete (failed, or still running)
 *   stay: they are recent, and a running create must not lose its parts. With fewer than N complete backups
 *   nothing is deleted.
 * - `--older-than D` deletes backups whose ID, read as a unix timestamp, is older than D; an ID that is not a
 *   timestamp is kept (its age is unknown). IDs above 10^11 are read as milliseconds (8.9 generates those).
 *   Like --keep, it keeps the backups newer than the newest complete one that are not complete: Zeebe only takes
 *   IDs higher than every earlier one, so a running create always has such an ID, old as its timestamp may be
 *   (`create --backup-id`).
 * - Both: a backup goes only when both rules say so.
 * - Whatever the rules say, the newest complete backup is never deleted by retention.
 * - The run record (../run-record.ts) refines "may still be running": an ID whose create did not complete is never
 *   a complete backup (its verdict says so). While its create still runs, or may (the record says running and the
 *   release Lease names it or cannot be read), retention keeps it whatever the rules say. Once that create has
 *   ended, nothing protects its leftovers: --older-than deletes them by age, even when newer than the newest
 *   complete backup, and --keep once they are older than the N-th complete backup.
 */
import { createMayStillRun, type CreateOutcome } from '../run-record.js';
import type { Verdict } from './verdict.js';

export interface RetentionCandidate {
  readonly backupId: number;
  readonly restorable: boolean;
  readonly verdict: Verdict;
  /** How its create run ended, from the run record; undefined for IDs no run of this version recorded. */
  readonly createOutcome?: CreateOutcome | undefined;
}

export interface RetentionRule {
  /** At least 1. */
  readonly keep?: number | undefined;
  readonly olderThanMs?: number | undefined;
  readonly nowMs: number;
}

export interface RetentionDecision {
  readonly backupId: number;
  readonly action: 'delete' | 'keep';
  readonly reason: string;
}

export interface RetentionResult {
  /** Newest first, one per candidate. */
  readonly decisions: readonly RetentionDecision[];
  /** Explanations that concern several backups (millisecond IDs, too few complete backups). */
  readonly notes: readonly string[];
}

/** IDs below this (2000-01-01 in seconds) are plain counters, not timestamps. */
const EARLIEST_TIMESTAMP_S = 946_684_800;
/** Above this an ID is read as milliseconds: as seconds it would be after the year 5000. */
const MILLISECONDS_FROM = 100_000_000_000;

export interface IdTime {
  readonly ms: number;
  readonly unit: 'seconds' | 'milliseconds';
}

/** The time a backup ID stands for, when it is a unix timestamp; undefined for IDs such as 1, 2, 3. */
export function backupIdTime(backupId: number): IdTime | undefined {
  if (backupId >= MILLISECONDS_FROM) return { ms: backupId, unit: 'milliseconds' };
  if (backupId >= EARLIEST_TIMESTAMP_S) return { ms: backupId * 1000, unit: 'seconds' };
  return undefined;
}

export function selectForRetention(candidates: readonly RetentionCandidate[], rule: RetentionRule): RetentionResult {
  if (rule.keep === undefined && rule.olderThanMs === undefined) throw new Error('retention needs keep or olderThanMs');
  if (rule.keep !== undefined && (!Number.isInteger(rule.keep) || rule.keep < 1)) throw new Error(`keep must be a positive integer, got ${rule.keep}`);
  const sorted = [...candidates].sort((a, b) => b.backupId - a.backupId);
  const complete = sorted.filter((c) => c.restorable);
  const newestComplete = complete[0]?.backupId;
  const notes: string[] = [];

  // --keep: the N-th newest complete backup is the boundary; everything older goes.
  const keepSet = new Set<number>();
  let boundary: number | undefined;
  if (rule.keep !== undefined) {
    for (const c of complete.slice(0, rule.keep)) keepSet.add(c.backupId);
    if (complete.length >= rule.keep) boundary = complete[rule.keep - 1]?.backupId;
    else notes.push(`only ${complete.length} complete backup(s) exist, fewer than --keep ${rule.keep}: --keep deletes nothing`);
  }

  const cutoffMs = rule.olderThanMs === undefined ? undefined : rule.nowMs - rule.olderThanMs;
  const milliseconds = sorted.filter((c) => backupIdTime(c.backupId)?.unit === 'milliseconds').map((c) => c.backupId);
  if (cutoffMs !== undefined && milliseconds.length > 0) {
    notes.push(
      `ID(s) ${preview(milliseconds)} look like unix milliseconds (Camunda 8.9 generates such IDs for continuous backups); ` +
        'their age was read as milliseconds, every other ID as unix seconds',
    );
  }
  const notTimestamps = sorted.filter((c) => backupIdTime(c.backupId) === undefined).map((c) => c.backupId);
  if (cutoffMs !== undefined && notTimestamps.length > 0) {
    notes.push(`ID(s) ${preview(notTimestamps)} are not unix timestamps, so --older-than cannot tell their age: they are kept (delete them by ID)`);
  }

  const decisions = sorted.map((candidate): RetentionDecision => {
    const id = candidate.backupId;
    const keep = (reason: string): RetentionDecision => ({ backupId: id, action: 'keep', reason });
    if (id === newestComplete) return keep('newest complete backup (never deleted by retention)');
    if (keepSet.has(id)) return keep(`one of the ${rule.keep} newest complete backups (--keep ${rule.keep})`);
    const outcome = candidate.createOutcome;
    // Not restorable and its create has ended: leftovers of a run that did not complete, not a running create.
    const ended = outcome !== undefined && !createMayStillRun(outcome) && !candidate.restorable;
    const unfinished = ended ? `${candidate.verdict}: its create did not complete` : `${candidate.verdict}; may still be running`;

    const reasons: string[] = [];
    if (rule.keep !== undefined) {
      if (boundary === undefined) return keep(`fewer than ${rule.keep} complete backups exist`);
      if (id > boundary) return keep(`newer than the ${ordinal(rule.keep)} newest complete backup ${boundary} (${unfinished})`);
      reasons.push(`older than the ${ordinal(rule.keep)} newest complete backup ${boundary}`);
    }
    if (cutoffMs !== undefined) {
      if (!candidate.restorable && !ended && (newestComplete === undefined || id > newestComplete)) {
        return keep(
          newestComplete === undefined
            ? `no complete backup exists, so this one may still be running (${candidate.verdict})`
            : `newer than the newest complete backup ${newestComplete} (${candidate.verdict}; may still be running)`,
        );
      }
      const time = backupIdTime(id);
      if (!time) return keep('ID is not a unix timestamp: age unknown');
      if (time.ms >= cutoffMs) return keep(`not older than --older-than (${new Date(time.ms).toISOString()})`);
      reasons.push(`older than --older-than (${new Date(time.ms).toISOString()})`);
    }
    if (outcome && createMayStillRun(outcome)) return keep(`its create may still be running (${outcome.state})`);
    return { backupId: id, action: 'delete', reason: reasons.join(' and ') };
  });
  return { decisions, notes };
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

function preview(ids: readonly number[]): string {
  return ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
}
