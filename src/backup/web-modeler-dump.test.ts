import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { memoryReporter } from '../../test/unit/create-test-kit.js';
import type { WebModelerDatabase } from '../camunda/installation.js';
import type { ExecRequest, ExecResult } from '../kube/kube-client.js';
import { UsageError } from '../errors.js';
import { assertDumpTarget, pgDumpCommand, runWebModelerDump, withWebModelerDump } from './web-modeler-dump.js';

const database: WebModelerDatabase = {
  pod: { namespace: 'camunda', pod: 'camunda-postgresql-web-modeler-0', container: 'postgresql', port: 5432 },
  database: 'web-modeler',
  username: "web'modeler",
  passwordSecret: { name: 'camunda-postgresql-web-modeler', key: 'password' },
};

const DUMP = '-- PostgreSQL database dump\nCOPY public.file FROM stdin;\n\\.\n--\n-- PostgreSQL database dump complete\n--\n';

function fakeExec(behaviour: (stdout: Writable) => Promise<ExecResult>) {
  const requests: ExecRequest[] = [];
  return {
    requests,
    kube: {
      async execInPod(request: ExecRequest): Promise<ExecResult> {
        requests.push(request);
        return behaviour(request.stdout!);
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

describe('withWebModelerDump', () => {
  const completed = {
    schemaVersion: 1 as const,
    command: 'create' as const,
    backupId: 1,
    release: 'camunda',
    namespace: 'camunda',
    camundaVersion: '8.9.16',
    chartVersion: '14.8.4',
    access: 'exec' as const,
    state: 'COMPLETED' as const,
    startedAt: '2026-11-27T06:00:00.000Z',
    durationMs: 1000,
    parts: [{ part: 'zeebe' as const, state: 'COMPLETED' as const }],
    exporting: { paused: true, resumed: true, pausedMs: 10 },
    warnings: [],
  };

  it('adds the Web Modeler row to a completed backup', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wm-with-')), 'dump.sql');
    const exec = fakeExec(async (stdout) => {
      await write(stdout, DUMP);
      return { stdout: Buffer.alloc(0), stderr: '', exitCode: 0 };
    });
    const report = await withWebModelerDump(completed, database, { outputPath: file, timeoutMs: 1000 }, { kube: exec.kube, emit: memoryReporter().emit });
    expect(report.state).toBe('COMPLETED');
    expect(report.parts.map((p) => `${p.part}:${p.state}`)).toEqual(['zeebe:COMPLETED', 'web-modeler:COMPLETED']);
  });

  it('a failed dump fails the run, naming the step', async () => {
    const exec = fakeExec(async () => ({ stdout: Buffer.alloc(0), stderr: 'pg_dump: error: disk full', exitCode: 1 }));
    const file = join(mkdtempSync(join(tmpdir(), 'wm-with-')), 'dump.sql');
    const report = await withWebModelerDump(completed, database, { outputPath: file, timeoutMs: 1000 }, { kube: exec.kube, emit: memoryReporter().emit });
    expect(report).toMatchObject({ state: 'FAILED', error: { step: 'web-modeler-dump', message: expect.stringContaining('disk full') } });
  });

  it('does not dump after a failed backup', async () => {
    const exec = fakeExec(async () => ({ stdout: Buffer.alloc(0), stderr: '', exitCode: 0 }));
    const report = await withWebModelerDump({ ...completed, state: 'FAILED' }, database, { outputPath: '/nonexistent/x.sql', timeoutMs: 1000 }, { kube: exec.kube, emit: memoryReporter().emit });
    expect(exec.requests).toEqual([]);
    expect(report.parts.at(-1)).toMatchObject({ part: 'web-modeler', state: 'NOT_STARTED' });
    expect(report.state).toBe('FAILED');
  });
});
