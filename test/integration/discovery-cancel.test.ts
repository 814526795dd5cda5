/**
 * A hung Kubernetes API call during discovery (an overloaded API server, a proxy that never answers) must not hold
 * the run: Ctrl-C and --timeout stop it at once, whatever --request-timeout says (0 = no per-request deadline, as
 * in kubectl), and the messages say what was done: nothing was paused, so nothing is said to be resumed.
 */
import { describe, expect, it } from 'vitest';
import type { World } from '../world/index.js';
import { describeRun, runCli } from './helpers/run-cli.js';
import { expectNeverPaused } from './helpers/sim-log.js';
import { configuredCluster, withWorld } from './helpers/world-run.js';

const ID = '1700000500';
/** The ConfigMaps are read after the release and its pods were found: deep in discovery. */
const STALL = { restStall: /\/configmaps\// };
const stalled = (world: World) => (): boolean => world.api.requests.some((r) => r.kind === 'rest' && r.status === 0);

describe('discovery: a hung API call', () => {
  it.each(['port-forward', 'exec'] as const)('create (%s), Ctrl-C → exit 130 at once, "nothing was changed", no resume claimed', async (access) => {
    await withWorld({ ...configuredCluster('8.7'), apiFaults: STALL }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', access], { signal: 'SIGINT', signalWhen: stalled(world) });
      expect(result.signalledAt, describeRun(result)).toBeDefined();
      expect(result.code, describeRun(result)).toBe(130);
      expect(Date.now() - result.signalledAt!, 'stopped without waiting for the 30 s request deadline').toBeLessThan(5_000);
      expect(result.stderr).toMatch(/^error: interrupted by SIGINT$/m);
      expect(result.stderr).toMatch(/^hint: .*nothing was changed/m);
      expect(result.stderr).not.toMatch(/exporting was resumed|resuming exporting/);
      expectNeverPaused(world);
    });
  });

  it.each(['port-forward', 'exec'] as const)('create (%s) --timeout 2s → ends after about 2 s naming --timeout, nothing changed', async (access) => {
    await withWorld({ ...configuredCluster('8.7'), apiFaults: STALL }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', access, '--timeout', '2s']);
      expect(result.code, describeRun(result)).toBe(3);
      expect(result.durationMs).toBeLessThan(10_000);
      expect(result.stderr).toMatch(/^error: timed out after 2\.0s \(--timeout\) during discovery$/m);
      expect(result.stderr).toMatch(/nothing was changed/);
      expect(result.stderr).not.toMatch(/exporting was resumed|resuming exporting/);
      expectNeverPaused(world);
    });
  });

  it('create --request-timeout 0 (no per-request deadline) --timeout 2s → still ends after about 2 s', async () => {
    await withWorld({ ...configuredCluster('8.7'), apiFaults: STALL }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--request-timeout', '0', '--timeout', '2s']);
      expect(result.code, describeRun(result)).toBe(3);
      expect(result.durationMs).toBeLessThan(10_000);
      expect(result.stderr).toMatch(/timed out after 2\.0s \(--timeout\) during discovery/);
    });
  });

  it.each([
    ['list', ['list']],
    ['status', ['status', ID]],
    ['check', ['check']],
    ['resume', ['resume']],
  ])('%s --request-timeout 0, Ctrl-C → exit 130 at once, nothing changed', async (_name, args) => {
    await withWorld({ ...configuredCluster('8.7'), apiFaults: STALL }, async (world) => {
      const result = await runCli(world, [...args, '--request-timeout', '0'], { signal: 'SIGINT', signalWhen: stalled(world) });
      expect(result.signalledAt, describeRun(result)).toBeDefined();
      expect(result.code, describeRun(result)).toBe(130);
      expect(Date.now() - result.signalledAt!).toBeLessThan(5_000);
      expect(result.stderr).toMatch(/^error: interrupted by SIGINT$/m);
      expect(result.stderr).not.toMatch(/exporting was resumed|resuming exporting/);
      expectNeverPaused(world);
    });
  });
});

describe('after discovery: a component call that hangs', () => {
  const HANG = { http: [{ path: /\/actuator\/backups/, delayMs: 30_000 }] };
  it.each([
    ['list', 'port-forward'],
    ['list', 'exec'],
    ['status', 'port-forward'],
    ['status', 'exec'],
  ] as const)('%s (%s), Ctrl-C → exit 130 at once: the call is stopped, not waited for or reported as a failure', async (command, access) => {
    await withWorld({ ...configuredCluster('8.7'), faults: HANG }, async (world) => {
      const args = command === 'status' ? ['status', ID] : ['list'];
      const result = await runCli(world, [...args, '--access', access], { signal: 'SIGINT', signalWhen: () => world.log.length > 0 });
      expect(result.signalledAt, describeRun(result)).toBeDefined();
      expect(result.code, describeRun(result)).toBe(130);
      // The abandoned exec or tunnel would keep the process up until its 2 s exit grace.
      expect(Date.now() - result.signalledAt!, describeRun(result)).toBeLessThan(1_500);
      expect(result.stderr).toMatch(/^error: interrupted by SIGINT$/m);
      expect(result.stderr).not.toMatch(/could not be (listed|read)|\(SIGINT\)/);
    });
  });
});
