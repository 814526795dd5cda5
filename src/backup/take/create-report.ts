/**
 * The report of a create run, assembled from what the steps recorded and how the runner ended: the run's state,
 * the error to show (a failed resume outranks everything), each part's row and the exporting window.
 */
import type { BackupPart } from '../../camunda/versions.js';
import { messageOf } from '../../errors.js';
import { deleteToolCommand, type RunEnding } from '../run-record.js';
import type { CreatePlan } from './plan.js';
import type { BackupReport, ExportingReport, LeftBehindReport, PartReport, PartState, RunState } from './report.js';
import type { RunOutcome } from './runner.js';
import type { Execution, ExportingRecord, PartRecord, RecordedPart } from './step-context.js';

/** What the steps left behind. */
export interface RunRecords {
  readonly parts: ReadonlyMap<RecordedPart, PartRecord>;
  readonly exporting: ExportingRecord;
  /** null on RDBMS until the cluster chose one. */
  readonly backupId: number | null;
}

export function buildCreateReport(plan: CreatePlan, run: Execution, { outcome, cleanupFailures }: RunOutcome, records: RunRecords): BackupReport {
  const { parts, exporting } = records;
  const interrupted = outcome.kind === 'aborted' && run.interrupt.aborted;
  const timedOut = outcome.kind === 'aborted' && !run.interrupt.aborted;
  let state: RunState;
  if (cleanupFailures.length > 0) state = 'CLEANUP_FAILED';
  else if (outcome.kind === 'completed') state = 'COMPLETED';
  else state = interrupted ? 'INTERRUPTED' : 'FAILED';

  let error: BackupReport['error'];
  if (outcome.kind === 'failed') {
    error = { message: failureSummary(outcome.step, outcome.error, parts), step: outcome.step };
  } else if (outcome.kind === 'aborted') {
    const why = interrupted ? `interrupted by ${messageOf(outcome.reason)}` : messageOf(outcome.reason);
    error = { message: outcome.step ? `${why} during ${outcome.step}` : why, step: outcome.step };
  }
  if (cleanupFailures.length > 0) {
    const resumeFailure = cleanupFailures.map((failure) => messageOf(failure.error)).join('; ');
    error = {
      message: `exporting is still paused, resuming failed ${plan.timing.resumeRetryDelaysMs.length + 1} times: ${resumeFailure}${error ? ` (the run had already stopped: ${error.message})` : ''}`,
      step: 'resume-exporting',
    };
  }
  if (timedOut) {
    for (const record of parts.values()) if (record.state === 'IN_PROGRESS') record.state = 'TIMED_OUT';
  }
  const dump = parts.get('web-modeler');
  if (dump?.state === 'NOT_STARTED') dump.message = 'not dumped: the backup did not complete';
  const leftBehind = backupComplete(parts) ? undefined : leftBehindReport(plan, records);

  const exportingReport: ExportingReport = {
    paused: exporting.paused,
    resumed: exporting.resumed,
    pausedMs: exporting.pausedMs,
    ...(exporting.resumed === false ? { resumeCommand: plan.resumeCommand } : {}),
  };

  return {
    schemaVersion: 1,
    command: 'create',
    backupId: records.backupId,
    release: plan.release,
    namespace: plan.namespace,
    camundaVersion: plan.camundaVersion,
    chartVersion: plan.chartVersion,
    access: plan.access,
    state,
    startedAt: new Date(run.startedMs).toISOString(),
    durationMs: run.now() - run.startedMs,
    parts: [...parts.values()].map(toPartReport),
    exporting: exportingReport,
    ...(error ? { error } : {}),
    ...(leftBehind ? { leftBehind } : {}),
    warnings: [...new Set([...plan.warnings, ...run.emitted])],
  };
}

/** A part whose backup never started holds nothing of the ID. */
const HOLDS_NOTHING: ReadonlySet<PartState> = new Set(['NOT_STARTED', 'SKIPPED', 'PLANNED']);

/**
 * Every part completed: the set was taken in the documented order, whatever happened afterwards (an interrupt
 * during the resume, a resume that failed). Anything less is no restorable backup, whatever the parts later say.
 */
function backupComplete(parts: ReadonlyMap<RecordedPart, PartRecord>): boolean {
  return [...parts.values()].every((record) => record.state === 'COMPLETED' || record.state === 'SKIPPED');
}

/** The parts of the ID in the cluster (the Web Modeler dump is a local file, removed when it fails) and how to delete them. */
function leftBehindReport(plan: CreatePlan, records: RunRecords): LeftBehindReport | undefined {
  // RDBMS: every part is a backup of its own with its own ID (§13.1); what a stopped run took still stands.
  if (records.backupId === null || plan.procedure === 'rdbms') return undefined;
  const left = [...records.parts.values()]
    .filter((record): record is PartRecord & { part: BackupPart } => record.part !== 'web-modeler' && !HOLDS_NOTHING.has(record.state))
    .map((record) => ({ part: record.part, state: record.state }));
  return {
    backupId: records.backupId,
    parts: left,
    ...(left.length > 0 ? { deleteCommand: deleteToolCommand(plan, records.backupId, plan.access, plan.cluster) } : {}),
  };
}

/** How the run ended, for the run record: COMPLETED only when every part completed (see backupComplete). */
export function runEndingOf(report: BackupReport, stop: 'interrupted' | 'timed-out' | 'other'): RunEnding {
  if (!report.leftBehind) return { state: 'COMPLETED', leftBehind: [] };
  const state = stop === 'interrupted' ? 'INTERRUPTED' : stop === 'timed-out' ? 'TIMED_OUT' : 'FAILED';
  return { state, reason: report.error?.message, leftBehind: report.leftBehind.parts.map((p) => p.part) };
}

function toPartReport(record: PartRecord): PartReport {
  return {
    part: record.part,
    state: record.state,
    target: record.target,
    startedAt: record.startedAt,
    durationMs: record.durationMs,
    message: record.message,
    details: Object.keys(record.details).length > 0 ? record.details : undefined,
  };
}

function failureSummary(step: string, error: unknown, parts: ReadonlyMap<RecordedPart, PartRecord>): string {
  if (step === 'pause-exporting') return `pausing exporting failed: ${messageOf(error)}`;
  const part: RecordedPart | undefined =
    step === 'continuous-backup'
      ? 'zeebe'
      : step === 'web-modeler-dump'
        ? 'web-modeler'
        : step.startsWith('backup-')
          ? (step.slice('backup-'.length) as BackupPart)
          : undefined;
  if (!part) return messageOf(error);
  const record = parts.get(part);
  if (!record) throw new Error(`plan has no part ${part}`);
  return `${part}: ${record.message ?? messageOf(error)}`;
}
