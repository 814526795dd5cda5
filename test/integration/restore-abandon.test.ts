/**
 * An unfinished restore end to end, in both access modes: the built CLI against the test world. A restore of a backup
 * that turns out bad fails after the volumes are gone; then create, delete (by ID and by retention) and resume refuse
 * with exit 3 and change nothing, naming the restore and both ways on; check fails an item; a restore of another ID
 * refuses naming --abandon; `restore --abandon` needs confirmation, then takes restore mode off, starts everything at
 * the recorded replicas, says what the data is and closes the journal; the other ID is then restored.
 */
import { describe, expect } from 'vitest';
import type { World } from '../world/index.js';
import { seedBackup, settle, SEED_DURATIONS } from './helpers/lifecycle-seed.js';
import { describeRun, runCli, STACK_FRAME, type CliResult } from './helpers/run-cli.js';
import { changesSince, dumpLog, markOf } from './helpers/sim-log.js';
import { configuredCluster, itOnLine, withWorld } from './helpers/world-run.js';

const TIMING = { startMs: 10, readyMs: 30, terminateMs: 30, backoffMs: 400, maxBackoffMs: 400 };
const BAD = 12;
const GOOD = 13;
const FAST_FLAGS = ['--poll-interval', '500ms', '--wait-timeout', '20s'];

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** spec.replicas of every workload of the release. */
function replicas(world: World): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kind, list] of [['statefulset', world.objects.statefulSets], ['deployment', world.objects.deployments]] as const) {
    for (const raw of (list ?? []).map(asRecord)) out[`${kind}/${String(asRecord(raw['metadata'])['name'])}`] = Number(asRecord(raw['spec'])['replicas'] ?? 1);
  }
  return out;
}

/** The restore env left on the brokers' container. */
function restoreEnv(world: World): string[] {
  const sts = (world.objects.statefulSets ?? []).map(asRecord).find((s) => asRecord(s['metadata'])['name'] === 'camunda-zeebe');
  const spec = asRecord(asRecord(asRecord(sts?.['spec'])['template'])['spec']);
  const container = asArray(spec['containers']).map(asRecord).find((c) => c['name'] === 'orchestration' || c['name'] === 'zeebe');
  return asArray(container?.['env']).map((e) => String(asRecord(e)['name'])).filter((name) => name.startsWith('ZEEBE_RESTORE') || name === 'SPRING_PROFILES_ACTIVE');
}


/** Runs the CLI and asserts the refusal: exit 3, no stack trace, not one change. */
async function refused(world: World, args: readonly string[]): Promise<CliResult> {
  const mark = markOf(world);
  const result = await runCli(world, [...args, '-n', world.namespace]);
  expect(result.code, describeRun(result)).toBe(3);
  expect(result.stderr).not.toMatch(STACK_FRAME);
  expect(changesSince(world, mark), dumpLog(world)).toEqual([]);
  return result;
}

describe.each(['port-forward', 'exec'] as const)('an unfinished restore, through %s', (access) => {
  itOnLine('8.8')('nothing else changes the release; --abandon starts it again on the data as it is; then another ID restores', async () => {
    await withWorld({ ...configuredCluster('8.8'), durations: { ...SEED_DURATIONS, restore: 60 }, workloadTiming: TIMING }, async (world) => {
      seedBackup(world, BAD);
      seedBackup(world, GOOD);
      await settle(world);
      const before = replicas(world);
      // The Zeebe backup of BAD disappears once the volumes are being deleted: the restore application cannot find it.
      const trap = setInterval(() => {
        if (world.api.requests.some((r) => r.method === 'DELETE' && r.path.includes('/persistentvolumeclaims/'))) {
          world.sims.zeebe?.delete(BAD);
          clearInterval(trap);
        }
      }, 2);
      let failed: CliResult;
      try {
        failed = await runCli(world, ['restore', String(BAD), '-n', world.namespace, '--access', access, '--yes', ...FAST_FLAGS]);
      } finally {
        clearInterval(trap);
      }
      expect(failed.code, describeRun(failed)).toBe(4);
      expect(replicas(world)['statefulset/camunda-zeebe']).toBe(0);

      // Every changing command refuses, naming the restore (ID, phase, since when) and both ways on, for this cluster.
      const flags = ['--access', access];
      const unfinished = new RegExp(`refused: a restore of backup ${BAD} into release camunda is unfinished \\(FAILED in phase restore-zeebe since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\); nothing was changed`);
      const waysOn = new RegExp(
        `hint: continue it with: kubectl camunda-backup restore ${BAD} --context \\S+ -n ${world.namespace} --release camunda --access ${access} --yes; ` +
          `or, if it cannot be finished, abandon it with: kubectl camunda-backup restore --abandon --context \\S+ -n ${world.namespace} --release camunda --access ${access}`,
      );
      for (const args of [['create', ...flags], ['delete', String(GOOD), '--yes', ...flags], ['delete', '--keep', '1', '--yes', ...flags], ['resume', ...flags]]) {
        const result = await refused(world, args);
        expect(result.stderr, args.join(' ')).toMatch(new RegExp(`error: ${args[0] ?? ''} ${unfinished.source}`));
        expect(result.stderr, args.join(' ')).toMatch(waysOn);
      }
      expect(world.sims.zeebe?.isPaused() ?? false).toBe(false);

      const check = await runCli(world, ['check', '-n', world.namespace, ...flags, '-o', 'json']);
      expect(check.code, describeRun(check)).toBe(3);
      const item = asArray(check.json()['checks']).map(asRecord).find((c) => c['id'] === 'restore');
      expect(item).toMatchObject({ status: 'FAIL', title: 'No restore unfinished' });
      expect(String(item?.['fix'])).toMatch(/abandon it with: kubectl camunda-backup restore --abandon/);

      // status and list are reads: the restore stopped what they read, and they say so, with the ways on.
      for (const args of [['list', ...flags], ['status', String(GOOD), ...flags]]) {
        const result = await refused(world, args);
        expect(result.stderr, args.join(' ')).toMatch(new RegExp(`error: ${args[0] ?? ''}: a restore of backup ${BAD} into release camunda is unfinished \\(FAILED in phase restore-zeebe since \\S+\\) and keeps the applications stopped`));
        expect(result.stderr, args.join(' ')).toMatch(waysOn);
      }
      // Another ID refuses too, and names the way out.
      const other = await refused(world, ['restore', String(GOOD), ...flags, '--yes']);
      expect(other.stderr).toMatch(new RegExp(`error: restore of backup ${GOOD} ${unfinished.source}`));
      expect(other.stderr).toMatch(/abandon it with: kubectl camunda-backup restore --abandon /);

      // No terminal and no --yes: exit 2 before any cluster call.
      const unconfirmed = await runCli(world, ['restore', '--abandon', '-n', world.namespace, ...flags]);
      expect(unconfirmed.code, describeRun(unconfirmed)).toBe(2);

      const abandoned = await runCli(world, ['restore', '--abandon', '-n', world.namespace, ...flags, '--yes', ...FAST_FLAGS]);
      expect(abandoned.code, describeRun(abandoned)).toBe(0);
      expect(abandoned.stderr).not.toMatch(STACK_FRAME);
      expect(abandoned.stdout).toMatch(new RegExp(`^Restore of backup ${BAD} into release camunda: ABANDONED`));
      expect(abandoned.stdout).toMatch(/Elasticsearch\/OpenSearch in \S+: \d+ of \d+ Camunda indices DELETED/);
      expect(abandoned.stdout).toMatch(new RegExp(`snapshots of backup ${BAD} restored: (\\d+) of \\1`));
      expect(abandoned.stdout).toMatch(/Zeebe: its 3 data volume\(s\) were DELETED and the broker restore did not finish: the brokers start with EMPTY data/);
      expect(abandoned.stdout).toMatch(/statefulset\/camunda-zeebe: 0 → 3 replica\(s\), ready/);
      expect(abandoned.stdout).toMatch(new RegExp(`Another backup ID can now be restored: kubectl camunda-backup restore <backupId> --context \\S+ -n ${world.namespace} --release camunda --access ${access} --yes`));
      expect(replicas(world)).toEqual(before);
      expect(restoreEnv(world)).toEqual([]);
      const status = await runCli(world, ['restore', '--status', '-n', world.namespace, '-o', 'json']);
      expect(status.json()).toMatchObject({ state: 'ABANDONED', backupId: BAD });
      expect(status.json()).not.toHaveProperty('continueCommand');

      // Nothing is unfinished any more: abandoning again is refused, and the good ID restores.
      const again = await refused(world, ['restore', '--abandon', ...flags, '--yes']);
      expect(again.stderr).toMatch(/the last restore of release camunda is ABANDONED: there is no unfinished restore to abandon/);
      const restored = await runCli(world, ['restore', String(GOOD), '-n', world.namespace, ...flags, '--yes', '-o', 'json', ...FAST_FLAGS]);
      expect(restored.code, describeRun(restored)).toBe(0);
      expect(restored.json()).toMatchObject({ state: 'COMPLETED', backupId: GOOD });
      expect(replicas(world)).toEqual(before);
      expect(restoreEnv(world)).toEqual([]);
      expect(world.workloads.volumeData(world.namespace, 'data-camunda-zeebe-0')).toMatchObject({ restoredFrom: [GOOD] });
    });
  }, 120_000);
});
