/**
 * Input at the edges, each refused with one clear line and exit 2 before any change, or bounded sensibly:
 * kubectl's `tokenFile` credential, Ctrl-C / Ctrl-D at the delete prompt, timers beyond Node's limit, snapshot
 * repository names Elasticsearch rejects, poll intervals that would flood the components, and retention racing a
 * running create.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { World } from '../world/index.js';
import { BIN, assertBuilt, cliEnv, describeRun, runCli } from './helpers/run-cli.js';
import { count, expectNeverPaused, isMutating, isZeebeTake } from './helpers/sim-log.js';
import { SEED_DURATIONS, seedBackup, settle } from './helpers/lifecycle-seed.js';
import { configuredCluster, withWorld } from './helpers/world-run.js';

const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);

/** Nothing reached the cluster at all: bad input is refused before the first API call. */
function expectNoClusterCall(world: World): void {
  expect(world.api.requests).toEqual([]);
  expect(world.log).toEqual([]);
}

describe('kubeconfig with kubectl\'s tokenFile', () => {
  it.each(['port-forward', 'exec'] as const)('%s: a user with tokenFile (relative to the kubeconfig, ending in a newline) is accepted', async (access) => {
    await withWorld({ ...configuredCluster('8.7'), durations: SEED_DURATIONS }, async (world) => {
      seedBackup(world, NOW - DAY);
      await settle(world);
      const dir = dirname(world.kubeconfigPath);
      // `echo $TOKEN > token` leaves a newline; client-go trims it.
      writeFileSync(join(dir, 'token'), `${world.api.token}\n`, { mode: 0o600 });
      const kubeconfig = join(dir, 'kubeconfig-tokenfile');
      writeFileSync(kubeconfig, readFileSync(world.kubeconfigPath, 'utf8').replace(/^(\s+)token: .*$/m, '$1tokenFile: token'), { mode: 0o600 });
      expect(readFileSync(kubeconfig, 'utf8')).toContain('tokenFile: token');
      const result = await runCli(world, ['list', '--access', access, '-o', 'json'], { env: { KUBECONFIG: kubeconfig } });
      expect(result.code, describeRun(result)).toBe(0);
      expect(result.json().backups.map((b: { backupId: number }) => b.backupId)).toEqual([NOW - DAY]);
      expect(world.api.requests.filter((r) => r.status === 401)).toEqual([]);
    });
  });

  it('a tokenFile that cannot be read → exit 3 naming the file, no token printed', async () => {
    await withWorld({ ...configuredCluster('8.7') }, async (world) => {
      const kubeconfig = join(dirname(world.kubeconfigPath), 'kubeconfig-missing-tokenfile');
      writeFileSync(kubeconfig, readFileSync(world.kubeconfigPath, 'utf8').replace(/^(\s+)token: .*$/m, '$1tokenFile: no-such-token'), { mode: 0o600 });
      const result = await runCli(world, ['list'], { env: { KUBECONFIG: kubeconfig } });
      expect(result.code, describeRun(result)).toBe(3);
      expect(result.stderr).toMatch(/no-such-token/);
      expect(result.stderr).not.toContain(world.api.token);
    });
  });
});

/** The pid of the CLI that `script` runs (`exec` makes it script's direct child). */
function childPidOf(parent: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/**
 * Runs delete on a pseudo-terminal (util-linux `script`) and, at the [y/N] prompt, types `key` or sends the CLI a
 * signal (a terminal closed, a `kill`).
 */
function deleteAtPrompt(world: World, args: readonly string[], key: string | { signal: NodeJS.Signals }): Promise<{ code: number | null; output: string }> {
  assertBuilt();
  const command = `exec ${[process.execPath, BIN, ...args].map((word) => `'${word}'`).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: cliEnv(world), stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let typed = false;
  const onData = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (!typed && output.includes('[y/N]')) {
      typed = true;
      if (typeof key === 'string') child.stdin.write(key);
      else {
        const cli = child.pid === undefined ? undefined : childPidOf(child.pid);
        if (cli !== undefined) process.kill(cli, key.signal);
        else output += '\n(test: the CLI process was not found)';
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, output });
    }),
  );
}

describe.skipIf(process.platform !== 'linux')(`delete: no answer at the confirmation prompt${process.platform === 'linux' ? '' : ' [SKIPPED: needs a pseudo-terminal from util-linux script, on Linux]'}`, () => {
  it.each([
    ['Ctrl-D', '\x04'],
    ['Ctrl-C', '\x03'],
  ])('%s at [y/N] → exit 2, nothing deleted, no "report it as a bug"', async (name, key) => {
    await withWorld({ ...configuredCluster('8.7'), durations: SEED_DURATIONS }, async (world) => {
      const id = NOW - DAY;
      seedBackup(world, id);
      await settle(world);
      const result = await deleteAtPrompt(world, ['delete', String(id), '-n', world.namespace], key);
      expect(result.code, result.output).toBe(2);
      expect(result.output).toContain(`no answer at the prompt (${name}): nothing was deleted`);
      expect(result.output).not.toMatch(/internal error|report it|\n\s+at /i);
      expect(world.log.filter(isMutating)).toEqual([]);
      expect([...world.sims.zeebe!.backups.values()].filter((b) => !b.deleted).map((b) => b.id)).toEqual([id]);
    });
  });
});

describe.skipIf(process.platform !== 'linux')(`delete: a signal while the prompt waits${process.platform === 'linux' ? '' : ' [SKIPPED: needs a pseudo-terminal from util-linux script, on Linux]'}`, () => {
  it.each(['SIGTERM', 'SIGHUP'] as const)('%s at [y/N] → exit 128 + its number, nothing deleted (the prompt no longer waits on)', async (signal) => {
    await withWorld({ ...configuredCluster('8.7'), durations: SEED_DURATIONS }, async (world) => {
      const id = NOW - DAY;
      seedBackup(world, id);
      await settle(world);
      const result = await deleteAtPrompt(world, ['delete', String(id), '-n', world.namespace], { signal });
      expect(result.code, result.output).toBe(128 + (constants.signals[signal] ?? NaN));
      expect(result.output).toContain(`interrupted by ${signal}`);
      expect(world.log.filter(isMutating)).toEqual([]);
      expect([...world.sims.zeebe!.backups.values()].filter((b) => !b.deleted).map((b) => b.id)).toEqual([id]);
    });
  });
});

describe('create: flags out of bounds → exit 2 before any cluster call', () => {
  it.each([
    [['--timeout', '600h'], '--timeout: at most 24h'],
    [['--timeout', '25h'], '--timeout: at most 24h'],
    [['--poll-interval', '1ms'], '--poll-interval: at least 500ms'],
    [['--poll-interval', '499ms'], '--poll-interval: at least 500ms'],
    [['--snapshot-repository', '..'], '--snapshot-repository: ".." is not a usable repository name'],
    [['--snapshot-repository', '.'], '--snapshot-repository: "." is not a usable repository name'],
    [['--snapshot-repository', '_all'], '--snapshot-repository: "_all" is not a usable repository name'],
    [['--snapshot-repository', 'a/b'], '--snapshot-repository: "a/b" is not a usable repository name'],
  ])('%j', async (flags, message) => {
    await withWorld({ ...configuredCluster('8.7') }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', '1700000500', ...flags]);
      expect(result.code, describeRun(result)).toBe(2);
      expect(result.stderr.split('\n')[0]).toContain(`error: ${message}`);
      expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
      expectNoClusterCall(world);
    });
  });

  it('the largest --timeout (24h) and the smallest --poll-interval (500ms) are accepted', async () => {
    await withWorld({ ...configuredCluster('8.7') }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', '1700000500', '--timeout', '24h', '--poll-interval', '500ms', '--dry-run']);
      expect(result.code, describeRun(result)).toBe(0);
      expectNeverPaused(world);
    });
  });

  it.each(['list', 'status 1700000500', 'delete 1700000500 --yes', 'check'])('%s --snapshot-repository .. → exit 2 before any cluster call', async (command) => {
    await withWorld({ ...configuredCluster('8.7') }, async (world) => {
      const result = await runCli(world, [...command.split(' '), '--snapshot-repository', '..']);
      expect(result.code, describeRun(result)).toBe(2);
      expectNoClusterCall(world);
    });
  });
});

// With Leases the delete would be refused outright while the create holds the release (release-lock.test.ts); where
// RBAC forbids Leases, delete goes on without the lock, and retention itself must spare the running create's ID.
describe('delete --older-than while a create is running (Leases forbidden, so no lock keeps them apart)', () => {
  it.each(['port-forward', 'exec'] as const)('%s: the backup the running create takes is kept, as --keep keeps it', async (access) => {
    await withWorld({ ...configuredCluster('8.7'), durations: SEED_DURATIONS, rbacDeny: [{ verb: '*', resource: 'leases' }] }, async (world) => {
      // An old complete backup, then a create with an explicit, also old, ID that is still running.
      const old = NOW - 40 * DAY;
      const running = NOW - 10 * DAY;
      seedBackup(world, old);
      await settle(world);
      world.sims.zeebe!.config.durationMs = 60_000;
      let deleted = false;
      const creating = runCli(world, ['create', '--backup-id', String(running), '--access', access], { signal: 'SIGINT', signalWhen: () => deleted, killAfterMs: 90_000 });
      const deadline = Date.now() + 30_000;
      while (count(world, isZeebeTake) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(count(world, isZeebeTake), 'the create reached its Zeebe backup').toBe(1);

      const result = await runCli(world, ['delete', '--older-than', '1d', '--access', access, '-n', world.namespace, '--yes', '-o', 'json']);
      deleted = true;
      await creating;
      expect(result.code, describeRun(result)).toBe(0);
      const report = result.json();
      expect(report.backups.map((b: { backupId: number }) => b.backupId)).toEqual([]);
      expect(report.kept.find((k: { backupId: number }) => k.backupId === running)?.reason).toMatch(/newer than the newest complete backup/);
      expect([...world.sims.zeebe!.backups.values()].filter((b) => !b.deleted).map((b) => b.id)).toContain(running);
    });
  });
});
