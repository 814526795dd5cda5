/**
 * Every terminating signal the tool can catch gets the SIGINT treatment while a run is active: a closed terminal
 * (SIGHUP), Ctrl-\ (SIGQUIT), kill -USR1/-USR2, the CPU limit (SIGXCPU), timers (SIGALRM, SIGVTALRM) and power
 * failure (SIGPWR) must not kill a run that paused exporting. (SIGXFSZ is no terminating signal under Node: it is
 * ignored, and a write past the limit fails instead.) Exporting is resumed, then the tool
 * exits 128 + the signal's number, like a shell reports a process killed by that signal.
 */
import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { describeRun, runCli } from './helpers/run-cli.js';
import { count, expectNeverPaused, expectResumedAfterPause, isWebappTake, isZeebeTake } from './helpers/sim-log.js';
import { configuredCluster, withWorld } from './helpers/world-run.js';

const ID = '1700000500';
const exitCodeOf = (signal: NodeJS.Signals): number => 128 + (constants.signals[signal] ?? NaN);

const BOTH_MODES: readonly (readonly [NodeJS.Signals, 'port-forward' | 'exec'])[] = [
  ['SIGHUP', 'port-forward'],
  ['SIGHUP', 'exec'],
  ['SIGQUIT', 'port-forward'],
  ['SIGQUIT', 'exec'],
];
const OTHERS: readonly (readonly [NodeJS.Signals, 'port-forward' | 'exec'])[] = (
  [
    ['SIGUSR1', 'exec'],
    ['SIGUSR2', 'port-forward'],
    ['SIGALRM', 'exec'],
    ['SIGVTALRM', 'port-forward'],
    ['SIGXCPU', 'port-forward'],
    ['SIGPWR', 'exec'],
  ] as const
).filter(([signal]) => constants.signals[signal] !== undefined);

describe.skipIf(process.platform === 'win32')(`create: a terminating signal while exporting is paused${process.platform === 'win32' ? ' [SKIPPED: Windows has no POSIX signals to send]' : ''}`, () => {
  it.each([...BOTH_MODES, ...OTHERS])('8.7 %s (%s) while Zeebe backs up → exporting resumed, exit 128 + its number', async (signal, access) => {
    await withWorld({ ...configuredCluster('8.7'), durations: { zeebe: 20_000 } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', access], { signal, signalWhen: () => count(world, isZeebeTake) > 0 });
      expect(result.signalledAt, 'signal sent').toBeDefined();
      expect(result.killedBy, describeRun(result)).toBeNull();
      expect(result.code, describeRun(result)).toBe(exitCodeOf(signal));
      expect(result.stderr).toContain(`interrupted by ${signal}`);
      expect(result.stderr).toMatch(/exporting was resumed/);
      expect(result.stderr).not.toMatch(/Debugger listening/);
      expectResumedAfterPause(world);
    });
  });

  it('8.7 SIGHUP before the pause (web apps running) → exit 129, says exporting was never paused', async () => {
    await withWorld({ ...configuredCluster('8.7'), durations: { webapps: 20_000 } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID], { signal: 'SIGHUP', signalWhen: () => count(world, isWebappTake('operate')) > 0 });
      expect(result.code, describeRun(result)).toBe(exitCodeOf('SIGHUP'));
      expect(result.stderr).toMatch(/exporting was not paused/);
      expect(result.stderr).not.toMatch(/resuming exporting/);
      expectNeverPaused(world);
    });
  });
});
