/**
 * The krew artefact itself: the linux/amd64 single-executable unpacked from its release archive (what krew
 * installs), run without Node on PATH: help, version, a real `create` against the simulated cluster in both
 * access modes, and the same through kubectl's plugin mechanism. Needs `npm run release` first; skipped with a
 * message when dist/release was not built, a failure when REQUIRE_RELEASE_ARTIFACTS=1 (CI).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itWithFixtures } from '../fixtures-available.js';
import { repoRoot } from '../world/cluster-from-manifests.js';
import type { World } from '../world/index.js';
import { cliEnv } from './helpers/run-cli.js';
import { expectOnePodPerComponent, expectResumedAfterPause, isPause, count } from './helpers/sim-log.js';
import { fixture, withWorld } from './helpers/world-run.js';

const ROOT = repoRoot();
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const ARCHIVE = join(ROOT, 'dist', 'release', 'kubectl-camunda-backup_linux_amd64.tar.gz');
const ARM64_ARCHIVE = join(ROOT, 'dist', 'release', 'kubectl-camunda-backup_linux_arm64.tar.gz');
const BIN_NAME = 'kubectl-camunda_backup';

const built = existsSync(ARCHIVE);
const required = process.env['REQUIRE_RELEASE_ARTIFACTS'] === '1';
const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64';
const skipReason = built ? '' : ' [SKIPPED: dist/release not built; run "npm run release"]';

function which(cmd: string): string | undefined {
  const res = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim() : undefined;
}
const kubectl = which('kubectl');
/** kubectl's minor version (plugin completion through kubectl_complete-* exists from 1.26). */
function kubectlMinor(): number {
  if (!kubectl) return 0;
  const res = spawnSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  try {
    return Number.parseInt((JSON.parse(res.stdout) as { clientVersion: { minor: string } }).clientVersion.minor, 10);
  } catch {
    return 0;
  }
}
const completionSupported = kubectlMinor() >= 26;
const qemu = which('qemu-aarch64-static');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Asynchronous on purpose: the world's servers live in this process and must keep serving while the child runs. */
function runExe(cmd: string, args: readonly string[], env: Record<string, string>, timeoutMs = 45_000): Promise<Run> {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const show = (r: Run): string => `exit ${r.code}\n--- stderr\n${r.stderr}\n--- stdout\n${r.stdout}`;
/** Node's own process warnings ("(node:123) [DEP0040] DeprecationWarning: …"): the bundle on Node 22 must print none. */
const NODE_WARNING = /\(node:\d+\)|ExperimentalWarning|DeprecationWarning/;

describe.skipIf((!built && !required) || !onLinuxX64)(`release binary: linux/amd64 single-executable${skipReason}`, () => {
  let dir = '';
  let exe = '';
  /** PATH without Node: the binary must not need one (only the directories of tar/curl/kubectl). */
  let path = '';

  beforeAll(() => {
    expect(existsSync(ARCHIVE), `${ARCHIVE} missing: run "npm run release"`).toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'krew-bin-'));
    const untar = spawnSync('tar', ['-xzf', ARCHIVE, '-C', dir], { encoding: 'utf8' });
    expect(untar.status, untar.stderr).toBe(0);
    exe = join(dir, BIN_NAME);
    const dirs = [dir, ...['curl', 'kubectl'].map(which).filter((p): p is string => p !== undefined).map((p) => dirname(p))];
    path = [...new Set(dirs)].join(':');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const env = (world?: World): Record<string, string> => ({ ...cliEnv(world), PATH: path });

  it('prints help naming the kubectl command, with nothing on stderr (no SEA or deprecation warnings)', async () => {
    const r = await runExe(exe, ['--help'], env());
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/^kubectl camunda-backup /);
    expect(r.stdout).toContain('create');
    expect(r.stderr).toBe('');
  });

  it('prints the package version', async () => {
    const r = await runExe(exe, ['--version'], env());
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
    expect(r.stderr).toBe('');
  });

  it('rejects bad input with exit 2 and one line, like the bundle', async () => {
    const r = await runExe(exe, ['create', '--backup-id', 'abc'], env());
    expect(r.code, show(r)).toBe(2);
    expect(r.stderr).toMatch(/^error: --backup-id: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('creates a backup over port-forward (8.7, -o json) and resumes exporting', async () => {
    await withWorld({ resources: 'demo-8.7' }, async (world) => {
      const r = await runExe(exe, ['create', '--access', 'port-forward', '--backup-id', '1700000201', '-o', 'json'], env(world));
      expect(r.code, show(r)).toBe(0);
      expect(r.stderr).not.toMatch(NODE_WARNING);
      expect(JSON.parse(r.stdout)).toMatchObject({ command: 'create', backupId: 1700000201, state: 'COMPLETED', access: 'port-forward' });
      expect(count(world, isPause)).toBe(1);
      expectResumedAfterPause(world);
      expectOnePodPerComponent(world);
      expect(world.api.requests.some((q) => q.kind === 'portforward')).toBe(true);
    });
  });

  it('creates a backup over exec (8.8, text) and resumes exporting', async () => {
    await withWorld({ resources: 'demo-8.8' }, async (world) => {
      const r = await runExe(exe, ['create', '--access', 'exec', '--backup-id', '1700000202'], env(world));
      expect(r.code, show(r)).toBe(0);
      expect(r.stderr).not.toMatch(NODE_WARNING);
      expect(r.stdout).toContain('COMPLETED');
      expectResumedAfterPause(world);
      expect(world.api.requests.some((q) => q.kind === 'exec')).toBe(true);
    });
  });

  describe.skipIf(!kubectl)(`through kubectl's plugin mechanism${kubectl ? '' : ' [SKIPPED: no kubectl on PATH]'}`, () => {
    it('kubectl plugin list finds kubectl-camunda_backup on PATH', async () => {
      const r = await runExe(kubectl!, ['plugin', 'list'], env());
      expect(r.stdout, show(r)).toContain(exe);
      expect(r.stderr).not.toContain(BIN_NAME);
    });

    it('kubectl camunda-backup --help and --version run the plugin', async () => {
      const help = await runExe(kubectl!, ['camunda-backup', '--help'], env());
      expect(help.code, show(help)).toBe(0);
      expect(help.stdout).toMatch(/^kubectl camunda-backup /);
      const version = await runExe(kubectl!, ['camunda-backup', '--version'], env());
      expect(version.stdout.trim(), show(version)).toBe(VERSION);
    });

    it.skipIf(!completionSupported)(`completes through kubectl with the kubectl_complete-camunda_backup shim (commands, then flag values)${completionSupported ? '' : ' [SKIPPED: kubectl older than 1.26]'}`, async () => {
      const shimDir = mkdtempSync(join(tmpdir(), 'krew-complete-'));
      try {
        copyFileSync(join(ROOT, 'scripts', 'release', 'kubectl_complete-camunda_backup'), join(shimDir, 'kubectl_complete-camunda_backup'));
        chmodSync(join(shimDir, 'kubectl_complete-camunda_backup'), 0o755);
        const withShim = { ...env(), PATH: `${shimDir}:${path}:/bin:/usr/bin` };
        const commands = await runExe(kubectl!, ['__complete', 'camunda-backup', ''], withShim);
        expect(commands.code, show(commands)).toBe(0);
        const lines = commands.stdout.trim().split('\n');
        expect(lines).toEqual(expect.arrayContaining(['create']));
        expect(lines.at(-1)).toBe(':4');
        const values = await runExe(kubectl!, ['__complete', 'camunda-backup', 'create', '--access', ''], withShim);
        expect(values.stdout.trim().split('\n')).toEqual(['port-forward', 'exec', ':4']);
      } finally {
        rmSync(shimDir, { recursive: true, force: true });
      }
    });

    itWithFixtures('kubectl camunda-backup create -n <ns> runs a backup, flags after the plugin name reaching the plugin', async () => {
      await withWorld({ fixture: fixture('8.9', 'backup-configured') }, async (world) => {
        const r = await runExe(kubectl!, ['camunda-backup', 'create', '-n', world.namespace, '--backup-id', '1700000203', '-o', 'json'], env(world));
        expect(r.code, show(r)).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ backupId: 1700000203, namespace: world.namespace, state: 'COMPLETED' });
        expectResumedAfterPause(world);
      });
    });
  });

  const arm64Runnable = qemu !== undefined && existsSync('/usr/aarch64-linux-gnu/lib') && existsSync(ARM64_ARCHIVE);
  it.skipIf(!arm64Runnable)(`linux/arm64 binary runs --version under qemu-user${arm64Runnable ? '' : ' [SKIPPED: needs qemu-user-static and libc6-arm64-cross]'}`, async () => {
    const armDir = mkdtempSync(join(tmpdir(), 'krew-arm64-'));
    try {
      expect(spawnSync('tar', ['-xzf', ARM64_ARCHIVE, '-C', armDir]).status).toBe(0);
      const r = await runExe(qemu!, ['-L', '/usr/aarch64-linux-gnu', join(armDir, BIN_NAME), '--version'], env(), 60_000);
      expect(r.code, show(r)).toBe(0);
      expect(r.stdout.trim()).toBe(VERSION);
      expect(r.stderr).toBe('');
    } finally {
      rmSync(armDir, { recursive: true, force: true });
    }
  });
});
