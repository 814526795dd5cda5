/**
 * Runs a restore plan in its order, each step verified before the next (camunda-restore.md §12 "Execute"), and
 * writes every step into the journal, so that a rerun continues where this run stopped. Stopping is always at a
 * safe point: an interrupt or a failure never scales the applications up on half-restored data and never leaves
 * restore mode on the broker StatefulSet (it is scaled to 0 and the exact inverse patch applied first); when even
 * that fails, the outcome carries the kubectl commands that do it by hand.
 */
import type { ApiContext } from '../../camunda/management-api.js';
import { deleteIndices, existingIndices, listIndicesByPrefix, restoreSnapshot } from '../../camunda/search-indices.js';
import { isSignalName, messageOf } from '../../errors.js';
import type { Reporter } from '../../events.js';
import { formatDuration } from '../../format-duration.js';
import { kubectlCommand, type ClusterFlags } from '../../kube/cluster-flags.js';
import type { KubeClient } from '../../kube/kube-client.js';
import type { WorkloadClient, WorkloadRef } from '../../kube/workload-client.js';
import { waitForWorkload } from '../../kube/workload-wait.js';
import { sleep } from '../wait-for-state.js';
import { judgeBrokerLogs } from './broker-logs.js';
import type { JournalHandle, RestoreJournal } from './journal.js';
import type { PlannedWorkload, RestorePhase, RestorePlan, RestoreStep } from './plan.js';
import { restoreModeLeftovers, restoreModeOffChange, restoreModeOffCommands, restoreModeOnChange } from './restore-mode.js';
import { stopAgainWhereRunning } from './still-stopped.js';

export interface RestoreTiming {
  /** Longest wait for pods to go or to get Ready, per workload. */
  readonly workloadTimeoutMs: number;
  /** Longest restore of one snapshot. */
  readonly snapshotTimeoutMs: number;
  /** Longest wait for every broker to log its restore. */
  readonly brokerRestoreTimeoutMs: number;
  /** Longest interval between two polls. */
  readonly pollMs: number;
}

export const DEFAULT_RESTORE_TIMING: RestoreTiming = { workloadTimeoutMs: 10 * 60_000, snapshotTimeoutMs: 6 * 3600_000, brokerRestoreTimeoutMs: 3600_000, pollMs: 2_000 };

export interface RestoreRunDeps {
  readonly kube: Pick<KubeClient, 'listPods'>;
  readonly workloads: WorkloadClient;
  /** The Elasticsearch/OpenSearch API (ES/OS mode only). */
  readonly search?: (() => Promise<ApiContext>) | undefined;
  readonly journal: JournalHandle;
  readonly emit: Reporter;
  readonly signal: AbortSignal;
  readonly timing: RestoreTiming;
  /** For the printed kubectl commands. */
  readonly cluster: ClusterFlags;
  /**
   * Shows that every broker holds the backup's data once they run again (their partitions' snapshots and positions,
   * and no partition that started empty); throws naming the broker and the partition otherwise.
   */
  readonly verifyZeebeData: (step: Extract<RestoreStep, { action: 'verify-zeebe-data' }>, signal: AbortSignal) => Promise<string>;
  /** Makes sure exporting is not paused after the restart (resumes it when it is); resolves with what it saw. */
  readonly verifyExporting: (signal: AbortSignal) => Promise<string>;
  /** Shows that the restored backup is listed by the components again; resolves with what it saw. */
  readonly verifyBackupListed: (backupId: number, signal: AbortSignal) => Promise<string>;
  /** RDBMS mode: this run was told the database was restored (--database-restored); without it the run stops before the Zeebe restore. */
  readonly databaseRestored?: boolean | undefined;
  /** Loads the Web Modeler dump (after everything else is up). */
  readonly loadWebModelerDump?: ((step: Extract<RestoreStep, { action: 'load-web-modeler-dump' }>, signal: AbortSignal) => Promise<string>) | undefined;
}

export interface StepResult {
  readonly id: string;
  readonly phase: RestorePhase;
  readonly message: string;
  readonly durationMs: number;
}

type RestoreOutcomeCore =
  | { readonly state: 'COMPLETED'; readonly journal: RestoreJournal; readonly results: readonly StepResult[] }
  /** RDBMS mode, a run without --database-restored: every Camunda workload is stopped; the owner restores the database now. */
  | { readonly state: 'WAITING_FOR_DATABASE'; readonly journal: RestoreJournal; readonly results: readonly StepResult[]; readonly clusterState: readonly string[] }
  | { readonly state: 'INTERRUPTED'; readonly journal: RestoreJournal; readonly results: readonly StepResult[]; readonly signal: string; readonly clusterState: readonly string[] }
  | {
      readonly state: 'FAILED';
      readonly journal: RestoreJournal;
      readonly results: readonly StepResult[];
      readonly step: string;
      readonly phase: RestorePhase;
      readonly message: string;
      readonly clusterState: readonly string[];
    }
  | {
      readonly state: 'CLEANUP_FAILED';
      readonly journal: RestoreJournal;
      readonly results: readonly StepResult[];
      readonly message: string;
      /** The exact commands that take restore mode off by hand. */
      readonly commands: readonly string[];
      readonly clusterState: readonly string[];
    };

/**
 * How the run ended. `journalUnwritten`: the last journal write failed (API server gone, token expired, a conflict
 * that could not be resolved), so the journal in the cluster is behind what `journal` says happened.
 */
export type RestoreOutcome = RestoreOutcomeCore & { readonly journalUnwritten?: string | undefined };

/** A broker that logged a failure line of the restore application. */
export class BrokerRestoreError extends Error {
  readonly pod: string;
  readonly line: string;
  constructor(pod: string, line: string) {
    super(`the restore application on ${pod} failed: ${line}`);
    this.name = 'BrokerRestoreError';
    this.pod = pod;
    this.line = line;
  }
}

const refOf = (plan: Pick<RestorePlan, 'namespace'>, workload: Pick<PlannedWorkload, 'kind' | 'name'>): WorkloadRef => ({ kind: workload.kind, namespace: plan.namespace, name: workload.name });
const describeWorkload = (w: Pick<PlannedWorkload, 'kind' | 'name'>): string => `${w.kind.toLowerCase()}/${w.name}`;

/** The step's title on the progress line. */
export function stepTitle(step: RestoreStep): string {
  switch (step.action) {
    case 'scale-down':
      return `Stop ${describeWorkload(step.workload)} (${step.workload.replicas} → 0)`;
    case 'await-database-restore':
      return "Restore the Camunda database with the vendor's tools (you, while Camunda is stopped), then continue with --database-restored";
    case 'delete-indices':
      return `Delete ${step.indices.length === 1 ? `index ${step.indices[0] ?? ''}` : `${step.indices.length} indices`} by exact name`;
    case 'verify-indices-gone':
      return `Check that none of the ${step.indices.length} deleted indices is left`;
    case 'restore-snapshot':
      return `Restore snapshot ${step.snapshot.snapshot}`;
    case 'delete-pvc':
      return `Delete PVC ${step.claim.name}${step.claim.orphan ? ' (orphan of an earlier scale-down)' : ''}`;
    case 'patch-restore-mode':
      return `Put statefulset/${step.statefulSet} into restore mode`;
    case 'scale-up':
      return `Start ${describeWorkload(step.workload)} (0 → ${step.workload.replicas})`;
    case 'await-broker-restore':
      return `Wait for the restore application on ${step.pods.join(', ')}`;
    case 'revert-restore-mode':
      return `Take statefulset/${step.statefulSet} out of restore mode`;
    case 'await-ready':
      return `Wait until ${describeWorkload(step.workload)} is ready`;
    case 'verify-zeebe-data':
      return `Check that every broker holds the backup's data (${step.partitions.length} partition(s))`;
    case 'verify-exporting':
      return 'Make sure Zeebe exporting is not paused';
    case 'verify-backup-listed':
      return `Check that backup ${step.backupId} is listed by every component`;
    case 'load-web-modeler-dump':
      return `Replace the Web Modeler database "${step.database}" with the dump ${step.file} (one transaction)`;
  }
}

/**
 * The steps whose start the journal records before they run, because a stop inside them (even a kill) leaves a
 * state the next run must know: restore mode on the StatefulSet (taken off first), a snapshot partly restored
 * (its indices deleted again before it is restored again). Every other step is simply run again by the next run
 * when it was not recorded done: scaling, deleting by exact name (names already gone skipped), deleting PVCs,
 * waiting and reading. So most steps cost one journal write, when they are done; a failure or an interrupt still
 * records the step it stopped in.
 */
/** Phases whose steps need every Camunda workload stopped: re-asserted before the first of them a run still has to do. */
const NEED_STOPPED: readonly RestorePhase[] = ['restore-database', 'delete-indices', 'restore-snapshots', 'delete-zeebe-volumes', 'restore-zeebe'];

const JOURNALED_AT_START: ReadonlySet<RestoreStep['action']> = new Set(['restore-snapshot', 'patch-restore-mode']);

/** The steps whose work a broken or interrupted restore-mode run undoes: they are done again by the next run. */
const REDONE_AFTER_RESTORE_MODE_UNDO: readonly RestorePhase[] = ['delete-zeebe-volumes', 'restore-zeebe'];

export async function runRestorePlan(plan: RestorePlan, deps: RestoreRunDeps): Promise<RestoreOutcome> {
  const { journal, emit, signal } = deps;
  const results: StepResult[] = [];
  const interrupted = (): RestoreOutcome => ({
    state: 'INTERRUPTED',
    journal: journal.journal,
    results,
    signal: isSignalName(signal.reason) ? signal.reason : 'SIGINT',
    clusterState: describeClusterState(journal.journal),
  });

  // A run that died with restore mode on and before every broker restored: take it off, redo from the volumes.
  if (journal.journal.restoreModeOn && !journal.journal.done.includes('await-broker-restore')) {
    emit({ kind: 'warning', message: `the last run stopped while statefulset/${plan.restoreMode.statefulSet} was in restore mode: taking it out of restore mode first, then restoring Zeebe again from empty volumes` });
    const undone = await leaveRestoreMode(plan, deps, results);
    if (undone) return withUnwritten(undone, journal);
  }

  // The step the last run was in when it stopped (a snapshot restore it may have left half done).
  const resumeAt = journal.journal.current;
  let stillStoppedChecked = false;
  for (const [index, step] of plan.steps.entries()) {
    if (journal.journal.done.includes(step.id)) continue;
    if (signal.aborted) return withUnwritten(await stopSafely(plan, deps, results, interrupted), journal);
    if (!stillStoppedChecked && NEED_STOPPED.includes(step.phase)) {
      stillStoppedChecked = true;
      const refused = await assertStillStopped(plan, step, deps, results, interrupted);
      if (refused) return withUnwritten(refused, journal);
    }
    if (step.action === 'await-database-restore' && deps.databaseRestored !== true) {
      await journal.tryUpdate({ state: 'WAITING_FOR_DATABASE', phase: step.phase, current: undefined, error: undefined });
      return withUnwritten({ state: 'WAITING_FOR_DATABASE', journal: journal.journal, results, clusterState: describeClusterState(journal.journal) }, journal);
    }
    const resuming = resumeAt === step.id;
    const title = stepTitle(step);
    emit({ kind: 'step-started', step: step.id, title });
    const started = Date.now();
    try {
      // Written ahead where a run that dies in the step must find it named (and restore mode maybe on).
      if (JOURNALED_AT_START.has(step.action)) await journal.update({ phase: step.phase, current: step.id, ...(step.action === 'patch-restore-mode' ? { restoreModeOn: true } : {}) });
      const message = await runStep(plan, step, deps, resuming);
      const durationMs = Date.now() - started;
      results.push({ id: step.id, phase: step.phase, message, durationMs });
      // One write per step: it is done, and the run is now in the next step's phase (or complete).
      const next = plan.steps.slice(index + 1).find((s) => !journal.journal.done.includes(s.id));
      await journal.update({
        done: [...journal.journal.done, step.id],
        current: undefined,
        phase: next?.phase ?? step.phase,
        ...(step.action === 'revert-restore-mode' ? { restoreModeOn: false } : {}),
        ...(next === undefined ? { state: 'COMPLETED' as const, error: undefined } : {}),
      });
      emit({ kind: 'step-succeeded', step: step.id, durationMs, message });
    } catch (error) {
      if (signal.aborted) {
        emit({ kind: 'step-failed', step: step.id, message: `stopped by ${String(signal.reason)}` });
        return withUnwritten(await stopSafely(plan, deps, results, interrupted, step), journal);
      }
      const message = messageOf(error);
      emit({ kind: 'step-failed', step: step.id, message });
      // From here on every journal write is best effort: none may skip taking restore mode off or hide the outcome.
      await journal.tryUpdate({ state: 'FAILED', phase: step.phase, current: step.id, error: `${title}: ${message}` });
      if (journal.journal.restoreModeOn) {
        const undone = await leaveRestoreMode(plan, deps, results);
        if (undone) return withUnwritten(undone, journal);
      }
      if (step.action === 'verify-zeebe-data') await stopForZeebeRedo(plan, deps, results);
      return withUnwritten({ state: 'FAILED', journal: journal.journal, results, step: step.id, phase: step.phase, message, clusterState: describeClusterState(journal.journal) }, journal);
    }
  }
  if (journal.journal.state !== 'COMPLETED') await journal.tryUpdate({ state: 'COMPLETED', current: undefined, error: undefined });
  return withUnwritten({ state: 'COMPLETED', journal: journal.journal, results }, journal);
}

/** The outcome, saying when the journal in the cluster is behind it. */
function withUnwritten(outcome: RestoreOutcome, journal: JournalHandle): RestoreOutcome {
  return journal.unwritten === undefined ? outcome : { ...outcome, journalUnwritten: journal.unwritten };
}

/**
 * Right before the first step that needs the applications stopped, in every run (first or continued): anything
 * running again since the restore stopped it (Argo CD self-heal, a colleague, an autoscaler) is stopped again,
 * its recorded replicas untouched, and the run says so. RDBMS: when the run is told the database was restored and
 * something ran since the stop, it may have written into that database: the run stops, asking for the database to be
 * restored again (Camunda is stopped again now).
 */
async function assertStillStopped(plan: RestorePlan, step: RestoreStep, deps: RestoreRunDeps, results: StepResult[], interrupted: () => RestoreOutcome): Promise<RestoreOutcome | undefined> {
  const { journal, emit, signal } = deps;
  const id = 'assert-stopped';
  emit({ kind: 'step-started', step: id, title: 'Check that every Camunda workload is still stopped' });
  const started = Date.now();
  let again: string[];
  try {
    again = await stopAgainWhereRunning(plan, deps);
  } catch (error) {
    if (signal.aborted) {
      emit({ kind: 'step-failed', step: id, message: `stopped by ${String(signal.reason)}` });
      return stopSafely(plan, deps, results, interrupted);
    }
    const message = `checking that every Camunda workload is still stopped failed: ${messageOf(error)}`;
    emit({ kind: 'step-failed', step: id, message });
    await journal.tryUpdate({ state: 'FAILED', phase: step.phase, current: undefined, error: message });
    return { state: 'FAILED', journal: journal.journal, results, step: id, phase: step.phase, message, clusterState: describeClusterState(journal.journal) };
  }
  const durationMs = Date.now() - started;
  if (again.length === 0) {
    emit({ kind: 'step-succeeded', step: id, durationMs, message: `${plan.workloads.length} workload(s) at 0 replicas, no pod` });
    return undefined;
  }
  const said = `running again since the restore stopped it: ${again.join('; ')}. Stopped again (the journal keeps the recorded replicas); look for what starts it (Argo CD self-heal, a colleague, an autoscaler)`;
  emit({ kind: 'warning', message: said });
  emit({ kind: 'step-succeeded', step: id, durationMs, message: `stopped again: ${again.length} workload(s)` });
  results.push({ id, phase: step.phase, message: said, durationMs });
  if (step.action === 'await-database-restore' && deps.databaseRestored === true) {
    const message = `${said}. It may have written into the database after you restored it: restore the database again (Camunda is stopped now), then continue`;
    await journal.tryUpdate({ state: 'FAILED', phase: step.phase, current: undefined, error: message });
    return { state: 'FAILED', journal: journal.journal, results, step: id, phase: step.phase, message, clusterState: describeClusterState(journal.journal) };
  }
  return undefined;
}

/**
 * Interrupted (in `step`, or between steps): take restore mode off if it is on, record the interruption and where.
 * Taking restore mode off clears the step in progress: what it undid is done again from its start.
 */
async function stopSafely(plan: RestorePlan, deps: RestoreRunDeps, results: StepResult[], interrupted: () => RestoreOutcome, step?: RestoreStep): Promise<RestoreOutcome> {
  const error = `interrupted by ${String(deps.signal.reason)}`;
  if (deps.journal.journal.restoreModeOn) {
    const undone = await leaveRestoreMode(plan, deps, results);
    if (undone) return undone;
    await deps.journal.tryUpdate({ state: 'INTERRUPTED', error, ...(step ? { phase: step.phase } : {}) });
  } else {
    await deps.journal.tryUpdate({ state: 'INTERRUPTED', error, ...(step ? { phase: step.phase, current: step.id } : {}) });
  }
  return interrupted();
}

/** What taking restore mode off needs: a run's deps, or those of `restore --abandon` (abandon.ts). */
export type LeaveRestoreModeDeps = Pick<RestoreRunDeps, 'kube' | 'workloads' | 'journal' | 'emit' | 'timing' | 'cluster'>;

const brokersOf = (plan: RestorePlan): WorkloadRef => ({ kind: 'StatefulSet', namespace: plan.namespace, name: plan.restoreMode.statefulSet });

/** Scales the brokers to 0 and waits until their pods are gone (no signal: an interrupt must not stop it). */
async function stopBrokers(ref: WorkloadRef, deps: Pick<RestoreRunDeps, 'kube' | 'workloads' | 'timing'>): Promise<void> {
  await deps.workloads.scale(ref, 0);
  await waitForWorkload(deps, ref, 'gone', { timeoutMs: deps.timing.workloadTimeoutMs, maxIntervalMs: deps.timing.pollMs });
}

/**
 * Scales the brokers to 0 and applies the inverse patch, whatever stopped the run (no signal: an interrupt must not
 * stop the undo). When every broker had restored already, the leave-restore-mode steps count as done; otherwise
 * the volumes and the broker restore are done again by the next run. Returns an outcome only when the undo failed.
 */
export async function leaveRestoreMode(plan: RestorePlan, deps: LeaveRestoreModeDeps, results: StepResult[]): Promise<RestoreOutcome | undefined> {
  const { journal, emit } = deps;
  const title = `Take statefulset/${plan.restoreMode.statefulSet} out of restore mode`;
  emit({ kind: 'cleanup-started', title });
  const started = Date.now();
  const ref = brokersOf(plan);
  try {
    await stopBrokers(ref, deps);
    const reverted = await deps.workloads.patchContainer(ref, restoreModeOffChange(plan));
    const left = restoreModeLeftovers(plan, reverted);
    if (left.length > 0) throw new Error(`still on the StatefulSet after the patch: ${left.join(', ')}`);
  } catch (error) {
    const message = `taking statefulset/${ref.name} out of restore mode failed: ${messageOf(error)}`;
    emit({ kind: 'cleanup-failed', title, message });
    await journal.tryUpdate({ state: 'FAILED', error: message });
    return {
      state: 'CLEANUP_FAILED',
      journal: journal.journal,
      results,
      message,
      commands: restoreModeOffCommands(plan, deps.cluster),
      clusterState: describeClusterState(journal.journal),
    };
  }
  const restored = journal.journal.done.includes('await-broker-restore');
  const leaveSteps = plan.steps.filter((s) => s.phase === 'leave-restore-mode' && (s.action === 'scale-down' || s.action === 'revert-restore-mode')).map((s) => s.id);
  const redo = new Set(plan.steps.filter((s) => REDONE_AFTER_RESTORE_MODE_UNDO.includes(s.phase)).map((s) => s.id));
  const done = restored ? [...new Set([...journal.journal.done, ...leaveSteps])] : journal.journal.done.filter((id) => !redo.has(id));
  await journal.tryUpdate({ restoreModeOn: false, current: undefined, done });
  results.push({ id: 'revert-restore-mode', phase: 'leave-restore-mode', message: 'restore env removed, probes put back, brokers at 0', durationMs: Date.now() - started });
  emit({ kind: 'cleanup-succeeded', title });
  return undefined;
}

/**
 * The brokers came back without the backup's data: nothing may start on top of them, and they must not take new
 * work on empty partitions. Stop them again and make the next run restore Zeebe again from emptied volumes (the
 * volume, restore and leave-restore-mode steps count as not done). A failure here is said, not thrown: the run
 * fails either way, and the cluster state says what runs.
 */
async function stopForZeebeRedo(plan: RestorePlan, deps: RestoreRunDeps, results: StepResult[]): Promise<void> {
  const { journal, emit } = deps;
  const title = `Stop statefulset/${plan.restoreMode.statefulSet} again, to restore Zeebe again`;
  emit({ kind: 'cleanup-started', title });
  const started = Date.now();
  try {
    await stopBrokers(brokersOf(plan), deps);
  } catch (error) {
    emit({ kind: 'cleanup-failed', title, message: `the brokers without the backup's data still run: ${messageOf(error)}` });
    return;
  }
  const redo = new Set(plan.steps.filter((s) => s.phase === 'delete-zeebe-volumes' || s.phase === 'restore-zeebe' || s.phase === 'leave-restore-mode').map((s) => s.id));
  await journal.tryUpdate({ current: undefined, done: journal.journal.done.filter((id) => !redo.has(id)) });
  results.push({ id: 'stop-for-zeebe-redo', phase: 'leave-restore-mode', message: 'brokers at 0; the next run deletes their volumes and restores Zeebe again', durationMs: Date.now() - started });
  emit({ kind: 'cleanup-succeeded', title });
}

async function runStep(plan: RestorePlan, step: RestoreStep, deps: RestoreRunDeps, resuming: boolean): Promise<string> {
  const { signal, timing } = deps;
  const wait = (ref: WorkloadRef, goal: 'gone' | 'ready', onProgress?: (m: string) => void) =>
    waitForWorkload(deps, ref, goal, { timeoutMs: timing.workloadTimeoutMs, maxIntervalMs: timing.pollMs, signal, onProgress });
  const progress = (message: string): void => deps.emit({ kind: 'step-progress', step: step.id, message });
  const search = async (): Promise<ApiContext> => {
    if (!deps.search) throw new Error('internal error: no Elasticsearch/OpenSearch connection in RDBMS mode');
    return deps.search();
  };

  switch (step.action) {
    case 'scale-down': {
      const ref = refOf(plan, step.workload);
      // The brokers' scale-down after their restore was asked by await-broker-restore already.
      const already = step.phase === 'leave-restore-mode' && (await deps.workloads.readWorkload(ref))?.replicas === 0;
      if (!already) await deps.workloads.scale(ref, 0);
      await wait(ref, 'gone', progress);
      return 'no pod left';
    }
    case 'await-database-restore':
      return 'the database was restored (--database-restored)';
    case 'delete-indices': {
      // One request; a name an interrupted run already deleted is skipped, every other one deleted (open or closed).
      await deleteIndices(await search(), step.indices);
      return `${step.indices.length} deleted by exact name (any already gone skipped)`;
    }
    case 'verify-indices-gone': {
      // Neither a deleted index nor any new Camunda index (something still running would recreate them). One
      // listing by the prefixes shows both; names the prefixes do not cover (indices a snapshot holds under
      // another prefix) are asked for by exact name.
      const context = await search();
      const prefixes = step.prefixes ?? [];
      // Kept on purpose (not in the backup, camunda/camunda#47122): under the prefixes, but not left over.
      const kept = new Set(step.kept ?? []);
      const uncovered = step.indices.filter((index) => !prefixes.some((prefix) => index.startsWith(prefix)));
      const listed = (await listIndicesByPrefix(context, prefixes)).map((row) => row.index).filter((index) => !kept.has(index));
      const left = new Set([...listed, ...(await existingIndices(context, uncovered))]);
      if (left.size > 0) throw new Error(`still there (recreated by something still running?): ${[...left].sort().join(', ')}`);
      return `none of ${step.indices.length} is left, and no other Camunda index exists`;
    }
    case 'restore-snapshot': {
      const context = await search();
      if (resuming) {
        // The last run stopped inside this restore: what it brought back may be partial. Delete exactly the
        // snapshot's own indices that exist now, and restore it again.
        const partial = await existingIndices(context, step.snapshot.indices);
        if (partial.size > 0) {
          await deleteIndices(context, [...partial].sort());
          progress(`deleted ${partial.size} partly restored index(es) of the interrupted run`);
        }
      }
      const restored = await restoreSnapshot({ ...context, signal }, step.snapshot, timing.snapshotTimeoutMs);
      return `${restored.indices.length} index(es), ${restored.shards.successful} of ${restored.shards.total} shard(s)`;
    }
    case 'delete-pvc': {
      const result = await deps.workloads.deleteClaim(plan.namespace, step.claim.name);
      if (result === 'absent') return 'already gone';
      // The pods are gone, so pvc-protection lets it go at once; wait for it anyway.
      const started = Date.now();
      while ((await deps.workloads.readClaim(plan.namespace, step.claim.name)) !== undefined) {
        if (Date.now() - started > timing.workloadTimeoutMs) throw new Error(`PVC ${step.claim.name} is still there after ${formatDuration(Date.now() - started)} (a pod still uses it?)`);
        await sleep(Math.min(timing.pollMs, 200), signal);
      }
      return 'deleted';
    }
    case 'patch-restore-mode': {
      const ref: WorkloadRef = { kind: 'StatefulSet', namespace: plan.namespace, name: step.statefulSet };
      const patched = await deps.workloads.patchContainer(ref, restoreModeOnChange(plan));
      const container = patched.containers.find((c) => c.name === plan.restoreMode.container);
      const missing = plan.restoreMode.setEnv.filter((e) => container?.env.find((x) => x.name === e.name)?.value !== e.value);
      if (missing.length > 0) throw new Error(`the patch did not set ${missing.map((e) => e.name).join(', ')}`);
      if (container?.command !== undefined && !container.command.join(' ').includes('startup.sh')) {
        throw new Error(`the container has a command override (${container.command.join(' ')}): the chart's start script would not run, and with it the node ID`);
      }
      return [...plan.restoreMode.setEnv.map((e) => `${e.name}=${e.value ?? ''}`), ...plan.restoreMode.probesOff.map((p) => `${p} off`)].join(', ');
    }
    case 'scale-up': {
      await deps.workloads.scale(refOf(plan, step.workload), step.workload.replicas);
      return `${step.workload.replicas} replica(s) asked`;
    }
    case 'await-broker-restore':
      return awaitBrokerRestore(plan, step.pods, deps, progress);
    case 'revert-restore-mode': {
      const ref: WorkloadRef = { kind: 'StatefulSet', namespace: plan.namespace, name: step.statefulSet };
      const reverted = await deps.workloads.patchContainer(ref, restoreModeOffChange(plan));
      const left = restoreModeLeftovers(plan, reverted);
      if (left.length > 0) throw new Error(`still on the StatefulSet after the patch: ${left.join(', ')}`);
      return 'restore env removed, probes put back';
    }
    case 'await-ready': {
      const state = await wait(refOf(plan, step.workload), 'ready', progress);
      return `${state.pods.length} pod(s) ready`;
    }
    case 'verify-zeebe-data':
      return deps.verifyZeebeData(step, signal);
    case 'verify-exporting':
      return deps.verifyExporting(signal);
    case 'verify-backup-listed':
      return deps.verifyBackupListed(step.backupId, signal);
    case 'load-web-modeler-dump':
      if (!deps.loadWebModelerDump) throw new Error('internal error: no Web Modeler loader');
      return deps.loadWebModelerDump(step, signal);
  }
  // A journal written by another version of the tool can hold a step this one does not know: never record it done unrun.
  const unknown: { readonly id?: unknown; readonly action?: unknown } = step;
  throw new Error(`this version of the tool does not know the step ${String(unknown.id)} (${String(unknown.action)}) of the journal; continue the restore with the version that started it`);
}

/**
 * Polls every broker's previous and current log until each one's latest run restored the backup; fails fast on a
 * failure line. Every pod is read on every poll, also those that restored already: with the restore env still set
 * they restart, and on the patches with the succeed-restart-delete bug a restart deletes the restored data again
 * (broker-logs.ts). The moment every broker's latest run is a success, the StatefulSet is scaled to 0 here, before
 * the journal is written: every restart from then on could delete the data.
 */
async function awaitBrokerRestore(plan: RestorePlan, pods: readonly string[], deps: RestoreRunDeps, progress: (message: string) => void): Promise<string> {
  const { timing, signal } = deps;
  const container = plan.restoreMode.container;
  const restored = new Map<string, string>();
  const seen = new Set<string>();
  const wiped = new Map<string, string>();
  const started = Date.now();
  let interval = 100;
  for (;;) {
    await Promise.all(
      pods.map(async (pod) => {
        const [current, previous] = await Promise.all([
          deps.workloads.podLog({ namespace: plan.namespace, pod, container, tailLines: 400 }),
          deps.workloads.podLog({ namespace: plan.namespace, pod, container, previous: true, tailLines: 400 }),
        ]);
        const verdict = judgeBrokerLogs(current, previous, restored.has(pod));
        if (verdict.state === 'failed') throw new BrokerRestoreError(pod, verdict.line);
        if (verdict.state === 'wiped') {
          if (restored.delete(pod) || !wiped.has(pod)) {
            deps.emit({
              kind: 'warning',
              message: `${pod}: the restore application deleted the data it had restored when the pod restarted (${verdict.line}; camunda/camunda#48199, fixed in later patches): waiting for it to restore again`,
            });
          }
          wiped.set(pod, verdict.line);
          return;
        }
        if (verdict.state === 'restored') {
          restored.set(pod, verdict.line);
          wiped.delete(pod);
          if (!seen.has(pod)) progress(`${pod}: ${verdict.line}`);
          seen.add(pod);
        }
      }),
    );
    if (restored.size === pods.length) {
      // Every restart from here on runs the restore application again: stop them before anything else.
      await deps.workloads.scale(brokersOf(plan), 0);
      return `${pods.length} broker(s) restored; statefulset/${plan.restoreMode.statefulSet} scaled to 0 at once`;
    }
    const elapsed = Date.now() - started;
    if (elapsed > timing.brokerRestoreTimeoutMs) {
      const waiting = pods.filter((p) => !restored.has(p));
      const lost = waiting.filter((p) => wiped.has(p));
      throw new Error(
        `no restore result after ${formatDuration(elapsed)} from ${waiting.join(', ')}${lost.length > 0 ? ` (${lost.join(', ')}: the restored data was deleted by a restart of the restore application)` : ''} (see ${kubectlCommand(`logs ${waiting[0] ?? ''} -c ${container}`, { cluster: deps.cluster, namespace: plan.namespace })})`,
      );
    }
    await sleep(interval, signal);
    // Once a broker restored, it restarts with the restore env: poll fast so that the last one is seen at once.
    interval = Math.min(restored.size > 0 ? Math.min(timing.pollMs, 250) : timing.pollMs, Math.round(interval * 1.5));
  }
}

/** What the cluster looks like after the journal's steps, in a person's words (for exit 4/130/143/5). */
export function describeClusterState(journal: RestoreJournal): string[] {
  const { plan, done } = journal;
  const count = (phase: RestorePhase, action?: RestoreStep['action']): [number, number] => {
    const steps = plan.steps.filter((s) => s.phase === phase && (action === undefined || s.action === action));
    return [steps.filter((s) => done.includes(s.id)).length, steps.length];
  };
  const lines: string[] = [];
  const [stopped, toStop] = count('stop-workloads');
  const [started] = count('start-workloads', 'scale-up');
  const zeebeUp = done.some((id) => id.startsWith('scale-up:statefulset/'));
  if (stopped === 0) lines.push('nothing was changed yet');
  else if (started === 0 && !zeebeUp) lines.push(`applications stopped: ${stopped} of ${toStop} workload(s) at 0 replicas (the journal keeps their replicas)`);
  if (plan.steps.some((s) => s.action === 'await-database-restore')) {
    if (done.includes('database-restored')) lines.push('the database was restored by its owner (confirmed with --database-restored)');
    else if (stopped === toStop) lines.push("waiting for the Camunda database to be restored with the vendor's tools (every Camunda workload is stopped)");
  }
  const batches = plan.steps.filter((s): s is Extract<RestoreStep, { action: 'delete-indices' }> => s.action === 'delete-indices');
  const toDelete = batches.reduce((n, s) => n + s.indices.length, 0);
  const deleted = batches.filter((s) => done.includes(s.id)).reduce((n, s) => n + s.indices.length, 0);
  if (toDelete > 0 && deleted > 0) lines.push(`indices deleted: ${deleted} of ${toDelete}`);
  const [restoredSnapshots, toRestore] = count('restore-snapshots');
  if (toRestore > 0 && deleted > 0) lines.push(`snapshots restored: ${restoredSnapshots} of ${toRestore}`);
  const [claims, toClaims] = count('delete-zeebe-volumes');
  if (claims > 0) lines.push(`Zeebe PVCs deleted: ${claims} of ${toClaims}`);
  lines.push(journal.restoreModeOn ? `statefulset/${plan.restoreMode.statefulSet} is IN RESTORE MODE` : 'no restore env on the StatefulSet');
  if (done.includes('await-broker-restore')) lines.push('Zeebe restored from the backup');
  if (zeebeUp) lines.push(`applications started: Zeebe${started > 0 ? ` and ${started} other workload(s)` : ''}`);
  const webModelerStopped = plan.steps.filter((s) => s.id.startsWith('web-modeler-scale-down:') && done.includes(s.id)).length;
  const webModelerStarted = plan.steps.filter((s) => s.id.startsWith('web-modeler-scale-up:') && done.includes(s.id)).length;
  if (webModelerStopped > webModelerStarted) lines.push(`Web Modeler stopped (${webModelerStopped - webModelerStarted} Deployment(s) at 0; the journal keeps their replicas)`);
  if (done.includes('load-web-modeler-dump')) lines.push('Web Modeler database loaded from the dump');
  else if (webModelerStopped > 0) lines.push('Web Modeler database not loaded (a failed load is rolled back: it holds what it held before)');
  return lines;
}
