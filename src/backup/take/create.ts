/**
 * `create`: run a CreatePlan. Preflight first (open every connection, read-only checks; a failure throws a
 * CliError and nothing has changed), then the steps of the plan's actions with the runner's cleanup stack, so every
 * exit path after the pause resumes exporting. The whole run, the Web Modeler dump included, is under --timeout.
 * Backup failures do not throw: they are in the returned report.
 */
import { formatDuration } from '../../format-duration.js';
import type { Reporter } from '../../events.js';
import type { KubeClient } from '../../kube/kube-client.js';
import type { Connector } from '../../reach/component-http.js';
import { describeCreatePlan, stepsOf } from './actions.js';
import { openPool, type ConnectionPool } from '../connections.js';
import type { RunRecorder } from '../run-record.js';
import { buildCreateReport, runEndingOf } from './create-report.js';
import { planTargets, type CreatePlan } from './plan.js';
import { preflight } from './preflight.js';
import type { BackupReport } from './report.js';
import { runSteps } from './runner.js';
import type { Execution, ExportingRecord, PartRecord, PreflightFacts, RecordedPart, StepContext } from './step-context.js';

export { buildCreatePlan } from './plan.js';
export { describeCreatePlan };
export type { CreateOptions, CreatePlan } from './plan.js';

export interface RunDeps {
  readonly connect: Connector;
  readonly emit: Reporter;
  /** Aborted on a terminating signal; its reason is the signal's name ('SIGINT', 'SIGTERM', 'SIGHUP', …). */
  readonly signal: AbortSignal;
  readonly now?: (() => number) | undefined;
  /** For the Web Modeler dump, when the plan has one. */
  readonly kube?: Pick<KubeClient, 'execInPod'> | undefined;
  /**
   * The record of create runs in the cluster: told before the first change and after the run, so status and list
   * never call an ID whose create did not complete restorable. Without it (tests) nothing is recorded.
   */
  readonly record?: RunRecorder | undefined;
}

/** The run's deadline passed: the abort reason of the timeout signal. */
class RunTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`timed out after ${formatDuration(timeoutMs)} (--timeout)`);
    this.name = 'RunTimeoutError';
  }
}

/**
 * Runs the plan and returns its report. Throws only before any change: a CliError from a connection (exit 3),
 * a failed preflight check (exit 2 or 3), or an interrupt during preflight. plan.warnings are not emitted here.
 */
export async function runCreatePlan(plan: CreatePlan, deps: RunDeps): Promise<BackupReport> {
  const now = deps.now ?? Date.now;
  const startedMs = now();
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new RunTimeoutError(plan.timing.timeoutMs)), plan.timing.timeoutMs);
  const signal = AbortSignal.any([deps.signal, timeout.signal]);
  const emitted: string[] = [];
  const emit: Reporter = (event) => {
    if (event.kind === 'warning') emitted.push(event.message);
    try {
      deps.emit(event);
    } catch {
      // A progress line that cannot be written must not change the run: above all, not skip or fail the resume.
    }
  };

  const pool = openPool({ connect: deps.connect, emit, requestTimeoutMs: plan.timing.requestTimeoutMs });
  try {
    const targets = planTargets(plan);
    await pool.openAll(
      targets.flatMap((endpoint) => (endpoint.target ? [endpoint.target] : [])),
      signal,
    );
    try {
      const phase = { emit, signal, interrupt: deps.signal };
      const facts = await preflight(plan, pool, phase, targets.map((endpoint) => endpoint.where));
      return await execute(plan, pool, facts, { ...phase, now, startedMs, emitted }, deps);
    } finally {
      await pool.close();
    }
  } finally {
    // Also when a connection cannot be opened: a pending --timeout timer would keep the process alive.
    clearTimeout(timer);
  }
}

/** The steps in plan order, each part recorded as it goes; the report is assembled from those records. */
async function execute(plan: CreatePlan, pool: ConnectionPool, facts: PreflightFacts, run: Execution, { kube, record }: Pick<RunDeps, 'kube' | 'record'>): Promise<BackupReport> {
  // plan.warnings are the caller's to show (it shows them for --dry-run too); the report carries them.
  const parts = new Map<RecordedPart, PartRecord>();
  for (const planned of plan.parts) {
    const skipped = planned.state === 'SKIPPED';
    parts.set(planned.part, { part: planned.part, state: skipped ? 'SKIPPED' : 'NOT_STARTED', target: planned.target, message: skipped ? planned.reason : undefined, details: {} });
    if (skipped && planned.part !== 'web-modeler') run.emit({ kind: 'step-skipped', step: `backup-${planned.part}`, reason: planned.reason ?? 'skipped' });
  }

  const exporting: ExportingRecord = { paused: false, resumed: null, pausedMs: null };
  let backupId: number | null = plan.procedure === 'rdbms' ? null : plan.backupId;

  const ctx: StepContext = {
    plan,
    pool,
    kube,
    run,
    part: (part) => {
      const record = parts.get(part);
      if (!record) throw new Error(`plan has no part ${part}`);
      return record;
    },
    exporting,
    facts,
    setBackupId: (id) => {
      backupId = id;
    },
  };

  // The ID is the user's (or the clock's) before the first change; on RDBMS the cluster picks it and every part
  // stands on its own (§13.1), so there is nothing to record.
  const recorded = plan.procedure === 'rdbms' ? undefined : record;
  await recorded?.started(plan.backupId, run.now());
  const result = await runSteps(stepsOf(plan, ctx), { emit: run.emit, signal: run.signal });
  const report = buildCreateReport(plan, run, result, { parts, exporting, backupId });
  const timedOut = result.outcome.kind === 'aborted' && !run.interrupt.aborted;
  await recorded?.ended(runEndingOf(report, timedOut ? 'timed-out' : run.interrupt.aborted ? 'interrupted' : 'other'), run.now());
  return report;
}
