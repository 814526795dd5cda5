import { describe, expect, it } from 'vitest';
import { buildCreatePlan, describeCreatePlan, runCreatePlan, type CreatePlan } from './create.js';
import type { Installation } from '../../camunda/installation.js';
import type { CamundaLine } from '../../camunda/versions.js';
import { PreconditionError, UsageError } from '../../errors.js';
import type { RunEvent } from '../../events.js';
import type { RunRecorder } from '../run-record.js';
import {
  anInstallation,
  esMissing,
  exportingFailed,
  exportingOk,
  fakeCluster,
  happyRoutes,
  memoryReporter,
  ok,
  snapshotResponse,
  webappBackup,
  zeebeBackup,
  type FakeCluster,
  type Route,
} from '../../../test/unit/create-test-kit.js';

const ID = 1_748_937_221;
/** Operate's catch-all handler answers an unknown id with 400 (§12.2); the first GET is preflight's. */
const notFoundOperate = { status: 400, body: { status: 400, message: `No backup with id [${ID}] found.`, instance: 'i', type: 't' } };

function fastPlan(installation: Installation, overrides: Partial<CreatePlan['timing']> = {}, backupId = ID): CreatePlan {
  const plan = buildCreatePlan(installation, { backupId, timeoutMs: 5_000, pollIntervalMs: 5, access: 'port-forward', cluster: {} });
  return { ...plan, timing: { ...plan.timing, initialPollMs: 1, settleMs: 200, resume: { timeoutMs: 40, firstDelayMs: 5, maxDelayMs: 10 }, ...overrides } };
}

async function run(plan: CreatePlan, cluster: FakeCluster, signal: AbortSignal = new AbortController().signal) {
  const reporter = memoryReporter();
  const report = await runCreatePlan(plan, { connect: cluster.connect, emit: reporter.emit, signal });
  return { report, reporter };
}

const part = (report: Awaited<ReturnType<typeof run>>['report'], name: string) => report.parts.find((p) => p.part === name);

/** Index of the first call whose key matches, -1 when absent. */
const indexOf = (cluster: FakeCluster, pattern: RegExp): number => cluster.keys().findIndex((key) => pattern.test(key));

describe('create on 8.6/8.7 (separate web apps, pause after them)', () => {
  it.each(['8.6', '8.7'] as const)('%s: web apps first, then pause, snapshot, Zeebe, resume', async (line) => {
    const cluster = fakeCluster(happyRoutes(line, ID));
    const { report, reporter } = await run(fastPlan(anInstallation(line)), cluster);

    expect(report.state).toBe('COMPLETED');
    const mutations = cluster.mutations();
    expect(mutations.slice(0, 3).sort()).toEqual([
      'operate-0 POST /actuator/backups',
      'optimize-0 POST /actuator/backups',
      'tasklist-0 POST /actuator/backups',
    ]);
    expect(mutations.slice(3)).toEqual([
      'gateway-0 POST /actuator/exporting/pause?soft=true',
      `search-0 PUT /_snapshot/camunda-backups/camunda_zeebe_records_backup_${ID}?wait_for_completion=true`,
      'gateway-0 POST /actuator/backups',
      'gateway-0 POST /actuator/exporting/resume',
    ]);
    // Pause only after every web app reported COMPLETED.
    const pauseAt = indexOf(cluster, /exporting\/pause/);
    const lastWebappPoll = Math.max(
      ...cluster.keys().flatMap((key, index) => (/^(operate|tasklist|optimize)-0 GET \/actuator\/backups\/\d+$/.test(key) ? [index] : [])),
    );
    expect(lastWebappPoll).toBeLessThan(pauseAt);

    expect(report.parts.map((p) => [p.part, p.state])).toEqual([
      ['optimize', 'COMPLETED'],
      ['operate', 'COMPLETED'],
      ['tasklist', 'COMPLETED'],
      ['zeebe-records', 'COMPLETED'],
      ['zeebe', 'COMPLETED'],
    ]);
    expect(report.backupId).toBe(ID);
    expect(report.exporting).toMatchObject({ paused: true, resumed: true });
    expect(report.exporting.pausedMs).toBeGreaterThanOrEqual(0);
    expect(report.exporting.resumeCommand).toBeUndefined();
    expect(part(report, 'operate')?.details?.['scheduledSnapshots']).toEqual([`camunda_operate_${ID}_8.7.3_part_1_of_6`]);
    expect(part(report, 'zeebe')?.details?.['partitions']).toHaveLength(3);
    expect(part(report, 'zeebe-records')?.details).toMatchObject({ snapshot: `camunda_zeebe_records_backup_${ID}`, state: 'SUCCESS', indices: 'zeebe-record_*' });

    // Every HTTP call is an event; progress shows remote states.
    expect(reporter.of('http')).toHaveLength(cluster.calls.length);
    expect(reporter.of('http')[0]).toMatchObject({ method: 'GET', via: expect.stringContaining('fake pod/') as unknown });
    expect(reporter.of('step-progress').some((event) => event.step === 'backup-zeebe' && event.message.startsWith('IN_PROGRESS'))).toBe(true);
    expect(cluster.closed.sort()).toEqual([...cluster.opened].sort());
  });

  it('polls fast while exporting is paused, whatever the poll interval', async () => {
    const cluster = fakeCluster(happyRoutes('8.7', ID));
    const inProgress = ok(zeebeBackup(ID, 'IN_PROGRESS'));
    cluster.route(`gateway-0 GET /actuator/backups/${ID}`, [inProgress, inProgress, inProgress, inProgress, ok(zeebeBackup(ID, 'COMPLETED'))]);
    // Web apps answer COMPLETED at their second check, after one initial delay; the Zeebe wait runs while paused.
    const plan = fastPlan(anInstallation('8.7'), { pollIntervalMs: 60_000, initialPollMs: 600, pausedPollMs: 10 });
    const { report } = await run(plan, cluster);

    expect(report.state).toBe('COMPLETED');
    // Without the paused ceiling the four Zeebe polls alone would wait at least 4 × 600 ms.
    expect(report.exporting.pausedMs).toBeLessThan(500);
  });

  it('sends the Zeebe id as a JSON number and the ES credentials only to Elasticsearch', async () => {
    const cluster = fakeCluster(happyRoutes('8.7', ID));
    await run(fastPlan(anInstallation('8.7')), cluster);
    const zeebePost = cluster.calls.find((call) => call.key === 'gateway-0 POST /actuator/backups');
    expect(zeebePost?.body).toEqual({ backupId: ID });
    for (const call of cluster.calls) {
      if (call.target === 'search-0') expect(call.headers?.['Authorization']).toBe('Basic c2VjcmV0');
      else expect(call.headers?.['Authorization']).toBeUndefined();
    }
  });

  it('a failed web-app backup fails the run before anything is paused', async () => {
    const routes = happyRoutes('8.7', ID);
    routes[`operate-0 GET /actuator/backups/${ID}`] = [
      notFoundOperate,
      ok(webappBackup(ID, 'IN_PROGRESS', 'operate')),
      ok(webappBackup(ID, 'FAILED', 'operate', 6, { failureReason: 'There were failures with the following snapshots: camunda_operate_x' })),
    ];
    const cluster = fakeCluster(routes);
    const { report } = await run(fastPlan(anInstallation('8.7')), cluster);

    expect(report.state).toBe('FAILED');
    expect(part(report, 'operate')).toMatchObject({ state: 'FAILED', message: 'There were failures with the following snapshots: camunda_operate_x' });
    expect(report.error?.message).toContain('There were failures with the following snapshots');
    expect(report.error?.step).toBe('backup-operate');
    expect(indexOf(cluster, /exporting\/pause/)).toBe(-1);
    expect(report.exporting).toEqual({ paused: false, resumed: null, pausedMs: null });
    expect(part(report, 'zeebe')?.state).toBe('NOT_STARTED');
  });

  it('stops waiting for siblings when one web app fails, and says so', async () => {
    const routes = happyRoutes('8.7', ID);
    routes[`operate-0 GET /actuator/backups/${ID}`] = [notFoundOperate, ok(webappBackup(ID, 'IN_PROGRESS', 'operate')), ok(webappBackup(ID, 'INCOMPATIBLE', 'operate'))];
    routes[`tasklist-0 GET /actuator/backups/${ID}`] = [notFoundOperate, ok(webappBackup(ID, 'IN_PROGRESS', 'tasklist'))];
    const cluster = fakeCluster(routes);
    const { report } = await run(fastPlan(anInstallation('8.7')), cluster);
    expect(report.state).toBe('FAILED');
    expect(part(report, 'operate')?.state).toBe('INCOMPATIBLE');
    expect(part(report, 'tasklist')).toMatchObject({ state: 'IN_PROGRESS', message: expect.stringContaining('"Back up Operate" failed') as unknown });
    expect(report.error?.step).toBe('backup-operate');
  });

  it('accepts Optimize COMPLETE as COMPLETED and tolerates INCOMPLETE right after the POST', async () => {
    const routes = happyRoutes('8.7', ID);
    routes[`optimize-0 GET /actuator/backups/${ID}`] = [
      esMissing('x', 'unused'),
      ok(webappBackup(ID, 'INCOMPLETE', 'optimize')),
      ok(webappBackup(ID, 'COMPLETE', 'optimize')),
    ];
    const { report } = await run(fastPlan(anInstallation('8.7')), fakeCluster(routes));
    expect(report.state).toBe('COMPLETED');
    expect(part(report, 'optimize')?.state).toBe('COMPLETED');
  });

  it('a PARTIAL zeebe-record snapshot fails the run and exporting is resumed', async () => {
    const routes = happyRoutes('8.7', ID);
    routes[`search-0 PUT /_snapshot/camunda-backups/camunda_zeebe_records_backup_${ID}?wait_for_completion=true`] = ok(
      snapshotResponse(`camunda_zeebe_records_backup_${ID}`, 'PARTIAL', 1),
    );
    const cluster = fakeCluster(routes);
    const { report } = await run(fastPlan(anInstallation('8.7')), cluster);
    expect(report.state).toBe('FAILED');
    expect(part(report, 'zeebe-records')?.state).toBe('FAILED');
    expect(part(report, 'zeebe-records')?.message).toContain('PARTIAL');
    expect(part(report, 'zeebe')?.state).toBe('NOT_STARTED');
    expect(cluster.mutations().at(-1)).toBe('gateway-0 POST /actuator/exporting/resume');
    expect(indexOf(cluster, /gateway-0 POST \/actuator\/backups$/)).toBe(-1);
    expect(report.exporting).toMatchObject({ paused: true, resumed: true });
  });

  it('a SUCCESS snapshot with failed shards is a failure too', async () => {
    const routes = happyRoutes('8.7', ID);
    routes[`search-0 PUT /_snapshot/camunda-backups/camunda_zeebe_records_backup_${ID}?wait_for_completion=true`] = ok(
      snapshotResponse(`camunda_zeebe_records_backup_${ID}`, 'SUCCESS', 2),
    );
    const { report } = await run(fastPlan(anInstallation('8.7')), fakeCluster(routes));
    expect(report.state).toBe('FAILED');
    expect(part(report, 'zeebe-records')?.message).toMatch(/2 failed shard/);
  });

  it('polls GET when the snapshot answer carries no final state', async () => {
    const routes = happyRoutes('8.7', ID);
    const name = `camunda_zeebe_records_backup_${ID}`;
    routes[`search-0 PUT /_snapshot/camunda-backups/${name}?wait_for_completion=true`] = ok({ accepted: true });
    routes[`search-0 GET /_snapshot/camunda-backups/${name}`] = [
      esMissing('snapshot_missing_exception', 'missing'),
      ok({ snapshots: [{ ...snapshotResponse(name).snapshot, state: 'IN_PROGRESS' }] }),
      ok({ snapshots: [snapshotResponse(name).snapshot] }),
    ];
    const cluster = fakeCluster(routes);
    const { report } = await run(fastPlan(anInstallation('8.7')), cluster);
    expect(report.state).toBe('COMPLETED');
    expect(cluster.keys().filter((key) => key === `search-0 GET /_snapshot/camunda-backups/${name}`)).toHaveLength(3);
  });

  it('a zeebe-records PUT lost on the way is sent again at once; "already exists" for the copy counts as sent', async () => {
    const routes = happyRoutes('8.7', ID);
    const name = `camunda_zeebe_records_backup_${ID}`;
    const put = `search-0 PUT /_snapshot/camunda-backups/${name}?wait_for_completion=true`;
    routes[put] = [
      { status: 0, fail: 'socket hang up' },
      { status: 400, body: { error: { type: 'invalid_snapshot_name_exception', reason: `[camunda-backups:${name}] Invalid snapshot name [${name}], snapshot with the same name already exists` }, status: 400 } },
    ];
    routes[`search-0 GET /_snapshot/camunda-backups/${name}`] = [
      esMissing('snapshot_missing_exception', 'missing'), // preflight
      esMissing('snapshot_missing_exception', 'missing'), // after the lost PUT: send it again
      ok({ snapshots: [{ ...snapshotResponse(name).snapshot, state: 'IN_PROGRESS' }] }), // the first copy did arrive after all
      ok({ snapshots: [snapshotResponse(name).snapshot] }),
    ];
    const cluster = fakeCluster(routes);
    const { report } = await run(fastPlan(anInstallation('8.7')), cluster);
    expect(report.state).toBe('COMPLETED');
    expect(cluster.keys().filter((key) => key === put)).toHaveLength(2);
    expect(part(report, 'zeebe-records')).toMatchObject({ state: 'COMPLETED', details: { resent: 1, state: 'SUCCESS' } });
  });

  it('a zeebe-records PUT that was answered is never sent again, however long the snapshot takes to appear', async () => {
    const routes = happyRoutes('8.7', ID);
    const name = `camunda_zeebe_records_backup_${ID}`;
    routes[`search-0 PUT /_snapshot/camunda-backups/${name}?wait_for_completion=true`] = ok({ accepted: true });
    routes[`search-0 GET /_snapshot/camunda-backups/${name}`] = [
      esMissing('snapshot_missing_exception', 'missing'),
      esMissing('snapshot_missing_exception', 'missing'),
      esMissing('snapshot_missing_exception', 'missing'),
      ok({ snapshots: [snapshotResponse(name).snapshot] }),
    ];
    const cluster = fakeCluster(routes);
    const { report } = await run(fastPlan(anInstallation('8.7')), cluster);
    expect(report.state).toBe('COMPLETED');
    expect(cluster.keys().filter((key) => key.startsWith('search-0 PUT '))).toHaveLength(1);
  });

  it('pause answering HTTP 200 with status 500 in the body is a failure, and resume still runs', async () => {
    const routes = happyRoutes('8.7', ID);
    routes['gateway-0 POST /actuator/exporting/pause?soft=true'] = exportingFailed('Expected 3 members of partition 1 but found 2');
    const cluster = fakeCluster(routes);
    const { report } = await run(fastPlan(anInstallation('8.7')), cluster);
    expect(report.state).toBe('FAILED');
    expect(report.error).toMatchObject({ step: 'pause-exporting', message: expect.stringContaining('Expected 3 members of partition 1 but found 2') as unknown });
    expect(cluster.mutations().slice(-2)).toEqual(['gateway-0 POST /actuator/exporting/pause?soft=true', 'gateway-0 POST /actuator/exporting/resume']);
    expect(report.exporting).toMatchObject({ paused: true, resumed: true });
    expect(part(report, 'zeebe-records')?.state).toBe('NOT_STARTED');
  });

  it('Zeebe 409 at the POST fails with Zeebe\'s own message and a hint, then resumes', async () => {
    const routes = happyRoutes('8.7', ID);
    routes['gateway-0 POST /actuator/backups'] = {
      status: 409,
      body: { message: `Requested backup has id ${ID}. The latest backup has id ${ID + 5}. The requested id must be higher.` },
    };
    const cluster = fakeCluster(routes);
    const { report } = await run(fastPlan(anInstallation('8.7')), cluster);
    expect(report.state).toBe('FAILED');
    expect(part(report, 'zeebe')?.message).toContain(`The latest backup has id ${ID + 5}`);
    expect(part(report, 'zeebe')?.message).toContain('choose a higher --backup-id');
    expect(part(report, 'zeebe')?.message).toContain('HTTP 409');
    expect(cluster.mutations().at(-1)).toBe('gateway-0 POST /actuator/exporting/resume');
  });

  it('a Zeebe backup that ends FAILED reports the partitions\' reasons', async () => {
    const routes = happyRoutes('8.7', ID);
    routes[`gateway-0 GET /actuator/backups/${ID}`] = ok(
      zeebeBackup(ID, 'FAILED', { details: [{ partitionId: 2, state: 'FAILED', failureReason: 'segment deleted' }] }),
    );
    const { report } = await run(fastPlan(anInstallation('8.7')), fakeCluster(routes));
    expect(part(report, 'zeebe')).toMatchObject({ state: 'FAILED', message: 'partition 2: segment deleted' });
  });

  it('rides out a transient 502 or dropped connection while polling, but not a run of them', async () => {
    const routes = happyRoutes('8.7', ID);
    const gatewayDown = { status: 502, body: { message: 'Expected to handle request, but the topology is incomplete' } };
    routes[`gateway-0 GET /actuator/backups/${ID}`] = [gatewayDown, { status: 0, fail: 'socket hang up' }, ok(zeebeBackup(ID, 'COMPLETED'))];
    const { report } = await run(fastPlan(anInstallation('8.7')), fakeCluster(routes));
    expect(report.state).toBe('COMPLETED');

    routes[`gateway-0 GET /actuator/backups/${ID}`] = gatewayDown;
    const failing = fakeCluster(routes);
    const { report: failed } = await run(fastPlan(anInstallation('8.7')), failing);
    expect(failed.state).toBe('FAILED');
    expect(part(failed, 'zeebe')?.message).toContain('topology is incomplete');
    expect(failing.keys().filter((key) => key === `gateway-0 GET /actuator/backups/${ID}`)).toHaveLength(4);
    expect(failing.mutations().at(-1)).toBe('gateway-0 POST /actuator/exporting/resume');
  });

  it('treats Zeebe DELETED as final', async () => {
    const routes = happyRoutes('8.7', ID);
    routes[`gateway-0 GET /actuator/backups/${ID}`] = ok(zeebeBackup(ID, 'DELETED'));
    const { report } = await run(fastPlan(anInstallation('8.7')), fakeCluster(routes));
    expect(report.state).toBe('FAILED');
    expect(part(report, 'zeebe')?.state).toBe('DELETED');
  });

  it('times out as a whole, marks the waiting part TIMED_OUT and resumes', async () => {
    const routes = happyRoutes('8.7', ID);
    routes[`gateway-0 GET /actuator/backups/${ID}`] = ok(zeebeBackup(ID, 'IN_PROGRESS'));
    const cluster = fakeCluster(routes);
    const plan = { ...fastPlan(anInstallation('8.7')), timing: { ...fastPlan(anInstallation('8.7')).timing, timeoutMs: 300 } };
    const { report } = await run(plan, cluster);
    expect(report.state).toBe('FAILED');
    expect(part(report, 'zeebe')?.state).toBe('TIMED_OUT');
    expect(part(report, 'zeebe')?.message).toMatch(/timed out after .*last state IN_PROGRESS/);
    expect(report.error?.message).toMatch(/timed out/);
    expect(cluster.mutations().at(-1)).toBe('gateway-0 POST /actuator/exporting/resume');
    expect(report.exporting.resumed).toBe(true);
  });

  it('SIGINT while waiting for Zeebe: INTERRUPTED, resumed, at once', async () => {
    const routes = happyRoutes('8.7', ID);
    routes[`gateway-0 GET /actuator/backups/${ID}`] = ok(zeebeBackup(ID, 'IN_PROGRESS'));
    const cluster = fakeCluster(routes);
    const controller = new AbortController();
    const reporter = memoryReporter();
    const emit = (event: Parameters<typeof reporter.emit>[0]): void => {
      reporter.emit(event);
      if (event.kind === 'step-progress' && event.step === 'backup-zeebe') controller.abort('SIGINT');
    };
    const plan = { ...fastPlan(anInstallation('8.7')), timing: { ...fastPlan(anInstallation('8.7')).timing, pollIntervalMs: 60_000 } };
    const started = performance.now();
    const report = await runCreatePlan(plan, { connect: cluster.connect, emit, signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(report.state).toBe('INTERRUPTED');
    expect(part(report, 'zeebe')?.state).toBe('INTERRUPTED');
    expect(report.error?.message).toContain('interrupted by SIGINT');
    expect(cluster.mutations().at(-1)).toBe('gateway-0 POST /actuator/exporting/resume');
    expect(report.exporting.resumed).toBe(true);
  });

  it('CLEANUP_FAILED when resume keeps failing: retried, resumed=false, the command in the report', async () => {
    const routes = happyRoutes('8.7', ID);
    routes['gateway-0 POST /actuator/exporting/resume'] = exportingFailed('Expected 3 members of partition 2 but found 1');
    const cluster = fakeCluster(routes);
    const { report, reporter } = await run(fastPlan(anInstallation('8.7')), cluster);
    expect(report.state).toBe('CLEANUP_FAILED');
    // Retried with back-off until --resume-timeout (40 ms here): more than once, and the report counts every try.
    const tries = cluster.keys().filter((key) => key === 'gateway-0 POST /actuator/exporting/resume').length;
    expect(tries).toBeGreaterThan(1);
    expect(report.exporting.paused).toBe(true);
    expect(report.exporting.resumed).toBe(false);
    expect(report.exporting.pausedMs).toBeNull();
    expect(report.exporting.resumeCommand).toContain('kubectl camunda-backup resume -n camunda --release camunda');
    expect(report.exporting.resumeCommand).toContain('/actuator/exporting/resume');
    expect(report.error?.message).toContain(`exporting is still paused, resuming failed ${tries} times`);
    expect(report.error?.message).toContain('Expected 3 members of partition 2 but found 1');
    expect(reporter.of('cleanup-failed')).toHaveLength(1);
  });

  it('CLEANUP_FAILED wins over an earlier failure, and keeps it in the message', async () => {
    const routes = happyRoutes('8.7', ID);
    routes['gateway-0 POST /actuator/exporting/resume'] = { status: 502, body: { message: 'gateway down' } };
    routes['gateway-0 POST /actuator/backups'] = { status: 503, body: { message: 'resource exhausted' } };
    const { report } = await run(fastPlan(anInstallation('8.7')), fakeCluster(routes));
    expect(report.state).toBe('CLEANUP_FAILED');
    expect(report.error?.message).toContain('gateway down');
    expect(report.error?.message).toContain('resource exhausted');
  });

  it.each(['step-started', 'step-progress', 'http', 'cleanup-started'] as const)(
    'a reporter that throws on %s after the pause still gets exporting resumed',
    async (kind) => {
      const cluster = fakeCluster(happyRoutes('8.7', ID));
      let paused = false;
      const emit = (event: { kind: string }): void => {
        if (event.kind === 'step-succeeded' && 'step' in event && event.step === 'pause-exporting') paused = true;
        if (paused && event.kind === kind) throw new Error('EPIPE: write to a closed stream');
      };
      const report = await runCreatePlan(fastPlan(anInstallation('8.7')), { connect: cluster.connect, emit, signal: new AbortController().signal }).catch(() => undefined);
      expect(cluster.mutations().at(-1)).toBe('gateway-0 POST /actuator/exporting/resume');
      expect(report?.exporting.resumed).toBe(true);
    },
  );

  it('resume succeeds on a later attempt', async () => {
    const routes = happyRoutes('8.7', ID);
    routes['gateway-0 POST /actuator/exporting/resume'] = [exportingFailed('not yet'), { status: 0, fail: 'socket hang up' }, exportingOk];
    const cluster = fakeCluster(routes);
    const { report } = await run(fastPlan(anInstallation('8.7')), cluster);
    expect(report.state).toBe('COMPLETED');
    expect(cluster.keys().filter((key) => key === 'gateway-0 POST /actuator/exporting/resume')).toHaveLength(3);
  });

  it('skipped components are reported SKIPPED and never called', async () => {
    const installation = anInstallation('8.7', {
      skipped: [{ part: 'optimize', reason: 'Optimize is not enabled in release camunda' }],
    });
    const cluster = fakeCluster(happyRoutes('8.7', ID));
    const { report, reporter } = await run(fastPlan({ ...installation, components: installation.components.filter((c) => c.part !== 'optimize') }), cluster);
    expect(report.state).toBe('COMPLETED');
    expect(part(report, 'optimize')).toMatchObject({ state: 'SKIPPED', message: 'Optimize is not enabled in release camunda' });
    expect(cluster.keys().some((key) => key.startsWith('optimize-0'))).toBe(false);
    expect(reporter.of('step-skipped')).toEqual([{ kind: 'step-skipped', step: 'backup-optimize', title: 'Back up Optimize', reason: 'Optimize is not enabled in release camunda' }]);
  });
});

describe('create on 8.8/8.9 (orchestration layout, pause first)', () => {
  it.each(['8.8', '8.9'] as const)('%s: pause, web apps + Optimize, snapshot, runtime backup, resume', async (line: CamundaLine) => {
    const cluster = fakeCluster(happyRoutes(line, ID));
    const { report } = await run(fastPlan(anInstallation(line)), cluster);
    expect(report.state).toBe('COMPLETED');
    const mutations = cluster.mutations();
    expect(mutations[0]).toBe('zeebe-0 POST /actuator/exporting/pause?soft=true');
    expect(mutations.slice(1, 3).sort()).toEqual(['optimize-0 POST /actuator/backups', 'zeebe-0 POST /actuator/backupHistory']);
    expect(mutations.slice(3)).toEqual([
      `search-0 PUT /_snapshot/camunda-backups/camunda_zeebe_records_backup_${ID}?wait_for_completion=true`,
      'zeebe-0 POST /actuator/backupRuntime',
      'zeebe-0 POST /actuator/exporting/resume',
    ]);
    // /actuator/backups is absent on the orchestration app: never called there.
    expect(cluster.keys().some((key) => key.startsWith('zeebe-0') && key.includes('/actuator/backups'))).toBe(false);
    // One connection to the orchestration pod serves both the web-app and the Zeebe part.
    expect(cluster.opened.filter((name) => name === 'zeebe-0')).toHaveLength(1);
    expect(report.parts.map((p) => [p.part, p.state])).toEqual([
      ['optimize', 'COMPLETED'],
      ['webapps', 'COMPLETED'],
      ['zeebe-records', 'COMPLETED'],
      ['zeebe', 'COMPLETED'],
    ]);
  });

  it('a failed web-app backup after the pause resumes exporting', async () => {
    const routes = happyRoutes('8.8', ID);
    routes[`zeebe-0 GET /actuator/backupHistory/${ID}`] = [
      { status: 404, body: { message: `No backup with id [${ID}] found.` } },
      ok(webappBackup(ID, 'FAILED', 'webapps', 5, { failureReason: 'Some of the snapshots are partial: camunda_webapps_x' })),
    ];
    const cluster = fakeCluster(routes);
    const { report } = await run(fastPlan(anInstallation('8.8')), cluster);
    expect(report.state).toBe('FAILED');
    expect(part(report, 'webapps')?.message).toBe('Some of the snapshots are partial: camunda_webapps_x');
    expect(cluster.mutations().at(-1)).toBe('zeebe-0 POST /actuator/exporting/resume');
    expect(report.exporting).toMatchObject({ paused: true, resumed: true });
  });

  it('a duplicate id at the web-app POST fails with the component\'s words and a hint', async () => {
    const routes = happyRoutes('8.8', ID);
    routes['zeebe-0 POST /actuator/backupHistory'] = {
      status: 400,
      body: { message: `A backup with ID [${ID}] already exists. Found snapshots: [camunda_webapps_${ID}_8.8.3_part_1_of_5]` },
    };
    const { report } = await run(fastPlan(anInstallation('8.8')), fakeCluster(routes));
    expect(part(report, 'webapps')?.message).toContain(`A backup with ID [${ID}] already exists`);
    expect(part(report, 'webapps')?.message).toContain('choose a higher --backup-id');
  });

  it('skips the zeebe-records snapshot when no exporter writes zeebe-record indices', async () => {
    const cluster = fakeCluster(happyRoutes('8.8', ID));
    const { report } = await run(fastPlan(anInstallation('8.8', { zeebeRecordsExported: false })), cluster);
    expect(report.state).toBe('COMPLETED');
    expect(part(report, 'zeebe-records')).toMatchObject({ state: 'SKIPPED', message: expect.stringContaining('legacy') as unknown });
    expect(cluster.opened).not.toContain('search-0');
  });

  it('honours a zeebe-records skip from discovery', async () => {
    const installation = anInstallation('8.9', { skipped: [{ part: 'zeebe-records', reason: 'no legacy exporter configured' }] });
    const cluster = fakeCluster(happyRoutes('8.9', ID));
    const { report } = await run(fastPlan(installation), cluster);
    expect(part(report, 'zeebe-records')).toMatchObject({ state: 'SKIPPED', message: 'no legacy exporter configured' });
    expect(cluster.keys().some((key) => key.includes('_snapshot'))).toBe(false);
  });

  it('OpenSearch: the snapshot body has no feature_states; Elasticsearch: feature_states none', async () => {
    const os = fakeCluster(happyRoutes('8.8', ID));
    await run(fastPlan(anInstallation('8.8', { engine: 'opensearch' })), os);
    const es = fakeCluster(happyRoutes('8.8', ID));
    await run(fastPlan(anInstallation('8.8', { engine: 'elasticsearch' })), es);
    const put = (cluster: FakeCluster) => cluster.calls.find((call) => call.method === 'PUT')?.body;
    expect(put(os)).toEqual({ indices: 'zeebe-record_*' });
    expect(put(es)).toEqual({ indices: 'zeebe-record_*', feature_states: ['none'] });
  });

  it('SIGTERM while web apps are in progress: INTERRUPTED and resumed', async () => {
    const routes = happyRoutes('8.8', ID);
    routes[`zeebe-0 GET /actuator/backupHistory/${ID}`] = [
      { status: 404, body: { message: `No backup with id [${ID}] found.` } },
      ok(webappBackup(ID, 'IN_PROGRESS', 'webapps', 5)),
    ];
    const cluster = fakeCluster(routes);
    const controller = new AbortController();
    const reporter = memoryReporter();
    const report = await runCreatePlan(fastPlan(anInstallation('8.8')), {
      connect: cluster.connect,
      signal: controller.signal,
      emit: (event) => {
        reporter.emit(event);
        if (event.kind === 'step-progress' && event.step === 'backup-webapps' && event.message.startsWith('IN_PROGRESS')) controller.abort('SIGTERM');
      },
    });
    expect(report.state).toBe('INTERRUPTED');
    expect(part(report, 'webapps')?.state).toBe('INTERRUPTED');
    expect(part(report, 'zeebe')?.state).toBe('NOT_STARTED');
    expect(cluster.mutations().at(-1)).toBe('zeebe-0 POST /actuator/exporting/resume');
  });
});

describe('preflight: nothing changes when it fails', () => {
  it('refuses an id not higher than the latest Zeebe backup (usage error naming the latest)', async () => {
    const routes = happyRoutes('8.7', ID);
    routes['gateway-0 GET /actuator/backups'] = ok([zeebeBackup(ID - 5, 'COMPLETED'), zeebeBackup(ID + 7, 'FAILED')]);
    const cluster = fakeCluster(routes);
    const error = await run(fastPlan(anInstallation('8.7')), cluster).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain(`latest Zeebe backup ${ID + 7}`);
    expect((error as UsageError).hint).toContain(`--backup-id ${ID + 8}`);
    expect(cluster.mutations()).toEqual([]);
    expect(cluster.closed.sort()).toEqual([...cluster.opened].sort());
  });

  it('a missing snapshot repository is a precondition error naming it', async () => {
    const routes = happyRoutes('8.8', ID);
    routes['search-0 GET /_snapshot/camunda-backups'] = esMissing('repository_missing_exception', '[camunda-backups] missing');
    const cluster = fakeCluster(routes);
    const error = await run(fastPlan(anInstallation('8.8')), cluster).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionError);
    expect((error as Error).message).toContain('"camunda-backups"');
    expect(cluster.mutations()).toEqual([]);
  });

  it('a taken id in a web app is a usage error before any change', async () => {
    const routes = happyRoutes('8.7', ID);
    routes[`tasklist-0 GET /actuator/backups/${ID}`] = ok(webappBackup(ID, 'COMPLETED', 'tasklist'));
    const cluster = fakeCluster(routes);
    const error = await run(fastPlan(anInstallation('8.7')), cluster).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('tasklist already has a backup with that ID');
    expect(cluster.mutations()).toEqual([]);
  });

  it('an existing zeebe-records snapshot with the id is a usage error', async () => {
    const routes = happyRoutes('8.7', ID);
    const name = `camunda_zeebe_records_backup_${ID}`;
    routes[`search-0 GET /_snapshot/camunda-backups/${name}`] = ok({ snapshots: [snapshotResponse(name).snapshot] });
    const error = await run(fastPlan(anInstallation('8.7')), fakeCluster(routes)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
  });

  it('"No backup repository configured." from a web app stops the run as a precondition', async () => {
    const routes = happyRoutes('8.7', ID);
    routes[`operate-0 GET /actuator/backups/${ID}`] = { status: 400, body: { status: 400, message: 'No backup repository configured.', instance: 'i', type: 't' } };
    const cluster = fakeCluster(routes);
    const error = await run(fastPlan(anInstallation('8.7')), cluster).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionError);
    expect((error as Error).message).toContain('No backup repository configured.');
    expect(cluster.mutations()).toEqual([]);
  });

  it('Zeebe without a backup store is a precondition error with Zeebe\'s words', async () => {
    const routes = happyRoutes('8.7', ID);
    routes['gateway-0 GET /actuator/backups'] = {
      status: 400,
      body: { message: 'Cannot process backup requests. No backup store is configured. To use this feature, configure backup in broker configuration.' },
    };
    const error = await run(fastPlan(anInstallation('8.7')), fakeCluster(routes)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionError);
    expect((error as Error).message).toContain('No backup store is configured');
    expect((error as PreconditionError).hint).toContain('backup store');
  });

  it('8.8: an application without backupHistory/backupRuntime links is refused; /actuator/backups missing is fine', async () => {
    const routes = happyRoutes('8.8', ID);
    routes['zeebe-0 GET /actuator'] = ok({ _links: { backups: {}, exporting: {}, health: {} } });
    const cluster = fakeCluster(routes);
    const error = await run(fastPlan(anInstallation('8.8')), cluster).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionError);
    expect((error as Error).message).toMatch(/does not expose \/actuator\/backupRuntime and \/actuator\/backupHistory/);
    expect(cluster.mutations()).toEqual([]);
  });

  it('an unreadable actuator index is only an info, not a failure', async () => {
    const routes = happyRoutes('8.8', ID);
    delete routes['zeebe-0 GET /actuator'];
    const { report, reporter } = await run(fastPlan(anInstallation('8.8')), fakeCluster(routes));
    expect(report.state).toBe('COMPLETED');
    expect(reporter.of('info').some((event) => event.message.includes('relying on the version table'))).toBe(true);
  });

  it('a connection failure is rethrown as is and the other connections are closed', async () => {
    const failure = new PreconditionError('cannot port-forward to pod/tasklist-0: pods "tasklist-0" is forbidden');
    const cluster = fakeCluster(happyRoutes('8.7', ID), { failConnect: { 'tasklist-0': failure } });
    const error = await run(fastPlan(anInstallation('8.7')), cluster).catch((e: unknown) => e);
    expect(error).toBe(failure);
    expect(cluster.calls).toEqual([]);
    expect(cluster.closed.sort()).toEqual([...cluster.opened].sort());
  });

  it('continuous backups on an Elasticsearch installation are refused at plan time', () => {
    expect(() => buildCreatePlan(anInstallation('8.9', { zeebeStore: { continuous: true } }), { backupId: ID, timeoutMs: 1, pollIntervalMs: 1, access: 'exec', cluster: {} })).toThrow(
      PreconditionError,
    );
  });

  it('a missing repository name is refused at plan time with a hint', () => {
    const build = () => buildCreatePlan(anInstallation('8.7', { repositoryName: undefined }), { backupId: ID, timeoutMs: 1, pollIntervalMs: 1, access: 'exec', cluster: {} });
    expect(build).toThrow(PreconditionError);
    expect(build).toThrow(/snapshot repository/);
  });
});

describe('8.9 with RDBMS secondary storage', () => {
  const rdbms = (continuous: boolean) =>
    anInstallation('8.9', {
      secondaryStorage: 'rdbms',
      search: undefined,
      repositoryName: undefined,
      zeebeStore: { store: 'S3', continuous },
    });
  const stateBody = (ids: number[]) => ({
    checkpointStates: ids.map((checkpointId) => ({ checkpointId, partitionId: 1, checkpointType: 'SCHEDULED_BACKUP' })),
    backupStates: [1, 2, 3].flatMap((partitionId) => ids.map((checkpointId) => ({ checkpointId, partitionId, checkpointType: 'SCHEDULED_BACKUP' }))),
    ranges: [1, 2, 3].map((partitionId) => ({ partitionId, start: ids[0], end: { checkpointId: ids.at(-1) } })),
  });

  function rdbmsRoutes(postBody: unknown, generated: number): Record<string, Route> {
    return {
      'optimize-0 GET /actuator/backups/1748937221': { status: 404, body: { errorCode: 'notFound', errorMessage: 'x', detailedMessage: 'No Optimize backup with ID [1748937221] could be found.' } },
      'optimize-0 POST /actuator/backups': ok({ message: 'scheduled' }, 202),
      'optimize-0 GET /actuator/backups/1748937221#poll': ok({}),
      'zeebe-0 GET /actuator': ok({ _links: { backupRuntime: {}, 'backupRuntime-id': {} } }),
      'zeebe-0 GET /actuator/backupRuntime/state': [ok(stateBody([generated - 3_600_000])), ok(stateBody([generated - 3_600_000, generated]))],
      'zeebe-0 POST /actuator/backupRuntime': ok(postBody, 202),
      [`zeebe-0 GET /actuator/backupRuntime/${generated}`]: [ok(zeebeBackup(generated, 'IN_PROGRESS')), ok(zeebeBackup(generated, 'COMPLETED'))],
    };
  }

  it('triggers a backup without a body, reports the generated id, skips web apps, never pauses', async () => {
    const generated = 1_760_000_000_123;
    const installation = rdbms(true);
    const routes = rdbmsRoutes({ backupId: generated, message: 'scheduled' }, generated);
    routes[`optimize-0 GET /actuator/backups/${ID}`] = [
      { status: 404, body: { errorCode: 'notFound', errorMessage: 'x', detailedMessage: `No Optimize backup with ID [${ID}] could be found.` } },
      ok(webappBackup(ID, 'COMPLETED', 'optimize')),
    ];
    const cluster = fakeCluster(routes);
    const { report } = await run(fastPlan(installation), cluster);
    expect(report.state).toBe('COMPLETED');
    expect(report.backupId).toBe(generated);
    const post = cluster.calls.find((call) => call.key === 'zeebe-0 POST /actuator/backupRuntime');
    expect(post?.body).toBeUndefined();
    expect(cluster.keys().some((key) => key.includes('exporting'))).toBe(false);
    expect(cluster.keys().some((key) => key.includes('backupHistory'))).toBe(false);
    expect(part(report, 'webapps')).toMatchObject({ state: 'SKIPPED', message: expect.stringContaining('vendor') as unknown });
    expect(part(report, 'zeebe')).toMatchObject({ state: 'COMPLETED', details: expect.objectContaining({ mode: 'continuous', backupId: generated }) as unknown });
    expect(report.warnings.some((warning) => warning.includes('not backed up by this tool'))).toBe(true);
    expect(report.exporting).toEqual({ paused: false, resumed: null, pausedMs: null });
  });

  it('takes the newest id from GET state when the 202 body has none', async () => {
    const generated = 1_760_000_000_456;
    const installation = rdbms(true);
    const noOptimize = { ...installation, components: installation.components.filter((c) => c.part !== 'optimize') };
    const routes = rdbmsRoutes({ message: 'A backup has been scheduled.' }, generated);
    routes['zeebe-0 GET /actuator/backupRuntime/state'] = [
      ok(stateBody([generated - 3_600_000])),
      ok(stateBody([generated - 3_600_000])),
      ok(stateBody([generated - 3_600_000, generated])),
    ];
    const cluster = fakeCluster(routes);
    const { report } = await run(fastPlan(noOptimize), cluster);
    expect(report.state).toBe('COMPLETED');
    expect(report.backupId).toBe(generated);
    expect(part(report, 'zeebe')?.details?.['latestRestorableCheckpoint']).toBe(generated);
  });

  it('without continuous backups configured it explains what is needed, before any change', () => {
    const build = () => buildCreatePlan(rdbms(false), { backupId: ID, timeoutMs: 1, pollIntervalMs: 1, access: 'port-forward', cluster: {} });
    expect(build).toThrow(PreconditionError);
    expect(build).toThrow(/continuous/);
    try {
      build();
    } catch (error) {
      expect((error as PreconditionError).hint).toContain('CAMUNDA_DATA_PRIMARYSTORAGE_BACKUP_CONTINUOUS');
    }
  });
});

describe('describeCreatePlan (dry run)', () => {
  it('8.7: every call, where, in order; concurrent calls share an order number', () => {
    const calls = describeCreatePlan(buildCreatePlan(anInstallation('8.7'), { backupId: ID, timeoutMs: 1, pollIntervalMs: 1, access: 'exec', cluster: {} }));
    const mutations = calls.filter((call) => call.method !== 'GET');
    expect(mutations.map((call) => [call.order, call.method, call.target, call.path])).toEqual([
      [2, 'POST', 'pod/optimize-0:8092', '/actuator/backups'],
      [2, 'POST', 'pod/operate-0:9600', '/actuator/backups'],
      [2, 'POST', 'pod/tasklist-0:9600', '/actuator/backups'],
      [4, 'POST', 'pod/gateway-0:9600', '/actuator/exporting/pause?soft=true'],
      [5, 'PUT', 'pod/search-0:9200', `/_snapshot/camunda-backups/camunda_zeebe_records_backup_${ID}?wait_for_completion=true`],
      [6, 'POST', 'pod/gateway-0:9600', '/actuator/backups'],
      [8, 'POST', 'pod/gateway-0:9600', '/actuator/exporting/resume'],
    ]);
    expect(calls.filter((call) => call.order === 1).every((call) => call.method === 'GET' && call.step === 'preflight')).toBe(true);
    expect(calls.find((call) => call.method === 'PUT')?.body).toEqual({ indices: 'zeebe-record_*', feature_states: ['none'] });
    expect(calls.find((call) => call.step === 'backup-zeebe' && call.method === 'GET')?.note).toMatch(/repeats/);
    // Never the credentials.
    expect(JSON.stringify(calls)).not.toContain('c2VjcmV0');
  });

  it('8.8: pause comes first', () => {
    const calls = describeCreatePlan(buildCreatePlan(anInstallation('8.8'), { backupId: ID, timeoutMs: 1, pollIntervalMs: 1, access: 'port-forward', cluster: {} }));
    const mutations = calls.filter((call) => call.method !== 'GET').map((call) => `${call.method} ${call.path}`);
    expect(mutations).toEqual([
      'POST /actuator/exporting/pause?soft=true',
      'POST /actuator/backupHistory',
      'POST /actuator/backups',
      `PUT /_snapshot/camunda-backups/camunda_zeebe_records_backup_${ID}?wait_for_completion=true`,
      'POST /actuator/backupRuntime',
      'POST /actuator/exporting/resume',
    ]);
  });

  it('honours context paths', () => {
    const installation = anInstallation('8.7');
    const withPaths = {
      ...installation,
      components: installation.components.map((c) => (c.part === 'operate' ? { ...c, basePath: '/operate' } : c.part === 'zeebe' ? { ...c, basePath: '/zeebe' } : c)),
    };
    const calls = describeCreatePlan(buildCreatePlan(withPaths, { backupId: ID, timeoutMs: 1, pollIntervalMs: 1, access: 'port-forward', cluster: {} }));
    expect(calls.some((call) => call.path === '/operate/actuator/backups')).toBe(true);
    expect(calls.some((call) => call.path === '/zeebe/actuator/exporting/pause?soft=true')).toBe(true);
    expect(calls.some((call) => call.target === 'pod/optimize-0:8092' && call.path === '/actuator/backups')).toBe(true);
  });

  it('the plan is plain data (JSON round trip keeps it, secrets redacted)', () => {
    const plan = buildCreatePlan(anInstallation('8.8'), { backupId: ID, timeoutMs: 1, pollIntervalMs: 1, access: 'port-forward', cluster: {} });
    const json = JSON.stringify(plan);
    expect(json).not.toContain('c2VjcmV0');
    expect(JSON.parse(json)).toMatchObject({ procedure: 'orchestration', backupId: ID, line: '8.8' });
  });
});

describe('the run record and what a run that did not complete left behind', () => {
  /** A recorder that remembers what create told it, with the cluster calls made so far at each moment. */
  function recording(cluster: FakeCluster) {
    const told: { what: string; mutationsBefore: number; ending?: unknown }[] = [];
    const record: RunRecorder = {
      started: async (backupId) => void told.push({ what: `started ${backupId}`, mutationsBefore: cluster.mutations().length }),
      ended: async (ending) => void told.push({ what: 'ended', mutationsBefore: cluster.mutations().length, ending }),
    };
    return { told, record };
  }

  it('a completed run: RUNNING before the first change, COMPLETED at the end, nothing left behind', async () => {
    const cluster = fakeCluster(happyRoutes('8.7', ID));
    const { told, record } = recording(cluster);
    const report = await runCreatePlan(fastPlan(anInstallation('8.7')), { connect: cluster.connect, emit: memoryReporter().emit, signal: new AbortController().signal, record });
    expect(report.state).toBe('COMPLETED');
    expect(report.leftBehind).toBeUndefined();
    expect(told).toEqual([
      { what: `started ${ID}`, mutationsBefore: 0 },
      { what: 'ended', mutationsBefore: cluster.mutations().length, ending: { state: 'COMPLETED', leftBehind: [] } },
    ]);
  });

  it('SIGINT while Zeebe runs: INTERRUPTED with the parts it left and the delete command carrying the cluster flags', async () => {
    const routes = happyRoutes('8.7', ID);
    routes[`gateway-0 GET /actuator/backups/${ID}`] = ok(zeebeBackup(ID, 'IN_PROGRESS'));
    const cluster = fakeCluster(routes);
    const { told, record } = recording(cluster);
    const controller = new AbortController();
    const emit = (event: RunEvent): void => {
      if (event.kind === 'step-progress' && event.step === 'backup-zeebe') controller.abort('SIGINT');
    };
    const base = buildCreatePlan(anInstallation('8.7'), { backupId: ID, timeoutMs: 5_000, pollIntervalMs: 5, access: 'exec', cluster: { kubeconfig: '/k/config', context: 'prod' } });
    const plan = { ...base, timing: { ...base.timing, initialPollMs: 1, resume: { timeoutMs: 40, firstDelayMs: 5, maxDelayMs: 10 } } };
    const report = await runCreatePlan(plan, { connect: cluster.connect, emit, signal: controller.signal, record });
    expect(report.state).toBe('INTERRUPTED');
    expect(report.leftBehind).toEqual({
      backupId: ID,
      parts: [
        { part: 'optimize', state: 'COMPLETED' },
        { part: 'operate', state: 'COMPLETED' },
        { part: 'tasklist', state: 'COMPLETED' },
        { part: 'zeebe-records', state: 'COMPLETED' },
        { part: 'zeebe', state: 'INTERRUPTED' },
      ],
      deleteCommand: `kubectl camunda-backup delete ${ID} --kubeconfig /k/config --context prod -n camunda --release camunda --access exec`,
    });
    expect(told.at(-1)?.ending).toEqual({ state: 'INTERRUPTED', reason: expect.stringContaining('interrupted by SIGINT'), leftBehind: ['optimize', 'operate', 'tasklist', 'zeebe-records', 'zeebe'] });
  });

  it('timed out: TIMED_OUT in the record', async () => {
    const routes = happyRoutes('8.7', ID);
    routes[`gateway-0 GET /actuator/backups/${ID}`] = ok(zeebeBackup(ID, 'IN_PROGRESS'));
    const cluster = fakeCluster(routes);
    const { told, record } = recording(cluster);
    const plan = { ...fastPlan(anInstallation('8.7')), timing: { ...fastPlan(anInstallation('8.7')).timing, timeoutMs: 300 } };
    const report = await runCreatePlan(plan, { connect: cluster.connect, emit: memoryReporter().emit, signal: new AbortController().signal, record });
    expect(report.leftBehind?.parts.at(-1)).toEqual({ part: 'zeebe', state: 'TIMED_OUT' });
    expect(told.at(-1)?.ending).toMatchObject({ state: 'TIMED_OUT', reason: expect.stringMatching(/timed out/) });
  });

  it('a failure before any part started leaves nothing and offers no delete', async () => {
    const routes = happyRoutes('8.8', ID);
    routes['zeebe-0 POST /actuator/exporting/pause?soft=true'] = exportingFailed('Expected 3 members of partition 1 but found 2');
    const cluster = fakeCluster(routes);
    const { told, record } = recording(cluster);
    const report = await runCreatePlan(fastPlan(anInstallation('8.8')), { connect: cluster.connect, emit: memoryReporter().emit, signal: new AbortController().signal, record });
    expect(report.state).toBe('FAILED');
    expect(report.leftBehind).toEqual({ backupId: ID, parts: [] });
    expect(told.at(-1)?.ending).toMatchObject({ state: 'FAILED', leftBehind: [] });
  });
});
