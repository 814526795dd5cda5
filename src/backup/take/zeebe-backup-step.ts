/**
 * Zeebe's backup with the run's ID: POST, then poll until every partition reports a final state. The last step
 * while exporting is paused (or, on 8.9 RDBMS, the wait after the continuous trigger).
 */
import type { ManagementApi, TakeBackupResult } from '../../camunda/management-api.js';
import { tenantsBeyondDefault } from '../../camunda/resolve-topology.js';
import type { ZeebeBackup } from '../../camunda/responses.js';
import type { PlanAction } from './plan.js';
import type { PartState } from './report.js';
import type { Step } from './runner.js';
import { PartFailedError, pollUntilFinal, tracked, type ActionKind, type PartRecord, type StepContext } from './step-context.js';

export const zeebeBackup: ActionKind<Extract<PlanAction, { kind: 'zeebe-backup' }>> = {
  describe(action, plan, calls) {
    calls.call('backup-zeebe', 'POST', action.endpoint, action.endpoint.path, { body: { backupId: plan.backupId } });
    calls.then();
    calls.call('backup-zeebe', 'GET', action.endpoint, `${action.endpoint.path}/${plan.backupId}`, { note: 'repeats until the state is final' });
  },
  step(action, ctx) {
    const { plan, pool, run } = ctx;
    const path = action.endpoint.path;
    return {
      id: 'backup-zeebe',
      title: 'Back up Zeebe partitions',
      run: (signal) =>
        tracked(ctx, 'zeebe', signal, async (record) => {
          const api = await pool.api(action.endpoint, { emit: run.emit, signal });
          const taken = await api.takeBackup(path, plan.backupId);
          if (taken.message) record.details['accepted'] = taken.message;
          acceptSingleTenant(taken, record);
          return awaitZeebeBackup(ctx, api, path, plan.backupId, record, 'backup-zeebe', signal);
        }),
    };
  },
};

/**
 * 8.10 names in backupIds every Physical Tenant it backed up: tenants besides `default` mean a configuration
 * discovery could not read declared them, and this run covered only one tenant's other parts.
 */
export function acceptSingleTenant(taken: TakeBackupResult, record: PartRecord): void {
  if (taken.backupIds) record.details['backupIds'] = taken.backupIds;
  const tenants = tenantsBeyondDefault(taken.backupIds);
  if (tenants.length === 0) return;
  throw new PartFailedError(
    'FAILED',
    `Zeebe backed up Physical Tenants ${Object.keys(taken.backupIds ?? {}).sort().join(', ')}, but this run covered only one tenant's web apps, Optimize and zeebe-record indices: tenant(s) ${tenants.join(', ')} are not backed up as a whole; Physical Tenants are not supported`,
  );
}

/** Polls Zeebe's backup `id` until it is final; anything but COMPLETED fails the part with the partitions' reasons. */
export async function awaitZeebeBackup(ctx: StepContext, api: ManagementApi, path: string, id: number, record: PartRecord, step: Step['id'], signal: AbortSignal): Promise<string> {
  const backup = await pollUntilFinal(ctx, step, signal, record, {
    read: () => api.zeebeBackup(path, id),
    isFinal: isZeebeFinal,
    describe: describeZeebe,
  });
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
