/**
 * `restore --abandon`: the way out of an unfinished restore that cannot be finished (the chosen backup turns out bad,
 * its Zeebe backup is gone). It takes the broker StatefulSet out of restore mode if it is on (the run's own
 * leaveRestoreMode, also when only the StatefulSet still shows it), starts every workload the restore stopped again
 * at the replicas the journal recorded, and closes the journal as ABANDONED, so that another backup ID can be
 * restored. It does not undo data: what the restore deleted stays deleted; the report says plainly what the data is.
 */
import { messageOf } from '../../errors.js';
import type { WorkloadRef } from '../../kube/workload-client.js';
import { waitForWorkload } from '../../kube/workload-wait.js';
import { leaveRestoreMode, type LeaveRestoreModeDeps, type StepResult } from './execute.js';
import type { RestoreJournal } from './journal.js';
import { RESTORE_PHASES, type PlannedWorkload, type RestorePhase, type RestorePlan, type RestoreStep } from './plan.js';
import { restoreModeLeftovers } from './restore-mode.js';

export interface AbandonDeps extends LeaveRestoreModeDeps {
  /** Stops the wait for readiness (the workloads are started by then); the changes themselves are not cut short. */
  readonly signal: AbortSignal;
}

export type AbandonOutcome =
  | {
      readonly state: 'ABANDONED';
      readonly journal: RestoreJournal;
      /** What the data is now, in a person's words. */
      readonly data: readonly string[];
      /** Every workload the journal recorded, with the replicas it runs at again and whether it got ready. */
      readonly workloads: readonly AbandonedWorkload[];
    }
  | { readonly state: 'FAILED'; readonly journal: RestoreJournal; readonly data: readonly string[]; readonly message: string }
  | { readonly state: 'CLEANUP_FAILED'; readonly journal: RestoreJournal; readonly data: readonly string[]; readonly message: string; readonly commands: readonly string[] };

export interface AbandonedWorkload {
  readonly kind: PlannedWorkload['kind'];
  readonly name: string;
  readonly replicas: number;
  /** The replicas it had when the abandon began. */
  readonly before: number;
  /** undefined: ready; otherwise why not (still starting at the deadline, or the wait was stopped). */
  readonly notReady?: string | undefined;
}

/** Every workload the plan stops, the Web Modeler ones included, once each, the brokers first. */
export function workloadsOf(plan: Pick<RestorePlan, 'workloads' | 'steps'>): PlannedWorkload[] {
  const all = [...plan.workloads, ...plan.steps.flatMap((s) => (s.action === 'scale-down' ? [s.workload] : []))];
  const seen = new Set<string>();
  return all.filter((w) => {
    const key = `${w.kind}/${w.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * What the data is after the journal's steps, when no more of them will run: indices deleted and snapshots restored
 * (Elasticsearch/OpenSearch), the Zeebe volumes (deleted: the brokers start empty), the Web Modeler database.
 */
export function abandonedDataState(journal: Pick<RestoreJournal, 'plan' | 'done' | 'current' | 'phase'>): string[] {
  const { plan, done } = journal;
  const count = (phase: RestorePhase, action: RestoreStep['action']): [number, number] => {
    const steps = plan.steps.filter((s) => s.phase === phase && s.action === action);
    return [steps.filter((s) => done.includes(s.id)).length, steps.length];
  };
  const lines: string[] = [];
  // Indices go in batches (one request each): count the names of the batches done.
  const batches = plan.steps.filter((s): s is Extract<RestoreStep, { action: 'delete-indices' }> => s.action === 'delete-indices');
  const deleted = batches.filter((s) => done.includes(s.id)).reduce((sum, s) => sum + s.indices.length, 0);
  const toDelete = batches.reduce((sum, s) => sum + s.indices.length, 0);
  const [restored, toRestore] = count('restore-snapshots', 'restore-snapshot');
  const where = plan.searchWhere ? ` in ${plan.searchWhere}` : '';
  if (plan.mode === 'backup-id') {
    if (deleted === 0) lines.push(`Elasticsearch/OpenSearch${where}: no Camunda index was deleted; the indices are as they were before the restore`);
    else {
      lines.push(`Elasticsearch/OpenSearch${where}: ${deleted} of ${toDelete} Camunda indices DELETED (they are not brought back)`);
      const current = plan.steps.find((s) => s.id === journal.current);
      const partly = current?.action === 'restore-snapshot' ? `; snapshot ${current.snapshot.snapshot} may be partly restored` : '';
      lines.push(`snapshots of backup ${plan.backupId ?? ''} restored: ${restored} of ${toRestore}${partly}${restored < toRestore ? ' (the components create what is missing empty when they start)' : ''}`);
    }
  }
  // A failed or interrupted restore-mode run drops its volume steps from `done` (the next run redoes them), so a
  // phase past the volumes says they are gone too.
  const [claims, toClaims] = count('delete-zeebe-volumes', 'delete-pvc');
  const pastVolumes = RESTORE_PHASES.indexOf(journal.phase) > RESTORE_PHASES.indexOf('delete-zeebe-volumes');
  const empty = 'the brokers start with EMPTY data (no deployments, no process instances)';
  if (done.includes('await-broker-restore')) lines.push(`Zeebe: restored from ${plan.backupId === null ? 'its backups' : `backup ${plan.backupId}`}`);
  else if (pastVolumes) lines.push(`Zeebe: its ${toClaims} data volume(s) were DELETED and the broker restore did not finish: ${empty}`);
  else if (claims > 0) lines.push(`Zeebe: ${claims} of ${toClaims} data volumes DELETED: ${claims === toClaims ? empty : 'the brokers of those volumes start with EMPTY data, the others on the data they had'}`);
  else lines.push('Zeebe: data volumes untouched; the brokers start on the data they had');
  if (done.includes('load-web-modeler-dump')) lines.push('Web Modeler: database loaded from the dump');
  return lines;
}

const refOf = (plan: Pick<RestorePlan, 'namespace'>, w: Pick<PlannedWorkload, 'kind' | 'name'>): WorkloadRef => ({ kind: w.kind, namespace: plan.namespace, name: w.name });

/** Abandons the journal's restore; the journal handle is this run's (opened under the release's Lease). */
export async function abandonRestore(plan: RestorePlan, deps: AbandonDeps): Promise<AbandonOutcome> {
  const { journal, emit } = deps;
  const data = abandonedDataState(journal.journal);
  const results: StepResult[] = [];
  const failed = async (message: string): Promise<AbandonOutcome> => {
    // The journal stays unfinished: the same command continues the abandon.
    await journal.update({ state: 'FAILED', error: `abandoning failed: ${message}` }).catch(() => undefined);
    return { state: 'FAILED', journal: journal.journal, data, message };
  };

  // Restore mode on, by the journal or (a lost journal write) by what the StatefulSet itself carries.
  const brokers = refOf(plan, { kind: 'StatefulSet', name: plan.restoreMode.statefulSet });
  let left: string[];
  try {
    const statefulSet = await deps.workloads.readWorkload(brokers);
    left = statefulSet ? restoreModeLeftovers(plan, statefulSet) : [];
  } catch (error) {
    return failed(`reading statefulset/${brokers.name}: ${messageOf(error)}`);
  }
  if (journal.journal.restoreModeOn || left.length > 0) {
    const undone = await leaveRestoreMode(plan, deps, results);
    if (undone?.state === 'CLEANUP_FAILED') return { state: 'CLEANUP_FAILED', journal: journal.journal, data, message: undone.message, commands: undone.commands };
  }

  // Start what the restore stopped, at the recorded replicas, the brokers first.
  const started: AbandonedWorkload[] = [];
  for (const workload of workloadsOf(plan)) {
    const ref = refOf(plan, workload);
    const title = `Start ${workload.kind.toLowerCase()}/${workload.name} at its recorded ${workload.replicas} replica(s)`;
    try {
      const before = await deps.workloads.readReplicas(ref);
      if (before !== workload.replicas) {
        emit({ kind: 'cleanup-started', title });
        await deps.workloads.scale(ref, workload.replicas);
        emit({ kind: 'cleanup-succeeded', title });
      }
      started.push({ kind: workload.kind, name: workload.name, replicas: workload.replicas, before });
    } catch (error) {
      emit({ kind: 'cleanup-failed', title, message: messageOf(error) });
      return failed(`starting ${workload.kind.toLowerCase()}/${workload.name}: ${messageOf(error)}`);
    }
  }
  try {
    await journal.update({ state: 'ABANDONED', current: undefined, restoreModeOn: false, error: journal.journal.error });
  } catch (error) {
    return failed(`closing the journal: ${messageOf(error)}`);
  }

  // The restore is abandoned now; whether everything got ready is for the report.
  const workloads: AbandonedWorkload[] = [];
  for (const workload of started) {
    if (workload.replicas === 0) {
      workloads.push(workload);
      continue;
    }
    try {
      await waitForWorkload(deps, refOf(plan, workload), 'ready', { timeoutMs: deps.timing.workloadTimeoutMs, maxIntervalMs: deps.timing.pollMs, signal: deps.signal });
      workloads.push(workload);
    } catch (error) {
      workloads.push({ ...workload, notReady: deps.signal.aborted ? `the wait was stopped by ${String(deps.signal.reason)}` : messageOf(error) });
    }
  }
  return { state: 'ABANDONED', journal: journal.journal, data, workloads };
}
