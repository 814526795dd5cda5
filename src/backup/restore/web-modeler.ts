/**
 * Web Modeler keeps its data in its own PostgreSQL database, outside every backup part; `create` dumps it with
 * pg_dump (take/web-modeler-dump.ts) and `restore --web-modeler-dump` loads it back once everything else is up.
 * Like the dump, psql runs inside the database pod and takes the password from the container's own environment,
 * expanded there: nothing secret is on a command line (camunda-restore.md §2 step 10).
 *
 * A plain pg_dump without --clean cannot load over existing tables, so the load empties the public schema first,
 * in the same transaction as the dump, with `ON_ERROR_STOP`: a load that fails on any statement leaves the database
 * exactly as it was. The transaction is our own `BEGIN;` … `COMMIT;` around the stream, not psql's
 * `--single-transaction`: psql sends that option's COMMIT at the end of its input, so a stream cut off half-way
 * (a lost exec connection ends stdin) would commit half a dump; without our COMMIT the server rolls it back.
 *
 * A dump can be gigabytes: it is streamed from the file into psql's stdin, read only as fast as the connection
 * takes it (kube/pod-exec.ts), never held in memory. After the COMMIT the input says `\q`, so psql ends by itself:
 * that works on every exec protocol, also v4 (Kubernetes 1.29), whose stdin cannot be closed without closing the
 * whole connection and losing psql's exit status; on v5 stdin is closed after it as well.
 */
import { closeSync, createReadStream, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { WebModelerDatabase } from '../../camunda/installation.js';
import { UsageError } from '../../errors.js';
import { formatBytes } from '../../format-bytes.js';
import { clusterFlagsText, shellWord, type ClusterFlags } from '../../kube/cluster-flags.js';
import type { KubeClient } from '../../kube/kube-client.js';
import type { WebModelerTarget } from './plan.js';

/** The first line a plain pg_dump writes, and its last one (without it the dump was cut off). */
const DUMP_HEADER = '-- PostgreSQL database dump';
const DUMP_COMPLETE = 'PostgreSQL database dump complete';
const PROBE_BYTES = 4096;
const MAX_STDERR_IN_MESSAGE = 400;

/** Opens the transaction and empties the schema: a dump without --clean needs an empty one. */
export const LOAD_PROLOGUE_SQL = 'BEGIN;\nDROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n';
/**
 * The only COMMIT: sent after the whole dump, so nothing short of the whole dump is ever committed; then `\q`, so
 * psql stops reading where the input ends, whether or not the exec protocol can close its stdin.
 */
export const LOAD_EPILOGUE_SQL = '\nCOMMIT;\n\\q\n';
/** How much of the file one read takes (what is in memory at a time, with the socket's bounded send buffer). */
const READ_CHUNK_BYTES = 256 * 1024;
/** Progress of the bytes sent is said at every such share of the whole (a dozen lines at most in a log). */
const PROGRESS_STEP_PERCENT = 10;

/** `kubectl exec -i … psql … < <file>`: loads a plain pg_dump into the (empty) Web Modeler database by hand. */
export function webModelerLoadCommand(database: WebModelerDatabase, file: string, cluster: ClusterFlags): string {
  const psql = [
    'PGPASSWORD="${POSTGRES_PASSWORD:-${POSTGRESQL_PASSWORD:-}}"',
    `psql -v ON_ERROR_STOP=1 -h 127.0.0.1 -p ${database.pod.port} -U ${shellWord(database.username)} -d ${shellWord(database.database)}`,
  ].join(' ');
  return `kubectl exec -i ${clusterFlagsText(cluster, database.pod.namespace)} ${database.pod.pod} -c ${database.pod.container} -- sh -c ${shellWord(psql)} < ${shellWord(file)}`;
}

function readEnds(file: string): { head: string; tail: string } {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(PROBE_BYTES, size));
    readSync(fd, head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(PROBE_BYTES, size));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    return { head: head.toString('utf8'), tail: tail.toString('utf8') };
  } finally {
    closeSync(fd);
  }
}

/**
 * Bad input before any change (exit 2): the file must be a complete plain-text pg_dump, and not of another database.
 * Checked once when the options are read (no database known yet: the shape only, before the cluster is asked
 * anything) and again with the database the plan found.
 */
export function assertWebModelerDump(file: string, database: string | undefined): void {
  const flag = '--web-modeler-dump';
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`${flag}: ${file} is not a file`);
  const { head, tail } = readEnds(file);
  if (!head.includes(DUMP_HEADER)) {
    throw new UsageError(`${flag}: ${file} is not a plain-text pg_dump (no "${DUMP_HEADER}" header); nothing was changed`, {
      hint: 'give the .sql file that create --web-modeler-output wrote',
    });
  }
  if (!tail.includes(DUMP_COMPLETE)) {
    throw new UsageError(`${flag}: ${file} ends without "${DUMP_COMPLETE}": the dump is cut off; nothing was changed`);
  }
  const named = /^-- Name: ([^;]+); Type: DATABASE/m.exec(head)?.[1];
  if (database !== undefined && named !== undefined && named !== database) {
    throw new UsageError(`${flag}: ${file} is a dump of database "${named}", not of the Web Modeler database "${database}"; nothing was changed`);
  }
}

/** The exec argv: the password is expanded inside the pod from the container's environment (never in argv). */
export function psqlLoadCommand(target: WebModelerTarget): string[] {
  const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;
  const script = [
    'PGPASSWORD="${POSTGRES_PASSWORD:-${POSTGRESQL_PASSWORD:-}}"',
    'if [ -z "$PGPASSWORD" ] && [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then PGPASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")"; fi',
    'export PGPASSWORD',
    `exec psql -X -q -w -v ON_ERROR_STOP=1 -h 127.0.0.1 -p ${target.port} -U ${quote(target.username)} -d ${quote(target.database)}`,
  ].join('; ');
  return ['sh', '-c', script];
}

/** The load's input: the prologue, the file read in chunks as the connection takes them, the epilogue. */
async function* loadInput(file: string): AsyncGenerator<Buffer> {
  yield Buffer.from(LOAD_PROLOGUE_SQL);
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK_BYTES })) yield chunk as Buffer;
  yield Buffer.from(LOAD_EPILOGUE_SQL);
}

/**
 * Loads the dump (schema emptied first) in one transaction, streamed from the file; throws with psql's error when it
 * did not commit. `onProgress` hears the bytes sent at every tenth of the dump, and when all of it was sent.
 */
export async function loadWebModelerDump(
  kube: Pick<KubeClient, 'execInPod'>,
  namespace: string,
  step: WebModelerTarget & { readonly file: string },
  options: { readonly signal: AbortSignal; readonly timeoutMs: number; readonly onProgress?: ((message: string) => void) | undefined },
): Promise<string> {
  assertWebModelerDump(step.file, step.database);
  const size = statSync(step.file).size;
  const total = LOAD_PROLOGUE_SQL.length + size + LOAD_EPILOGUE_SQL.length;
  let said = 0;
  const onSent = (bytes: number): void => {
    const percent = Math.floor((bytes / total) * 100);
    const next = bytes >= total ? 100 : percent - (percent % PROGRESS_STEP_PERCENT);
    if (next <= said) return;
    said = next;
    options.onProgress?.(
      bytes >= total ? `all ${formatBytes(size)} sent; waiting for psql to commit` : `${formatBytes(bytes)} of ${formatBytes(total)} sent (${next}%)`,
    );
  };
  const result = await kube.execInPod({
    namespace,
    pod: step.pod,
    container: step.container,
    command: psqlLoadCommand(step),
    stdinStream: { stream: loadInput(step.file), onSent },
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  if (result.exitCode !== 0) {
    const stderr = result.stderr.trim().slice(-MAX_STDERR_IN_MESSAGE);
    throw new Error(`psql exited with ${result.exitCode}, the transaction was rolled back and the database is as it was: ${stderr || 'no error output'}`);
  }
  return `${formatBytes(size)} (${size} bytes) loaded into database "${step.database}" (public schema replaced in one transaction)`;
}
