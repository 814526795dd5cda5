/**
 * 8.9 on RDBMS secondary storage: Zeebe runs continuous backups and chooses the ID. Trigger one without a body,
 * learn its ID (from the answer, else from a newer checkpoint in the runtime state), wait for it, then check that
 * every partition has a backup and a restorable range (§13.3).
 */
import type { RuntimeState } from '../../camunda/responses.js';
import { checkpointIdOf } from '../../camunda/responses.js';
import type { PlanAction } from './plan.js';
import type { Step } from './runner.js';
import { PartFailedError, pollOptions, tolerant, tracked, withinSettle, type ActionKind, type StepContext } from './step-context.js';
import { waitForState } from '../wait-for-state.js';
import { acceptSingleTenant, awaitZeebeBackup } from './zeebe-backup-step.js';

type ContinuousAction = Extract<PlanAction, { kind: 'continuous-backup' }>;

export const continuousBackup: ActionKind<ContinuousAction> = {
  describe(action, _plan, calls) {
    const path = action.endpoint.path;
    calls.call('continuous-backup', 'POST', action.endpoint, path, { note: 'no body: the cluster generates the backup ID' });
    calls.then();
    calls.call('continuous-backup', 'GET', action.endpoint, `${path}/state`, { note: 'only when the answer lacks the ID: repeats until a new ID appears' });
    calls.then();
    calls.call('continuous-backup', 'GET', action.endpoint, `${path}/{generatedId}`, { note: 'repeats until the state is final' });
    calls.then();
    calls.call('continuous-backup', 'GET', action.endpoint, `${path}/state`, { note: 'verifies every partition has a backup and a range' });
  },
  step: continuousBackupStep,
};

function continuousBackupStep(action: ContinuousAction, ctx: StepContext): Step {
  const { pool, run, facts } = ctx;
  const path = action.endpoint.path;
  return {
    id: 'continuous-backup',
    title: 'Trigger a Zeebe backup (continuous mode; the cluster chooses the ID)',
    run: (signal) =>
      tracked(ctx, 'zeebe', signal, async (record) => {
        const api = await pool.api(action.endpoint, { emit: run.emit, signal });
        record.details['mode'] = 'continuous';
        const taken = await api.takeBackup(path, undefined);
        if (taken.message) record.details['accepted'] = taken.message;
        acceptSingleTenant(taken, record);
        let id = taken.backupId;
        if (id === undefined) {
          // The 202 body of the source revision carries no id (§12.9): wait for a newer checkpoint in the state.
          const baseline = facts.runtimeBaselineId ?? 0;
          const started = performance.now();
          const state = await waitForState<RuntimeState>({
            ...pollOptions(ctx, 'continuous-backup', signal),
            read: tolerant(ctx, 'continuous-backup', signal, () => api.runtimeState(path)),
            isDone: (current) => (newestCheckpoint(current) ?? 0) > baseline || !withinSettle(ctx, started),
            describe: (current) => `newest checkpoint ${newestCheckpoint(current) ?? 'none'}`,
          });
          const newest = newestCheckpoint(state);
          if (newest === undefined || newest <= baseline) {
            throw new PartFailedError('FAILED', `Zeebe accepted the backup, but no new backup ID appeared in ${path}/state`);
          }
          id = newest;
        }
        ctx.setBackupId(id);
        record.details['backupId'] = id;
        const result = await awaitZeebeBackup(ctx, api, path, id, record, 'continuous-backup', signal);
        // Step 4 of the docs: every partition has a backup and at least one range (§13.3).
        const state = await api.runtimeState(path);
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

/** The newest checkpoint the backup runtime state knows (markers aside). */
export function newestCheckpoint(state: RuntimeState): number | undefined {
  const ids = [
    ...(state.backupStates ?? []).map((entry) => entry.checkpointId),
    ...(state.checkpointStates ?? []).filter((entry) => entry.checkpointType !== 'MARKER').map((entry) => entry.checkpointId),
  ];
  return ids.length === 0 ? undefined : Math.max(...ids);
}
