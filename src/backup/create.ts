/**
 * `create`: run a CreatePlan. Preflight first (open every connection, read-only checks; a failure throws a
 * CliError and nothing has changed), then the steps with the runner's cleanup stack, so every exit path after the
 * pause resumes exporting. Backup failures do not throw: they are in the returned report.
 */
import type { BackupPart } from '../camunda/versions.js';
import type { Connector } from '../reach/component-http.js';
import { componentBackupStep } from './component-backup-step.js';
import { continuousBackupStep } from './continuous-backup-step.js';
import { buildCreateReport } from './create-report.js';
import type { Reporter } from '../events.js';
import { formatDuration } from '../format-duration.js';
import { closeChannels, openChannels, type Channels } from './open-channels.js';
import { pauseStep } from './pause-step.js';
import type { CreatePlan, PlanAction } from './plan.js';
import { preflight, type PreflightFacts } from './preflight.js';
import type { BackupReport } from './report.js';
import { runSteps, type RunItem } from './runner.js';
import type { Execution, ExportingRecord, PartRecord, StepContext } from './step-context.js';
import { zeebeBackupStep } from './zeebe-backup-step.js';
import { zeebeRecordsStep } from './zeebe-records-step.js';

export { buildCreatePlan, describeCreatePlan } from './plan.js';
export type { CreateOptions, CreatePlan } from './plan.js';

export interface RunDeps {
  readonly connect: Connector;
  readonly emit: Reporter;
  /** Aborted on SIGINT/SIGTERM; its reason is 'SIGINT' or 'SIGTERM'. */
  readonly signal: AbortSignal;
  readonly now?: (() => number) | undefined;
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

  try {
    const channels = await openChannels(plan, deps.connect, signal);
    try {
      const facts = await preflight(plan, channels, { emit, signal, interrupt: deps.signal });
      return await execute(plan, channels, facts, { emit, signal, interrupt: deps.signal, now, startedMs, emitted });
    } finally {
      await closeChannels(channels);
    }
  } finally {
    // Also when a connection cannot be opened: a pending --timeout timer would keep the process alive.
    clearTimeout(timer);
  }
}

/** The steps in plan order, each part recorded as it goes; the report is assembled from those records. */
async function execute(plan: CreatePlan, channels: Channels, facts: PreflightFacts, run: Execution): Promise<BackupReport> {
  // plan.warnings are the caller's to show (it shows them for --dry-run too); the report carries them.
  const parts = new Map<BackupPart, PartRecord>();
  for (const planned of plan.parts) {
    const skipped = planned.state === 'SKIPPED';
    parts.set(planned.part, { part: planned.part, state: skipped ? 'SKIPPED' : 'NOT_STARTED', target: planned.target, message: planned.reason, details: {} });
    if (skipped) run.emit({ kind: 'step-skipped', step: `backup-${planned.part}`, reason: planned.reason ?? 'skipped' });
  }

  const exporting: ExportingRecord = { paused: false, resumed: null, pausedMs: null };
  let backupId: number | null = plan.procedure === 'rdbms' ? null : plan.backupId;

  const ctx: StepContext = {
    plan,
    channels,
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

  const result = await runSteps(
    plan.actions.map((action) => toRunItem(action, ctx)),
    { emit: run.emit, signal: run.signal },
  );
  return buildCreateReport(plan, run, result, { parts, exporting, backupId });
}

function toRunItem(action: PlanAction, ctx: StepContext): RunItem {
  switch (action.kind) {
    case 'pause-exporting':
      return pauseStep(action, ctx);
    case 'parallel':
      return { parallel: action.actions.map((a) => componentBackupStep(a, ctx)) };
    case 'zeebe-records-snapshot':
      return zeebeRecordsStep(action, ctx);
    case 'zeebe-backup':
      return zeebeBackupStep(action, ctx);
    case 'continuous-backup':
      return continuousBackupStep(action, ctx);
  }
}
