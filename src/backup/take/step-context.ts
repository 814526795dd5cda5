/**
 * What every step of a create run shares: the plan and its connection pool, the record of each part and of exporting
 * (the report is assembled from them), and the helpers that keep a part's record honest (tracked) and its polls
 * patient (tolerant, pollUntilFinal). And what an action kind is: its dry-run description and its step, side by side.
 */
import { latestIdFromConflict } from '../../camunda/component-errors.js';
import { ComponentHttpError } from '../../camunda/management-api.js';
import type { BackupPart } from '../../camunda/versions.js';
import { messageOf } from '../../errors.js';
import type { Reporter } from '../../events.js';
import type { KubeClient } from '../../kube/kube-client.js';
import type { ConnectionPool } from '../connections.js';
import type { CreatePlan } from './plan.js';
import type { PartState } from './report.js';
import { SiblingFailedError, type RunItem, type Step } from './runner.js';
import { sleep, waitForState } from '../wait-for-state.js';

/** A component answered with a final state other than success. */
export class PartFailedError extends Error {
  readonly state: PartState;
  constructor(state: PartState, message: string) {
    super(message);
    this.name = 'PartFailedError';
    this.state = state;
  }
}

export type RecordedPart = BackupPart | 'web-modeler';

/** What the report will say about one part; the steps fill it in as they go. */
export interface PartRecord {
  part: RecordedPart;
  state: PartState;
  target?: string | undefined;
  startedAt?: string | undefined;
  startedMs?: number | undefined;
  durationMs?: number | undefined;
  message?: string | undefined;
  details: Record<string, unknown>;
  /** Last state the component reported, for messages when we stop waiting. */
  remoteState?: string | undefined;
}

/** Whether exporting was paused and resumed, for the report and for the poll pace while paused. */
export interface ExportingRecord {
  paused: boolean;
  resumed: boolean | null;
  /** How many times resuming was tried. */
  resumeAttempts?: number | undefined;
  /** Resuming was given up (the second signal) before it succeeded or timed out. */
  resumeGivenUp?: boolean | undefined;
  pauseStartedMs?: number | undefined;
  pausedMs: number | null;
}

export interface Phase {
  readonly emit: Reporter;
  /** The run's signal: an interrupt or the --timeout deadline. */
  readonly signal: AbortSignal;
  /** deps.signal: tells an interrupt from the run's timeout. */
  readonly interrupt: AbortSignal;
}

/** What the read-only checks learn for the steps. */
export interface PreflightFacts {
  runtimeBaselineId?: number | undefined;
}

/** The run as the steps see it: the preflight's phase plus the clock and the warnings emitted so far. */
export interface Execution extends Phase {
  /** Aborted on the second signal: gives up the retries of the resume. */
  readonly giveUp?: AbortSignal | undefined;
  readonly now: () => number;
  readonly startedMs: number;
  readonly emitted: string[];
}

export interface StepContext {
  readonly plan: CreatePlan;
  readonly pool: ConnectionPool;
  /** The Web Modeler dump (exec in its database pod); resuming (the pods behind the Service, the brokers). */
  readonly kube?: Pick<KubeClient, 'execInPod' | 'readService' | 'listPods'> | undefined;
  readonly run: Execution;
  part(part: RecordedPart): PartRecord;
  readonly exporting: ExportingRecord;
  readonly facts: PreflightFacts;
  setBackupId(id: number): void;
}

/** Starts the part's clock, runs the body, and on any error leaves the part in the state that explains it. */
export async function tracked(ctx: StepContext, partName: RecordedPart, signal: AbortSignal, body: (record: PartRecord) => Promise<string | void>): Promise<string | void> {
  const record = ctx.part(partName);
  const { now } = ctx.run;
  record.state = 'IN_PROGRESS';
  record.startedMs = now();
  record.startedAt = new Date(record.startedMs).toISOString();
  try {
    const message = await body(record);
    record.state = 'COMPLETED';
    return message;
  } catch (error) {
    if (error instanceof PartFailedError) {
      record.state = error.state;
      record.message = error.message;
    } else if (error instanceof SiblingFailedError) {
      record.message = `${error.message}; last state ${record.remoteState ?? 'unknown'} (the backup may still finish on its own)`;
    } else if (signal.aborted && error === signal.reason) {
      const last = record.remoteState ? ` (last state ${record.remoteState})` : '';
      if (ctx.run.interrupt.aborted) {
        record.state = 'INTERRUPTED';
        record.message = `interrupted by ${messageOf(error)}${last}`;
      } else {
        record.state = 'TIMED_OUT';
        record.message = `${messageOf(error)}${last}`;
      }
    } else {
      record.state = 'FAILED';
      record.message = failureText(error);
    }
    throw error;
  } finally {
    record.durationMs = now() - record.startedMs;
  }
}

/** The component's words plus, for id conflicts, what to do about them. */
function failureText(error: unknown): string {
  if (error instanceof ComponentHttpError) {
    if (error.kind === 'id-conflict') {
      const latest = latestIdFromConflict(error.componentMessage);
      return `${error.message}; choose a higher --backup-id${latest !== undefined ? ` (above ${latest})` : ''}`;
    }
    return error.message;
  }
  return messageOf(error);
}

/** Polls are idempotent GETs: a dropped connection or a 502/503/504 now and then is retried, a run of them is not. */
const TRANSIENT_READS_TOLERATED = 3;

export function tolerant<T>(ctx: StepContext, step: Step['id'], signal: AbortSignal, read: () => Promise<T>): () => Promise<T> {
  let consecutive = 0;
  return async () => {
    for (;;) {
      try {
        const value = await read();
        consecutive = 0;
        return value;
      } catch (error) {
        const transient =
          !signal.aborted &&
          (error instanceof ComponentHttpError ? error.status === 502 || error.status === 503 || error.status === 504 : !(error instanceof PartFailedError) && !(error instanceof Error && error.name === 'UnexpectedResponseError'));
        if (!transient || ++consecutive > TRANSIENT_READS_TOLERATED) throw error;
        ctx.run.emit({ kind: 'step-progress', step, message: `status check failed (${messageOf(error)}); retrying` });
        await sleep(Math.min(ctx.plan.timing.pollIntervalMs, 1_000 * consecutive), signal);
      }
    }
  };
}

export function withinSettle(ctx: StepContext, sinceMs: number): boolean {
  return performance.now() - sinceMs < ctx.plan.timing.settleMs;
}

export function pollOptions(ctx: StepContext, step: Step['id'], signal: AbortSignal): { signal: AbortSignal; maxIntervalMs: number; initialIntervalMs: number; onProgress: (message: string) => void } {
  return {
    signal,
    maxIntervalMs: ctx.exporting.paused && ctx.exporting.resumed === null ? Math.min(ctx.plan.timing.pollIntervalMs, ctx.plan.timing.pausedPollMs) : ctx.plan.timing.pollIntervalMs,
    initialIntervalMs: ctx.plan.timing.initialPollMs,
    onProgress: (message) => ctx.run.emit({ kind: 'step-progress', step, message }),
  };
}

/** How to read one backup a component just accepted, and when its state is final. */
export interface BackupPoll<B extends { readonly state: string }> {
  read(): Promise<B>;
  /** `settling`: still within the settle window after the POST, when a partial state may only mean "starting". */
  isFinal(backup: B, settling: boolean): boolean;
  /** The state in a few words for the progress output. */
  describe(backup: B): string;
}

/**
 * Polls a backup the component just accepted until its state is final, and returns that state. Right after the
 * POST the component may not know the backup yet: a not-found within the settle window means "starting".
 */
export async function pollUntilFinal<B extends { readonly state: string }>(
  ctx: StepContext,
  step: Step['id'],
  signal: AbortSignal,
  record: PartRecord,
  poll: BackupPoll<B>,
): Promise<B> {
  const postedAt = performance.now();
  type Answer = { readonly backup?: B; readonly notFound?: string };
  const final = await waitForState<Answer>({
    ...pollOptions(ctx, step, signal),
    read: tolerant(ctx, step, signal, async () => {
      try {
        return { backup: await poll.read() };
      } catch (error) {
        if (error instanceof ComponentHttpError && error.kind === 'not-found' && withinSettle(ctx, postedAt)) return { notFound: error.componentMessage };
        throw error;
      }
    }),
    isDone: (answer) => answer.backup !== undefined && poll.isFinal(answer.backup, withinSettle(ctx, postedAt)),
    describe: (answer) => {
      record.remoteState = answer.backup?.state ?? 'NOT_FOUND';
      return answer.backup ? poll.describe(answer.backup) : `not visible yet (${answer.notFound})`;
    },
  });
  return final.backup!;
}

/** Where --dry-run writes the calls an action will make. */
export interface CallWriter {
  /** What follows runs after what came before (a new order number); calls of one order run concurrently. */
  then(): void;
  call(step: string, method: string, endpoint: { readonly where: string; readonly basePath: string }, path: string, extra?: { readonly body?: unknown; readonly note?: string }): void;
}

/** One kind of plan action: what the dry run prints for it, and the step that does it, side by side. */
export interface ActionKind<A> {
  describe(action: A, plan: CreatePlan, calls: CallWriter): void;
  step(action: A, ctx: StepContext): RunItem;
}
