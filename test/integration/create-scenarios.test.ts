/**
 * `create` across the installation shapes of the Helm fixtures: Optimize off, 8.8 without zeebe-record indices,
 * endpoints that are absent, 8.9 on an RDBMS, context paths, and Elasticsearch/OpenSearch outside the cluster.
 */
import { describe, expect, it } from 'vitest';
import { describeWithFixtures } from '../fixtures-available.js';
import type { World, WorldOptions } from '../world/index.js';
import { describeRun, partOf, runCli, type ReportPart } from './helpers/run-cli.js';
import {
  count,
  dumpLog,
  expectNoMutation,
  expectOnePodPerComponent,
  expectResumedAfterPause,
  indexOf,
  isHistoryTake,
  isPause,
  isResume,
  isSnapshotPut,
  isWebappTake,
  isZeebeTake,
  mutatingCalls,
} from './helpers/sim-log.js';
import { fixture, withWorld, type Line } from './helpers/world-run.js';

const ID = '1700000800';

/**
 * Fixtures rendered without backup settings: the simulated components get a repository and Zeebe a store (as an
 * operator would configure outside the chart), and the CLI is told the repository name with --snapshot-repository.
 */
const CONFIGURED: Pick<WorldOptions, 'repositories' | 'zeebe'> = {
  repositories: { operate: 'camunda-backup', tasklist: 'camunda-backup', optimize: 'camunda-backup', webapps: 'camunda-backup' },
  zeebe: { store: 'S3' },
};
const REPO = ['--snapshot-repository', 'camunda-backup'];

describeWithFixtures('create: Optimize disabled', () => {
  for (const line of ['8.7', '8.9'] as const) {
    it(`${line} no-optimize: Optimize SKIPPED (not failed), never called, exit 0`, async () => {
      await withWorld({ fixture: fixture(line, 'no-optimize'), ...CONFIGURED }, async (world) => {
        const result = await runCli(world, ['create', '--backup-id', ID, ...REPO, '-o', 'json']);
        expect(result.code, describeRun(result)).toBe(0);
        const report = result.json();
        expect(report.state).toBe('COMPLETED');
        expect(partOf(report, 'optimize')).toMatchObject({ state: 'SKIPPED', message: expect.stringContaining('Optimize is not enabled') });
        expect(report.parts.filter((p: ReportPart) => p.part !== 'optimize' && p.state !== 'COMPLETED' && p.state !== 'SKIPPED')).toEqual([]);
        expect(world.log.filter((e) => e.component === 'optimize')).toEqual([]);
        expect(result.stderr).toMatch(/^- Back up Optimize skipped: Optimize is not enabled/m);
        expectResumedAfterPause(world);
      });
    });
  }
});

describeWithFixtures('create 8.8: no zeebe-record indices without the legacy exporter', () => {
  it('default (no Optimize, no Elasticsearch exporter): the snapshot is SKIPPED, pause → backupHistory → backupRuntime → resume', async () => {
    await withWorld({ fixture: fixture('8.8', 'default'), ...CONFIGURED }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, ...REPO, '-o', 'json', '--access', 'exec']);
      expect(result.code, describeRun(result)).toBe(0);
      const report = result.json();
      expect(partOf(report, 'zeebe-records')).toMatchObject({ state: 'SKIPPED', message: expect.stringContaining('no zeebe-record indices') });
      expect(count(world, isSnapshotPut)).toBe(0);
      const order = [isPause, isHistoryTake, isZeebeTake, isResume].map((match) => indexOf(world, match));
      expect(order.every((i) => i >= 0), dumpLog(world)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expectResumedAfterPause(world);
    });
  });
});

describe('create 8.8: an endpoint that is absent is not "backup not found"', () => {
  const springNotFound = (path: string) => ({ timestamp: '2026-01-01T00:00:00.000+00:00', status: 404, error: 'Not Found', path });

  it('backupHistory answering a plain Spring 404 (and no /actuator index) → exit 3 before any change', async () => {
    await withWorld(
      {
        resources: 'demo-8.8',
        faults: {
          http: [
            { component: 'orchestration', method: 'GET', path: /^\/actuator$/, status: 404, body: springNotFound('/actuator') },
            { component: 'orchestration', path: '/actuator/backupHistory', status: 404, body: springNotFound(`/actuator/backupHistory/${ID}`) },
          ],
        },
      },
      async (world) => {
        const result = await runCli(world, ['create', '--backup-id', ID]);
        expect(result.code, describeRun(result)).toBe(3);
        expect(result.stderr).toMatch(/webapps at pod\/camunda-zeebe-0:9600: .*nothing is mapped at \/actuator\/backupHistory/);
        expectNoMutation(world);
      },
    );
  });

  it('Optimize /actuator/backups answering a plain Spring 404 → exit 3 before any change', async () => {
    await withWorld(
      { resources: 'demo-8.8', faults: { http: [{ component: 'optimize', path: '/actuator/backups', status: 404, body: springNotFound(`/actuator/backups/${ID}`) }] } },
      async (world) => {
        const result = await runCli(world, ['create', '--backup-id', ID]);
        expect(result.code, describeRun(result)).toBe(3);
        expect(result.stderr).toMatch(/optimize at pod\/camunda-optimize-\S+: .*nothing is mapped at \/actuator\/backups/);
        expectNoMutation(world);
      },
    );
  });

  it('the orchestration app\'s own /actuator/backups (a plain 404 on 8.8) is never called', async () => {
    await withWorld({ resources: 'demo-8.8' }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(world.log.filter((e) => e.component === 'orchestration' && /\/actuator\/backups(\/|\?|$)/.test(e.path))).toEqual([]);
    });
  });
});

describeWithFixtures('create 8.9 and 8.10 on RDBMS secondary storage', () => {
  it('rdbms without continuous backups → exit 3: explains continuous mode and the database vendor\'s tools, nothing changed', async () => {
    await withWorld({ fixture: fixture('8.9', 'rdbms') }, async (world) => {
      const result = await runCli(world, ['create']);
      expect(result.code, describeRun(result)).toBe(3);
      expect(result.stderr).toMatch(/continuous Zeebe backups are not configured/);
      expect(result.stderr).toMatch(/back up the database with its vendor's tools/);
      expectNoMutation(world);
    });
  });

  for (const [line, access] of [['8.9', 'port-forward'], ['8.9', 'exec'], ['8.10', 'port-forward'], ['8.10', 'exec']] as const) {
    it(`${line} rdbms-backup-continuous (${access}): POST backupRuntime without a body, the cluster's ID reported, no pause, the database left to vendor tools`, async () => {
      await withWorld({ fixture: fixture(line, 'rdbms-backup-continuous') }, async (world) => {
        const before = Date.now();
        const result = await runCli(world, ['create', '--access', access, '-o', 'json']);
        expect(result.code, describeRun(result)).toBe(0);
        const report = result.json();
        // Nothing but the one trigger changed anything.
        expect(mutatingCalls(world)).toHaveLength(1);
        const take = world.log.find(isZeebeTake)!;
        expect(take.path).toBe('/actuator/backupRuntime');
        expect(take.body).toBe('');
        expect(take.status).toBe(202);
        expect(count(world, isPause) + count(world, isResume) + count(world, isHistoryTake)).toBe(0);
        // The ID is the cluster's (epoch milliseconds), and it is the backup that exists.
        expect(report.backupId).toBeGreaterThanOrEqual(before);
        expect(world.sims.zeebe!.backups.has(report.backupId)).toBe(true);
        expect(report.exporting).toMatchObject({ paused: false, resumed: null });
        expect(partOf(report, 'zeebe')?.state).toBe('COMPLETED');
        expect(partOf(report, 'webapps')).toMatchObject({ state: 'SKIPPED', message: expect.stringMatching(/database vendor's tools/) });
        expect(report.warnings.join('\n')).toMatch(/is not backed up by this tool: back it up with your database vendor's tools/);
        expect(result.stderr).toMatch(/database vendor's tools/);
      });
    });
  }
});

describeWithFixtures('create: context paths from the values', () => {
  const CASES: ReadonlyArray<{ line: Line; bases: Record<string, string> }> = [
    { line: '8.6', bases: { operate: '/operate', tasklist: '/tasklist', 'zeebe-gateway': '/zeebe', optimize: '' } },
    { line: '8.7', bases: { operate: '/operate', tasklist: '/tasklist', 'zeebe-gateway': '/zeebe', optimize: '' } },
    { line: '8.8', bases: { orchestration: '/orchestration', optimize: '' } },
    { line: '8.9', bases: { orchestration: '/orchestration', optimize: '' } },
    { line: '8.10', bases: { orchestration: '/orchestration', optimize: '' } },
  ];
  for (const { line, bases } of CASES) {
    it(`${line} context-path: every management call under its base path (Optimize stays at /)`, async () => {
      await withWorld({ fixture: fixture(line, 'context-path'), ...CONFIGURED }, async (world) => {
        const result = await runCli(world, ['create', '--backup-id', ID, ...REPO, '--access', line === '8.7' || line === '8.9' ? 'exec' : 'port-forward']);
        expect(result.code, describeRun(result)).toBe(0);
        for (const [component, base] of Object.entries(bases)) {
          const calls = world.log.filter((e) => e.component === component);
          expect(calls.length, `${component} was called\n${dumpLog(world)}`).toBeGreaterThan(0);
          for (const call of calls) expect(call.path, component).toMatch(new RegExp(`^${base}/actuator(/|\\?|$)`));
          // The only 404s are the preflight's "no backup with this ID yet" answers.
          const notFound = calls.filter((call) => call.status === 404 && !(call.method === 'GET' && /\/actuator\/(backups|backupHistory)\/\d+$/.test(call.path)));
          expect(notFound, dumpLog(world)).toEqual([]);
        }
        expect(world.log.find(isPause)!.path).toBe(`${bases['zeebe-gateway'] ?? bases['orchestration']}/actuator/exporting/pause?soft=true`);
        expectResumedAfterPause(world);
        expectOnePodPerComponent(world);
      });
    });
  }
});

/** No exec request the API server got (what its audit log records) holds the password or an Authorization header. */
function expectNoCredentialInExecArgv(world: World, password: string): void {
  const execs = world.api.requests.filter((r) => r.kind === 'exec');
  expect(execs.length).toBeGreaterThan(0);
  for (const r of execs) {
    const argv = (r.argv ?? []).join(' ');
    for (const secret of [password, 'Authorization', 'Basic ']) expect(argv, `exec ${r.pod}`).not.toContain(secret);
  }
}

describeWithFixtures('create: Elasticsearch / OpenSearch outside the cluster', () => {
  it('8.7 external OpenSearch (port-forward, search reached through a pod): snapshot body without feature_states, Basic auth accepted', async () => {
    await withWorld({ fixture: fixture('8.7', 'opensearch-external'), ...CONFIGURED }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, ...REPO, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(0);
      const put = world.log.find(isSnapshotPut)!;
      expect(put, dumpLog(world)).toMatchObject({ component: 'opensearch', pod: 'opensearch.example.internal', status: 200 });
      expect(JSON.parse(put.body)).toEqual({ indices: 'zeebe-record_*' });
      expect(world.log.filter((e) => e.component === 'opensearch').every((e) => e.status !== 401), dumpLog(world)).toBe(true);
      expect(result.stdout + result.stderr).not.toContain('sim-opensearch-credentials-password');
      // Reached through curl in a pod even in port-forward mode: the credentials went on stdin, not in any exec argv.
      expectNoCredentialInExecArgv(world, 'sim-opensearch-credentials-password');
      expect(partOf(result.json(), 'zeebe-records')?.state).toBe('COMPLETED');
      expectResumedAfterPause(world);
    });
  });

  it('8.7 external OpenSearch in exec mode: same body, exit 0', async () => {
    await withWorld({ fixture: fixture('8.7', 'opensearch-external'), ...CONFIGURED }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, ...REPO, '--access', 'exec']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(JSON.parse(world.log.find(isSnapshotPut)!.body)).toEqual({ indices: 'zeebe-record_*' });
      expectResumedAfterPause(world);
    });
  });

  it('8.6 external Elasticsearch: feature_states ["none"], Basic auth accepted, every web app still backed up', async () => {
    await withWorld({ fixture: fixture('8.6', 'elasticsearch-external'), ...CONFIGURED }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, ...REPO, '--access', 'exec']);
      expect(result.code, describeRun(result)).toBe(0);
      const put = world.log.find(isSnapshotPut)!;
      expect(put, dumpLog(world)).toMatchObject({ component: 'elasticsearch', pod: 'elasticsearch.example.internal', status: 200 });
      expect(JSON.parse(put.body)).toEqual({ indices: 'zeebe-record_*', feature_states: ['none'] });
      expect(world.log.filter((e) => e.component === 'elasticsearch').every((e) => e.status !== 401), dumpLog(world)).toBe(true);
      expect(result.stdout + result.stderr).not.toContain('sim-elasticsearch-credentials-password');
      expectNoCredentialInExecArgv(world, 'sim-elasticsearch-credentials-password');
      for (const component of ['operate', 'tasklist', 'optimize']) expect(count(world, isWebappTake(component)), component).toBe(1);
      expectResumedAfterPause(world);
    });
  });

  it('8.9 external Elasticsearch (no legacy exporter): nothing to snapshot, the search host is never needed', async () => {
    await withWorld({ fixture: fixture('8.9', 'elasticsearch-external'), ...CONFIGURED }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, ...REPO, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(partOf(result.json(), 'zeebe-records')?.state).toBe('SKIPPED');
      expect(world.log.filter((e) => e.component === 'elasticsearch')).toEqual([]);
      expectResumedAfterPause(world);
    });
  });
});
