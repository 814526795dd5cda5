/**
 * The backup of a web app (Operate, Tasklist, or both on 8.8+ as "webapps") or Optimize: POST, then poll until the
 * component reports a final state; anything but COMPLETED fails the part with the component's own reason. The
 * web apps start together: one parallel group.
 */
import { expectedSnapshotCount } from '../../camunda/expected-snapshot-count.js';
import type { WebappBackup } from '../../camunda/responses.js';
import type { ComponentBackupAction, PlanAction, WebappPart } from './plan.js';
import type { Step } from './runner.js';
import { PartFailedError, pollUntilFinal, tracked, type ActionKind, type StepContext } from './step-context.js';

const POLL_NOTE = 'repeats until the state is final';

export const componentBackups: ActionKind<Extract<PlanAction, { kind: 'parallel' }>> = {
  describe(group, plan, calls) {
    for (const a of group.actions) calls.call(`backup-${a.part}`, 'POST', a.endpoint, a.endpoint.path, { body: { backupId: plan.backupId } });
    calls.then();
    for (const a of group.actions) calls.call(`backup-${a.part}`, 'GET', a.endpoint, `${a.endpoint.path}/${plan.backupId}`, { note: POLL_NOTE });
  },
  step: (group, ctx) => ({ parallel: group.actions.map((action) => componentBackupStep(action, ctx)) }),
};

function componentBackupStep(action: ComponentBackupAction, ctx: StepContext): Step {
  const { plan, pool, run } = ctx;
  const id = plan.backupId;
  const path = action.endpoint.path;
  const stepId = `backup-${action.part}` as const;
  return {
    id: stepId,
    title: `Back up ${titleOf(action.part)}`,
    run: (signal) =>
      tracked(ctx, action.part, signal, async (record) => {
        const api = await pool.api(action.endpoint, { emit: run.emit, signal });
        const taken = await api.takeBackup(path, id);
        if (taken.scheduledSnapshots) record.details['scheduledSnapshots'] = taken.scheduledSnapshots;
        if (taken.message) record.details['accepted'] = taken.message;
        const scheduled = taken.scheduledSnapshots ?? [];
        const backup = await pollUntilFinal(ctx, stepId, signal, record, {
          read: () => api.webappBackup(path, id),
          isFinal: isWebappFinal,
          describe: (current) => describeWebapp(current, scheduled),
        });
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

/**
 * "IN_PROGRESS (2 of 6 snapshots done)": the total from the snapshot names (the POST's scheduledSnapshots, else the
 * names polled so far), never from how many have started, so it does not grow while the parts start one by one.
 */
export function describeWebapp(backup: WebappBackup, scheduled: readonly string[] = []): string {
  const details = backup.details ?? [];
  const done = details.filter((detail) => detail.state === 'SUCCESS').length;
  const total = expectedSnapshotCount([...scheduled, ...details.map((detail) => detail.snapshotName)]) ?? (scheduled.length > 0 ? scheduled.length : undefined);
  if (total !== undefined) return `${backup.state} (${done} of ${total} snapshots done)`;
  return details.length > 0 ? `${backup.state} (${done} snapshot${done === 1 ? '' : 's'} done)` : backup.state;
}

/** The words for a web-app or Optimize part in step titles: "web apps (Operate, Tasklist)", "Optimize". */
export function titleOf(part: WebappPart): string {
  return part === 'webapps' ? 'web apps (Operate, Tasklist)' : part[0]!.toUpperCase() + part.slice(1);
}
