/** Runs the built CLI (bin/kubectl-camunda_backup) as a user would, against a world's kubeconfig. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../world/cluster-from-manifests.js';

export interface CliResult {
  /** Exit code; null when a signal ended the process. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface CliRun {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  /** Output so far (stderr carries the progress). */
  stderrSoFar(): string;
}

export function cliPath(): string {
  return join(repoRoot(), 'bin', 'kubectl-camunda_backup');
}

/** Fails with what to do when the bundle the launcher runs has not been built. */
export function assertCliBuilt(): void {
  if (!existsSync(join(repoRoot(), 'dist', 'kubectl-camunda_backup.cjs'))) {
    throw new Error('dist/kubectl-camunda_backup.cjs is missing: run `npm run build` first (npm test does)');
  }
}

export function startCli(args: readonly string[], env: Record<string, string>, timeoutMs = 120_000): CliRun {
  const started = Date.now();
  const child = spawn(process.execPath, [cliPath(), ...args], {
    env: { ...process.env, ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  return { child, done, stderrSoFar: () => stderr };
}

export function runCli(args: readonly string[], env: Record<string, string>, timeoutMs?: number): Promise<CliResult> {
  return startCli(args, env, timeoutMs).done;
}
