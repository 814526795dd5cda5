/** `list` end to end: every ID any part knows, newest first, each part's state and the verdict, read-only. */
import { describe, expect, it } from 'vitest';
import { itWithFixtures } from '../fixtures-available.js';
import { describeRun, runCli } from './helpers/run-cli.js';
import { mutatingCalls } from './helpers/sim-log.js';
import { seedBackup, SEED_DURATIONS, settle } from './helpers/lifecycle-seed.js';
import { fixture, withWorld } from './helpers/world-run.js';

const BASE = 1_700_000_000;

describe('list', () => {
  for (const access of ['port-forward', 'exec'] as const) {
    it(`8.7 (${access}): complete, failed and incomplete backups, newest first, with why not`, async () => {
      await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
        seedBackup(world, BASE + 1);
        seedBackup(world, BASE + 2, { failed: ['operate'] });
        seedBackup(world, BASE + 3, { without: ['zeebe-records'] });
        // Zeebe never saw this one: only the web apps and Optimize have it
        seedBackup(world, BASE + 4, { without: ['zeebe', 'zeebe-records'] });
        await settle(world);
        const result = await runCli(world, ['list', '-n', world.namespace, '--access', access, '-o', 'json']);
        expect(result.code, describeRun(result)).toBe(0);
        const report = result.json();
        expect(report).toMatchObject({ schemaVersion: 1, command: 'list', total: 4, access });
        expect(report.backups.map((b: { backupId: number; verdict: string }) => [b.backupId, b.verdict])).toEqual([
          [BASE + 4, 'INCOMPLETE'],
          [BASE + 3, 'INCOMPLETE'],
          [BASE + 2, 'FAILED'],
          [BASE + 1, 'COMPLETE'],
        ]);
        expect(report.backups[0].parts).toEqual({ optimize: 'COMPLETED', operate: 'COMPLETED', tasklist: 'COMPLETED', 'zeebe-records': 'NOT_FOUND', zeebe: 'NOT_FOUND' });
        expect(report.backups[1].reasons).toEqual(['zeebe-records: missing (the component has no backup with this ID)']);
        expect(report.backups[2].reasons[0]).toMatch(/^operate: FAILED: There were failures with the following snapshots/);
        expect(report.backups[3]).toMatchObject({ restorable: true, time: new Date((BASE + 1) * 1000).toISOString() });
        expect(report.parts.map((p: { part: string; state: string; count: number }) => [p.part, p.state, p.count])).toEqual([
          ['optimize', 'LISTED', 4],
          ['operate', 'LISTED', 4],
          ['tasklist', 'LISTED', 4],
          ['zeebe-records', 'LISTED', 2],
          ['zeebe', 'LISTED', 3],
        ]);
        // the ES listing goes for the zeebe-record snapshots only
        expect(world.log.some((e) => e.method === 'GET' && e.path === '/_snapshot/camunda-backup/camunda_zeebe_records_backup_*')).toBe(true);
        expect(mutatingCalls(world)).toEqual([]);
      });
    });
  }

  itWithFixtures('8.9: --limit and the text table', async () => {
    await withWorld({ fixture: fixture('8.9', 'backup-configured'), durations: SEED_DURATIONS }, async (world) => {
      for (let i = 1; i <= 3; i++) seedBackup(world, BASE + i);
      await settle(world);
      const result = await runCli(world, ['list', '-n', world.namespace, '--limit', '2']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(result.stdout).toMatch(/^3 backup\(s\) of release camunda in namespace camunda, newest 2 shown \(--limit\)$/m);
      expect(result.stdout).toMatch(/BACKUP ID\s+AGE\s+OPTIMIZE\s+WEBAPPS\s+ZEEBE-RECORDS\s+ZEEBE\s+RESTORABLE/);
      expect(result.stdout).toMatch(new RegExp(`^${BASE + 3}\\s.*COMPLETED\\s+yes`, 'm'));
      expect(result.stdout).toMatch(new RegExp(`^${BASE + 2}\\s`, 'm'));
      expect(result.stdout).not.toMatch(new RegExp(`^${BASE + 1}\\s`, 'm'));
    });
  });

  it('a part that cannot list shows ERROR in its column; the rest is listed; exit 3', async () => {
    await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
      seedBackup(world, BASE + 1);
      await settle(world);
      world.faults.http.push({ component: 'optimize', path: '/actuator/backups', status: 502, message: 'Elasticsearch is not reachable' });
      const result = await runCli(world, ['list', '-n', world.namespace, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(3);
      const report = result.json();
      expect(report.parts[0]).toMatchObject({ part: 'optimize', state: 'ERROR', message: expect.stringContaining('Elasticsearch is not reachable') });
      expect(report.backups[0]).toMatchObject({ backupId: BASE + 1, verdict: 'UNKNOWN', parts: { optimize: 'ERROR', zeebe: 'COMPLETED' } });
      expect(result.stderr).toMatch(/error: the backups of optimize .* could not be listed/);
    });
  });

  it('an installation without backups says so', async () => {
    await withWorld({ resources: 'demo-8.7' }, async (world) => {
      const result = await runCli(world, ['list', '-n', world.namespace]);
      expect(result.code, describeRun(result)).toBe(0);
      expect(result.stdout).toContain('No backups found.');
    });
  });
});

describe('8.9 with RDBMS secondary storage', () => {
  itWithFixtures('lists the continuous Zeebe backups (cluster-generated millisecond IDs) and judges them on their own', async () => {
    await withWorld({ fixture: fixture('8.9', 'rdbms-backup-continuous'), durations: SEED_DURATIONS }, async (world) => {
      const first = world.sims.zeebe!.take(undefined);
      const second = world.sims.zeebe!.take(undefined);
      await settle(world);
      const result = await runCli(world, ['list', '-n', world.namespace, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(0);
      const report = result.json();
      expect(report.backups.map((b: { backupId: number; verdict: string }) => [b.backupId, b.verdict])).toEqual([
        [second, 'COMPLETE'],
        [first, 'COMPLETE'],
      ]);
      expect(report.backups[0].time).toBe(new Date(second).toISOString());
      expect(report.parts.filter((p: { state: string }) => p.state === 'SKIPPED').map((p: { part: string }) => p.part)).toEqual(['optimize', 'webapps', 'zeebe-records']);
      expect(report.warnings.join(' ')).toMatch(/backed up independently/);

      const status = await runCli(world, ['status', String(second), '-n', world.namespace]);
      expect(status.code, describeRun(status)).toBe(0);
      expect(status.stdout).toMatch(/COMPLETE \(restorable\)/);
    });
  });
});
