/**
 * `status <backupId>` end to end: the built CLI against the simulated cluster, in both access modes, on the
 * separate web apps of 8.7 and the orchestration layout of 8.8. The verdict decides the exit code; status never
 * changes anything.
 */
import { describe, expect, it } from 'vitest';
import { itWithFixtures } from '../fixtures-available.js';
import { describeRun, runCli } from './helpers/run-cli.js';
import { mutatingCalls } from './helpers/sim-log.js';
import { seedBackup, SEED_DURATIONS, settle } from './helpers/lifecycle-seed.js';
import { fixture, withWorld } from './helpers/world-run.js';

const ID = 1_700_000_100;
type PartRow = { part: string; state: string; message?: string };
const statesOf = (report: { parts: PartRow[] }): Record<string, string> => Object.fromEntries(report.parts.map((p) => [p.part, p.state]));

describe('status', () => {
  for (const access of ['port-forward', 'exec'] as const) {
    it(`8.7 (${access}): a complete backup is COMPLETE in every part, exit 0`, async () => {
      await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
        seedBackup(world, ID);
        await settle(world);
        const result = await runCli(world, ['status', String(ID), '-n', world.namespace, '--access', access, '-o', 'json']);
        expect(result.code, describeRun(result)).toBe(0);
        const report = result.json();
        expect(report).toMatchObject({ schemaVersion: 1, command: 'status', backupId: ID, verdict: 'COMPLETE', restorable: true, reasons: [], access });
        expect(statesOf(report)).toEqual({ optimize: 'COMPLETED', operate: 'COMPLETED', tasklist: 'COMPLETED', 'zeebe-records': 'COMPLETED', zeebe: 'COMPLETED' });
        expect(mutatingCalls(world)).toEqual([]);
      });
    });

    it(`8.8 (${access}): the orchestration pod answers for the web apps and Zeebe; a missing Optimize part is INCOMPLETE, exit 4`, async () => {
      await withWorld({ resources: 'demo-8.8', durations: SEED_DURATIONS }, async (world) => {
        seedBackup(world, ID, { without: ['optimize'] });
        await settle(world);
        const result = await runCli(world, ['status', String(ID), '-n', world.namespace, '--access', access]);
        expect(result.code, describeRun(result)).toBe(4);
        expect(result.stdout).toMatch(new RegExp(`Backup ${ID} .*: INCOMPLETE \\(not restorable\\)`));
        expect(result.stdout).toMatch(/webapps\s+COMPLETED/);
        expect(result.stdout).toMatch(/optimize\s+NOT_FOUND/);
        expect(result.stdout).toContain('Not restorable: optimize: missing');
        expect(result.stderr).toMatch(/error: backup 1700000100 is INCOMPLETE/);
        expect(world.log.some((e) => e.component === 'orchestration' && e.path === `/actuator/backupHistory/${ID}`)).toBe(true);
        expect(world.log.some((e) => e.component === 'orchestration' && e.path === `/actuator/backupRuntime/${ID}`)).toBe(true);
        expect(mutatingCalls(world)).toEqual([]);
      });
    });
  }

  it('a failed Zeebe part makes the backup FAILED with Zeebe\'s own reason, exit 4', async () => {
    await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
      seedBackup(world, ID, { failed: ['zeebe'] });
      await settle(world);
      const result = await runCli(world, ['status', String(ID), '-n', world.namespace, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(4);
      const report = result.json();
      expect(report.verdict).toBe('FAILED');
      expect(report.parts.find((p: PartRow) => p.part === 'zeebe')).toMatchObject({ state: 'FAILED', message: expect.stringContaining('simulated zeebe failure') });
    });
  });

  itWithFixtures('an unknown ID is NOT_FOUND in every part (also where Operate answers 400 and Tasklist 500), exit 4', async () => {
    await withWorld({ fixture: fixture('8.6', 'backup-configured'), durations: SEED_DURATIONS }, async (world) => {
      const result = await runCli(world, ['status', '1700000999', '-n', world.namespace, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(4);
      const report = result.json();
      expect(report.verdict).toBe('NOT_FOUND');
      expect(new Set(Object.values(statesOf(report)))).toEqual(new Set(['NOT_FOUND']));
      expect(world.log.some((e) => e.component === 'operate' && e.status === 400)).toBe(true);
      expect(world.log.some((e) => e.component === 'tasklist' && e.status === 500)).toBe(true);
      expect(mutatingCalls(world)).toEqual([]);
    });
  });

  it('a non-numeric ID is exit 2 before any cluster call', async () => {
    await withWorld({ resources: 'demo-8.7' }, async (world) => {
      const result = await runCli(world, ['status', 'latest', '-n', world.namespace]);
      expect(result.code, describeRun(result)).toBe(2);
      expect(result.stderr).toMatch(/^error: invalid backup ID "latest": expected a positive integer/m);
      expect(result.stdout).toBe('');
      expect(world.api.requests).toEqual([]);
      expect(world.log).toEqual([]);
    });
  });

  it('one component answering 500 is reported as ERROR for that part only; exit 3', async () => {
    await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
      seedBackup(world, ID);
      await settle(world);
      world.faults.http.push({ component: 'tasklist', path: '/actuator/backups', status: 500, message: 'Elasticsearch exception [type=search_phase_execution_exception]' });
      const result = await runCli(world, ['status', String(ID), '-n', world.namespace, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(3);
      const report = result.json();
      expect(report.verdict).toBe('UNKNOWN');
      expect(report.parts.find((p: PartRow) => p.part === 'tasklist')).toMatchObject({ state: 'ERROR', message: expect.stringContaining('search_phase_execution_exception') });
      expect(Object.values(statesOf(report)).filter((s) => s === 'COMPLETED')).toHaveLength(4);
      expect(result.stderr).toMatch(/error: the state of backup 1700000100 could not be read in every part: tasklist/);
    });
  });
});
