/** `create` with Web Modeler: after the backup, pg_dump in the database pod is streamed into a local file. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithFixtures } from '../fixtures-available.js';
import { pgDumpText } from '../world/sim/pg-dump.js';
import { describeRun, partOf, runCli } from './helpers/run-cli.js';
import { isResume, mutatingCalls } from './helpers/sim-log.js';
import { fixture, withWorld } from './helpers/world-run.js';

const ID = 1_700_000_700;
const WORLD = { fixture: fixture('8.9', 'web-modeler'), repositories: { webapps: 'camunda-backup' }, zeebe: { store: 'S3' as const } };
const ARGS = ['--backup-id', String(ID), '--snapshot-repository', 'camunda-backup'];

describeWithFixtures('create with Web Modeler', () => {
  for (const access of ['port-forward', 'exec'] as const) {
    it(`8.9 (${access}): the dump follows the backup, lands in --web-modeler-output and is in the report`, async () => {
      await withWorld(WORLD, async (world) => {
        const file = join(mkdtempSync(join(tmpdir(), 'wm-create-')), 'modeler.sql');
        const result = await runCli(world, ['create', '-n', world.namespace, '--access', access, ...ARGS, '--web-modeler-output', file, '-o', 'json']);
        expect(result.code, describeRun(result)).toBe(0);
        const report = result.json();
        expect(report.state).toBe('COMPLETED');
        expect(report.parts.at(-1)).toMatchObject({ part: 'web-modeler', state: 'COMPLETED', target: 'pod/camunda-postgresql-web-modeler-0', details: { file, database: 'web-modeler' } });
        expect(readFileSync(file, 'utf8')).toBe(pgDumpText('web-modeler', world.sims.pgDump.rows));
        // the dump runs after exporting was resumed: it never stretches the paused window
        const dumpExec = world.api.requests.find((r) => r.kind === 'exec' && r.pod === 'camunda-postgresql-web-modeler-0');
        const resumeAt = world.log.filter(isResume).at(-1)?.at ?? Infinity;
        expect(dumpExec?.at).toBeGreaterThanOrEqual(resumeAt);
      });
    });
  }

  it('the text summary has the Web Modeler row (with its pod, -o wide)', async () => {
    await withWorld(WORLD, async (world) => {
      const file = join(mkdtempSync(join(tmpdir(), 'wm-text-')), 'dump.sql');
      const result = await runCli(world, ['create', '-n', world.namespace, ...ARGS, '--web-modeler-output', file, '-o', 'wide']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(result.stdout).toMatch(/^web-modeler\s+COMPLETED\s+pod\/camunda-postgresql-web-modeler-0/m);
      expect(result.stderr).toMatch(/bytes written to /);
    });
  });

  it('an existing output file is bad input: exit 2 before any change', async () => {
    await withWorld(WORLD, async (world) => {
      const file = join(mkdtempSync(join(tmpdir(), 'wm-exists-')), 'dump.sql');
      writeFileSync(file, 'old dump');
      const result = await runCli(world, ['create', '-n', world.namespace, ...ARGS, '--web-modeler-output', file]);
      expect(result.code, describeRun(result)).toBe(2);
      expect(result.stderr).toMatch(/^error: --web-modeler-output: .* already exists/m);
      expect(mutatingCalls(world)).toEqual([]);
      expect(readFileSync(file, 'utf8')).toBe('old dump');
    });
  });

  it('a failing pg_dump fails the run (exit 4) after the backup completed; exporting stays resumed', async () => {
    await withWorld({ ...WORLD, pgDump: { failWith: 'connection to server failed: FATAL:  password authentication failed for user "web-modeler"' } }, async (world) => {
      const file = join(mkdtempSync(join(tmpdir(), 'wm-fail-')), 'dump.sql');
      const result = await runCli(world, ['create', '-n', world.namespace, ...ARGS, '--web-modeler-output', file, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(4);
      const report = result.json();
      expect(report).toMatchObject({ state: 'FAILED', error: { step: 'web-modeler-dump' } });
      expect(partOf(report, 'zeebe')?.state).toBe('COMPLETED');
      expect(report.parts.at(-1)).toMatchObject({ part: 'web-modeler', state: 'FAILED', message: expect.stringContaining('password authentication failed') });
      expect(existsSync(file)).toBe(false);
      expect(world.sims.zeebe!.isPaused()).toBe(false);
    });
  });

  it('--dry-run lists the dump as a planned part and runs nothing', async () => {
    await withWorld(WORLD, async (world) => {
      const result = await runCli(world, ['create', '-n', world.namespace, ...ARGS, '--dry-run', '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(result.json().parts.at(-1)).toMatchObject({ part: 'web-modeler', state: 'PLANNED', message: expect.stringContaining(`web-modeler-${ID}.sql`) });
      expect(world.api.requests.filter((r) => r.kind === 'exec')).toEqual([]);
    });
  });
});
