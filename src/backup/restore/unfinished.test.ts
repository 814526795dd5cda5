import { describe, expect, it } from 'vitest';
import { restoreFacts } from '../../../test/unit/builders/restore-facts.js';
import { memoryConfigMapApi } from '../../../test/unit/memory-config-map-api.js';
import { openJournal } from './journal.js';
import { buildRestorePlan } from './plan.js';
import { describeUnfinishedRestore, readUnfinishedRestore, unfinishedRestoreCheckItem } from './unfinished.js';

const facts = restoreFacts();
const place = { namespace: 'camunda', release: 'camunda' };
const target = { cluster: { context: 'prod' }, namespace: 'camunda', release: 'camunda', access: 'exec', installation: { execPod: 'curl' } };

describe('readUnfinishedRestore: the one read of "is a restore of the release unfinished?"', () => {
  it('none without a journal, unfinished until COMPLETED or ABANDONED', async () => {
    const configMaps = memoryConfigMapApi();
    expect(await readUnfinishedRestore(configMaps, place)).toEqual({ kind: 'none' });
    const journal = await openJournal({ configMaps, now: () => Date.parse('2026-12-06T03:00:00Z') }, buildRestorePlan(facts), undefined, undefined);
    await journal.update({ state: 'FAILED', phase: 'restore-zeebe' });
    const read = await readUnfinishedRestore(configMaps, place);
    expect(read.kind).toBe('unfinished');
    if (read.kind !== 'unfinished') return;
    expect(describeUnfinishedRestore(read.journal)).toBe('a restore of backup 12 into release camunda is unfinished (FAILED in phase restore-zeebe since 2026-12-06T03:00:00.000Z)');
    const item = unfinishedRestoreCheckItem(read, target);
    expect(item).toMatchObject({ id: 'restore', status: 'FAIL' });
    // Both ways on, reaching the same cluster the same way (the exec relay included).
    expect(item.fix).toBe(
      'continue it with: kubectl camunda-backup restore 12 --context prod -n camunda --release camunda --access exec --exec-pod curl --yes; ' +
        'or, if it cannot be finished, abandon it with: kubectl camunda-backup restore --abandon --context prod -n camunda --release camunda --access exec --exec-pod curl',
    );
    await journal.update({ state: 'ABANDONED' });
    expect(await readUnfinishedRestore(configMaps, place)).toEqual({ kind: 'none' });
    await journal.update({ state: 'COMPLETED' });
    expect(unfinishedRestoreCheckItem(await readUnfinishedRestore(configMaps, place), target)).toMatchObject({ status: 'PASS' });
  });

  it('a journal it cannot read may be an unfinished restore; a read RBAC forbids is a warning with the grant', async () => {
    const configMaps = memoryConfigMapApi();
    await configMaps.create('camunda', 'camunda-camunda-restore', { 'journal.json': '{"schemaVersion":2}' });
    const damaged = await readUnfinishedRestore(configMaps, place);
    expect(damaged).toMatchObject({ kind: 'unreadable', journalName: 'camunda-camunda-restore' });
    expect(unfinishedRestoreCheckItem(damaged, target)).toMatchObject({ status: 'FAIL' });
    configMaps.failNext('read', 403);
    const forbidden = await readUnfinishedRestore(configMaps, place);
    expect(forbidden).toMatchObject({ kind: 'unknown' });
    expect(forbidden.kind === 'unknown' && forbidden.warning).toMatch(/could not be read .*an unfinished restore of release camunda would go unnoticed; grant get on configmaps/);
    expect(unfinishedRestoreCheckItem(forbidden, target)).toMatchObject({ status: 'WARN' });
  });
});
