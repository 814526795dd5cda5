/**
 * Runs the real built CLI (bin/kubectl-camunda_backup → dist bundle) as a child process against a simulated world.
 * Asynchronous on purpose: the world's API server and simulators live in this test process, so a synchronous
 * spawn would block the very servers the CLI talks to.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../world/cluster-from-manifests.js';
import type { World } from '../../world/index.js';

export const BIN = join(repoRoot(), 'bin', 'kubectl-camunda_backup');
export const BUNDLE = join(repoRoot(), 'dist', 'kubectl-camunda_backup.cjs');

export interface RunCliOptions {
  /** Signal to send (default SIGINT) once `signalAfterMs` passed or `signalWhen` turned true. */
  readonly signal?: NodeJS.Signals | undefined;
  readonly signalAfterMs?: number | undefined;
  /** Checked every 5 ms while the CLI runs, e.g. "the pause is in the request log". */
  readonly signalWhen?: (() => boolean) | undefined;
  /** Send the same signal a second time once this turns true (checked every 5 ms after the first one went out). */
  readonly signalAgainWhen?: (() => boolean) | undefined;
  /** Extra environment over process.env and world.env. */
  readonly env?: Record<string, string | undefined> | undefined;
  /** Kill the CLI (SIGKILL) and fail after this long. Default 45 s. */
  readonly killAfterMs?: number | undefined;
}

export interface CliResult {
  readonly code: number | null;
  /** Set when the child died of a signal instead of exiting (it should never: it handles INT/TERM itself). */
  readonly killedBy: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /** When the signal was sent (epoch ms), if it was. */
  readonly signalledAt?: number | undefined;
  /** stdout parsed as JSON (throws a readable error when it is not exactly one JSON document). */
  json<T = any>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A Node stack frame ("    at fn (file.js:1:2)"): users never see one for a user or cluster error. */
export const STACK_FRAME = /\n\s+at .+:\d+:\d+/;

/** One row of a JSON report's `parts`. */
export interface ReportPart {
  readonly part: string;
  readonly state: string;
  readonly message?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export function partOf(report: { readonly parts: readonly ReportPart[] }, name: string): ReportPart | undefined {
  return report.parts.find((p) => p.part === name);
}

/** Fails fast with a clear message when the bundle was not built (`npm run build`). */
export function assertBuilt(): void {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run "npm run build" before the integration tests`);
}

export function cliEnv(world: Pick<World, 'env'> | undefined, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, ...(world?.env ?? {}), NO_COLOR: '1', ...extra };
  // A CI runner inside Kubernetes must not make the CLI pick the in-cluster service account.
  delete env['KUBERNETES_SERVICE_HOST'];
  delete env['KUBERNETES_SERVICE_PORT'];
  if (world && extra['KUBECONFIG'] === undefined) env['KUBECONFIG'] = world.env['KUBECONFIG'];
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export function runCli(world: Pick<World, 'env'> | undefined, args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  assertBuilt();
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv(world, options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  let signalledAt: number | undefined;
  let signalledAgain = false;
  const sendSignal = (): void => {
    if (child.exitCode !== null) return;
    if (signalledAt !== undefined) {
      if (signalledAgain || !options.signalAgainWhen?.()) return;
      signalledAgain = true;
    } else {
      signalledAt = Date.now();
    }
    child.kill(options.signal ?? 'SIGINT');
  };
  const timers: NodeJS.Timeout[] = [];
  if (options.signalAfterMs !== undefined) timers.push(setTimeout(sendSignal, options.signalAfterMs));
  if (options.signalWhen) {
    const when = options.signalWhen;
    timers.push(setInterval(() => (when() ? sendSignal() : undefined), 5));
  }
  if (options.signalAgainWhen) timers.push(setInterval(() => (signalledAt !== undefined ? sendSignal() : undefined), 5));
  let killed = false;
  timers.push(
    setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, options.killAfterMs ?? 45_000),
  );

  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      timers.forEach(clearTimeout);
      reject(error);
    });
    child.on('close', (code, killedBy) => {
      timers.forEach((timer) => clearTimeout(timer));
      if (killed) {
        reject(new Error(`CLI did not finish within ${options.killAfterMs ?? 45_000} ms: ${args.join(' ')}\n--- stderr\n${stderr}\n--- stdout\n${stdout}`));
        return;
      }
      resolve({
        code,
        killedBy,
        stdout,
        stderr,
        durationMs: Date.now() - started,
        signalledAt,
        json() {
          try {
            return JSON.parse(stdout);
          } catch (error) {
            throw new Error(`stdout is not one JSON document (${String(error)}):\n${stdout}\n--- stderr\n${stderr}`, { cause: error });
          }
        },
      });
    });
  });
}

/** A one-line description of a run for assertion messages. */
export function describeRun(result: CliResult): string {
  return `exit ${result.code}${result.killedBy ? ` (killed by ${result.killedBy})` : ''}\n--- stderr\n${result.stderr}\n--- stdout\n${result.stdout}`;
}
