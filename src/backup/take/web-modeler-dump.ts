/**
 * Web Modeler has no backup API: its PostgreSQL database is dumped with pg_dump (camunda-backup-api.md §3.6),
 * run inside the database pod through the exec API and streamed into a local file, never held in memory.
 *
 * The password never leaves the cluster: pg_dump takes it from the container's own environment (POSTGRES_PASSWORD,
 * which the chart fills from the database Secret, or the file POSTGRES_PASSWORD_FILE names). Nothing secret is in
 * the exec argv, so it appears in no API server URL, audit log, error message or verbose output, and the tool
 * needs no permission to read that Secret.
 */
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { WebModelerDatabase } from '../../camunda/installation.js';
import { messageOf, UsageError } from '../../errors.js';
import type { KubeClient } from '../../kube/kube-client.js';
import type { Reporter } from '../../events.js';
import type { WebModelerDumpAction } from './plan.js';
import type { PartReport } from './report.js';
import { PartFailedError, tracked, type ActionKind } from './step-context.js';

/** The last line plain-format pg_dump writes; without it the dump was cut off. */
const DUMP_COMPLETE_MARKER = 'PostgreSQL database dump complete';
const TAIL_BYTES = 512;
const MAX_STDERR_IN_MESSAGE = 400;

/** Bad input before any change: an existing dump is never overwritten. */
export function assertDumpTarget(path: string): void {
  if (existsSync(path)) {
    throw new UsageError(`--web-modeler-output: ${path} already exists`, { hint: 'choose another file, or move the old dump away' });
  }
  const directory = dirname(resolve(path));
  if (!existsSync(directory)) throw new UsageError(`--web-modeler-output: directory ${directory} does not exist`);
}

const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * The exec argv. The password is expanded inside the pod from the container's environment; `-w` makes pg_dump
 * fail at once instead of prompting when there is none.
 */
export function pgDumpCommand(database: WebModelerDatabase): string[] {
  const script = [
    'PGPASSWORD="${POSTGRES_PASSWORD:-${POSTGRESQL_PASSWORD:-}}"',
    'if [ -z "$PGPASSWORD" ] && [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then PGPASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")"; fi',
    'export PGPASSWORD',
    `exec pg_dump -w -h 127.0.0.1 -p ${database.pod.port} -U ${shellQuote(database.username)} -d ${shellQuote(database.database)}`,
  ].join('; ');
  return ['sh', '-c', script];
}

export interface WebModelerDumpOptions {
  /** Where the dump goes; written as `<path>.partial` and renamed when complete. */
  readonly outputPath: string;
  readonly timeoutMs: number;
}

export interface WebModelerDumpDeps {
  readonly kube: Pick<KubeClient, 'execInPod'>;
  readonly emit: Reporter;
  readonly signal?: AbortSignal | undefined;
  readonly now?: (() => number) | undefined;
}

interface DumpOutcome {
  readonly file: string;
  readonly bytes: number;
  /** Why the dump failed; undefined when the file is complete. */
  readonly failure?: string | undefined;
}

/** Dumps the database into the file through `<file>.partial`. Never throws for a failed dump: the outcome says why. */
async function dumpDatabase(database: WebModelerDatabase, options: WebModelerDumpOptions, deps: WebModelerDumpDeps): Promise<DumpOutcome> {
  const file = resolve(options.outputPath);
  const partial = `${file}.partial`;
  let bytes = 0;
  let tail = Buffer.alloc(0);
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      tail = Buffer.concat([tail, chunk]).subarray(-TAIL_BYTES);
      callback(null, chunk);
    },
  });
  const out = createWriteStream(partial, { flags: 'w', mode: 0o600 });
  // A file that cannot be written stops the exec (its sink listens for errors on counter) instead of stalling it.
  out.on('error', (error) => counter.destroy(error));
  counter.on('error', () => undefined);
  counter.pipe(out);

  let failure: string | undefined;
  try {
    const result = await deps.kube.execInPod({
      namespace: database.pod.namespace,
      pod: database.pod.pod,
      container: database.pod.container,
      command: pgDumpCommand(database),
      timeoutMs: options.timeoutMs,
      stdout: counter,
      signal: deps.signal,
    });
    counter.end();
    await finished(out);
    if (result.exitCode !== 0) {
      const stderr = result.stderr.trim().slice(-MAX_STDERR_IN_MESSAGE);
      const noPassword = /no password supplied|password authentication failed/i.test(stderr)
        ? ' (the container provides no usable POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE)'
        : '';
      failure = `pg_dump exited with ${result.exitCode}: ${stderr || 'no error output'}${noPassword}`;
    } else if (!tail.toString('utf8').includes(DUMP_COMPLETE_MARKER)) {
      failure = `pg_dump ended without "${DUMP_COMPLETE_MARKER}" after ${bytes} bytes: the dump is cut off`;
    }
  } catch (error) {
    counter.destroy();
    out.destroy();
    failure = messageOf(error);
  }

  if (failure === undefined) {
    try {
      renameSync(partial, file);
    } catch (error) {
      failure = `could not write ${file}: ${messageOf(error)}`;
    }
  }
  if (failure !== undefined) rmSync(partial, { force: true });
  return { file, bytes, failure };
}

const detailsOf = (database: WebModelerDatabase, outcome: DumpOutcome): Record<string, unknown> => ({
  file: outcome.file,
  bytes: outcome.bytes,
  database: database.database,
  username: database.username,
  container: database.pod.container,
});

/** Dumps the database into the file as a step of its own. Never throws for a failed dump: the part report says FAILED and why. */
export async function runWebModelerDump(database: WebModelerDatabase, options: WebModelerDumpOptions, deps: WebModelerDumpDeps): Promise<PartReport> {
  const now = deps.now ?? Date.now;
  const started = now();
  const step = 'web-modeler-dump' as const;
  deps.emit({ kind: 'step-started', step, title: `Dump the Web Modeler database "${database.database}" to ${resolve(options.outputPath)}` });
  const outcome = await dumpDatabase(database, options, deps);
  const report: PartReport = {
    part: 'web-modeler',
    state: outcome.failure === undefined ? 'COMPLETED' : 'FAILED',
    target: `pod/${database.pod.pod}`,
    startedAt: new Date(started).toISOString(),
    durationMs: now() - started,
    message: outcome.failure,
    details: detailsOf(database, outcome),
  };
  if (outcome.failure !== undefined) deps.emit({ kind: 'step-failed', step, message: outcome.failure });
  else deps.emit({ kind: 'step-succeeded', step, durationMs: report.durationMs ?? 0, message: `${outcome.bytes} bytes written to ${outcome.file}` });
  return report;
}

/**
 * create's last action: after the Camunda backup completed and exporting was resumed (so the dump never stretches
 * the paused window), under the run's --timeout deadline. A failed dump fails the run (exit 4): the set is incomplete.
 */
export const webModelerDump: ActionKind<WebModelerDumpAction> = {
  describe(action, _plan, calls) {
    const { database } = action;
    calls.call('web-modeler-dump', 'EXEC', { where: `pod/${database.pod.pod}`, basePath: '' }, `pg_dump -d ${database.database}`, {
      note: `in container ${database.pod.container}, streamed into ${action.outputPath}; the password stays in the pod`,
    });
  },
  step(action, ctx) {
    const { database } = action;
    return {
      id: 'web-modeler-dump',
      title: `Dump the Web Modeler database "${database.database}" to ${action.outputPath}`,
      run: (signal) =>
        tracked(ctx, 'web-modeler', signal, async (record) => {
          const { kube } = ctx;
          if (!kube) throw new Error('the Web Modeler dump needs a Kubernetes client');
          const remainingMs = Math.max(1, ctx.plan.timing.timeoutMs - (ctx.run.now() - ctx.run.startedMs));
          const outcome = await dumpDatabase(database, { outputPath: action.outputPath, timeoutMs: remainingMs }, { kube, emit: ctx.run.emit, signal });
          Object.assign(record.details, detailsOf(database, outcome));
          if (outcome.failure !== undefined) throw new PartFailedError('FAILED', outcome.failure);
          return `${outcome.bytes} bytes written to ${outcome.file}`;
        }),
    };
  },
};
