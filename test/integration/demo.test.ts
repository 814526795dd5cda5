/**
 * `npm run demo` is the first thing a newcomer runs: it must work on a fresh clone, show every command, keep stdout
 * clean for `-o json | jq`, and end with what the simulated cluster saw of exporting.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../world/cluster-from-manifests.js';
import { assertBuilt } from './helpers/run-cli.js';

const DEMO = join(repoRoot(), 'scripts', 'demo.mjs');

interface DemoResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function demo(...args: string[]): Promise<DemoResult> {
  assertBuilt();
  // Stdin is not a terminal here, as in CI; the demo must not wait for a prompt.
  const child = spawn(process.execPath, [DEMO, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 50_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    }),
  );
}

const lastLines = (text: string, n: number): string => text.trimEnd().split('\n').slice(-n).join('\n');

describe('npm run demo', () => {
  it('runs create and ends with the pause window the simulated Zeebe saw', async () => {
    const result = await demo();
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/: COMPLETED in /);
    expect(lastLines(result.stderr, 2)).toMatch(/`create` exited 0\.\n.*exporting paused for \d+\.\d\d s; exporting is not paused now/);
    // The request log is shown only on request.
    expect(result.stderr).not.toContain('What the simulated components received');
  });

  it('shows the request log with --log', async () => {
    const result = await demo('--log', '--resources', 'demo-8.8');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/What the simulated components received, in order:[\s\S]*POST\s+\/actuator\/exporting\/pause/);
  });

  it('list -o json: stdout is one JSON document with the seeded backups, newest first', async () => {
    const result = await demo('list', '-o', 'json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { backups: Array<{ backupId: number; verdict: string }> };
    expect(report.backups.map((b) => b.verdict)).toEqual(['COMPLETE', 'FAILED', 'COMPLETE']);
    const ids = report.backups.map((b) => b.backupId);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
  });

  it('status of the failed seeded backup exits 4 (not restorable)', async () => {
    const result = await demo('status', '--access', 'exec');
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/FAILED \(not restorable\)/);
  });

  it('delete without a terminal deletes the oldest seeded backup (--yes added for the demo)', async () => {
    const result = await demo('delete', '-o', 'json');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/kubectl camunda-backup delete \d+ -o json --yes/);
  });

  it('left-paused: check fails on it, resume ends it', async () => {
    const check = await demo('check', '--scenario', 'left-paused');
    expect(check.code).toBe(3);
    expect(lastLines(check.stderr, 1)).toMatch(/exporting is STILL PAUSED now/);
    const resume = await demo('resume', '--scenario', 'left-paused');
    expect(resume.code).toBe(0);
    expect(lastLines(resume.stderr, 1)).toMatch(/exporting is not paused now/);
  });

  it.each([
    ['webapp-fails', 4],
    ['snapshot-fails', 4],
    ['interrupt', 130],
  ])('scenario %s: exit %i, exporting not left paused', async (scenario, code) => {
    const result = await demo('--scenario', scenario, '--resources', 'demo-8.8');
    expect(result.code).toBe(code);
    expect(lastLines(result.stderr, 1)).toMatch(/exporting is not paused now/);
  });

  it('an unknown scenario is exit 2 with the list of scenarios', async () => {
    const result = await demo('--scenario', 'nope');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown --scenario nope; one of webapp-fails, snapshot-fails, interrupt, left-paused/);
  });
});
