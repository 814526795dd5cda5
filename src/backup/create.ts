/**
 * `create`: run a CreatePlan. Preflight first (open every connection, read-only checks; a failure throws a
 * CliError and nothing has changed), then the steps with the runner's cleanup stack, so every exit path after the
 * pause resumes exporting. Backup failures do not throw: they are in the returned report.
 */
import type { Reporter } from './events.js';
import { ComponentHttpError, managementApi, type ApiContext, type ManagementApi } from '../camunda/management-api.js';
import { latestIdFromConflict } from '../camunda/component-errors.js';
import { checkpointIdOf, type RuntimeState, type SnapshotInfo, type WebappBackup, type ZeebeBackup } from '../camunda/responses.js';
import { isSnapshotRunning, searchApi, snapshotProblem } from '../camunda/search-api.js';
import { CliError, InterruptedError, messageOf, PreconditionError, UsageError } from '../errors.js';
import type { ComponentHttp, Connector } from '../reach/component-http.js';
import { HttpReachError } from '../reach/http-reach-error.js';
import type { BackupReport, ExportingReport, PartReport, PartState, RunState } from './report.js';
import {
  endpointFor,
  type ComponentBackupAction,
  type CreatePlan,
  type PlanAction,
  type PlanEndpoint,
  type PreflightCheck,
  type WebappPart,
} from './plan.js';
import { resumeWithRetries } from './resume.js';
import { runSteps, SiblingFailedError, type RunItem, type Step } from './runner.js';
import { sleep, waitForState } from './wait-for-state.js';
import type { BackupPart } from '../camunda/versions.js';

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
export class RunTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`timed out after ${formatDuration(timeoutMs)} (--timeout)`);
    this.name = 'RunTimeoutError';
  }
}

/** A component answered with a final state other than success. */
class PartFailedError extends Error {
  readonly state: PartState;
  constructor(state: PartState, message: string) {
    super(message);
    this.name = 'PartFailedError';
    this.state = state;
  }
}

interface PartRecord {
  part: BackupPart;
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

interface ExportingRecord {
  paused: boolean;
  resumed: boolean | null;
  pauseStartedMs?: number | undefined;
  pausedMs: number | null;
}

interface PreflightFacts {
  zeebeLatestId?: number | undefined;
  runtimeBaselineId?: number | undefined;
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
    deps.emit(event);
  };

  const channels = await openChannels(plan, deps.connect, signal);
  try {
    const facts = await preflight(plan, channels, { emit, signal, interrupt: deps.signal });
    return await execute(plan, channels, facts, { emit, signal, interrupt: deps.signal, now, startedMs, emitted });
  } finally {
    clearTimeout(timer);
    await Promise.allSettled([...new Set(channels.values())].map((http) => http.close()));
  }
}

// --------------------------------------------------------------------------------------------------------------
// Connections

/** One connection per distinct target: the web apps and Zeebe share the orchestration pod on 8.8+. */
async function openChannels(plan: CreatePlan, connect: Connector, signal: AbortSignal): Promise<Map<string, ComponentHttp>> {
  const byTarget = new Map<string, PlanEndpoint[]>();
  for (const endpoint of plan.endpoints) {
    const key = JSON.stringify(endpoint.target);
    byTarget.set(key, [...(byTarget.get(key) ?? []), endpoint]);
  }
  const groups = [...byTarget.values()];
  const results = await Promise.allSettled(groups.map((group) => connect(group[0]!.target)));
  const channels = new Map<string, ComponentHttp>();
  const failures: unknown[] = [];
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') for (const endpoint of groups[index]!) channels.set(endpoint.key, result.value);
    else failures.push(result.reason);
  });
  if (failures.length > 0 || signal.aborted) {
    await Promise.allSettled([...new Set(channels.values())].map((http) => http.close()));
    throw failures[0] ?? abortError(signal);
  }
  return channels;
}

function abortError(signal: AbortSignal): CliError {
  const reason: unknown = signal.reason;
  if (reason === 'SIGINT' || reason === 'SIGTERM') return new InterruptedError(reason, { hint: 'nothing was changed' });
  return new PreconditionError(`${messageOf(reason)} before the backup started`, { hint: 'nothing was changed; raise --timeout' });
}

interface Phase {
  readonly emit: Reporter;
  readonly signal: AbortSignal;
  /** deps.signal: tells an interrupt from the run's timeout. */
  readonly interrupt: AbortSignal;
}

function contextFor(plan: CreatePlan, channels: Map<string, ComponentHttp>, key: string, phase: Pick<Phase, 'emit'> & { signal?: AbortSignal | undefined }): ApiContext {
  const endpoint = endpointFor(plan, key);
  const http = channels.get(key);
  if (!http) throw new Error(`no connection for endpoint "${key}"`);
  return {
    http,
    emit: phase.emit,
    signal: phase.signal,
    requestTimeoutMs: plan.timing.requestTimeoutMs,
    headers: endpoint.authorization ? { Authorization: endpoint.authorization.reveal() } : undefined,
  };
}

function apiFor(plan: CreatePlan, channels: Map<string, ComponentHttp>, key: string, phase: Pick<Phase, 'emit'> & { signal?: AbortSignal | undefined }): ManagementApi {
  return managementApi(contextFor(plan, channels, key, phase), endpointFor(plan, key).basePath);
}

// --------------------------------------------------------------------------------------------------------------
// Preflight: read-only, all checks concurrently, first failure in plan order wins.

async function preflight(plan: CreatePlan, channels: Map<string, ComponentHttp>, phase: Phase): Promise<PreflightFacts> {
  phase.emit({ kind: 'info', message: `checking ${plan.endpoints.map((e) => e.where).join(', ')}` });
  const facts: PreflightFacts = {};
  const results = await Promise.allSettled(plan.checks.map((check) => runCheck(plan, channels, phase, check, facts)));
  if (phase.signal.aborted) throw abortError(phase.signal);
  for (const [index, result] of results.entries()) {
    if (result.status === 'fulfilled') continue;
    const error: unknown = result.reason;
    if (error instanceof CliError) throw error;
    throw new PreconditionError(`preflight (${describeCheck(plan.checks[index]!)}): ${messageOf(error)}`, {
      hint: 'nothing was changed',
      cause: error,
    });
  }
  return facts;
}

function describeCheck(check: PreflightCheck): string {
  switch (check.kind) {
    case 'actuator-links':
      return `endpoints of the ${check.component}`;
    case 'search-repository':
      return `snapshot repository "${check.repository}"`;
    case 'snapshot-absent':
      return `snapshot ${check.snapshot}`;
    case 'zeebe-latest-id':
      return 'existing Zeebe backups';
    case 'backup-absent':
      return `existing ${check.part} backup`;
    case 'runtime-state':
      return 'Zeebe backup runtime state';
  }
}

async function runCheck(plan: CreatePlan, channels: Map<string, ComponentHttp>, phase: Phase, check: PreflightCheck, facts: PreflightFacts): Promise<void> {
  const endpoint = endpointFor(plan, check.endpoint);
  const id = plan.backupId;
  switch (check.kind) {
    case 'actuator-links': {
      const links = await apiFor(plan, channels, check.endpoint, phase).actuatorLinks();
      if (links === undefined) {
        phase.emit({ kind: 'info', message: `${check.component}: GET /actuator lists no endpoints; relying on the version table (${plan.line})` });
        return;
      }
      const missing = check.expectedLinks.filter((link) => !links.includes(link));
      if (missing.length > 0) {
        throw new PreconditionError(
          `the ${check.component} at ${endpoint.where} does not expose ${missing.map((m) => `/actuator/${m}`).join(' and ')} ` +
            `(it lists: ${links.join(', ') || 'nothing'}), which Camunda ${plan.line} needs for backups`,
          { hint: 'check the Camunda version really running there; --camunda-version forces a procedure at your own risk' },
        );
      }
      return;
    }
    case 'search-repository': {
      const search = searchApi(contextFor(plan, channels, check.endpoint, phase));
      try {
        await search.repository(check.repository);
      } catch (error) {
        if (error instanceof ComponentHttpError && (error.status === 404 || error.kind === 'no-repository')) {
          throw new PreconditionError(`snapshot repository "${check.repository}" does not exist in ${endpoint.where}`, {
            hint: `register it in Elasticsearch/OpenSearch (PUT /_snapshot/${check.repository}) or choose another with --snapshot-repository`,
            cause: error,
          });
        }
        throw new PreconditionError(`cannot read snapshot repository "${check.repository}" at ${endpoint.where}: ${messageOf(error)}`, { cause: error });
      }
      return;
    }
    case 'snapshot-absent': {
      const existing = await searchApi(contextFor(plan, channels, check.endpoint, phase)).snapshot(check.repository, check.snapshot);
      if (existing) {
        throw new UsageError(`backup ID ${id} is taken: snapshot ${check.snapshot} already exists in repository "${check.repository}"`, {
          hint: 'choose another --backup-id (or omit it to use the current unix time)',
        });
      }
      return;
    }
    case 'zeebe-latest-id': {
      let backups: readonly ZeebeBackup[];
      try {
        backups = await apiFor(plan, channels, check.endpoint, phase).zeebeBackups(check.path);
      } catch (error) {
        const hint =
          error instanceof ComponentHttpError && error.kind === 'no-backup-store'
            ? 'configure a backup store for Zeebe (S3, GCS, Azure or filesystem) in the release values'
            : undefined;
        throw new PreconditionError(`Zeebe cannot list its backups at ${endpoint.where}: ${messageOf(error)}`, { hint, cause: error });
      }
      const latest = backups.reduce<number | undefined>((max, backup) => (max === undefined || backup.backupId > max ? backup.backupId : max), undefined);
      facts.zeebeLatestId = latest;
      if (latest !== undefined && latest >= id) {
        throw new UsageError(
          `backup ID ${id} is not higher than the latest Zeebe backup ${latest}: Zeebe only accepts higher IDs (failed and deleted ones count)`,
          { hint: `choose --backup-id ${latest + 1} or higher${latest > 1e11 && id < 1e11 ? ' (this cluster uses millisecond IDs)' : ''}` },
        );
      }
      return;
    }
    case 'backup-absent': {
      let existing: WebappBackup;
      try {
        existing = await apiFor(plan, channels, check.endpoint, phase).webappBackup(check.path, id);
      } catch (error) {
        if (error instanceof ComponentHttpError) {
          // Not-found answers differ per component and patch (400/404/500): only what is clearly a
          // configuration problem stops the run here; the rest is left to the backup call itself.
          if (error.kind === 'no-repository' || error.kind === 'endpoint-absent') {
            throw new PreconditionError(`${check.part} at ${endpoint.where}: ${error.componentMessage}`, {
              hint: error.kind === 'no-repository' ? `configure the snapshot repository of ${check.part}` : 'check the Camunda version really running there',
              cause: error,
            });
          }
          return;
        }
        if (phase.signal.aborted) throw error;
        // An unparseable body is not evidence of a duplicate.
        if (error instanceof Error && error.name === 'UnexpectedResponseError') return;
        throw error;
      }
      throw new UsageError(`backup ID ${id} is taken: ${check.part} already has a backup with that ID (${existing.state})`, {
        hint: 'choose another --backup-id (or omit it to use the current unix time)',
      });
    }
    case 'runtime-state': {
      const state = await apiFor(plan, channels, check.endpoint, phase).runtimeState(check.path);
      facts.runtimeBaselineId = newestCheckpoint(state);
      return;
    }
  }
}

function newestCheckpoint(state: RuntimeState): number | undefined {
  const ids = [
    ...(state.backupStates ?? []).map((entry) => entry.checkpointId),
    ...(state.checkpointStates ?? []).filter((entry) => entry.checkpointType !== 'MARKER').map((entry) => entry.checkpointId),
  ];
  return ids.length === 0 ? undefined : Math.max(...ids);
}

// --------------------------------------------------------------------------------------------------------------
// Execution

interface Execution extends Phase {
  readonly now: () => number;
  readonly startedMs: number;
  readonly emitted: string[];
}

async function execute(plan: CreatePlan, channels: Map<string, ComponentHttp>, facts: PreflightFacts, run: Execution): Promise<BackupReport> {
  const { emit, now } = run;
  const parts = new Map<BackupPart, PartRecord>();
  for (const planned of plan.parts) {
    parts.set(planned.part, {
      part: planned.part,
      state: planned.state === 'SKIPPED' ? 'SKIPPED' : 'NOT_STARTED',
      target: planned.target,
      message: planned.reason,
      details: {},
    });
  }
  // plan.warnings are the caller's to show (it shows them for --dry-run too); the report carries them.
  for (const planned of plan.parts) {
    if (planned.state === 'SKIPPED') emit({ kind: 'step-skipped', step: `backup-${planned.part}`, reason: planned.reason ?? 'skipped' });
  }

  const exporting: ExportingRecord = { paused: false, resumed: null, pausedMs: null };
  let reportedBackupId: number | null = plan.procedure === 'rdbms' ? null : plan.backupId;

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
      reportedBackupId = id;
    },
  };

  const items = plan.actions.map((action) => toRunItem(action, ctx));
  const { outcome, cleanupFailures } = await runSteps(items, { emit, signal: run.signal });

  const interrupted = outcome.kind === 'aborted' && run.interrupt.aborted;
  const timedOut = outcome.kind === 'aborted' && !run.interrupt.aborted;
  let state: RunState;
  if (cleanupFailures.length > 0) state = 'CLEANUP_FAILED';
  else if (outcome.kind === 'completed') state = 'COMPLETED';
  else state = interrupted ? 'INTERRUPTED' : 'FAILED';

  let error: BackupReport['error'];
  if (outcome.kind === 'failed') {
    error = { message: failureSummary(outcome.step, outcome.error, ctx), step: outcome.step };
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

  const exportingReport: ExportingReport = {
    paused: exporting.paused,
    resumed: exporting.resumed,
    pausedMs: exporting.pausedMs,
    ...(exporting.resumed === false ? { resumeCommand: plan.resumeCommand } : {}),
  };

  return {
    schemaVersion: 1,
    command: 'create',
    backupId: reportedBackupId,
    release: plan.release,
    namespace: plan.namespace,
    camundaVersion: plan.camundaVersion,
    chartVersion: plan.chartVersion,
    access: plan.access,
    state,
    startedAt: new Date(run.startedMs).toISOString(),
    durationMs: now() - run.startedMs,
    parts: [...parts.values()].map(toPartReport),
    exporting: exportingReport,
    ...(error ? { error } : {}),
    warnings: [...new Set([...plan.warnings, ...run.emitted])],
  };
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

function failureSummary(step: string, error: unknown, ctx: StepContext): string {
  if (step === 'pause-exporting') return `pausing exporting failed: ${messageOf(error)}`;
  const part: BackupPart | undefined =
    step === 'continuous-backup' ? 'zeebe' : step.startsWith('backup-') ? (step.slice('backup-'.length) as BackupPart) : undefined;
  if (!part) return messageOf(error);
  return `${part}: ${ctx.part(part).message ?? messageOf(error)}`;
}

interface StepContext {
  readonly plan: CreatePlan;
  readonly channels: Map<string, ComponentHttp>;
  readonly run: Execution;
  part(part: BackupPart): PartRecord;
  readonly exporting: ExportingRecord;
  readonly facts: PreflightFacts;
  setBackupId(id: number): void;
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

/** Starts the part's clock, runs the body, and on any error leaves the part in the state that explains it. */
async function tracked(ctx: StepContext, partName: BackupPart, signal: AbortSignal, body: (record: PartRecord) => Promise<string | void>): Promise<string | void> {
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

function tolerant<T>(ctx: StepContext, step: Step['id'], signal: AbortSignal, read: () => Promise<T>): () => Promise<T> {
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

function withinSettle(ctx: StepContext, sinceMs: number): boolean {
  return performance.now() - sinceMs < ctx.plan.timing.settleMs;
}

function pollOptions(ctx: StepContext, step: Step['id'], signal: AbortSignal): { signal: AbortSignal; maxIntervalMs: number; initialIntervalMs: number; onProgress: (message: string) => void } {
  return {
    signal,
    maxIntervalMs: ctx.exporting.paused && ctx.exporting.resumed === null ? Math.min(ctx.plan.timing.pollIntervalMs, ctx.plan.timing.pausedPollMs) : ctx.plan.timing.pollIntervalMs,
    initialIntervalMs: ctx.plan.timing.initialPollMs,
    onProgress: (message) => ctx.run.emit({ kind: 'step-progress', step, message }),
  };
}

// --- pause / resume -------------------------------------------------------------------------------------------

function pauseStep(action: Extract<PlanAction, { kind: 'pause-exporting' }>, ctx: StepContext): Step {
  const { plan, channels, run, exporting } = ctx;
  return {
    id: 'pause-exporting',
    title: 'Soft-pause Zeebe exporting',
    // Registered before the pause: a failed pause may have paused some partitions (§3.5).
    cleanup: {
      title: 'Resume Zeebe exporting',
      async run() {
        // No run signal here: the run may be aborted, and the resume must be tried regardless.
        const api = apiFor(plan, channels, action.endpoint, { emit: run.emit });
        run.emit({ kind: 'step-started', step: 'resume-exporting', title: 'Resume Zeebe exporting' });
        const started = run.now();
        try {
          await resumeWithRetries(api, action.resumePath, plan.timing.resumeRetryDelaysMs, (message) =>
            run.emit({ kind: 'step-progress', step: 'resume-exporting', message }),
          );
        } catch (error) {
          exporting.resumed = false;
          run.emit({ kind: 'step-failed', step: 'resume-exporting', message: messageOf(error) });
          throw error;
        }
        exporting.resumed = true;
        exporting.pausedMs = exporting.pauseStartedMs === undefined ? null : run.now() - exporting.pauseStartedMs;
        run.emit({ kind: 'step-succeeded', step: 'resume-exporting', durationMs: run.now() - started, message: `exporting was paused for ${formatDuration(exporting.pausedMs ?? 0)}` });
      },
    },
    async run(signal) {
      exporting.paused = true;
      exporting.pauseStartedMs = run.now();
      await apiFor(plan, channels, action.endpoint, { emit: run.emit, signal }).pauseExporting(action.pausePath);
      return 'exporting soft-paused';
    },
  };
}

// --- web apps and Optimize ------------------------------------------------------------------------------------

function componentBackupStep(action: ComponentBackupAction, ctx: StepContext): Step {
  const { plan, channels, run } = ctx;
  const id = plan.backupId;
  const stepId = `backup-${action.part}` as const;
  return {
    id: stepId,
    title: `Back up ${titleOf(action.part)}`,
    run: (signal) =>
      tracked(ctx, action.part, signal, async (record) => {
        const api = apiFor(plan, channels, action.endpoint, { emit: run.emit, signal });
        const taken = await api.takeBackup(action.path, id);
        if (taken.scheduledSnapshots) record.details['scheduledSnapshots'] = taken.scheduledSnapshots;
        if (taken.message) record.details['accepted'] = taken.message;
        const postedAt = performance.now();

        type Poll = { readonly backup?: WebappBackup; readonly notFound?: string };
        const final = await waitForState<Poll>({
          ...pollOptions(ctx, stepId, signal),
          read: tolerant(ctx, stepId, signal, async () => {
            try {
              return { backup: await api.webappBackup(action.path, id) };
            } catch (error) {
              if (error instanceof ComponentHttpError && error.kind === 'not-found' && withinSettle(ctx, postedAt)) {
                return { notFound: error.componentMessage };
              }
              throw error;
            }
          }),
          isDone: (poll) => poll.backup !== undefined && isWebappFinal(poll.backup, withinSettle(ctx, postedAt)),
          describe: (poll) => {
            record.remoteState = poll.backup?.state ?? 'NOT_FOUND';
            return poll.backup ? describeWebapp(poll.backup) : `not visible yet (${poll.notFound})`;
          },
        });
        const backup = final.backup!;
        record.details['snapshots'] = (backup.details ?? []).map((detail) => ({
          snapshotName: detail.snapshotName,
          state: detail.state ?? undefined,
          startTime: detail.startTime ?? undefined,
          ...(detail.failures && detail.failures.length > 0 ? { failures: detail.failures } : {}),
        }));
        if (backup.state !== 'COMPLETED') {
          throw new PartFailedError(backup.state, backup.failureReason ?? `${titleOf(action.part)} reported ${backup.state}`);
        }
        return `${backup.details?.length ?? 0} snapshot(s) completed`;
      }),
  };
}

function isWebappFinal(backup: WebappBackup, settling: boolean): boolean {
  if (backup.state === 'IN_PROGRESS') return false;
  // Optimize may report INCOMPLETE while its second snapshot is being registered.
  if (backup.state === 'INCOMPLETE' && settling) return false;
  return true;
}

function describeWebapp(backup: WebappBackup): string {
  const details = backup.details ?? [];
  const done = details.filter((detail) => detail.state === 'SUCCESS').length;
  return details.length > 0 ? `${backup.state} (${done} of ${details.length} snapshots done)` : backup.state;
}

function titleOf(part: WebappPart | BackupPart): string {
  switch (part) {
    case 'webapps':
      return 'web apps (Operate, Tasklist)';
    case 'zeebe-records':
      return 'zeebe-record indices';
    default:
      return part[0]!.toUpperCase() + part.slice(1);
  }
}

// --- zeebe-record snapshot ------------------------------------------------------------------------------------

function zeebeRecordsStep(action: Extract<PlanAction, { kind: 'zeebe-records-snapshot' }>, ctx: StepContext): Step {
  const { plan, channels, run } = ctx;
  return {
    id: 'backup-zeebe-records',
    title: `Snapshot ${action.indices} to ${action.snapshot}`,
    run: (signal) =>
      tracked(ctx, 'zeebe-records', signal, async (record) => {
        const search = searchApi(contextFor(plan, channels, action.endpoint, { emit: run.emit, signal }));
        record.details['snapshot'] = action.snapshot;
        record.details['repository'] = action.repository;
        record.details['indices'] = action.indices;
        const remainingMs = Math.max(1_000, plan.timing.timeoutMs - (run.now() - run.startedMs));
        let info: SnapshotInfo | undefined;
        let putError: unknown;
        try {
          info = await search.createSnapshot(action.repository, action.snapshot, action.body, remainingMs);
        } catch (error) {
          if (error instanceof ComponentHttpError || signal.aborted || !mayHaveBeenSent(error)) throw error;
          // The transport gave up (proxy or client timeout) while the snapshot may well be running: ask ES.
          putError = error;
        }
        if (!info || isSnapshotRunning(info)) {
          const startedPolling = performance.now();
          const polled = await waitForState<SnapshotInfo | undefined>({
            ...pollOptions(ctx, 'backup-zeebe-records', signal),
            read: tolerant(ctx, 'backup-zeebe-records', signal, () => search.snapshot(action.repository, action.snapshot)),
            isDone: (current) => (current ? !isSnapshotRunning(current) : !withinSettle(ctx, startedPolling)),
            describe: (current) => {
              record.remoteState = current?.state ?? 'NOT_FOUND';
              return current ? `${current.state ?? 'no state yet'}` : 'not visible yet';
            },
          });
          if (!polled) {
            throw new PartFailedError('FAILED', putError ? messageOf(putError) : `snapshot ${action.snapshot} was accepted but never appeared`);
          }
          info = polled;
        }
        record.remoteState = info.state ?? undefined;
        record.details['state'] = info.state;
        if (info.shards) record.details['shards'] = info.shards;
        if (info.indices) record.details['indexCount'] = info.indices.length;
        const problem = snapshotProblem(info);
        if (problem) throw new PartFailedError(info.state === 'INCOMPATIBLE' ? 'INCOMPATIBLE' : 'FAILED', problem);
        return `${info.indices?.length ?? 0} indices, state SUCCESS`;
      }),
  };
}

// --- Zeebe ----------------------------------------------------------------------------------------------------

function zeebeBackupStep(action: Extract<PlanAction, { kind: 'zeebe-backup' }>, ctx: StepContext): Step {
  const { plan, channels, run } = ctx;
  return {
    id: 'backup-zeebe',
    title: 'Back up Zeebe partitions',
    run: (signal) =>
      tracked(ctx, 'zeebe', signal, async (record) => {
        const api = apiFor(plan, channels, action.endpoint, { emit: run.emit, signal });
        const taken = await api.takeBackup(action.path, plan.backupId);
        if (taken.message) record.details['accepted'] = taken.message;
        return awaitZeebeBackup(ctx, api, action.path, plan.backupId, record, 'backup-zeebe', signal);
      }),
  };
}

async function awaitZeebeBackup(ctx: StepContext, api: ManagementApi, path: string, id: number, record: PartRecord, step: Step['id'], signal: AbortSignal): Promise<string> {
  const postedAt = performance.now();
  type Poll = { readonly backup?: ZeebeBackup; readonly notFound?: string };
  const final = await waitForState<Poll>({
    ...pollOptions(ctx, step, signal),
    read: tolerant(ctx, step, signal, async () => {
      try {
        return { backup: await api.zeebeBackup(path, id) };
      } catch (error) {
        if (error instanceof ComponentHttpError && error.kind === 'not-found' && withinSettle(ctx, postedAt)) return { notFound: error.componentMessage };
        throw error;
      }
    }),
    isDone: (poll) => poll.backup !== undefined && isZeebeFinal(poll.backup, withinSettle(ctx, postedAt)),
    describe: (poll) => {
      record.remoteState = poll.backup?.state ?? 'NOT_FOUND';
      return poll.backup ? describeZeebe(poll.backup) : `not visible yet (${poll.notFound})`;
    },
  });
  const backup = final.backup!;
  record.details['backupId'] = backup.backupId;
  record.details['partitions'] = (backup.details ?? []).map((partition) => stripNullish({ ...partition }));
  if (backup.state !== 'COMPLETED') {
    const partitionReasons = (backup.details ?? [])
      .filter((partition) => partition.failureReason)
      .map((partition) => `partition ${partition.partitionId}: ${partition.failureReason}`);
    const reason = backup.failureReason ?? (partitionReasons.join('; ') || `Zeebe reported ${backup.state}`);
    const state: PartState = backup.state === 'DOES_NOT_EXIST' ? 'NOT_FOUND' : backup.state === 'DELETED' || backup.state === 'INCOMPLETE' || backup.state === 'INCOMPATIBLE' ? backup.state : 'FAILED';
    throw new PartFailedError(state, reason);
  }
  return `${backup.details?.length ?? 0} partition(s) completed`;
}

/**
 * Whether a call that got no answer may still have reached the component. A refused or unresolvable connection,
 * a failed TLS handshake, or a pod with no tool for the method (a plain CliError) sent nothing: waiting for a
 * snapshot that was never requested would only stretch the paused window.
 */
function mayHaveBeenSent(error: unknown): boolean {
  if (error instanceof HttpReachError) return error.reason !== 'connect' && error.reason !== 'dns' && error.reason !== 'tls';
  return !(error instanceof CliError);
}

function isZeebeFinal(backup: ZeebeBackup, settling: boolean): boolean {
  if (backup.state === 'IN_PROGRESS') return false;
  // Right after the POST some partitions may not have registered the backup yet.
  if ((backup.state === 'INCOMPLETE' || backup.state === 'DOES_NOT_EXIST') && settling) return false;
  return true;
}

function describeZeebe(backup: ZeebeBackup): string {
  const partitions = backup.details ?? [];
  const done = partitions.filter((partition) => partition.state === 'COMPLETED').length;
  return partitions.length > 0 ? `${backup.state} (${done} of ${partitions.length} partitions done)` : backup.state;
}

function stripNullish(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== null && value !== undefined));
}

// --- 8.9 RDBMS: continuous backups ----------------------------------------------------------------------------

function continuousBackupStep(action: Extract<PlanAction, { kind: 'continuous-backup' }>, ctx: StepContext): Step {
  const { plan, channels, run, facts } = ctx;
  return {
    id: 'continuous-backup',
    title: 'Trigger a Zeebe backup (continuous mode; the cluster chooses the ID)',
    run: (signal) =>
      tracked(ctx, 'zeebe', signal, async (record) => {
        const api = apiFor(plan, channels, action.endpoint, { emit: run.emit, signal });
        record.details['mode'] = 'continuous';
        const taken = await api.takeBackup(action.path, undefined);
        if (taken.message) record.details['accepted'] = taken.message;
        let id = taken.backupId;
        if (id === undefined) {
          // The 202 body of the source revision carries no id (§12.9): wait for a newer checkpoint in the state.
          const baseline = facts.runtimeBaselineId ?? 0;
          const started = performance.now();
          const state = await waitForState<RuntimeState>({
            ...pollOptions(ctx, 'continuous-backup', signal),
            read: tolerant(ctx, 'continuous-backup', signal, () => api.runtimeState(action.path)),
            isDone: (current) => (newestCheckpoint(current) ?? 0) > baseline || !withinSettle(ctx, started),
            describe: (current) => `newest checkpoint ${newestCheckpoint(current) ?? 'none'}`,
          });
          const newest = newestCheckpoint(state);
          if (newest === undefined || newest <= baseline) {
            throw new PartFailedError('FAILED', `Zeebe accepted the backup, but no new backup ID appeared in ${action.path}/state`);
          }
          id = newest;
        }
        ctx.setBackupId(id);
        record.details['backupId'] = id;
        const result = await awaitZeebeBackup(ctx, api, action.path, id, record, 'continuous-backup', signal);
        // Step 4 of the docs: every partition has a backup and at least one range (§13.3).
        const state = await api.runtimeState(action.path);
        const ranges = new Map<number, number>();
        for (const range of state.ranges ?? []) ranges.set(range.partitionId, (ranges.get(range.partitionId) ?? 0) + 1);
        record.details['ranges'] = Object.fromEntries(ranges);
        const latestRange = (state.ranges ?? []).map((range) => checkpointIdOf(range.end)).filter((end): end is number => end !== undefined);
        if (latestRange.length > 0) record.details['latestRestorableCheckpoint'] = Math.max(...latestRange);
        const partitions = new Set((state.backupStates ?? []).map((entry) => entry.partitionId));
        const gaps = [...ranges.entries()].filter(([, count]) => count > 1).map(([partition]) => partition);
        if (gaps.length > 0) {
          run.emit({ kind: 'warning', message: `partition(s) ${gaps.join(', ')} have several backup ranges: there are gaps without a restore point` });
        }
        const without = (record.details['partitions'] as { partitionId: number }[] | undefined)?.filter((p) => !partitions.has(p.partitionId)) ?? [];
        if (state.backupStates && without.length > 0) {
          run.emit({ kind: 'warning', message: `partition(s) ${without.map((p) => p.partitionId).join(', ')} have no entry in the backup runtime state` });
        }
        return `backup ${id}: ${result}`;
      }),
  };
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}
