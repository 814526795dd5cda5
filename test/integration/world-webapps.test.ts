import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithFixtures } from '../fixtures-available.js';
import { startWorld, type World } from '../world/index.js';
import { call, podOf, pollUntil } from './world-helpers.js';

// Long enough that "still running" checks hold on a loaded machine; the tests poll for the end.
const durations = { webapps: 300, optimize: 80, zeebe: 80, snapshot: 40, incompleteCheckTimeout: 400 };

describe('Operate / Tasklist 8.7 /actuator/backups', () => {
  let world: World;
  let operate: number;
  let tasklist: number;
  let es: number;
  // A world per test: no test leans on what an earlier one left behind, so they pass in any order.
  beforeEach(async () => {
    world = await startWorld({ resources: 'demo-8.7', durations });
    operate = world.portOf(podOf(world, 'operate'), 9600);
    tasklist = world.portOf(podOf(world, 'tasklist'), 9600);
    es = world.portOf(podOf(world, 'elasticsearch'), 9200);
  });
  afterEach(() => world.stop());
  /** An Operate backup that has COMPLETED. */
  async function completedOperateBackup(backupId: number): Promise<void> {
    expect((await call(operate, 'POST', '/actuator/backups', { backupId })).status).toBe(200);
    await pollUntil(() => call(operate, 'GET', `/actuator/backups/${backupId}`), (a) => a.body?.state === 'COMPLETED');
  }

  it('POST answers 200 with the scheduled snapshot names; GET goes IN_PROGRESS → COMPLETED with six parts', async () => {
    const post = await call(operate, 'POST', '/actuator/backups', { backupId: 100 });
    expect(post.status).toBe(200);
    expect(post.body.scheduledSnapshots).toEqual(Array.from({ length: 6 }, (_, i) => `camunda_operate_100_8.7.37_part_${i + 1}_of_6`));
    const first = await call(operate, 'GET', '/actuator/backups/100');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ backupId: 100, state: 'IN_PROGRESS', failureReason: null });
    const done = await pollUntil(() => call(operate, 'GET', '/actuator/backups/100'), (a) => a.body?.state !== 'IN_PROGRESS');
    expect(done.body.state).toBe('COMPLETED');
    expect(done.body.details).toHaveLength(6);
    expect(done.body.details[0]).toMatchObject({ snapshotName: 'camunda_operate_100_8.7.37_part_1_of_6', state: 'SUCCESS', failures: [] });
    expect(done.body.details[0].startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    // The parts are real ES snapshots in the configured repository.
    const snapshots = await call(es, 'GET', '/_snapshot/camunda-backup/camunda_operate_100_*');
    expect(snapshots.body.snapshots).toHaveLength(6);
  });

  it('duplicate id: Operate answers 400 problem+json with the existing snapshots', async () => {
    await completedOperateBackup(100);
    const again = await call(operate, 'POST', '/actuator/backups', { backupId: 100 });
    expect(again.status).toBe(400);
    expect(again.contentType).toContain('application/problem+json');
    expect(again.body).toMatchObject({ status: 400, type: 'InvalidRequestException' });
    expect(again.body.message).toMatch(/^A backup with ID \[100\] already exists\. Found snapshots: \[camunda_operate_100_8\.7\.37_part_1_of_6, /);
    expect(again.body.instance).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a second backup while one is running on the same pod: "Another backup is running at the moment"', async () => {
    expect((await call(tasklist, 'POST', '/actuator/backups', { backupId: 200 })).status).toBe(200);
    const busy = await call(tasklist, 'POST', '/actuator/backups', { backupId: 201 });
    expect(busy.status).toBe(400);
    expect(busy.body).toMatchObject({ status: 400, message: 'Another backup is running at the moment' });
    expect(busy.body.type).toBeUndefined();
    await pollUntil(() => call(tasklist, 'GET', '/actuator/backups/200'), (a) => a.body?.state === 'COMPLETED');
    expect((await call(tasklist, 'POST', '/actuator/backups', { backupId: 201 })).status).toBe(200);
  });

  it('unknown id: Tasklist 404 problem+json, Operate (8.7 patch) 404 too; bad ids are 400', async () => {
    const missing = await call(tasklist, 'GET', '/actuator/backups/999');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 404, message: 'No backup with id [999] found.' });
    expect((await call(operate, 'GET', '/actuator/backups/999')).status).toBe(404);
    const negative = await call(operate, 'POST', '/actuator/backups', { backupId: -1 });
    expect(negative).toMatchObject({ status: 400, body: { message: 'BackupId must be a non-negative Integer. Received value: -1' } });
    expect((await call(operate, 'POST', '/actuator/backups', {})).body.message).toBe('BackupId must be provided');
  });

  it('lists backups newest first and deletes them (204, then gone)', async () => {
    await completedOperateBackup(100);
    await completedOperateBackup(101);
    const list = await call(operate, 'GET', '/actuator/backups');
    expect(list.status).toBe(200);
    expect(list.body.map((b: { backupId: number }) => b.backupId)).toEqual([101, 100]);
    expect((await call(operate, 'DELETE', '/actuator/backups/100')).status).toBe(204);
    expect((await call(operate, 'GET', '/actuator/backups/100')).status).toBe(404);
    expect((await call(es, 'GET', '/_snapshot/camunda-backup/camunda_operate_100_*')).body.snapshots).toHaveLength(0);
  });

  it('fault FAILED: a part fails and the backup is FAILED with the failing snapshot named', async () => {
    world.faults.outcome.operate = { state: 'FAILED', failureReason: 'disk full', count: 1 };
    expect((await call(operate, 'POST', '/actuator/backups', { backupId: 300 })).status).toBe(200);
    const done = await pollUntil(() => call(operate, 'GET', '/actuator/backups/300'), (a) => a.body?.state !== 'IN_PROGRESS');
    expect(done.body.state).toBe('FAILED');
    expect(done.body.failureReason).toBe('There were failures with the following snapshots: camunda_operate_300_8.7.37_part_3_of_6');
    expect(done.body.details[2]).toMatchObject({ state: 'FAILED', failures: ['disk full'] });
  });

  it('fault INCOMPLETE: parts stop; IN_PROGRESS until the incomplete-check timeout, then INCOMPLETE', async () => {
    world.faults.outcome.tasklist = { state: 'INCOMPLETE', count: 1 };
    await pollUntil(() => call(tasklist, 'POST', '/actuator/backups', { backupId: 400 }), (a) => a.status === 200);
    const seen = new Set<string>();
    const done = await pollUntil(
      async () => {
        const answer = await call(tasklist, 'GET', '/actuator/backups/400');
        seen.add(answer.body?.state);
        return answer;
      },
      (a) => a.body?.state === 'INCOMPLETE',
    );
    expect(seen.has('IN_PROGRESS')).toBe(true);
    expect(done.body.details).toHaveLength(3);
  });

  it('fault stuck: stays IN_PROGRESS and the pod refuses new backups until it restarts', async () => {
    world.faults.outcome.operate = { state: 'FAILED', stuck: true, count: 1 };
    expect((await call(operate, 'POST', '/actuator/backups', { backupId: 500 })).status).toBe(200);
    // A backup started at the same time on another pod finishes; the stuck one must still be running then.
    expect((await call(tasklist, 'POST', '/actuator/backups', { backupId: 500 })).status).toBe(200);
    await pollUntil(() => call(tasklist, 'GET', '/actuator/backups/500'), (a) => a.body?.state === 'COMPLETED');
    expect((await call(operate, 'GET', '/actuator/backups/500')).body.state).toBe('IN_PROGRESS');
    expect((await call(operate, 'POST', '/actuator/backups', { backupId: 501 })).body.message).toBe('Another backup is running at the moment');
    world.sims.restartPod(podOf(world, 'operate'));
    expect((await call(operate, 'POST', '/actuator/backups', { backupId: 501 })).status).toBe(200);
  });

  it('HTTP fault: the component answers with its own error body, once', async () => {
    await completedOperateBackup(501);
    world.faults.http.push({ component: 'operate', method: 'GET', path: '/actuator/backups/501', status: 502, message: 'Elasticsearch unreachable', count: 1 });
    const failed = await call(operate, 'GET', '/actuator/backups/501');
    expect(failed).toMatchObject({ status: 502, body: { status: 502, message: 'Elasticsearch unreachable' } });
    expect((await call(operate, 'GET', '/actuator/backups/501')).status).toBe(200);
  });

  it('HTTP faults: a slow answer, and a connection closed without an answer (logged with status 0)', async () => {
    world.faults.http.push({ component: 'tasklist', path: '/actuator/backups', delayMs: 150, count: 1 });
    const started = Date.now();
    expect((await call(tasklist, 'GET', '/actuator/backups')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    world.faults.http.push({ component: 'tasklist', method: 'GET', action: 'close', count: 1 });
    await expect(call(tasklist, 'GET', '/actuator/backups')).rejects.toThrow();
    expect(world.log.filter((e) => e.component === 'tasklist').at(-1)?.status).toBe(0);
    expect((await call(tasklist, 'GET', '/actuator/backups')).status).toBe(200);
  });

  it('logs every request with component, pod, method, path, body and status', async () => {
    await call(operate, 'POST', '/actuator/backups', { backupId: 100 });
    const entry = world.log.find((e) => e.component === 'operate' && e.method === 'POST' && e.body.includes('"backupId":100'));
    expect(entry).toMatchObject({ pod: podOf(world, 'operate'), path: '/actuator/backups', status: 200 });
    expect(typeof entry?.at).toBe('number');
  });

  it('GET /actuator lists the backups endpoint (HAL)', async () => {
    const index = await call(operate, 'GET', '/actuator');
    expect(Object.keys(index.body._links)).toEqual(expect.arrayContaining(['self', 'health', 'backups', 'backups-id']));
    expect(index.body._links['backups-id']).toMatchObject({ templated: true });
    expect(index.body._links.backupHistory).toBeUndefined();
  });
});

describeWithFixtures('repository not configured (8.6 default scenario)', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld({ fixture: { chartVersion: '11.12.3', scenario: 'default' }, durations });
  });
  afterEach(() => world.stop());

  it('Operate 400, Tasklist 404, Optimize 400 with their own bodies; Tasklist 8.6 answers 500 for an unknown id', async () => {
    const operate = await call(world.portOf(podOf(world, 'operate'), 9600), 'POST', '/actuator/backups', { backupId: 1 });
    expect(operate).toMatchObject({ status: 400, body: { status: 400, message: 'No backup repository configured.' } });
    const tasklist = await call(world.portOf(podOf(world, 'tasklist'), 9600), 'GET', '/actuator/backups');
    expect(tasklist).toMatchObject({ status: 404, body: { status: 404, message: 'No backup repository configured.' } });
    const optimize = await call(world.portOf(podOf(world, 'optimize'), 8092), 'POST', '/actuator/backups', { backupId: 1 });
    expect(optimize.status).toBe(400);
    expect(optimize.body).toMatchObject({
      errorMessage: expect.any(String),
      detailedMessage: 'Cannot execute backup request because no Elasticsearch snapshot repository name found in Optimize configuration.',
      reportDefinition: null,
    });
    expect(optimize.body.errorCode).toEqual(expect.any(String));
  });

  it('a repository named in config but missing in ES: "No repository with name [x] could be found."', async () => {
    world.sims.backups.tasklist!.config.repository = 'not-registered';
    const answer = await call(world.portOf(podOf(world, 'tasklist'), 9600), 'POST', '/actuator/backups', { backupId: 1 });
    expect(answer).toMatchObject({ status: 404, body: { message: 'No repository with name [not-registered] could be found.' } });
    world.sims.backups.tasklist!.config.repository = 'camunda-backup';
    const missing = await call(world.portOf(podOf(world, 'tasklist'), 9600), 'GET', '/actuator/backups/77');
    expect(missing).toMatchObject({ status: 500, body: { status: 500, message: 'No backup with id [77] found.' } });
  });
});

describe('Optimize /actuator/backups', () => {
  let world: World;
  let optimize: number;
  beforeEach(async () => {
    world = await startWorld({ resources: 'demo-8.7', durations });
    optimize = world.portOf(podOf(world, 'optimize'), 8092);
  });
  afterEach(() => world.stop());

  it('202 with the scheduling message, two parts, COMPLETED; duplicate 409; unknown 404', async () => {
    const post = await call(optimize, 'POST', '/actuator/backups', { backupId: 10 });
    expect(post).toMatchObject({
      status: 202,
      body: { message: 'Backup creation for ID 10 has been scheduled. Use the GET API to monitor completion of backup process' },
    });
    const done = await pollUntil(() => call(optimize, 'GET', '/actuator/backups/10'), (a) => a.body?.state !== 'IN_PROGRESS');
    expect(done.body.state).toBe('COMPLETED');
    expect(done.body.details.map((d: { snapshotName: string }) => d.snapshotName)).toEqual(['camunda_optimize_10_8.7.26_part_1_of_2', 'camunda_optimize_10_8.7.26_part_2_of_2']);
    const duplicate = await call(optimize, 'POST', '/actuator/backups', { backupId: 10 });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.detailedMessage).toMatch(/^A backup with ID \[10\] already exists\. Found snapshots: /);
    const missing = await call(optimize, 'GET', '/actuator/backups/11');
    expect(missing).toMatchObject({ status: 404, body: { errorMessage: 'No Optimize backup with ID [11] could be found.' } });
  });

  it('fault FAILED names the failed snapshots', async () => {
    world.faults.outcome.optimize = { state: 'FAILED', count: 1 };
    await call(optimize, 'POST', '/actuator/backups', { backupId: 12 });
    const done = await pollUntil(() => call(optimize, 'GET', '/actuator/backups/12'), (a) => a.body?.state !== 'IN_PROGRESS');
    expect(done.body).toMatchObject({ state: 'FAILED', failureReason: 'The following snapshots failed: [camunda_optimize_12_8.7.26_part_1_of_2]' });
  });
});
