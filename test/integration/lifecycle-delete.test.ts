/**
 * `delete` end to end: by ID in every part (the zeebe-record snapshot through the ES API), retention by --keep
 * and --older-than, dry runs, partial failures, and bad input refused before any change.
 */
import { describe, expect, it } from 'vitest';
import type { World } from '../world/index.js';
import { describeRun, runCli } from './helpers/run-cli.js';
import { dumpLog, mutatingCalls } from './helpers/sim-log.js';
import { seedBackup, SEED_DURATIONS, settle } from './helpers/lifecycle-seed.js';
import { withWorld } from './helpers/world-run.js';

const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);

/** IDs each part still holds. */
function remaining(world: World): Record<string, number[]> {
  const ids = (names: string[], pattern: RegExp): number[] =>
    [...new Set(names.map((n) => Number(pattern.exec(n)?.[1])).filter((n) => Number.isFinite(n)))].sort();
  const snapshots = world.sims.search!.listSnapshots('camunda-backup').map((s) => s.name);
  return {
    operate: ids(snapshots, /^camunda_operate_(\d+)_/),
    tasklist: ids(snapshots, /^camunda_tasklist_(\d+)_/),
    optimize: ids(snapshots, /^camunda_optimize_(\d+)_/),
    'zeebe-records': ids(snapshots, /^camunda_zeebe_records_backup_(\d+)$/),
    zeebe: [...world.sims.zeebe!.backups.values()].filter((b) => !b.deleted).map((b) => b.id).sort(),
  };
}

describe('delete by ID', () => {
  for (const access of ['port-forward', 'exec'] as const) {
    it(`8.7 (${access}): deletes the backup in every part and only that one`, async () => {
      await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
        const [keep, drop] = [NOW - 2 * DAY, NOW - DAY];
        seedBackup(world, keep);
        seedBackup(world, drop);
        await settle(world);
        const result = await runCli(world, ['delete', String(drop), '-n', world.namespace, '--access', access, '--yes', '-o', 'json']);
        expect(result.code, describeRun(result)).toBe(0);
        const report = result.json();
        expect(report).toMatchObject({ command: 'delete', state: 'COMPLETED', dryRun: false, selection: { ids: [drop] } });
        expect(report.backups[0].parts.map((p: { part: string; state: string }) => `${p.part}:${p.state}`)).toEqual([
          'optimize:DELETED',
          'operate:DELETED',
          'tasklist:DELETED',
          'zeebe-records:DELETED',
          'zeebe:DELETED',
        ]);
        expect(remaining(world)).toEqual({ operate: [keep], tasklist: [keep], optimize: [keep], 'zeebe-records': [keep], zeebe: [keep] });
        const deletes = mutatingCalls(world);
        expect(deletes.every((line) => line.includes(' DELETE ')), dumpLog(world)).toBe(true);
        expect(deletes.some((line) => line.includes(`DELETE /_snapshot/camunda-backup/camunda_zeebe_records_backup_${drop}`))).toBe(true);
      });
    });
  }

  it('8.8: the web apps through backupHistory, Zeebe through backupRuntime', async () => {
    await withWorld({ resources: 'demo-8.8', durations: SEED_DURATIONS }, async (world) => {
      const id = NOW - DAY;
      seedBackup(world, id);
      await settle(world);
      const result = await runCli(world, ['delete', String(id), '-n', world.namespace, '-y']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(result.stdout).toMatch(/Deleted 1 backup\(s\)\./);
      const deletes = mutatingCalls(world);
      expect(deletes.some((l) => l.startsWith('orchestration') && l.includes(`DELETE /actuator/backupHistory/${id}`))).toBe(true);
      expect(deletes.some((l) => l.startsWith('orchestration') && l.includes(`DELETE /actuator/backupRuntime/${id}`))).toBe(true);
      expect(deletes.some((l) => l.startsWith('optimize') && l.includes(`DELETE /actuator/backups/${id}`))).toBe(true);
    });
  });

  it('one part failing to delete is reported for that part; the others are deleted; exit 4', async () => {
    await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
      const id = NOW - DAY;
      seedBackup(world, id);
      await settle(world);
      world.faults.http.push({ component: 'tasklist', method: 'DELETE', status: 500, message: 'Elasticsearch exception: snapshot deletion in progress' });
      const result = await runCli(world, ['delete', String(id), '-n', world.namespace, '--yes', '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(4);
      const parts = result.json().backups[0].parts;
      expect(parts.find((p: { part: string }) => p.part === 'tasklist')).toMatchObject({ state: 'FAILED', message: expect.stringContaining('snapshot deletion in progress') });
      expect(parts.filter((p: { state: string }) => p.state === 'DELETED')).toHaveLength(4);
      expect(remaining(world).tasklist).toEqual([id]);
      expect(remaining(world).zeebe).toEqual([]);
      expect(result.stderr).toMatch(/error: deletion failed for 1 part\(s\): \d+\/tasklist/);
    });
  });
});

describe('delete: bad input changes nothing', () => {
  it('an unknown ID: exit 2, no mutating call', async () => {
    await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
      seedBackup(world, NOW - DAY);
      await settle(world);
      const result = await runCli(world, ['delete', String(NOW - 5), '-n', world.namespace, '--yes']);
      expect(result.code, describeRun(result)).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^error: no component knows backup ID ${NOW - 5}; nothing was deleted`, 'm'));
      expect(mutatingCalls(world)).toEqual([]);
    });
  });

  it('a non-numeric ID and --keep 0: exit 2 before any cluster call', async () => {
    await withWorld({ resources: 'demo-8.7' }, async (world) => {
      for (const args of [['delete', '17x'], ['delete', '--keep', '0'], ['delete', '--keep', '-1'], ['delete']]) {
        const result = await runCli(world, [...args, '-n', world.namespace, '--yes']);
        expect(result.code, describeRun(result)).toBe(2);
        expect(result.stderr.split('\n')[0]).toMatch(/^error: /);
      }
      expect(world.api.requests).toEqual([]);
      expect(world.log).toEqual([]);
    });
  });

  it('without a terminal and without --yes: exit 2 before any cluster call', async () => {
    await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
      seedBackup(world, NOW - DAY);
      await settle(world);
      const result = await runCli(world, ['delete', String(NOW - DAY), '-n', world.namespace]);
      expect(result.code, describeRun(result)).toBe(2);
      expect(result.stderr).toMatch(/error: delete needs confirmation, but there is no terminal to ask; nothing was deleted\nhint: pass --yes/);
      expect(world.api.requests).toEqual([]);
      expect(mutatingCalls(world)).toEqual([]);
    });
  });
});

describe('delete by retention', () => {
  it('--keep 2 deletes everything older than the 2nd newest complete backup; a newer failed one stays', async () => {
    await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
      const ids = [NOW - 5 * DAY, NOW - 4 * DAY, NOW - 3 * DAY, NOW - 2 * DAY, NOW - DAY];
      seedBackup(world, ids[0]!);
      seedBackup(world, ids[1]!, { failed: ['zeebe'] });
      seedBackup(world, ids[2]!);
      seedBackup(world, ids[3]!);
      seedBackup(world, ids[4]!, { failed: ['optimize'] });
      await settle(world);

      const dry = await runCli(world, ['delete', '--keep', '2', '-n', world.namespace, '--dry-run', '-o', 'json']);
      expect(dry.code, describeRun(dry)).toBe(0);
      const plan = dry.json();
      expect(plan).toMatchObject({ state: 'PLANNED', dryRun: true, selection: { keep: 2 } });
      expect(plan.backups.map((b: { backupId: number }) => b.backupId)).toEqual([ids[1], ids[0]]);
      expect(plan.kept.map((k: { backupId: number; reason: string }) => k.backupId)).toEqual([ids[4], ids[3], ids[2]]);
      expect(plan.kept[0].reason).toMatch(/newer than the 2nd newest complete backup/);
      expect(mutatingCalls(world)).toEqual([]);

      const result = await runCli(world, ['delete', '--keep', '2', '-n', world.namespace, '--yes']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(remaining(world).zeebe).toEqual([ids[2], ids[3], ids[4]]);
      expect(remaining(world).operate).toEqual([ids[2], ids[3], ids[4]]);
    });
  });

  it('--older-than 30d never deletes the newest complete backup, even when it is old', async () => {
    await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
      const [oldest, newestComplete, recentFailed] = [NOW - 60 * DAY, NOW - 40 * DAY, NOW - DAY];
      seedBackup(world, oldest);
      seedBackup(world, newestComplete);
      seedBackup(world, recentFailed, { failed: ['zeebe'] });
      await settle(world);
      const result = await runCli(world, ['delete', '--older-than', '30d', '-n', world.namespace, '--yes', '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(0);
      const report = result.json();
      expect(report.backups.map((b: { backupId: number }) => b.backupId)).toEqual([oldest]);
      expect(report.kept.find((k: { backupId: number }) => k.backupId === newestComplete).reason).toMatch(/newest complete backup/);
      expect(remaining(world).zeebe).toEqual([newestComplete, recentFailed]);
    });
  });

  it('nothing to delete is a success that says so', async () => {
    await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
      seedBackup(world, NOW - DAY);
      await settle(world);
      const result = await runCli(world, ['delete', '--keep', '3', '-n', world.namespace, '--yes']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(result.stdout).toContain('Nothing to delete.');
      expect(result.stdout).toMatch(/only 1 complete backup\(s\) exist, fewer than --keep 3/);
      expect(mutatingCalls(world)).toEqual([]);
    });
  });
});
