/** One CLI run against a container world, with what the simulators and the API server saw meanwhile. */
import { expect } from 'vitest';
import { isPause, isResume, line } from '../integration/helpers/sim-log.js';
import type { SimRequest } from '../world/index.js';
import type { RequestLogEntry } from '../world/kube/fake-apiserver.js';
import type { ExecRecord } from './container-world.js';
import { startCli } from './run-cli.js';
import type { CliResult, CliRun } from './run-cli.js';
import type { LogPage, ZeebeState } from './sim-protocol.js';

/** What a run needs of a world: the container world, or the simulators deployed to a real cluster. */
export interface RunWorld {
  readonly env: Record<string, string>;
  log(from?: number): Promise<LogPage>;
  zeebe(): Promise<ZeebeState>;
  /** The fake API server's request log, when there is one. */
  readonly api?: { readonly requests: RequestLogEntry[] };
  readonly execs?: ExecRecord[];
}

export interface RunRecord {
  readonly result: CliResult;
  /** What the simulators received during this run. */
  readonly log: SimRequest[];
  /** What the fake API server received during this run. */
  readonly api: RequestLogEntry[];
  readonly execs: ExecRecord[];
}

export function dump(log: readonly SimRequest[]): string {
  const start = log[0]?.at ?? 0;
  return log.map((e) => `+${e.at - start}ms ${line(e)}`).join('\n');
}

/** Runs the CLI and collects what the cluster saw meanwhile; `during` may act on the run (signals). */
export async function recordRun(world: RunWorld, args: readonly string[], during?: (run: CliRun) => Promise<void>): Promise<RunRecord> {
  const logFrom = (await world.log()).next;
  const apiFrom = world.api?.requests.length ?? 0;
  const execFrom = world.execs?.length ?? 0;
  const run = startCli(args, world.env);
  if (during) await during(run);
  const result = await run.done;
  const { entries } = await world.log(logFrom);
  return { result, log: entries, api: world.api?.requests.slice(apiFrom) ?? [], execs: world.execs?.slice(execFrom) ?? [] };
}

export function explain(run: RunRecord): string {
  return `exit ${String(run.result.code)} (signal ${String(run.result.signal)})\nstdout:\n${run.result.stdout}\nstderr:\n${run.result.stderr}\nrequest log:\n${dump(run.log)}`;
}

export const indexOf = (log: readonly SimRequest[], match: (e: SimRequest) => boolean): number => log.findIndex(match);

/** Exporting was paused in this run, resumed afterwards (answered), and the simulated cluster exports again. */
export async function expectResumedAfterPause(world: RunWorld, run: RunRecord): Promise<void> {
  const pause = indexOf(run.log, isPause);
  expect(pause, `a pause in the log\n${explain(run)}`).toBeGreaterThanOrEqual(0);
  const resumes = run.log.map((e, i) => (isResume(e) && i > pause ? e : undefined)).filter((e) => e !== undefined);
  expect(resumes.length, `a resume after the pause\n${explain(run)}`).toBeGreaterThan(0);
  expect(resumes.at(-1)?.status, 'resume answered').toBe(200);
  const zeebe = await world.zeebe();
  expect(zeebe.paused, `exporting state ${JSON.stringify(zeebe.exporting)}\n${explain(run)}`).toBe(false);
  expect(Object.values(zeebe.exporting ?? {}).every((phase) => phase === 'EXPORTING')).toBe(true);
}

export function json(run: RunRecord): Record<string, unknown> {
  try {
    return JSON.parse(run.result.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`stdout is not one JSON object\n${explain(run)}`);
  }
}

export function partOf(report: Record<string, unknown>, part: string): Record<string, unknown> | undefined {
  return (report['parts'] as Array<Record<string, unknown>> | undefined)?.find((p) => p['part'] === part);
}

export async function waitForLog(world: RunWorld, from: number, match: (e: SimRequest) => boolean, run: CliRun, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await world.log(from)).entries.some(match)) return;
    if (run.child.exitCode !== null) throw new Error(`the CLI ended (exit ${run.child.exitCode}) before the awaited call:\n${run.stderrSoFar()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no matching call within ${timeoutMs} ms:\n${run.stderrSoFar()}`);
}
