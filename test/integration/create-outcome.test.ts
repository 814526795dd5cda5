/**
 * A create stopped (SIGINT, --timeout, SIGKILL) while the Zeebe backup runs resumes exporting, and Zeebe then
 * finishes that backup on its own: every part says COMPLETED of a set taken outside the documented order. The run
 * record (ConfigMap camunda-backup-<release>-runs) keeps how the create ended, so status and list never call that ID
 * restorable and retention never counts it as a complete backup; create's report names what it left and the
 * delete command that reaches the same cluster. A normal create stays COMPLETE. Both access modes.
 */
import { describe, expect, it } from 'vitest';
import { readmeRole } from './helpers/readme-roles.js';
import { describeRun, runCli, type CliResult } from './helpers/run-cli.js';
import { seedBackup, SEED_DURATIONS, settle } from './helpers/lifecycle-seed.js';
import { count, isZeebeTake } from './helpers/sim-log.js';
import { until } from './helpers/until.js';
import { withWorld } from './helpers/world-run.js';
import type { World } from '../world/index.js';

const OLDER = 1_700_000_400;
const ID = 1_700_000_500;
const ACCESS = ['port-forward', 'exec'] as const;
const RECORD = 'camunda-backup-camunda-runs';
const LEASE = 'camunda-backup-camunda';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A world with one complete backup (OLDER) and Zeebe backups that take a minute unless a test finishes them. */
async function worldWithOlderBackup(world: World): Promise<void> {
  seedBackup(world, OLDER);
  await settle(world);
  world.sims.zeebe!.config.durationMs = 60_000;
}

/** Zeebe finishes the backup on its own after create stopped (what the simulator would do after its duration). */
async function zeebeFinishes(world: World, id: number): Promise<void> {
  for (const partition of world.sims.zeebe!.backups.get(id)!.partitions) partition.endMs = Date.now();
  await until(() => world.sims.zeebe!.status(id)['state'] === 'COMPLETED', { what: `Zeebe backup ${id} COMPLETED` });
}

const recordEntry = (world: World, id: number): Json | undefined => {
  const map = (world.objects.configMaps as Json[]).find((cm) => cm['metadata']['name'] === RECORD);
  const value = map?.['data']?.[`backup-${id}`];
  return value === undefined ? undefined : (JSON.parse(String(value)) as Json);
};

const cli = (world: World, access: string, ...args: string[]): Promise<CliResult> => runCli(world, [...args, '-n', world.namespace, '--access', access]);

/** status, list and retention after the Zeebe part completed on its own: never restorable, never a kept complete backup. */
async function expectNeverRestorable(world: World, access: string, outcome: string): Promise<void> {
  const status = await cli(world, access, 'status', String(ID), '-o', 'json');
  expect(status.code, describeRun(status)).toBe(4);
  const report = status.json();
  // The situation of the bug: every part says COMPLETED.
  expect(new Set(report.parts.map((p: Json) => p.state))).toEqual(new Set(['COMPLETED']));
  expect(report).toMatchObject({ verdict: 'INCOMPLETE', restorable: false, createOutcome: { state: outcome, by: expect.stringMatching(/\(create\)$/) } });
  expect(report.reasons[0]).toMatch(/create did not (complete|finish)/);

  const text = await cli(world, access, 'status', String(ID));
  expect(text.stdout).toMatch(new RegExp(`Backup ${ID} .*: INCOMPLETE \\(not restorable\\)`));
  expect(text.stdout).toMatch(/Not restorable: create did not (complete|finish)/);

  const list = await cli(world, access, 'list', '-o', 'json');
  expect(list.code, describeRun(list)).toBe(0);
  const entries = new Map<number, Json>(list.json().backups.map((b: Json) => [b.backupId, b]));
  expect(entries.get(ID)).toMatchObject({ verdict: 'INCOMPLETE', restorable: false, createOutcome: { state: outcome } });
  expect(entries.get(OLDER)).toMatchObject({ verdict: 'COMPLETE', restorable: true });
  expect(entries.get(OLDER)?.['createOutcome']).toBeUndefined();

  // --keep 1 keeps the older complete backup; before the record it kept ID and deleted OLDER.
  const retention = await cli(world, access, 'delete', '--keep', '1', '--dry-run', '-o', 'json');
  expect(retention.code, describeRun(retention)).toBe(0);
  const plan = retention.json();
  expect(plan.backups.map((b: Json) => b.backupId)).toEqual([]);
  expect(plan.kept.find((k: Json) => k.backupId === OLDER)?.reason).toMatch(/newest complete backup/);
  expect(plan.kept.find((k: Json) => k.backupId === ID)?.reason).toMatch(/its create did not complete/);
}

function expectLeftBehind(created: CliResult, world: World, access: string, zeebeState: string): void {
  const report = created.json();
  const deleteCommand = report.leftBehind?.deleteCommand as string;
  expect(deleteCommand).toMatch(new RegExp(`^kubectl camunda-backup delete ${ID} --context \\S+ -n ${world.namespace} --release ${world.release} --access ${access}$`));
  expect(report.leftBehind).toEqual({
    backupId: ID,
    parts: [
      { part: 'optimize', state: 'COMPLETED' },
      { part: 'operate', state: 'COMPLETED' },
      { part: 'tasklist', state: 'COMPLETED' },
      { part: 'zeebe-records', state: 'COMPLETED' },
      { part: 'zeebe', state: zeebeState },
    ],
    deleteCommand,
  });
  expect(created.stderr).toContain(`delete what it left (not restorable): ${deleteCommand}`);
}

describe('create that did not complete: never restorable, leftovers named', () => {
  for (const access of ACCESS) {
    it(`8.7 (${access}): SIGINT while Zeebe backs up; Zeebe then completes; status/list say INCOMPLETE, retention keeps the older complete backup`, async () => {
      await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
        await worldWithOlderBackup(world);
        const created = await runCli(world, ['create', '--backup-id', String(ID), '-n', world.namespace, '--access', access, '-o', 'json'], {
          signal: 'SIGINT',
          signalWhen: () => count(world, isZeebeTake) > 0,
        });
        expect(created.code, describeRun(created)).toBe(130);
        expect(created.json().state).toBe('INTERRUPTED');
        expectLeftBehind(created, world, access, 'INTERRUPTED');
        expect(recordEntry(world, ID)).toMatchObject({ state: 'INTERRUPTED', leftBehind: ['optimize', 'operate', 'tasklist', 'zeebe-records', 'zeebe'] });

        await zeebeFinishes(world, ID);
        await expectNeverRestorable(world, access, 'INTERRUPTED');
      });
    });

    it(`8.7 (${access}): --timeout while Zeebe backs up; the text report names the leftovers and the delete command`, async () => {
      await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
        await worldWithOlderBackup(world);
        const created = await runCli(world, ['create', '--backup-id', String(ID), '-n', world.namespace, '--access', access, '--timeout', '8s']);
        expect(created.code, describeRun(created)).toBe(4);
        expect(created.stdout).toMatch(/zeebe\s+TIMED_OUT/);
        expect(created.stdout).toMatch(new RegExp(`Left behind: optimize \\(COMPLETED\\), operate \\(COMPLETED\\), tasklist \\(COMPLETED\\), zeebe-records \\(COMPLETED\\), zeebe \\(TIMED_OUT\\): parts of backup ${ID}, which is not restorable`));
        expect(created.stdout).toMatch(new RegExp(`Delete them with: kubectl camunda-backup delete ${ID} --context \\S+ -n ${world.namespace} --release ${world.release} --access ${access}\\n`));
        expect(recordEntry(world, ID)).toMatchObject({ state: 'TIMED_OUT', reason: expect.stringMatching(/timed out/) });

        await zeebeFinishes(world, ID);
        await expectNeverRestorable(world, access, 'TIMED_OUT');

        // The offered command removes the leftovers and the record forgets the ID.
        const removed = await cli(world, access, 'delete', String(ID), '--yes', '-o', 'json');
        expect(removed.code, describeRun(removed)).toBe(0);
        expect(recordEntry(world, ID)).toBeUndefined();
      });
    });

    it(`8.7 (${access}): a normal create is COMPLETE and restorable, recorded COMPLETED`, async () => {
      await withWorld({ resources: 'demo-8.7' }, async (world) => {
        const created = await cli(world, access, 'create', '--backup-id', String(ID), '-o', 'json');
        expect(created.code, describeRun(created)).toBe(0);
        expect(created.json().leftBehind).toBeUndefined();
        expect(recordEntry(world, ID)).toMatchObject({ state: 'COMPLETED' });
        const map = (world.objects.configMaps as Json[]).find((cm) => cm['metadata']['name'] === RECORD);
        expect(map?.['metadata']['labels']).toMatchObject({ 'app.kubernetes.io/managed-by': 'kubectl-camunda-backup' });

        const status = await cli(world, access, 'status', String(ID), '-o', 'json');
        expect(status.code, describeRun(status)).toBe(0);
        expect(status.json()).toMatchObject({ verdict: 'COMPLETE', restorable: true, createOutcome: { state: 'COMPLETED' } });
      });
    });
  }

  it('8.8: SIGKILL while Zeebe backs up: IN_PROGRESS while the Lease names the run, INCOMPLETE (did not finish) once no run holds the release', async () => {
    await withWorld({ resources: 'demo-8.8', durations: SEED_DURATIONS }, async (world) => {
      await worldWithOlderBackup(world);
      const killed = await runCli(world, ['create', '--backup-id', String(ID), '-n', world.namespace], { signal: 'SIGKILL', signalWhen: () => count(world, isZeebeTake) > 0 });
      expect(killed.killedBy).toBe('SIGKILL');
      expect(recordEntry(world, ID)).toMatchObject({ state: 'RUNNING' });
      expect(world.api.leases.get(world.namespace, LEASE)?.['metadata']).toMatchObject({ annotations: { 'kubectl-camunda-backup/backup-id': String(ID) } });
      await zeebeFinishes(world, ID);

      const running = await cli(world, 'port-forward', 'status', String(ID), '-o', 'json');
      expect(running.json()).toMatchObject({ verdict: 'IN_PROGRESS', restorable: false, createOutcome: { state: 'RUNNING' } });

      // The killed run's Lease expires (or a person deletes it, as the lock's message says).
      world.api.leases.delete(world.namespace, LEASE);
      const status = await cli(world, 'port-forward', 'status', String(ID), '-o', 'json');
      expect(status.code, describeRun(status)).toBe(4);
      expect(status.json()).toMatchObject({ verdict: 'INCOMPLETE', restorable: false, createOutcome: { state: 'DID_NOT_FINISH' } });
      expect(status.json().reasons[0]).toMatch(/create did not finish: started .* it never recorded an end and no run holds the release now/);
    });
  });

  it("the README's ready Role is enough: the run is recorded without a warning, status reads it, delete forgets the ID", async () => {
    await withWorld({ resources: 'demo-8.7', role: readmeRole('camunda-backup') }, async (world) => {
      const created = await cli(world, 'port-forward', 'create', '--backup-id', String(ID), '-o', 'json');
      expect(created.code, describeRun(created)).toBe(0);
      expect(created.stderr).not.toMatch(/cannot record|could not record|cannot lock/);
      expect(recordEntry(world, ID)).toMatchObject({ state: 'COMPLETED' });
      const status = await cli(world, 'port-forward', 'status', String(ID), '-o', 'json');
      expect(status.json()).toMatchObject({ verdict: 'COMPLETE', createOutcome: { state: 'COMPLETED' }, warnings: [] });
      const removed = await cli(world, 'port-forward', 'delete', String(ID), '--yes', '-o', 'json');
      expect(removed.code, describeRun(removed)).toBe(0);
      expect(removed.json().warnings).toEqual([]);
      expect(recordEntry(world, ID)).toBeUndefined();
    });
  });

  it('RBAC forbids writing ConfigMaps: create says so once and completes; verdicts fall back to the parts', async () => {
    await withWorld({ resources: 'demo-8.7', rbacDeny: [{ verb: 'create', resource: 'configmaps' }, { verb: 'update', resource: 'configmaps' }] }, async (world) => {
      const created = await cli(world, 'port-forward', 'create', '--backup-id', String(ID), '-o', 'json');
      expect(created.code, describeRun(created)).toBe(0);
      const warnings = created.stderr.split('\n').filter((line) => line.includes('cannot record this run'));
      expect(warnings, created.stderr).toHaveLength(1);
      expect(warnings[0]).toMatch(/forbidden.*grant get, create and update on configmaps/);
      expect(recordEntry(world, ID)).toBeUndefined();
      const status = await cli(world, 'port-forward', 'status', String(ID), '-o', 'json');
      expect(status.json()).toMatchObject({ verdict: 'COMPLETE', restorable: true });
      expect(status.json().createOutcome).toBeUndefined();
    });
  });
});
