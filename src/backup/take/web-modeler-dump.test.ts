import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { anInstallation, fakeCluster, happyRoutes, memoryReporter, NS, type Route } from '../../../test/unit/create-test-kit.js';
import type { WebModelerDatabase } from '../../camunda/installation.js';
import type { ExecRequest, ExecResult } from '../../kube/kube-client.js';
import { UsageError } from '../../errors.js';
import { describeCreatePlan, runCreatePlan } from './create.js';
import { buildCreatePlan, type CreatePlan } from './plan.js';
import { assertDumpTarget, pgDumpCommand, runWebModelerDump } from './web-modeler-dump.js';

const database: WebModelerDatabase = {
  pod: { namespace: 'camunda', pod: 'camunda-postgresql-web-modeler-0', container: 'postgresql', port: 5432 },
  database: 'web-modeler',
  username: "web'modeler",
  passwordSecret: { name: 'camunda-postgresql-web-modeler', key: 'password' },
};

const DUMP = '-- PostgreSQL database dump\nCOPY public.file FROM stdin;\n\\.\n--\n-- PostgreSQL database dump complete\n--\n';

function fakeExec(behaviour: (stdout: Writable, signal?: AbortSignal) => Promise<ExecResult>) {
  const requests: ExecRequest[] = [];
  return {
    requests,
    kube: {
      async execInPod(request: ExecRequest): Promise<ExecResult> {
        requests.push(request);
        return behaviour(request.stdout!, request.signal);
      },
    },
  };
}

const write = (stdout: Writable, text: string): Promise<void> => new Promise((resolve) => stdout.write(Buffer.from(text), () => resolve()));

describe('pgDumpCommand', () => {
  it('takes the password from the container environment: nothing secret in the argv, values shell-quoted', () => {
    const argv = pgDumpCommand(database);
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv[2]).toContain('PGPASSWORD="${POSTGRES_PASSWORD:-${POSTGRESQL_PASSWORD:-}}"');
    expect(argv[2]).toContain('POSTGRES_PASSWORD_FILE');
    expect(argv[2]).toContain(`exec pg_dump -w -h 127.0.0.1 -p 5432 -U 'web'\\''modeler' -d 'web-modeler'`);
  });
});

describe('runWebModelerDump', () => {
  const dir = (): string => mkdtempSync(join(tmpdir(), 'wm-dump-'));

  it('streams the dump into the file through a partial file and reports its size', async () => {
    const file = join(dir(), 'web-modeler-1.sql');
    const exec = fakeExec(async (stdout) => {
      await write(stdout, DUMP.slice(0, 20));
      // the final name appears only when the dump is complete
      expect(existsSync(file)).toBe(false);
      await write(stdout, DUMP.slice(20));
      return { stdout: Buffer.alloc(0), stderr: '', exitCode: 0 };
    });
    const reporter = memoryReporter();
    const report = await runWebModelerDump(database, { outputPath: file, timeoutMs: 5_000 }, { kube: exec.kube, emit: reporter.emit });
    expect(report).toMatchObject({ part: 'web-modeler', state: 'COMPLETED', target: 'pod/camunda-postgresql-web-modeler-0', details: { file, bytes: DUMP.length } });
    expect(readFileSync(file, 'utf8')).toBe(DUMP);
    expect(existsSync(`${file}.partial`)).toBe(false);
    expect(exec.requests[0]).toMatchObject({ namespace: 'camunda', pod: 'camunda-postgresql-web-modeler-0', container: 'postgresql', timeoutMs: 5_000 });
    expect(reporter.of('step-succeeded')).toHaveLength(1);
  });

  it('a failing pg_dump leaves no file and reports PostgreSQL\'s words', async () => {
    const file = join(dir(), 'dump.sql');
    const exec = fakeExec(async (stdout) => {
      await write(stdout, '-- PostgreSQL database dump\n');
      return { stdout: Buffer.alloc(0), stderr: 'pg_dump: error: connection to server failed: fe_sendauth: no password supplied\n', exitCode: 1 };
    });
    const report = await runWebModelerDump(database, { outputPath: file, timeoutMs: 5_000 }, { kube: exec.kube, emit: memoryReporter().emit });
    expect(report.state).toBe('FAILED');
    expect(report.message).toMatch(/exited with 1: pg_dump: error: .*no password supplied.*POSTGRES_PASSWORD/);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });

  it('a dump cut off without pg_dump\'s last line fails', async () => {
    const file = join(dir(), 'dump.sql');
    const exec = fakeExec(async (stdout) => {
      await write(stdout, DUMP.slice(0, 40));
      return { stdout: Buffer.alloc(0), stderr: '', exitCode: 0 };
    });
    const report = await runWebModelerDump(database, { outputPath: file, timeoutMs: 5_000 }, { kube: exec.kube, emit: memoryReporter().emit });
    expect(report).toMatchObject({ state: 'FAILED', message: expect.stringContaining('cut off') });
    expect(existsSync(file)).toBe(false);
  });

  it('a lost exec connection fails the part without throwing', async () => {
    const file = join(dir(), 'dump.sql');
    const exec = fakeExec(async () => {
      throw new Error('lost the connection to pod camunda/camunda-postgresql-web-modeler-0 before the command finished');
    });
    const report = await runWebModelerDump(database, { outputPath: file, timeoutMs: 5_000 }, { kube: exec.kube, emit: memoryReporter().emit });
    expect(report).toMatchObject({ state: 'FAILED', message: expect.stringContaining('lost the connection') });
  });
});

describe('assertDumpTarget', () => {
  it('refuses to overwrite a file or to write into a missing directory', () => {
    const directory = mkdtempSync(join(tmpdir(), 'wm-target-'));
    const existing = join(directory, 'old.sql');
    writeFileSync(existing, 'x');
    expect(() => assertDumpTarget(existing)).toThrow(UsageError);
    expect(() => assertDumpTarget(join(directory, 'nope', 'x.sql'))).toThrow(/does not exist/);
    expect(() => assertDumpTarget(join(directory, 'new.sql'))).not.toThrow();
  });
});

/** The dump as the last action of a create plan: after the backup and the resume, under the run's deadline. */
describe('the web-modeler-dump action', () => {
  const ID = 1_748_937_221;
  const installation = { ...anInstallation('8.8'), webModeler: { ...database, pod: { ...database.pod, namespace: NS } } };
  const planWith = (outputPath: string, overrides: Partial<CreatePlan['timing']> = {}): CreatePlan => {
    const plan = buildCreatePlan(installation, { backupId: ID, timeoutMs: 5_000, pollIntervalMs: 5, access: 'port-forward', cluster: {}, webModelerOutput: outputPath });
    return { ...plan, timing: { ...plan.timing, initialPollMs: 1, settleMs: 200, resume: { timeoutMs: 40, firstDelayMs: 5, maxDelayMs: 10 }, ...overrides } };
  };
  const run = (plan: CreatePlan, routes: Record<string, Route>, kube: ReturnType<typeof fakeExec>['kube']) =>
    // No pods to fail over to, no brokers to read back: the resume is judged by its answer alone.
    runCreatePlan(plan, { connect: fakeCluster(routes).connect, emit: memoryReporter().emit, signal: new AbortController().signal, kube: { ...kube, readService: async () => undefined, listPods: async () => [] } });

  it('adds the Web Modeler row to a completed backup, after exporting was resumed', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wm-with-')), 'dump.sql');
    const exec = fakeExec(async (stdout) => {
      await write(stdout, DUMP);
      return { stdout: Buffer.alloc(0), stderr: '', exitCode: 0 };
    });
    const report = await run(planWith(file), happyRoutes('8.8', ID), exec.kube);
    expect(report.state).toBe('COMPLETED');
    expect(report.parts.map((p) => p.part).at(-1)).toBe('web-modeler');
    expect(report.parts.at(-1)).toMatchObject({ state: 'COMPLETED', target: 'pod/camunda-postgresql-web-modeler-0', details: { file, bytes: DUMP.length } });
    expect(report.exporting.resumed).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(DUMP);
  });

  it('a failed dump fails the run, naming the step', async () => {
    const exec = fakeExec(async () => ({ stdout: Buffer.alloc(0), stderr: 'pg_dump: error: disk full', exitCode: 1 }));
    const file = join(mkdtempSync(join(tmpdir(), 'wm-with-')), 'dump.sql');
    const report = await run(planWith(file), happyRoutes('8.8', ID), exec.kube);
    expect(report).toMatchObject({ state: 'FAILED', error: { step: 'web-modeler-dump', message: expect.stringContaining('disk full') } });
    expect(report.exporting.resumed).toBe(true);
  });

  it('does not dump after a failed backup', async () => {
    const exec = fakeExec(async () => ({ stdout: Buffer.alloc(0), stderr: '', exitCode: 0 }));
    const file = join(mkdtempSync(join(tmpdir(), 'wm-with-')), 'dump.sql');
    const routes = happyRoutes('8.8', ID);
    routes['zeebe-0 POST /actuator/backupRuntime'] = { status: 500, body: { message: 'no backup store' } };
    const report = await run(planWith(file), routes, exec.kube);
    expect(exec.requests).toEqual([]);
    expect(report.parts.at(-1)).toMatchObject({ part: 'web-modeler', state: 'NOT_STARTED', message: 'not dumped: the backup did not complete' });
    expect(report.state).toBe('FAILED');
  });

  it('runs under the same --timeout deadline as the backup: a hanging pg_dump ends the run at the deadline', async () => {
    const exec = fakeExec(
      (_stdout, signal) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        }),
    );
    const file = join(mkdtempSync(join(tmpdir(), 'wm-with-')), 'dump.sql');
    const started = performance.now();
    const report = await run(planWith(file, { timeoutMs: 600 }), happyRoutes('8.8', ID), exec.kube);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(report).toMatchObject({ state: 'FAILED', error: { step: 'web-modeler-dump', message: expect.stringContaining('timed out after') } });
    expect(exec.requests[0]?.timeoutMs).toBeLessThanOrEqual(600);
    expect(existsSync(file)).toBe(false);
  });

  it('the dry run shows the dump after the resume, as an exec in the database pod', () => {
    const calls = describeCreatePlan(planWith('/tmp/x.sql'));
    expect(calls.slice(-2).map((call) => `${call.step} ${call.method} ${call.target}`)).toEqual([
      'resume-exporting POST pod/zeebe-0:9600',
      'web-modeler-dump EXEC pod/camunda-postgresql-web-modeler-0',
    ]);
    expect(calls.at(-1)?.order).toBeGreaterThan(calls.at(-2)!.order);
  });
});
