/** status, list and delete against scripted components: verdicts, per-part failures, and no change on bad input. */
import { describe, expect, it } from 'vitest';
import { anInstallation, esMissing, fakeCluster, memoryReporter, notFound, ok, webappBackup, zeebeBackup, type Route } from '../../../test/unit/create-test-kit.js';
import { UsageError, PreconditionError } from '../../errors.js';
import { openPool } from '../connections.js';
import { executeDelete, planDelete } from './delete.js';
import { runList } from './list.js';
import { runStatus } from './status.js';
import type { RunBookRead } from '../run-record.js';

const ID = 1_748_937_221;
const installation = anInstallation('8.7');

const snapshotList = (ids: number[], state = 'SUCCESS') => ({
  snapshots: ids.map((id) => ({ snapshot: `camunda_zeebe_records_backup_${id}`, state, start_time: '2025-06-03T08:00:00.000Z', shards: { total: 1, failed: 0 } })),
});

/** Every part holds a complete backup `id`. */
function completeRoutes(id: number): Record<string, Route> {
  return {
    [`optimize-0 GET /actuator/backups/${id}`]: ok(webappBackup(id, 'COMPLETED', 'optimize')),
    [`operate-0 GET /actuator/backups/${id}`]: ok(webappBackup(id, 'COMPLETED', 'operate')),
    [`tasklist-0 GET /actuator/backups/${id}`]: ok(webappBackup(id, 'COMPLETED', 'tasklist')),
    [`search-0 GET /_snapshot/camunda-backups/camunda_zeebe_records_backup_${id}`]: ok(snapshotList([id])),
    [`gateway-0 GET /actuator/backups/${id}`]: ok(zeebeBackup(id, 'COMPLETED')),
  };
}

/** No part has backup `id`, each saying so in its own way. */
function unknownRoutes(id: number): Record<string, Route> {
  return {
    [`optimize-0 GET /actuator/backups/${id}`]: notFound(`No Optimize backup with ID [${id}] could be found.`),
    // Operate before the 2026 patches: 400 for an unknown ID
    [`operate-0 GET /actuator/backups/${id}`]: { status: 400, body: { status: 400, message: `No backup with id [${id}] found.` } },
    // Tasklist 8.6: 500
    [`tasklist-0 GET /actuator/backups/${id}`]: { status: 500, body: { status: 500, message: `No backup with id [${id}] found.` } },
    [`search-0 GET /_snapshot/camunda-backups/camunda_zeebe_records_backup_${id}`]: esMissing('snapshot_missing_exception', `[camunda-backups:camunda_zeebe_records_backup_${id}] is missing`),
    [`gateway-0 GET /actuator/backups/${id}`]: notFound(`Backup with id ${id} does not exist`),
  };
}

/** Every part answers the DELETE of backup `id`. */
const deleteRoutes = (id: number): Record<string, Route> => ({
  [`optimize-0 DELETE /actuator/backups/${id}`]: { status: 204 },
  [`operate-0 DELETE /actuator/backups/${id}`]: { status: 204 },
  [`tasklist-0 DELETE /actuator/backups/${id}`]: { status: 204 },
  [`search-0 DELETE /_snapshot/camunda-backups/camunda_zeebe_records_backup_${id}`]: ok({ acknowledged: true }),
  [`gateway-0 DELETE /actuator/backups/${id}`]: { status: 204 },
});

const deps = (cluster: ReturnType<typeof fakeCluster>) => ({ connect: cluster.connect, emit: memoryReporter().emit, access: 'port-forward' as const });

describe('runStatus', () => {
  it('COMPLETE when every part completed; only GETs', async () => {
    const cluster = fakeCluster(completeRoutes(ID));
    const report = await runStatus(installation, ID, deps(cluster));
    expect(report).toMatchObject({ verdict: 'COMPLETE', restorable: true, idTime: '2025-06-03T07:53:41.000Z' });
    expect(report.parts.map((p) => p.state)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(cluster.mutations()).toEqual([]);
    expect(cluster.closed.sort()).toEqual(cluster.opened.sort());
  });

  it('one unreachable component is ERROR with its reason; the other parts are still read', async () => {
    const cluster = fakeCluster(completeRoutes(ID), { failConnect: { 'tasklist-0': new PreconditionError('port-forward to tasklist-0 refused') } });
    const report = await runStatus(installation, ID, deps(cluster));
    expect(report.verdict).toBe('UNKNOWN');
    expect(report.parts.find((p) => p.part === 'tasklist')).toMatchObject({ state: 'ERROR', message: 'port-forward to tasklist-0 refused' });
    expect(report.parts.filter((p) => p.state === 'COMPLETED')).toHaveLength(4);
  });

  it('an unknown ID is NOT_FOUND in every part, whatever status each component uses for it', async () => {
    const cluster = fakeCluster(unknownRoutes(ID));
    const report = await runStatus(installation, ID, deps(cluster));
    expect(report.verdict).toBe('NOT_FOUND');
    expect(new Set(report.parts.map((p) => p.state))).toEqual(new Set(['NOT_FOUND']));
  });

  it('a failed Zeebe backup makes the backup FAILED with Zeebe\'s reason', async () => {
    const cluster = fakeCluster({
      ...completeRoutes(ID),
      [`gateway-0 GET /actuator/backups/${ID}`]: ok(zeebeBackup(ID, 'FAILED', { failureReason: 'Backup on partition 2 failed due to disk full. ' })),
    });
    const report = await runStatus(installation, ID, deps(cluster));
    expect(report.verdict).toBe('FAILED');
    expect(report.reasons).toEqual(['zeebe: FAILED: Backup on partition 2 failed due to disk full. ']);
  });
});

describe('runList', () => {
  it('merges every part by ID, newest first, and judges each', async () => {
    const older = ID - 86_400;
    const cluster = fakeCluster({
      'optimize-0 GET /actuator/backups': ok([webappBackup(older, 'COMPLETED', 'optimize'), webappBackup(ID, 'COMPLETED', 'optimize')]),
      'operate-0 GET /actuator/backups': ok([webappBackup(ID, 'COMPLETED', 'operate'), webappBackup(older, 'COMPLETED', 'operate')]),
      'tasklist-0 GET /actuator/backups': ok([webappBackup(ID, 'COMPLETED', 'tasklist')]),
      'search-0 GET /_snapshot/camunda-backups/camunda_zeebe_records_backup_*': ok(snapshotList([older, ID])),
      'gateway-0 GET /actuator/backups': ok([zeebeBackup(older, 'COMPLETED'), zeebeBackup(ID, 'COMPLETED')]),
    });
    const report = await runList(installation, deps(cluster));
    expect(report.backups.map((b) => [b.backupId, b.verdict])).toEqual([
      [ID, 'COMPLETE'],
      [older, 'INCOMPLETE'],
    ]);
    expect(report.backups[1]?.parts).toMatchObject({ tasklist: 'NOT_FOUND', operate: 'COMPLETED' });
    expect(report.backups[1]?.reasons).toEqual(['tasklist: missing (the component has no backup with this ID)']);
    expect(report.total).toBe(2);
  });

  it('--limit keeps the newest; a part that cannot list is ERROR in its column and a warning', async () => {
    const cluster = fakeCluster({
      'optimize-0 GET /actuator/backups': { status: 500, body: { errorCode: 'serverError', errorMessage: 'x', detailedMessage: 'No repository with name [camunda-backups] could be found.' } },
      'operate-0 GET /actuator/backups': ok([webappBackup(ID, 'COMPLETED', 'operate'), webappBackup(ID - 1, 'COMPLETED', 'operate')]),
      'tasklist-0 GET /actuator/backups': ok([]),
      'search-0 GET /_snapshot/camunda-backups/camunda_zeebe_records_backup_*': ok({ snapshots: [] }),
      'gateway-0 GET /actuator/backups': ok([]),
    });
    const report = await runList(installation, deps(cluster), { limit: 1 });
    expect(report.backups.map((b) => b.backupId)).toEqual([ID]);
    expect(report.total).toBe(2);
    expect(report.parts.find((p) => p.part === 'optimize')).toMatchObject({ state: 'ERROR', message: expect.stringContaining('No repository with name') });
    expect(report.backups[0]?.parts.optimize).toBe('ERROR');
    expect(report.warnings.join(' ')).toMatch(/optimize: its backups could not be listed/);
  });
});

describe('delete', () => {

  it('an ID no component knows is bad input: UsageError before any DELETE', async () => {
    const cluster = fakeCluster(unknownRoutes(ID));
    const session = openPool(deps(cluster));
    const refused = planDelete(installation, { kind: 'ids', ids: [ID] }, session, { access: 'port-forward', cluster: { context: 'prod' }, nowMs: 0 });
    await expect(refused).rejects.toThrow(UsageError);
    // The command the hint names reaches the cluster this run reached.
    await expect(refused).rejects.toMatchObject({ hint: expect.stringMatching(/^see kubectl camunda-backup list --context prod -n \S+ --release \S+ --access port-forward for the IDs/) as unknown });
    expect(cluster.mutations()).toEqual([]);
  });

  it('deletes every part that holds the ID, the zeebe-record snapshot included; a failing part is reported, not thrown', async () => {
    const cluster = fakeCluster({
      ...completeRoutes(ID),
      [`tasklist-0 GET /actuator/backups/${ID}`]: notFound(`No backup with id [${ID}] found.`),
      ...deleteRoutes(ID),
      [`operate-0 DELETE /actuator/backups/${ID}`]: { status: 502, body: { status: 502, message: 'Encountered an error connecting to Elasticsearch.' } },
    });
    const session = openPool(deps(cluster));
    const plan = await planDelete(installation, { kind: 'ids', ids: [ID] }, session, { access: 'port-forward', cluster: { context: 'prod' }, nowMs: 0 });
    expect(cluster.mutations()).toEqual([]);
    const report = await executeDelete(plan, session, { emit: memoryReporter().emit });
    await session.close();
    expect(report.state).toBe('FAILED');
    expect(Object.fromEntries(report.backups[0]!.parts.map((p) => [p.part, p.state]))).toEqual({
      optimize: 'DELETED',
      operate: 'FAILED',
      tasklist: 'NOT_FOUND',
      'zeebe-records': 'DELETED',
      zeebe: 'DELETED',
    });
    expect(report.backups[0]!.parts.find((p) => p.part === 'operate')?.message).toMatch(/connecting to Elasticsearch/);
    expect(cluster.mutations().sort()).toEqual(
      [
        `optimize-0 DELETE /actuator/backups/${ID}`,
        `operate-0 DELETE /actuator/backups/${ID}`,
        `search-0 DELETE /_snapshot/camunda-backups/camunda_zeebe_records_backup_${ID}`,
        `gateway-0 DELETE /actuator/backups/${ID}`,
      ].sort(),
    );
  });

  it('retention refuses when a part cannot be listed, before any DELETE', async () => {
    const cluster = fakeCluster({
      'optimize-0 GET /actuator/backups': ok([]),
      'operate-0 GET /actuator/backups': ok([]),
      'tasklist-0 GET /actuator/backups': ok([]),
      'search-0 GET /_snapshot/camunda-backups/camunda_zeebe_records_backup_*': ok({ snapshots: [] }),
      'gateway-0 GET /actuator/backups': { status: 502, body: { message: 'Expected to send request to all 3 partitions' } },
    });
    const session = openPool(deps(cluster));
    const refused = planDelete(installation, { kind: 'retention', keep: 1 }, session, { access: 'port-forward', cluster: { kubeconfig: '/k/prod', context: 'prod' }, nowMs: 0 });
    await expect(refused).rejects.toThrow(/retention needs the backup list of every part/);
    await expect(refused).rejects.toMatchObject({ hint: expect.stringContaining('kubectl camunda-backup check --kubeconfig /k/prod --context prod -n ') as unknown });
    expect(cluster.mutations()).toEqual([]);
  });
});

describe('the run record in status and delete', () => {
  const interrupted = (id: number): RunBookRead => ({
    book: {
      entries: new Map([[id, { backupId: id, state: 'INTERRUPTED', startedAt: '2026-12-06T08:00:00.000Z', endedAt: '2026-12-06T08:00:09.000Z', by: 'alice', reason: 'interrupted by SIGINT during backup-zeebe', leftBehind: ['zeebe'] }]]),
      holder: { kind: 'read' },
    },
  });

  it('status: every part COMPLETED of an ID whose create was interrupted is INCOMPLETE, with createOutcome', async () => {
    const cluster = fakeCluster(completeRoutes(ID));
    const report = await runStatus(installation, ID, { ...deps(cluster), runs: async () => interrupted(ID) });
    expect(report).toMatchObject({ verdict: 'INCOMPLETE', restorable: false, createOutcome: { state: 'INTERRUPTED', leftBehind: ['zeebe'] } });
    expect(report.reasons[0]).toMatch(/^create did not complete \(INTERRUPTED: interrupted by SIGINT during backup-zeebe\)/);
  });

  it('status: a record that cannot be read is a warning, and the parts decide', async () => {
    const cluster = fakeCluster(completeRoutes(ID));
    const report = await runStatus(installation, ID, { ...deps(cluster), runs: async () => ({ warning: 'record unreadable' }) });
    expect(report).toMatchObject({ verdict: 'COMPLETE', restorable: true, warnings: ['record unreadable'] });
  });

  it('delete: the IDs gone from every part are pruned from the record; a prune failure is a warning', async () => {
    const cluster = fakeCluster({ ...completeRoutes(ID), ...deleteRoutes(ID) });
    const session = openPool(deps(cluster));
    const plan = await planDelete(installation, { kind: 'ids', ids: [ID] }, session, { access: 'port-forward', cluster: { context: 'prod' }, nowMs: 0, runs: interrupted(ID) });
    expect(plan.targets[0]?.verdict).toBe('INCOMPLETE');
    const pruned: number[][] = [];
    const report = await executeDelete(plan, session, { emit: memoryReporter().emit, pruneRecord: async (ids) => (pruned.push([...ids]), 'could not remove') });
    await session.close();
    expect(report.state).toBe('COMPLETED');
    expect(pruned).toEqual([[ID]]);
    expect(report.warnings).toEqual(['could not remove']);
  });
});
