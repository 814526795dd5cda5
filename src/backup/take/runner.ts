/**
 * Runs steps in order, with a cleanup stack: a step's cleanup is registered before the step runs (a failed pause
 * may have paused some partitions), and after the last step, the first failure or an abort every registered
 * cleanup runs, last in first out, all of them even when one fails. A `cleanupsNow` item runs the cleanups registered
 * so far at that point (the resume before the Web Modeler dump); when one of them fails, no later step runs. The
 * runner never prints: it emits events.
 */
import { messageOf } from '../../errors.js';
import type { Reporter } from '../../events.js';
import type { BackupStepId } from '../step-id.js';

export interface Cleanup {
  readonly title: string;
  run(): Promise<void>;
}

export interface Step {
  readonly id: BackupStepId;
  readonly title: string;
  /** Registered before run(); runs whatever happens afterwards. */
  readonly cleanup?: Cleanup | undefined;
  /** Resolves with an optional one-line result for the progress output. */
  run(signal: AbortSignal): Promise<string | void>;
}

/** Steps that run concurrently; the first failure stops waiting for the others. */
export interface ParallelSteps {
  readonly parallel: readonly Step[];
}

/** Runs the cleanups registered so far, here rather than at the end. */
export interface CleanupsNow {
  readonly cleanupsNow: true;
}

export type RunItem = Step | ParallelSteps | CleanupsNow;

export type StepOutcome =
  | { readonly kind: 'completed' }
  | { readonly kind: 'failed'; readonly step: BackupStepId; readonly error: unknown }
  | { readonly kind: 'aborted'; readonly step?: BackupStepId | undefined; readonly reason: unknown };

export interface CleanupFailure {
  readonly title: string;
  readonly error: unknown;
}

export interface RunOutcome {
  readonly outcome: StepOutcome;
  readonly cleanupFailures: readonly CleanupFailure[];
}

export interface RunContext {
  readonly emit: Reporter;
  readonly signal: AbortSignal;
}

/** Why a sibling in a parallel group stopped waiting; says the failed step's title, the words the user saw. */
export class SiblingFailedError extends Error {
  readonly step: BackupStepId;
  constructor(step: BackupStepId, title: string) {
    super(`stopped waiting because "${title}" failed`);
    this.name = 'SiblingFailedError';
    this.step = step;
  }
}

class StepError extends Error {
  readonly step: BackupStepId;
  readonly title: string;
  readonly error: unknown;
  constructor(step: Step, error: unknown) {
    super(messageOf(error));
    this.step = step.id;
    this.title = step.title;
    this.error = error;
  }
}

export async function runSteps(items: readonly RunItem[], context: RunContext): Promise<RunOutcome> {
  const cleanups: Cleanup[] = [];
  const cleanupFailures: CleanupFailure[] = [];
  let outcome: StepOutcome = { kind: 'completed' };
  try {
    for (const item of items) {
      if (context.signal.aborted) {
        outcome = { kind: 'aborted', reason: context.signal.reason };
        break;
      }
      if ('cleanupsNow' in item) {
        cleanupFailures.push(...(await runCleanups(cleanups.splice(0), context.emit)));
        if (cleanupFailures.length > 0) break;
      } else if ('parallel' in item) await runParallel(item.parallel, context, cleanups);
      else await runOne(item, context.signal, context.emit, cleanups);
    }
  } catch (error) {
    if (!(error instanceof StepError)) {
      // Not a step's failure (a bug, a reporter that throws): still undo what was done, then pass it on.
      await runCleanups(cleanups, context.emit);
      throw error;
    }
    outcome = context.signal.aborted
      ? { kind: 'aborted', step: error.step, reason: context.signal.reason }
      : { kind: 'failed', step: error.step, error: error.error };
  }
  cleanupFailures.push(...(await runCleanups(cleanups, context.emit)));
  return { outcome, cleanupFailures };
}

async function runOne(step: Step, signal: AbortSignal, emit: Reporter, cleanups: Cleanup[]): Promise<void> {
  if (step.cleanup) cleanups.push(step.cleanup);
  emit({ kind: 'step-started', step: step.id, title: step.title });
  const started = performance.now();
  try {
    if (signal.aborted) throw signal.reason;
    const message = await step.run(signal);
    emit({ kind: 'step-succeeded', step: step.id, durationMs: Math.round(performance.now() - started), message: message || undefined });
  } catch (error) {
    const stopped = signal.aborted && error === signal.reason;
    emit({ kind: 'step-failed', step: step.id, message: messageOf(error), durationMs: Math.round(performance.now() - started), stopped });
    throw new StepError(step, error);
  }
}

async function runParallel(steps: readonly Step[], context: RunContext, cleanups: Cleanup[]): Promise<void> {
  const group = new AbortController();
  const signal = AbortSignal.any([context.signal, group.signal]);
  const results = await Promise.allSettled(
    steps.map((step) =>
      runOne(step, signal, context.emit, cleanups).catch((error: unknown) => {
        if (!group.signal.aborted && !context.signal.aborted && error instanceof StepError) {
          group.abort(new SiblingFailedError(error.step, error.title));
        }
        throw error;
      }),
    ),
  );
  const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (errors.length === 0) return;
  // Report the failure that caused the stop, not the siblings that were stopped because of it.
  const cause =
    errors.find((error) => error instanceof StepError && !(error.error instanceof SiblingFailedError)) ?? errors[0];
  throw cause;
}

async function runCleanups(cleanups: readonly Cleanup[], report: Reporter): Promise<CleanupFailure[]> {
  // A progress line that cannot be written must not skip a cleanup.
  const emit: Reporter = (event) => {
    try {
      report(event);
    } catch {
      // nothing to do: the cleanup matters more than its line
    }
  };
  const failures: CleanupFailure[] = [];
  for (const cleanup of [...cleanups].reverse()) {
    emit({ kind: 'cleanup-started', title: cleanup.title });
    try {
      await cleanup.run();
      emit({ kind: 'cleanup-succeeded', title: cleanup.title });
    } catch (error) {
      emit({ kind: 'cleanup-failed', title: cleanup.title, message: messageOf(error) });
      failures.push({ title: cleanup.title, error });
    }
  }
  return failures;
}
