/**
 * Is a backup restorable? Only when every part that belongs to it completed: a Zeebe backup without its web-app
 * snapshots (or the other way round) cannot be restored consistently (camunda-backup-api.md §9, §10), and only when
 * the create run that took it completed: a create stopped while Zeebe backs up resumes exporting, and Zeebe then
 * finishes its part on its own, so every part says COMPLETED of a set taken outside the documented order. The run
 * record (../run-record.ts) says how each run ended; IDs taken before it existed keep the parts' verdict. Pure.
 */
import type { ObservedState } from '../part-clients.js';
import type { CreateOutcome } from '../run-record.js';

/**
 * COMPLETE: every part completed (restorable). IN_PROGRESS: a part is still running and none failed. INCOMPLETE:
 * parts are missing or incomplete. FAILED: a part failed, is incompatible or was deleted. NOT_FOUND: no part knows
 * the ID. UNKNOWN: a part could not be asked, and nothing else already decides.
 */
export type Verdict = 'COMPLETE' | 'IN_PROGRESS' | 'INCOMPLETE' | 'FAILED' | 'NOT_FOUND' | 'UNKNOWN';

export interface JudgedPart {
  readonly part: string;
  readonly state: ObservedState | 'SKIPPED';
  readonly message?: string | undefined;
}

export interface Judgement {
  readonly verdict: Verdict;
  readonly restorable: boolean;
  /** Why not restorable, one line per part; empty when restorable. */
  readonly reasons: readonly string[];
}

export interface JudgeOptions {
  /**
   * RDBMS secondary storage: Zeebe and Optimize are backed up independently, each with its own IDs, so a part
   * without this ID is not a missing piece (§13.1).
   */
  readonly independentParts?: boolean | undefined;
  /** How the create run of this ID ended, from the run record; undefined when none recorded it. */
  readonly createOutcome?: CreateOutcome | undefined;
}

const FAILED_STATES: ReadonlySet<string> = new Set(['FAILED', 'INCOMPATIBLE', 'DELETED']);

export function judgeBackup(parts: readonly JudgedPart[], options: JudgeOptions = {}): Judgement {
  return withCreateOutcome(judgeParts(parts, options), options.createOutcome);
}

/**
 * The parts' verdict corrected by how create ended. A create that did not complete makes COMPLETE, IN_PROGRESS and
 * UNKNOWN into INCOMPLETE (its parts will never form a restorable backup); one that still runs (or may) makes
 * COMPLETE, INCOMPLETE and UNKNOWN into IN_PROGRESS. FAILED and NOT_FOUND stay: they already say more.
 */
function withCreateOutcome(judgement: Judgement, outcome: CreateOutcome | undefined): Judgement {
  if (!outcome || outcome.state === 'COMPLETED') return judgement;
  const { verdict } = judgement;
  if (verdict === 'FAILED' || verdict === 'NOT_FOUND') return { ...judgement, reasons: [...judgement.reasons, createReason(outcome)] };
  const running = outcome.state === 'RUNNING' || outcome.state === 'RUNNING_UNCONFIRMED';
  return { verdict: running ? 'IN_PROGRESS' : 'INCOMPLETE', restorable: false, reasons: [createReason(outcome), ...judgement.reasons] };
}

function createReason(outcome: CreateOutcome): string {
  switch (outcome.state) {
    case 'RUNNING':
    case 'RUNNING_UNCONFIRMED':
    case 'DID_NOT_FINISH':
      return outcome.reason ?? 'create did not finish';
    default:
      return `create did not complete (${outcome.state}${outcome.reason ? `: ${outcome.reason}` : ''}): what it left is no restorable backup, even where its parts completed`;
  }
}

function judgeParts(parts: readonly JudgedPart[], options: JudgeOptions): Judgement {
  const present = parts.filter((p) => p.state !== 'SKIPPED');
  if (present.length === 0) return { verdict: 'UNKNOWN', restorable: false, reasons: ['no part of this installation can hold a backup'] };
  if (present.every((p) => p.state === 'NOT_FOUND')) {
    return { verdict: 'NOT_FOUND', restorable: false, reasons: ['no component knows this backup ID'] };
  }
  const considered = options.independentParts ? present.filter((p) => p.state !== 'NOT_FOUND') : present;
  const reasons = considered.filter((p) => p.state !== 'COMPLETED').map(describePart);
  const has = (predicate: (state: string) => boolean): boolean => considered.some((p) => predicate(p.state));

  let verdict: Verdict;
  if (has((s) => FAILED_STATES.has(s))) verdict = 'FAILED';
  else if (has((s) => s === 'ERROR')) verdict = 'UNKNOWN';
  else if (has((s) => s === 'IN_PROGRESS')) verdict = 'IN_PROGRESS';
  else if (considered.every((p) => p.state === 'COMPLETED')) verdict = 'COMPLETE';
  else verdict = 'INCOMPLETE';
  return { verdict, restorable: verdict === 'COMPLETE', reasons: verdict === 'COMPLETE' ? [] : reasons };
}

function describePart(part: JudgedPart): string {
  const why = part.message ? `: ${part.message}` : '';
  switch (part.state) {
    case 'NOT_FOUND':
      return `${part.part}: missing (the component has no backup with this ID)`;
    case 'ERROR':
      return `${part.part}: could not be read${why}`;
    case 'IN_PROGRESS':
      return `${part.part}: still in progress`;
    default:
      return `${part.part}: ${part.state}${why}`;
  }
}
