/**
 * Container tier: the built CLI against pods that are real containers. curl runs (docker exec) in the pod's own
 * network namespace and port-forwards connect to the container's address on the Docker network, which the
 * in-process world cannot show. The procedure, exporting resumed on every failure path, and the exit codes are
 * asserted from the simulators' request log and the simulated cluster's exporting state.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isMutating, isPause, isResume, isSnapshotPut, isWebappTake, isZeebeTake } from '../integration/helpers/sim-log.js';
import { startContainerWorld } from './container-world.js';
import type { ContainerWorld } from './container-world.js';
import { describeWithFixtures } from '../fixtures-available.js';
import { describeWithDocker } from './docker-gate.js';
import { assertCliBuilt } from './run-cli.js';
import { expectResumedAfterPause, explain, indexOf, json, partOf, recordRun, waitForLog } from './run-record.js';
import { ensureSimImages } from './sim-images.js';

const FIXTURE = { chartVersion: '12.13.3', scenario: 'backup-configured' } as const;

// The pods play the rendered 8.7 chart.
describeWithFixtures('container tier: create against Camunda 8.7 pods as containers', () => {
  describeWithDocker('container tier: create against Camunda 8.7 pods as containers', () => {
    let world: ContainerWorld;
    let nextId = 1000;
    const backupId = (): string => String((nextId += 1));

    beforeAll(async () => {
      assertCliBuilt();
      const images = await ensureSimImages();
      world = await startContainerWorld({ images, world: { fixture: FIXTURE } });
      console.info(
        `container world: images ${images.built ? 'built' : 'up to date'} (${images.ms} ms), simulators ${world.timings.simulatorsMs} ms, ` +
          `${world.pods.length} pod containers ${world.timings.podsMs} ms`,
      );
    });
    afterAll(async () => {
      await world?.stop();
    });

    it('builds every pod a container on the Docker network, named by its Services and reporting its IP', () => {
      const operate = world.pods.find((p) => p.role === 'operate');
      expect(operate?.aliases).toEqual(expect.arrayContaining(['camunda-operate', 'camunda-operate.camunda.svc.cluster.local']));
      const broker = world.pods.find((p) => p.name === 'camunda-zeebe-0');
      expect(broker?.aliases).toEqual(expect.arrayContaining(['camunda-zeebe', 'camunda-zeebe-0.camunda-zeebe.camunda.svc.cluster.local']));
      for (const pod of world.pods) {
        expect(pod.binaries.has('curl'), pod.name).toBe(true);
        expect(pod.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      }
    });

    it('create over port-forward: web apps, pause, zeebe-record snapshot, Zeebe backup, resume', async () => {
      const id = backupId();
      const run = await recordRun(world, ['create', '--access', 'port-forward', '--backup-id', id, '-o', 'json']);
      expect(run.result.code, explain(run)).toBe(0);
      expect(json(run)).toMatchObject({ backupId: Number(id), access: 'port-forward', state: 'COMPLETED', exporting: { paused: true, resumed: true } });

      const pause = indexOf(run.log, isPause);
      for (const component of ['operate', 'tasklist', 'optimize']) {
        const take = indexOf(run.log, isWebappTake(component));
        expect(take, `${component} backup taken\n${explain(run)}`).toBeGreaterThanOrEqual(0);
        expect(take, `8.7: ${component} before the pause`).toBeLessThan(pause);
      }
      const snapshot = indexOf(run.log, isSnapshotPut);
      const zeebe = indexOf(run.log, isZeebeTake);
      expect(pause).toBeLessThan(snapshot);
      expect(snapshot).toBeLessThan(zeebe);
      await expectResumedAfterPause(world, run);
      expect((await world.zeebe()).backups).toContain(Number(id));

      // Every stream was a port-forward, to a pod that is a container here.
      const streams = run.api.filter((r) => r.kind !== 'rest');
      expect(streams.length).toBeGreaterThan(0);
      expect(new Set(streams.map((r) => r.kind))).toEqual(new Set(['portforward']));
      expect(run.execs).toEqual([]);
      for (const stream of streams) expect(world.pods.map((p) => p.name)).toContain(stream.pod);
    });

    it('create over exec: curl runs in the components own containers (docker exec)', async () => {
      const id = backupId();
      const run = await recordRun(world, ['create', '--access', 'exec', '--backup-id', id]);
      expect(run.result.code, explain(run)).toBe(0);
      expect(run.result.stdout).toContain('COMPLETED');
      await expectResumedAfterPause(world, run);
      expect((await world.zeebe()).backups).toContain(Number(id));

      const streams = run.api.filter((r) => r.kind !== 'rest');
      expect(new Set(streams.map((r) => r.kind))).toEqual(new Set(['exec']));
      expect(run.execs.length).toBeGreaterThan(0);
      for (const exec of run.execs) {
        expect(exec.argv[0]).toBe('curl');
        expect(exec.exitCode, JSON.stringify(exec)).toBe(0);
      }
      // Each component was called by curl inside that component's pod: the request reached the simulator of that pod.
      for (const role of ['operate', 'tasklist', 'optimize', 'zeebe-gateway']) {
        const ran = run.execs.filter((e) => world.pods.find((p) => p.name === e.pod)?.role === role);
        expect(ran.length, `curl ran in a ${role} container`).toBeGreaterThan(0);
        const pods = new Set(ran.map((e) => e.pod));
        expect(run.log.filter((e) => e.component === role).every((e) => pods.has(e.pod)), explain(run)).toBe(true);
      }
    });

    it('a Zeebe backup FAILED after the pause: exit 4 with the reason, exporting resumed', async () => {
      await world.setFaults({ outcome: { zeebe: { state: 'FAILED', failureReason: 'injected: S3 bucket unreachable', count: 1 } } });
      try {
        const run = await recordRun(world, ['create', '--access', 'port-forward', '--backup-id', backupId(), '-o', 'json']);
        expect(run.result.code, explain(run)).toBe(4);
        const report = json(run);
        expect(report).toMatchObject({ state: 'FAILED', exporting: { paused: true, resumed: true } });
        expect(JSON.stringify(report)).toContain('S3 bucket unreachable');
        await expectResumedAfterPause(world, run);
      } finally {
        await world.setFaults({ outcome: {} });
      }
    });

    it('an Operate backup FAILED (before the pause on 8.7): exit 4 with the reason, exporting never left paused', async () => {
      await world.setFaults({ outcome: { operate: { state: 'FAILED', failureReason: 'injected: snapshot of operate-list-view failed', count: 1 } } });
      try {
        const run = await recordRun(world, ['create', '--access', 'exec', '--backup-id', backupId(), '-o', 'json']);
        expect(run.result.code, explain(run)).toBe(4);
        const report = json(run);
        expect(report['state']).toBe('FAILED');
        expect(partOf(report, 'operate')).toMatchObject({ state: 'FAILED' });
        expect(JSON.stringify(partOf(report, 'operate'))).toContain('operate-list-view failed');
        expect(run.log.filter(isPause), explain(run)).toEqual([]);
        expect(run.log.filter(isZeebeTake), explain(run)).toEqual([]);
        expect((await world.zeebe()).paused).toBe(false);
      } finally {
        await world.setFaults({ outcome: {} });
      }
    });

    it('the zeebe-record snapshot FAILED after the pause: exit 4, no Zeebe backup, exporting resumed', async () => {
      await world.setFaults({ snapshot: [{ state: 'FAILED', nameContains: 'camunda_zeebe_records_backup', count: 1 }] });
      try {
        const run = await recordRun(world, ['create', '--access', 'exec', '--backup-id', backupId(), '-o', 'json']);
        expect(run.result.code, explain(run)).toBe(4);
        expect(json(run)).toMatchObject({ state: 'FAILED', exporting: { paused: true, resumed: true } });
        expect(indexOf(run.log, isSnapshotPut)).toBeGreaterThan(indexOf(run.log, isPause));
        expect(run.log.filter(isZeebeTake), explain(run)).toEqual([]);
        await expectResumedAfterPause(world, run);
      } finally {
        await world.setFaults({ snapshot: [] });
      }
    });

    for (const [signal, code, access] of [
      ['SIGINT', 130, 'port-forward'],
      ['SIGTERM', 143, 'exec'],
    ] as const) {
      it(`${signal} while exporting is paused (${access}): exit ${code}, exporting resumed`, async () => {
        // The zeebe-record snapshot answers only after 20 s, so the signal arrives while exporting is paused.
        await world.setFaults({ http: [{ component: 'elasticsearch', method: 'PUT', path: 'camunda_zeebe_records_backup', delayMs: 20_000, count: 1 }] });
        try {
          const from = (await world.log()).next;
          const run = await recordRun(world, ['create', '--access', access, '--backup-id', backupId(), '-o', 'json'], async (cli) => {
            await waitForLog(world, from, isSnapshotPut, cli);
            expect((await world.zeebe()).paused).toBe(true);
            cli.child.kill(signal);
          });
          expect(run.result.code, explain(run)).toBe(code);
          expect(run.log.filter(isZeebeTake), explain(run)).toEqual([]);
          await expectResumedAfterPause(world, run);
          expect(run.log.filter((e) => isMutating(e) && indexOf(run.log, isResume) < run.log.indexOf(e) && !isResume(e)), explain(run)).toEqual([]);
        } finally {
          await world.setFaults({ http: [] });
        }
      });
    }
    // Last: it leaves exporting paused until the printed command resumes it.
    it('resume keeps failing: exit 5, exporting reported still paused, and the printed kubectl command resumes it', async () => {
      await world.setFaults({ resume: { failTimes: 1_000, message: 'injected: partition 2 did not answer' } });
      let report: Record<string, unknown>;
      try {
        const run = await recordRun(world, ['create', '--access', 'exec', '--backup-id', backupId(), '-o', 'json', '--resume-timeout', '2s']);
        expect(run.result.code, explain(run)).toBe(5);
        report = json(run);
        expect(report).toMatchObject({ state: 'CLEANUP_FAILED', exporting: { paused: true, resumed: false } });
        expect(run.result.stderr).toContain('ZEEBE EXPORTING IS STILL PAUSED');
        expect((await world.zeebe()).paused).toBe(true);
      } finally {
        await world.setFaults({ resume: { failTimes: 0 } });
      }
      // The recovery command as printed, run by kubectl through the API server into the gateway's container.
      const command = String((report['exporting'] as Record<string, unknown>)['resumeCommand'] ?? '');
      const kubectlExec = command.split('\n').find((l) => l.startsWith('kubectl exec '));
      expect(kubectlExec, command).toBeDefined();
      if (spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status !== 0) {
        throw new Error('kubectl is not installed (.ci/run installs it): cannot run the printed recovery command');
      }
      const { stdout } = await promisify(execFile)('kubectl', (kubectlExec ?? '').split(' ').slice(1), { env: { ...process.env, ...world.env }, encoding: 'utf8' });
      expect(stdout).toMatch(/"status"\s*:\s*204/);
      expect((await world.zeebe()).paused).toBe(false);
    });
  });
});
