import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithFixtures } from '../fixtures-available.js';
import { startWorld, type World } from '../world/index.js';
import { call, podOf, pollUntil } from './world-helpers.js';

const durations = { webapps: 300, optimize: 60, zeebe: 300, snapshot: 40, incompleteCheckTimeout: 150 };

describe('Zeebe gateway 8.7: /actuator/backups and exporting', () => {
  let world: World;
  let gateway: number;
  let otherGateway: number;
  // A world per test: no test leans on what an earlier one left behind, so they pass in any order.
  beforeEach(async () => {
    world = await startWorld({ resources: 'demo-8.7', durations });
    gateway = world.portOf(podOf(world, 'zeebe-gateway', 0), 9600);
    otherGateway = world.portOf(podOf(world, 'zeebe-gateway', 1), 9600);
  });
  afterEach(() => world.stop());

  it('202 with the real message; per-partition details; state shared by every gateway pod', async () => {
    const post = await call(gateway, 'POST', '/actuator/backups', { backupId: 10 });
    expect(post).toMatchObject({ status: 202, body: { message: 'A backup with id 10 has been scheduled. Use GET actuator/backups/10 to monitor the status.' } });
    expect((await call(otherGateway, 'GET', '/actuator/backups/10')).body.state).toBe('IN_PROGRESS');
    const done = await pollUntil(() => call(otherGateway, 'GET', '/actuator/backups/10'), (a) => a.body?.state !== 'IN_PROGRESS');
    expect(done.body).toMatchObject({ backupId: 10, state: 'COMPLETED' });
    expect(done.body.details).toHaveLength(3);
    expect(done.body.details[0]).toMatchObject({ partitionId: 1, state: 'COMPLETED', brokerVersion: '8.7.37', brokerId: 0 });
    expect(done.body.details[0].createdAt).toMatch(/\.\d{9}Z$/);
    expect(done.body.details[0].checkpointPosition).toEqual(expect.any(Number));
    const list = await call(gateway, 'GET', '/actuator/backups');
    expect(list.body[0].details[0]).toEqual({ partitionId: 1, state: 'COMPLETED', createdAt: expect.any(String), brokerVersion: '8.7.37' });
  });

  it('409 for an id not higher than every earlier one, deleted ones included', async () => {
    expect((await call(gateway, 'POST', '/actuator/backups', { backupId: 10 })).status).toBe(202);
    await pollUntil(() => call(gateway, 'GET', '/actuator/backups/10'), (a) => a.body?.state === 'COMPLETED');
    const same = await call(gateway, 'POST', '/actuator/backups', { backupId: 10 });
    expect(same.status).toBe(409);
    expect(same.body.message).toBe(
      'Requested backup has id 10. The latest backup has id 10. A backupId is an integer and must be greater than the ID of previous backups that are completed, failed, or deleted. Zeebe does not take two backups with the same ids.',
    );
    expect((await call(gateway, 'DELETE', '/actuator/backups/10')).status).toBe(204);
    expect(await call(gateway, 'GET', '/actuator/backups/10')).toMatchObject({ status: 404, body: { message: 'Backup with id 10 does not exist' } });
    expect((await call(gateway, 'POST', '/actuator/backups', { backupId: 10 })).status).toBe(409);
    expect((await call(gateway, 'POST', '/actuator/backups', { backupId: 5 })).status).toBe(409);
    expect((await call(gateway, 'POST', '/actuator/backups', { backupId: 0 })).body).toEqual({ message: 'A backupId must be provided and it must be > 0' });
  });

  it('fault FAILED on a partition: overall FAILED with the partition reason; INCOMPLETE when a partition has none', async () => {
    world.faults.outcome.zeebe = { state: 'FAILED', partition: 2, failureReason: 'S3 access denied', count: 1 };
    await call(gateway, 'POST', '/actuator/backups', { backupId: 20 });
    const failed = await pollUntil(() => call(gateway, 'GET', '/actuator/backups/20'), (a) => a.body?.state !== 'IN_PROGRESS');
    expect(failed.body).toMatchObject({ state: 'FAILED', failureReason: 'Backup on partition 2 failed due to S3 access denied. ' });
    expect(failed.body.details[1]).toMatchObject({ partitionId: 2, state: 'FAILED', failureReason: 'S3 access denied' });
    world.faults.outcome.zeebe = { state: 'INCOMPLETE', count: 1 };
    await call(gateway, 'POST', '/actuator/backups', { backupId: 21 });
    const incomplete = await call(gateway, 'GET', '/actuator/backups/21');
    expect(incomplete.body.state).toBe('INCOMPLETE');
    expect(incomplete.body.details[0]).toEqual({ partitionId: 1, state: 'DOES_NOT_EXIST' });
  });

  it('exporting answers HTTP 200; success is body status 204, failure body status 500 with a message', async () => {
    const pause = await call(gateway, 'POST', '/actuator/exporting/pause?soft=true');
    expect(pause).toMatchObject({ status: 200, body: { body: null, status: 204, contentType: null } });
    const broker = world.portOf('camunda-zeebe-1', 9600);
    const partitions = await call(broker, 'GET', '/actuator/partitions');
    expect(Object.keys(partitions.body).sort()).toEqual(['1', '2', '3']);
    expect(partitions.body['2']).toMatchObject({ exporterPhase: 'SOFT_PAUSED', role: 'LEADER' });
    world.faults.resume = { failTimes: 1 };
    const failedResume = await call(otherGateway, 'POST', '/actuator/exporting/resume');
    expect(failedResume.status).toBe(200);
    expect(failedResume.body.status).toBe(500);
    expect(failedResume.body.body.message).toMatch(/^Expected 3 members of partition 2 but found 2/);
    expect((await call(broker, 'GET', '/actuator/partitions')).body['1'].exporterPhase).toBe('SOFT_PAUSED');
    expect((await call(otherGateway, 'POST', '/actuator/exporting/resume')).body.status).toBe(204);
    expect((await call(broker, 'GET', '/actuator/partitions')).body['1'].exporterPhase).toBe('EXPORTING');
    expect(world.sims.zeebe!.isPaused()).toBe(false);
  });

  it('partial pause failure leaves one partition paused', async () => {
    world.faults.pause = { failTimes: 1, partial: true };
    expect((await call(gateway, 'POST', '/actuator/exporting/pause?soft=true')).body.status).toBe(500);
    expect([...world.sims.zeebe!.exporting.values()]).toEqual(['SOFT_PAUSED', 'EXPORTING', 'EXPORTING']);
    expect((await call(gateway, 'POST', '/actuator/exporting/resume')).body.status).toBe(204);
  });

  it('incomplete topology: 502 for backups, body status 500 for exporting', async () => {
    world.faults.zeebeTopologyIncomplete = true;
    expect((await call(gateway, 'POST', '/actuator/backups', { backupId: 30 })).status).toBe(502);
    expect((await call(gateway, 'POST', '/actuator/exporting/pause?soft=true')).body.status).toBe(500);
  });

  it('GET /actuator lists backups and exporting, not backupRuntime', async () => {
    const links = (await call(gateway, 'GET', '/actuator')).body._links;
    expect(links.backups).toBeDefined();
    expect(links.exporting).toBeDefined();
    expect(links.backupRuntime).toBeUndefined();
  });
});

describeWithFixtures('Zeebe store NONE (8.6 default)', () => {
  it('answers 400 with the brokers\' "No backup store is configured" message', async () => {
    const world = await startWorld({ fixture: { chartVersion: '11.12.3', scenario: 'default' }, durations });
    try {
      const answer = await call(world.portOf(podOf(world, 'zeebe-gateway'), 9600), 'POST', '/actuator/backups', { backupId: 1 });
      expect(answer).toMatchObject({
        status: 400,
        body: { message: 'Cannot process backup requests. No backup store is configured. To use this feature, configure backup in broker configuration.' },
      });
    } finally {
      await world.stop();
    }
  });
});

describe('8.8 orchestration pods', () => {
  let world: World;
  let pod0: number;
  let pod1: number;
  beforeEach(async () => {
    world = await startWorld({ resources: 'demo-8.8', durations });
    pod0 = world.portOf('camunda-zeebe-0', 9600);
    pod1 = world.portOf('camunda-zeebe-1', 9600);
  });
  afterEach(() => world.stop());

  it('/actuator/backups is a plain Spring 404', async () => {
    const answer = await call(pod0, 'POST', '/actuator/backups', { backupId: 1 });
    expect(answer.status).toBe(404);
    expect(Object.keys(answer.body).sort()).toEqual(['error', 'path', 'status', 'timestamp']);
    expect(answer.body).toMatchObject({ status: 404, error: 'Not Found', path: '/actuator/backups' });
  });

  it('HAL index lists backupHistory and backupRuntime', async () => {
    const links = (await call(pod1, 'GET', '/actuator')).body._links;
    expect(Object.keys(links)).toEqual(expect.arrayContaining(['backupHistory', 'backupRuntime', 'exporting', 'partitions']));
    expect(links.backups).toBeUndefined();
  });

  it('backupHistory: one web-app backup, {message} errors, busy only on the pod that runs it', async () => {
    const post = await call(pod0, 'POST', '/actuator/backupHistory', { backupId: 50 });
    expect(post.status).toBe(200);
    expect(post.body.scheduledSnapshots[0]).toBe('camunda_webapps_50_8.8.35_part_1_of_5');
    expect(await call(pod0, 'POST', '/actuator/backupHistory', { backupId: 51 })).toMatchObject({ status: 400, body: { message: 'Another backup is running at the moment' } });
    expect((await call(pod1, 'GET', '/actuator/backupHistory/50')).body.state).toBe('IN_PROGRESS');
    await pollUntil(() => call(pod1, 'GET', '/actuator/backupHistory/50'), (a) => a.body?.state === 'COMPLETED');
    expect(await call(pod1, 'GET', '/actuator/backupHistory/49')).toMatchObject({ status: 404, body: { message: 'No backup with id [49] found.' } });
    expect(await call(pod1, 'POST', '/actuator/backupHistory', { backupId: 0 })).toMatchObject({ status: 400 });
  });

  it('POST without a backupId: Spring 400 (8.8 has only take(long backupId))', async () => {
    const answer = await call(pod0, 'POST', '/actuator/backupRuntime', {});
    expect(answer).toMatchObject({ status: 400, body: { status: 400, error: 'Bad Request', path: '/actuator/backupRuntime' } });
  });

  it('backupRuntime: 202, prefix listing, bad selector 400, shared across pods', async () => {
    expect((await call(pod0, 'POST', '/actuator/backupRuntime', { backupId: 1234 })).status).toBe(202);
    expect((await call(pod1, 'POST', '/actuator/backupRuntime', { backupId: 1300 })).status).toBe(202);
    expect((await call(pod1, 'POST', '/actuator/backupRuntime', { backupId: 1299 })).status).toBe(409);
    const prefix = await call(pod1, 'GET', '/actuator/backupRuntime/12*');
    expect(prefix.body.map((b: { backupId: number }) => b.backupId)).toEqual([1234]);
    expect(await call(pod1, 'GET', '/actuator/backupRuntime/abc')).toMatchObject({ status: 400, body: { message: "Expected a backup ID or prefix ending with '*', but got 'abc'." } });
    expect((await call(pod0, 'DELETE', '/actuator/backupRuntime/1234')).status).toBe(204);
    expect((await call(pod0, 'GET', '/actuator/backupRuntime/1234')).status).toBe(404);
  });
});

describeWithFixtures('8.9 manual backups (backup-configured)', () => {
  it('POST without an id → 400 "A backupId must be provided…"; with one → 202 and the 8.9 409 wording', async () => {
    const world = await startWorld({ fixture: { chartVersion: '14.8.4', scenario: 'backup-configured' }, durations });
    try {
      const pod = world.portOf('camunda-zeebe-2', 9600);
      expect(await call(pod, 'POST', '/actuator/backupRuntime')).toMatchObject({ status: 400, body: { message: 'A backupId must be provided and it must be > 0' } });
      expect((await call(pod, 'POST', '/actuator/backupRuntime', { backupId: 1700000000 })).status).toBe(202);
      const conflict = await call(pod, 'POST', '/actuator/backupRuntime', { backupId: 1700000000 });
      expect(conflict.status).toBe(409);
      expect(conflict.body.message).toBe(
        'Requested backup has ID 1700000000. The latest backup has ID 1700000000. The backup ID must be greater than the ID of previous backups that are completed, failed, or deleted.',
      );
      expect((await call(pod, 'GET', '/actuator/backups')).status).toBe(404);
    } finally {
      await world.stop();
    }
  });
});

describeWithFixtures('8.9 continuous backups (rdbms-backup-continuous)', () => {
  let world: World;
  let pod: number;
  beforeEach(async () => {
    world = await startWorld({ fixture: { chartVersion: '14.8.4', scenario: 'rdbms-backup-continuous' }, durations });
    pod = world.portOf('camunda-zeebe-0', 9600);
  });
  afterEach(() => world.stop());

  it('POST without an id generates an epoch-ms id; with an id → 400 with the real message', async () => {
    const before = Date.now();
    const post = await call(pod, 'POST', '/actuator/backupRuntime');
    expect(post.status).toBe(202);
    const id = Number(/A backup with id (\d+) has been scheduled/.exec(post.body.message)?.[1]);
    expect(id).toBeGreaterThanOrEqual(before);
    expect(id).toBeLessThan(before + 60_000);
    const withId = await call(pod, 'POST', '/actuator/backupRuntime', { backupId: 5 });
    expect(withId).toMatchObject({
      status: 400,
      body: { message: 'Cannot take backup with predetermined backupId when continuous backups are enabled. Use POST actuator/backupRuntime without specifying a backupId.' },
    });
    await pollUntil(() => call(pod, 'GET', `/actuator/backupRuntime/${id}`), (a) => a.body?.state === 'COMPLETED');
    const state = await call(pod, 'GET', '/actuator/backupRuntime/state');
    expect(state.status).toBe(200);
    expect(state.body.backupStates).toHaveLength(3);
    expect(state.body.backupStates[0]).toMatchObject({ partitionId: 1, checkpointId: id, checkpointType: 'SCHEDULED_BACKUP' });
    expect(state.body.ranges[0]).toMatchObject({ partitionId: 1, start: id, end: id });
  });

  it('no web-app backup on RDBMS secondary storage: backupHistory is absent', async () => {
    expect((await call(pod, 'GET', '/actuator/backupHistory')).status).toBe(404);
  });
});
