/**
 * The backup of a web app (Operate, Tasklist, or both on 8.8+ as "webapps") or Optimize: POST, then poll until the
 * component reports a final state; anything but COMPLETED fails the part with the component's own reason. The
 * web apps start together: one parallel group.
 */
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
        const backup = await pollUntilFinal(ctx, stepId, signal, record, {
          read: () => api.webappBackup(path, id),
          isFinal: isWebappFinal,
          describe: describeWebapp,
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

function describeWebapp(backup: WebappBackup): string {
  const details = backup.details ?? [];
  const done = details.filter((detail) => detail.state === 'SUCCESS').length;
  return details.length > 0 ? `${backup.state} (${done} of ${details.length} snapshots done)` : backup.state;
}

function titleOf(part: WebappPart): string {
  return part === 'webapps' ? 'web apps (Operate, Tasklist)' : part[0]!.toUpperCase() + part.slice(1);
}
