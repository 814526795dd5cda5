/**
 * `status <backupId>` end to end: the built CLI against the simulated cluster, in both access modes, on the
 * separate web apps of 8.7 and the orchestration layout of 8.8. The verdict decides the exit code.
 */
import { describe, expect, it } from 'vitest';
import { describeRun, runCli } from './helpers/run-cli.js';
import { mutatingCalls } from './helpers/sim-log.js';
import { seedBackup, SEED_DURATIONS, settle } from './helpers/lifecycle-seed.js';
import { fixture, withWorld } from './helpers/world-run.js';

const ID = 1_700_000_100;

describe('status', () => {
  for (const access of ['port-forward', 'exec'] as const) {
    it(`8.7 (${access}): a complete backup is COMPLETE in every part, exit 0`, async () => {
      await withWorld({ fixture: fixture('8.7', 'backup-configured'), durations: SEED_DURATIONS }, async (world) => {
        seedBackup(world, ID);
        await settle(world);
        const result = await runCli(world, ['status', String(ID), '-n', world.namespace, '--access', access, '-o', 'json']);
        expect(result.code, describeRun(result)).toBe(0);
        const report = result.json();
        expect(report).toMatchObject({ schemaVersion: 1, command: 'status', backupId: ID, verdict: 'COMPLETE', restorable: true, reasons: [], access });
        const states = Object.fromEntries(report.parts.map((p: { part: string; state: string }) => [p.part, p.state]));
        expect(states).toEqual({ optimize: 'COMPLETED', operate: 'COMPLETED', tasklist: 'COMPLETED', 'zeebe-records': 'COMPLETED', zeebe: 'COMPLETED' });
        expect(mutatingCalls(world)).toEqual([]);
      });
    });
  }
});
