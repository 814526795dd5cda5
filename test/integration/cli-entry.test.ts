/**
 * What main.ts owns, seen from outside the process: help and version of the built bundle, one-line usage errors
 * before any cluster call, no stack traces for user errors, and signals (a second Ctrl-C while resuming must not
 * kill the tool).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../world/cluster-from-manifests.js';
import type { World } from '../world/index.js';
import { BIN, assertBuilt, cliEnv, describeRun, runCli } from './helpers/run-cli.js';
import { count, expectNoMutation, expectResumedAfterPause, isPause, isResume } from './helpers/sim-log.js';
import { withWorld } from './helpers/world-run.js';

const VERSION = (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;

describe('the built CLI: help and version', () => {
  it('prints the version from package.json', async () => {
    const result = await runCli(undefined, ['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });

  it('shows kubectl-style examples and exit codes in create --help, on stdout', async () => {
    const result = await runCli(undefined, ['create', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^kubectl camunda-backup create\n/);
    expect(result.stdout).toContain('  # Show every call, in order, without changing anything\n  kubectl camunda-backup create -n camunda --dry-run\n');
    expect(result.stdout).toContain('Exit codes:');
    expect(result.stderr).toBe('');
  });
});

describe('the built CLI: kubectl habits', () => {
  it('prints the overview on stdout and exits 0 when no command is given, as kubectl alone does', async () => {
    const result = await runCli(undefined, []);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^kubectl camunda-backup <command> \[flags\]\n/);
    expect(result.stdout).toContain("Use 'kubectl camunda-backup options' for a list of global command-line options");
    expect(result.stderr).toBe('');
  });

  it('lists the global flags once with options, and not in a command\'s help', async () => {
    const options = await runCli(undefined, ['options']);
    expect(options.code).toBe(0);
    expect(options.stdout).toMatch(/^ {6}--kubeconfig <path> /m);
    expect(options.stdout).toMatch(/^ {2}-v, --v <level> /m);
    const help = await runCli(undefined, ['status', '--help']);
    expect(help.stdout).not.toMatch(/^\s*--kubeconfig/m);
    expect(help.stdout.trimEnd()).toMatch(/Use 'kubectl camunda-backup options' for a list of global command-line options \(applies to all commands\)\.$/);
  });

  it('still completes the global flags and their values in a shell, although help leaves them out', async () => {
    const flags = await runCli(undefined, ['--get-yargs-completions', 'create', '--']);
    expect(flags.stdout.split('\n')).toEqual(expect.arrayContaining(['--kubeconfig', '--context', '--namespace', '--output', '--access', '--backup-id']));
    const formats = await runCli(undefined, ['--get-yargs-completions', 'list', '-o', '']);
    expect(formats.stdout.split('\n').filter(Boolean)).toEqual(['text', 'wide', 'json', 'yaml']);
  });
});

describe('the built CLI: start-up of --help and completion', () => {
  // Node's record of the built-in modules it loaded, printed at exit: what kubectl's TAB and --help pay for.
  // (net is no sign: a piped stdout is a net.Socket.)
  const LOADED_BUILTINS = "process.on('exit', () => process.stderr.write(JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')))))";
  const loadedBuiltins = (args: readonly string[]): { code: number | null; stdout: string; modules: string[] } => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-entry-'));
    try {
      const hook = join(dir, 'loaded.cjs');
      writeFileSync(hook, LOADED_BUILTINS);
      const res = spawnSync(process.execPath, ['--require', hook, BIN, ...args], { encoding: 'utf8', env: cliEnv(undefined, { SHELL: '/bin/bash' }) });
      return { code: res.status, stdout: res.stdout, modules: JSON.parse(res.stderr.slice(res.stderr.lastIndexOf('['))) as string[] };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it.each([[['--help']], [['create', '--help']], [['--get-yargs-completions', 'create', '--']]])(
    '%j loads no networking: the Kubernetes client and the connector load only when a command runs',
    (args) => {
      const run = loadedBuiltins(args);
      expect(run.code).toBe(0);
      expect(run.stdout.length).toBeGreaterThan(0);
      expect(run.modules).toContain('NativeModule fs');
      expect(run.modules.filter((m) => /^NativeModule (http|https|tls|http2|zlib|dns)$/.test(m))).toEqual([]);
    },
  );
});

describe('the built CLI: bad input', () => {
  it.each([
    [['create', '--backup-id', 'abc'], /^error: --backup-id: invalid backup ID "abc": expected a positive integer[^\n]*\nSee 'kubectl camunda-backup create --help' for usage\.\n$/],
    [['create', '--timeout', 'banana'], /^error: --timeout: "banana" is not a duration[^\n]*\nSee 'kubectl camunda-backup create --help' for usage\.\n$/],
    [['create', '--exec-container', 'curl'], /^error: --exec-container needs --exec-pod[^\n]*\nSee 'kubectl camunda-backup create --help' for usage\.\n$/],
    [['create', '--frobnicate'], /^error: unknown flag: --frobnicate\nSee 'kubectl camunda-backup create --help' for usage\.\n$/],
    [['list', '-v', 'loud'], /^error: -v: "loud" is not a log level[^\n]*\nSee 'kubectl camunda-backup list --help' for usage\.\n$/],
    [['status', '1748937221', '-o', 'xml'], /^error: -o\/--output: "xml" is not an output format; use text, wide, json or yaml\nSee 'kubectl camunda-backup status --help' for usage\.\n$/],
    [['lst'], /^error: unknown command "lst" for "kubectl camunda-backup"; did you mean list\?\nSee 'kubectl camunda-backup --help' for usage\.\n$/],
    [['create', '--release', 'nope'], /^error: [^\n]*"nope"[^\n]*\n(hint: [^\n]*\n)?$/],
  ])('%j: exit 2, one error line and where to read the usage, nothing on stdout, nothing changed', async (args, stderr) => {
    await withWorld({}, async (world) => {
      const result = await runCli(world, [...args, '-n', world.namespace]);
      expect(result.code, describeRun(result)).toBe(2);
      expect(result.stderr).toMatch(stderr);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stdout).toBe('');
      expectNoMutation(world);
    });
  });

  it('names an unreachable API server in one line, exit 3, without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-entry-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]',
        'users: [{ name: u, user: { token: t0ps3cr3t } }]',
        'contexts: [{ name: x, context: { cluster: c, user: u, namespace: camunda } }]',
        'current-context: x',
      ].join('\n'),
    );
    const result = await runCli(undefined, ['create', '--kubeconfig', kubeconfig, '--request-timeout', '5s']).finally(() => rmSync(dir, { recursive: true, force: true }));
    expect(result.code, describeRun(result)).toBe(3);
    expect(result.stderr).toMatch(/^error: [^\n]*127\.0\.0\.1:1[^\n]*\n/);
    expect(result.stderr).not.toMatch(/\n\s+at |t0ps3cr3t/);
  });
});

/** Spawns the CLI and sends SIGINT as soon as `first` holds, then again `againAfterMs` later. */
function runWithTwoInterrupts(world: World, args: readonly string[], first: () => boolean, againAfterMs: number): Promise<{ code: number | null; killedBy: NodeJS.Signals | null; stderr: string; stdout: string }> {
  assertBuilt();
  const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv(world), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const poll = setInterval(() => {
    if (!first()) return;
    clearInterval(poll);
    child.kill('SIGINT');
    setTimeout(() => child.kill('SIGINT'), againAfterMs);
  }, 5);
  const guard = setTimeout(() => child.kill('SIGKILL'), 45_000);
  return new Promise((resolve) =>
    child.on('close', (code, killedBy) => {
      clearInterval(poll);
      clearTimeout(guard);
      resolve({ code, killedBy, stdout, stderr });
    }),
  );
}

describe('the built CLI: signals', () => {
  it('keeps resuming exporting through a second Ctrl-C, then exits 130', async () => {
    // Resume is slow (800 ms), so the second SIGINT lands while the tool is resuming.
    await withWorld({ durations: { zeebe: 5_000 }, faults: { http: [{ path: /\/actuator\/exporting\/resume/, delayMs: 800 }] } }, async (world) => {
      const result = await runWithTwoInterrupts(world, ['create', '-n', world.namespace], () => count(world, isPause) > 0, 300);
      const context = `exit ${result.code} / ${result.killedBy}\n--- stderr\n${result.stderr}`;
      expect(result.killedBy, context).toBeNull();
      expect(result.code, context).toBe(130);
      expect(result.stderr).toContain('SIGINT received: stopping; exporting is resumed before exit if this run paused it…');
      expect(result.stderr).toContain('SIGINT received: still stopping; the tool exits as soon as its cleanup is done');
      expect(result.stderr).toMatch(/\nerror: interrupted by SIGINT\nhint: exporting was resumed/);
      expect(result.stdout).toMatch(/: INTERRUPTED in /);
      expect(count(world, isResume)).toBeGreaterThan(0);
      expectResumedAfterPause(world);
    });
  });
});

describe('the built CLI: stderr closed mid-run', () => {
  it('still resumes exporting when stderr is closed after the pause (`create 2>&1 | head`)', async () => {
    // Zeebe is slow, so progress lines keep going to the closed stderr while exporting is paused.
    await withWorld({ durations: { zeebe: 2_000 } }, async (world) => {
      assertBuilt();
      const child = spawn(process.execPath, [BIN, 'create', '-n', world.namespace], { env: cliEnv(world), stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.resume();
      child.stderr.resume();
      const poll = setInterval(() => {
        if (count(world, isPause) === 0) return;
        clearInterval(poll);
        child.stderr.destroy();
      }, 5);
      let killed = false;
      const guard = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, 20_000);
      const killedBy = await new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
      clearInterval(poll);
      clearTimeout(guard);
      expect(killed, 'the CLI hung after stderr closed').toBe(false);
      expect(killedBy).toBeNull();
      expectResumedAfterPause(world);
    });
  });
});
