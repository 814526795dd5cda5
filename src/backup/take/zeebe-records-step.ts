/**
 * The snapshot of the zeebe-record indices in Elasticsearch/OpenSearch, taken while exporting is paused. The PUT
 * waits for completion; when the transport gives up first, the snapshot is polled instead. Only SUCCESS with no
 * failed shards completes the part.
 */
import { ComponentHttpError } from '../../camunda/management-api.js';
import type { SnapshotInfo } from '../../camunda/responses.js';
import { createSnapshotPath, isSnapshotRunning, searchApi, snapshotProblem } from '../../camunda/search-api.js';
import { CliError, messageOf } from '../../errors.js';
import { HttpReachError } from '../../reach/http-reach-error.js';
import type { ZeebeRecordsAction } from './plan.js';
import type { Step } from './runner.js';
import { PartFailedError, pollOptions, tolerant, tracked, withinSettle, type ActionKind, type StepContext } from './step-context.js';
import { waitForState } from '../wait-for-state.js';

export const zeebeRecordsSnapshot: ActionKind<ZeebeRecordsAction> = {
  describe(action, _plan, calls) {
    calls.call('backup-zeebe-records', 'PUT', action.endpoint, createSnapshotPath(action.repository, action.snapshot), { body: action.body, note: 'must end SUCCESS with 0 failed shards' });
  },
  step: zeebeRecordsStep,
};

function zeebeRecordsStep(action: ZeebeRecordsAction, ctx: StepContext): Step {
  const { plan, pool, run } = ctx;
  return {
    id: 'backup-zeebe-records',
    title: `Snapshot ${action.indices} to ${action.snapshot}`,
    run: (signal) =>
      tracked(ctx, 'zeebe-records', signal, async (record) => {
        const search = searchApi(await pool.context(action.endpoint, { emit: run.emit, signal }));
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

/**
 * Whether a call that got no answer may still have reached the component. A refused or unresolvable connection,
 * a failed TLS handshake, or a pod with no tool for the method (a plain CliError) sent nothing: waiting for a
 * snapshot that was never requested would only stretch the paused window.
 */
function mayHaveBeenSent(error: unknown): boolean {
  if (error instanceof HttpReachError) return error.reason !== 'connect' && error.reason !== 'dns' && error.reason !== 'tls';
  return !(error instanceof CliError);
}
