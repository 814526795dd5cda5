/** `resume` end to end: idempotent, judged by the body's status, confirmed from the brokers; exit 5 with the command when it fails. */
import { describe, expect, it } from 'vitest';
import { describeRun, runCli } from './helpers/run-cli.js';
import { isResume } from './helpers/sim-log.js';
import { configuredCluster, itOnLine, withWorld } from './helpers/world-run.js';

describe('resume', () => {
  for (const [line, access] of [
    ['8.7', 'port-forward'],
    ['8.7', 'exec'],
    ['8.9', 'port-forward'],
  ] as const) {
    itOnLine(line)(`${line} (${access}): resumes a soft pause left behind, and the brokers confirm it`, async () => {
      await withWorld({ ...configuredCluster(line) }, async (world) => {
        world.sims.zeebe!.pause(true);
        const result = await runCli(world, ['resume', '-n', world.namespace, '--access', access, '-o', 'json']);
        expect(result.code, describeRun(result)).toBe(0);
        const report = result.json();
        expect(report).toMatchObject({ schemaVersion: 1, command: 'resume', resumed: true, attempts: 1, access });
        expect(report.partitions.length).toBeGreaterThan(0);
        expect(new Set(report.partitions.map((p: { exporterPhase: string }) => p.exporterPhase))).toEqual(new Set(['EXPORTING']));
        expect(world.sims.zeebe!.isPaused()).toBe(false);
        expect(world.log.filter(isResume)).toHaveLength(1);
      });
    });
  }

  it('is harmless when nothing is paused (idempotent)', async () => {
    await withWorld({ resources: 'demo-8.8' }, async (world) => {
      const first = await runCli(world, ['resume', '-n', world.namespace]);
      const second = await runCli(world, ['resume', '-n', world.namespace]);
      expect(first.code, describeRun(first)).toBe(0);
      expect(second.code, describeRun(second)).toBe(0);
      expect(second.stdout).toMatch(/is resumed/);
      expect(second.stdout).toMatch(/every partition replica .* is EXPORTING/);
    });
  });

  it('retries a refused resume (HTTP 200 with body status 500) and succeeds', async () => {
    await withWorld({ resources: 'demo-8.7', faults: { resume: { failTimes: 1 } } }, async (world) => {
      world.sims.zeebe!.pause(true);
      const result = await runCli(world, ['resume', '-n', world.namespace, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(result.json()).toMatchObject({ resumed: true, attempts: 2 });
      expect(world.sims.zeebe!.isPaused()).toBe(false);
    });
  });

  it('exit 5 with the exact commands to resume by hand when every attempt is refused', async () => {
    await withWorld({ resources: 'demo-8.7', faults: { resume: { failTimes: 10, message: 'Expected 3 members of partition 2 but found 2' } } }, async (world) => {
      world.sims.zeebe!.pause(true);
      const result = await runCli(world, ['resume', '-n', world.namespace, '--access', 'exec', '--resume-timeout', '3s'], { killAfterMs: 30_000 });
      expect(result.code, describeRun(result)).toBe(5);
      // Retried with back-off (0.5 s, 1 s, 2 s, …) until --resume-timeout: every attempt is in the log and counted.
      const attempts = world.log.filter(isResume).length;
      expect(attempts).toBeGreaterThan(2);
      expect(result.stdout).toContain(`FAILED after ${attempts} attempt(s): exporting resume failed: Expected 3 members of partition 2 but found 2`);
      expect(result.stdout).toContain('kubectl camunda-backup resume --context fake -n camunda --release camunda --access exec');
      expect(result.stdout).toMatch(/kubectl exec --context fake -n camunda camunda-zeebe-gateway-\S+ -c zeebe-gateway -- curl -sS -X POST http:\/\/localhost:9600\/actuator\/exporting\/resume/);
      expect(result.stderr).toMatch(/^error: Zeebe exporting could NOT be resumed/m);
      expect(result.stderr).toMatch(/Resume Zeebe exporting: attempt 1 failed \(pod\/camunda-zeebe-gateway-\S+:9600\): .*; next try in 500ms, giving up in/);
    });
  });
});
