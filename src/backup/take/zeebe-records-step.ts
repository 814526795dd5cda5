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
        const remainingMs = (): number => Math.max(1_000, plan.timing.timeoutMs - (run.now() - run.startedMs));
        let putError: unknown;
        /** The last PUT got no answer: it may never have reached ES. */
        let lost = false;
        // One PUT; undefined when no answer came back although the request may have gone out, or when ES says a
        // snapshot of that name exists already (a re-sent request whose first copy did arrive): ask ES then.
        const put = async (first: boolean): Promise<SnapshotInfo | undefined> => {
          try {
            const answer = await search.createSnapshot(action.repository, action.snapshot, action.body, remainingMs());
            lost = false;
            return answer;
          } catch (error) {
            if (!first && isDuplicateSnapshot(error)) {
              lost = false;
              return undefined;
            }
            if (error instanceof ComponentHttpError || signal.aborted) throw error;
            // The first request: a refused connection sent nothing, and waiting for it would only stretch the
            // paused window. A re-send that cannot connect is tried again while the snapshot may still appear.
            if (first && !mayHaveBeenSent(error)) throw error;
            putError = error;
            lost = true;
            return undefined;
          }
        };
        let info = await put(true);
        if (!info || isSnapshotRunning(info)) {
          const startedPolling = performance.now();
          let resends = 0;
          const polled = await waitForState<SnapshotInfo | undefined>({
            ...pollOptions(ctx, 'backup-zeebe-records', signal),
            read: tolerant(ctx, 'backup-zeebe-records', signal, async () => {
              const current = await search.snapshot(action.repository, action.snapshot);
              if (current || !lost || !withinSettle(ctx, startedPolling)) return current;
              // Not there, although no answer came: the request was lost on the way (a reset connection). The
              // snapshot name makes a re-send safe (a duplicate is refused as "already exists"), and exporting
              // stays paused until the snapshot is taken, so re-send now rather than wait out the settle window.
              resends += 1;
              run.emit({ kind: 'step-progress', step: 'backup-zeebe-records', message: `snapshot ${action.snapshot} not found after ${putError ? `"${messageOf(putError)}"` : 'the request'}; sending it again (${resends})` });
              record.details['resent'] = resends;
              return (await put(false)) ?? (await search.snapshot(action.repository, action.snapshot));
            }),
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

/** ES/OS refused the PUT because a snapshot of that name exists: the earlier copy of the request arrived. */
function isDuplicateSnapshot(error: unknown): boolean {
  return (
    error instanceof ComponentHttpError &&
    error.status === 400 &&
    /invalid_snapshot_name_exception|already exists/i.test(`${error.componentMessage} ${error.message}`)
  );
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
