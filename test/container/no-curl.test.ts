/**
 * Container tier, pods built from the image without curl: exec access must notice that curl is missing in the
 * container (the API server answers "executable file not found", as a kubelet does) and either reach the pod
 * from another pod that has curl, or stop before changing anything and say how to pick --exec-pod.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMutating } from '../integration/helpers/sim-log.js';
import { startContainerWorld } from './container-world.js';
import type { ContainerWorld } from './container-world.js';
import { describeWithFixtures } from '../fixtures-available.js';
import { describeWithDocker } from './docker-gate.js';
import { assertCliBuilt } from './run-cli.js';
import { expectResumedAfterPause, explain, recordRun } from './run-record.js';
import { ensureSimImages } from './sim-images.js';
import type { BuiltImages } from './sim-images.js';

const FIXTURE = { chartVersion: '12.13.3', scenario: 'backup-configured' } as const;

// The pods play the rendered 8.7 chart.
describeWithFixtures('container tier: pods without curl', () => {
  describeWithDocker('container tier: pods without curl', () => {
    let images: BuiltImages;

    beforeAll(async () => {
      assertCliBuilt();
      images = await ensureSimImages();
    });

    describe('only the Elasticsearch pods have curl', () => {
      let world: ContainerWorld;
      beforeAll(async () => {
        world = await startContainerWorld({ images, world: { fixture: FIXTURE }, withoutCurl: (pod) => pod.role !== 'elasticsearch' });
      });
      afterAll(async () => {
        await world?.stop();
      });

      it('exec falls back to curl in an Elasticsearch pod that reaches each component by its pod IP', async () => {
        const operate = world.pods.find((p) => p.role === 'operate');
        expect(operate?.binaries.has('curl')).toBe(false);
        const run = await recordRun(world, ['create', '--access', 'exec', '--backup-id', '2001', '-o', 'json']);
        expect(run.result.code, explain(run)).toBe(0);
        await expectResumedAfterPause(world, run);

        // curl was first asked for in the Operate pod (and refused there), then ran only in Elasticsearch pods.
        expect(run.api.some((r) => r.kind === 'exec' && r.pod === operate?.name && r.argv?.[0] === 'curl')).toBe(true);
        const ranIn = new Set(run.execs.map((e) => world.pods.find((p) => p.name === e.pod)?.role));
        expect([...ranIn]).toEqual(['elasticsearch']);
        const toOperate = run.execs.filter((e) => e.argv.some((a) => a.startsWith(`http://${operate?.ip ?? '?'}:9600/`)));
        expect(toOperate.length, explain(run)).toBeGreaterThan(0);
        expect(toOperate.every((e) => e.exitCode === 0)).toBe(true);
        expect(run.log.some((e) => e.component === 'operate' && e.method === 'POST')).toBe(true);
      });

      it('--exec-pod runs every call from the chosen pod that has curl', async () => {
        const relay = world.pods.find((p) => p.role === 'elasticsearch');
        const run = await recordRun(world, ['create', '--access', 'exec', '--exec-pod', relay?.name ?? '?', '--backup-id', '2002', '-o', 'json']);
        expect(run.result.code, explain(run)).toBe(0);
        await expectResumedAfterPause(world, run);
        expect(run.execs.length).toBeGreaterThan(0);
        expect(new Set(run.execs.map((e) => e.pod))).toEqual(new Set([relay?.name]));
        expect(new Set(run.api.filter((r) => r.kind === 'exec').map((r) => r.pod))).toEqual(new Set([relay?.name]));
      });
    });

    describe('no pod has curl', () => {
      let world: ContainerWorld;
      beforeAll(async () => {
        world = await startContainerWorld({ images, world: { fixture: FIXTURE }, withoutCurl: () => true });
      });
      afterAll(async () => {
        await world?.stop();
      });

      it('exec stops with exit 3 before any change, naming the missing curl and --exec-pod', async () => {
        const run = await recordRun(world, ['create', '--access', 'exec', '--backup-id', '3001']);
        expect(run.result.code, explain(run)).toBe(3);
        expect(run.result.stderr).toMatch(/curl/);
        expect(run.result.stderr).toContain('--exec-pod');
        expect(run.result.stderr).not.toMatch(/^\s+at /m);
        expect(run.log.filter(isMutating), explain(run)).toEqual([]);
        expect(run.execs).toEqual([]);
        const zeebe = await world.zeebe();
        expect(zeebe.paused).toBe(false);
        expect(zeebe.backups).toEqual([]);
      });

      it('port-forward needs no curl in the pods', async () => {
        const run = await recordRun(world, ['create', '--access', 'port-forward', '--backup-id', '3002', '-o', 'json']);
        expect(run.result.code, explain(run)).toBe(0);
        await expectResumedAfterPause(world, run);
        expect(run.execs).toEqual([]);
      });
    });
  });
});
