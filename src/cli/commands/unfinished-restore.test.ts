import { describe, expect, it } from 'vitest';
import { restoreFacts } from '../../../test/unit/builders/restore-facts.js';
import { memoryConfigMapApi } from '../../../test/unit/memory-config-map-api.js';
import { openJournal } from '../../backup/restore/journal.js';
import { buildRestorePlan } from '../../backup/restore/plan.js';
import { PreconditionError } from '../../errors.js';
import type { GlobalOptions } from '../global-options.js';
import { refuseWhileRestoreUnfinished, unfinishedRestoreWarning } from './unfinished-restore.js';

const facts = restoreFacts();
const options: GlobalOptions = { output: 'text', verbosity: 0, quiet: false, color: false, access: 'port-forward', kubeconfig: '/k', execPod: 'curl' };
const place = { namespace: 'camunda', release: 'camunda' };

describe('an unfinished restore, as the commands meet it', () => {
  it('create/delete/resume refuse with exit 3 naming both ways on; status and list get a warning; a finished one is silent', async () => {
    const configMaps = memoryConfigMapApi();
    const kube = { configMaps, contextName: 'prod' };
    const warnings: string[] = [];
    const gate = { command: 'create', options, kube, place, emit: (e: { kind: string; message?: string }) => void warnings.push(e.message ?? '') };
    await refuseWhileRestoreUnfinished(gate);
    expect(await unfinishedRestoreWarning(kube, options, place)).toBeUndefined();

    const journal = await openJournal({ configMaps, now: () => Date.parse('2026-12-06T03:00:00Z') }, buildRestorePlan(facts), undefined, undefined);
    await journal.update({ state: 'INTERRUPTED', phase: 'restore-snapshots' });
    const refusal = await refuseWhileRestoreUnfinished(gate).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PreconditionError);
    expect((refusal as PreconditionError).message).toBe('create refused: a restore of backup 12 into release camunda is unfinished (INTERRUPTED in phase restore-snapshots since 2026-12-06T03:00:00.000Z); nothing was changed');
    expect((refusal as PreconditionError).hint).toBe(
      'continue it with: kubectl camunda-backup restore 12 --kubeconfig /k --context prod -n camunda --release camunda --access port-forward --exec-pod curl --yes; ' +
        'or, if it cannot be finished, abandon it with: kubectl camunda-backup restore --abandon --kubeconfig /k --context prod -n camunda --release camunda --access port-forward --exec-pod curl',
    );
    expect(await unfinishedRestoreWarning(kube, options, place)).toMatch(/^a restore of backup 12 into release camunda is unfinished \(INTERRUPTED .*\): the data is half-restored .*; continue it with: .*abandon it with/);

    await journal.update({ state: 'ABANDONED' });
    await refuseWhileRestoreUnfinished(gate);
    expect(warnings).toEqual([]);
  });

  it('where RBAC forbids reading the journal: one warning, and the command goes on', async () => {
    const configMaps = memoryConfigMapApi();
    configMaps.failNext('read', 403);
    const warnings: string[] = [];
    await refuseWhileRestoreUnfinished({ command: 'delete', options, kube: { configMaps, contextName: 'prod' }, place, emit: (e) => void warnings.push('message' in e ? String(e.message) : '') });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/restore journal .* could not be read .*grant get on configmaps/);
  });
});
