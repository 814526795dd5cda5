/**
 * Never two changing runs at once, end to end: the built CLI and the real client-node against the fake API
 * server's Leases. Two overlapping creates, a cluster left soft-paused, a Lease forbidden by RBAC, a stale Lease
 * taken over, delete and resume under the same lock, and the Lease gone after every way out.
 */
import { until } from './helpers/until.js';
import { describe, expect, it } from 'vitest';
import type { World } from '../world/index.js';
import { seedBackup, SEED_DURATIONS, settle } from './helpers/lifecycle-seed.js';
import { describeRun, runCli, STACK_FRAME } from './helpers/run-cli.js';
import { count, dumpLog, expectResumedAfterPause, isPause, isResume, mutatingCalls } from './helpers/sim-log.js';
import { withWorld } from './helpers/world-run.js';

const LEASE = 'camunda-backup-camunda';
const ACCESS = ['port-forward', 'exec'] as const;
const microTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '000Z');

const leaseOf = (world: World): Record<string, unknown> | undefined => world.api.leases.get(world.namespace, LEASE);
const leaseCalls = (world: World): string[] =>
  world.api.requests.filter((r) => r.path.includes('/leases')).map((r) => `${r.method} ${r.path.replace(/^.*\/namespaces\//, '')} ${r.status}`);

/** A Lease as another run (or a dead one) would have left it. */
function plantLease(world: World, holder: string, renewedAgoMs: number): void {
  const renewed = Date.now() - renewedAgoMs;
  world.api.leases.put(world.namespace, {
    metadata: { name: LEASE, namespace: world.namespace },
    spec: { holderIdentity: holder, leaseDurationSeconds: 60, acquireTime: microTime(renewed - 5_000), renewTime: microTime(renewed), leaseTransitions: 0 },
  });
}

describe('two create runs at once', () => {
  for (const access of ACCESS) {
    it(`${access}: the second exits 3 naming the first; the first completes and resumes; no Lease is left`, async () => {
      await withWorld({ resources: 'demo-8.7', durations: { zeebe: 2_500 } }, async (world) => {
        const first = runCli(world, ['create', '--backup-id', '1700000600', '--access', access, '-o', 'json']);
        // The first run is inside its pause window.
        await until(() => count(world, isPause) > 0, { intervalMs: 10, timeoutMs: 30_000 });
        const held = leaseOf(world);
        expect(held?.['spec']).toMatchObject({ holderIdentity: expect.stringMatching(/^.+@.+ pid \d+ \(create\)$/), leaseDurationSeconds: 60 });

        const second = await runCli(world, ['create', '--backup-id', '1700000700', '--access', access]);
        expect(second.code, describeRun(second)).toBe(3);
        expect(second.stderr).toContain(`another run holds Lease ${world.namespace}/${LEASE}`);
        expect(second.stderr).toMatch(/pid \d+ \(create\), since \d{4}-\d\d-\d\dT/);
        expect(second.stderr).toContain(`kubectl delete lease ${LEASE} --context fake -n ${world.namespace}`);
        expect(second.stderr).not.toMatch(STACK_FRAME);
        // The second run changed nothing: no pause or resume of its own, no backup with its ID.
        expect(count(world, isPause)).toBe(1);
        expect(count(world, isResume)).toBe(0);
        expect(world.log.filter((e) => e.method !== 'GET' && `${e.path} ${e.body}`.includes('1700000700')), dumpLog(world)).toEqual([]);

        const done = await first;
        expect(done.code, describeRun(done)).toBe(0);
        expect(done.json()).toMatchObject({ backupId: 1700000600, state: 'COMPLETED' });
        expectResumedAfterPause(world);
        expect(count(world, isResume), dumpLog(world)).toBe(1);
        expect(leaseOf(world)).toBeUndefined();
        // Created, renewed or not, deleted with preconditions by the first run; only read by the second.
        const calls = leaseCalls(world);
        expect(calls.filter((c) => c.startsWith('POST'))).toEqual([`POST ${world.namespace}/leases 201`]);
        expect(calls.filter((c) => c.startsWith('DELETE'))).toEqual([`DELETE ${world.namespace}/leases/${LEASE} 200`]);
      });
    });
  }
});

describe('a cluster left soft-paused', () => {
  for (const access of ACCESS) {
    it(`${access}: create exits 3 with the exact resume command; with --force it backs up and resumes`, async () => {
      await withWorld({ resources: 'demo-8.8' }, async (world) => {
        world.sims.zeebe!.pause(true);
        const refused = await runCli(world, ['create', '--backup-id', '1700000800', '--access', access]);
        expect(refused.code, describeRun(refused)).toBe(3);
        expect(refused.stderr).toMatch(/exporting of release camunda is already paused \(partition [^)]*SOFT_PAUSED/);
        expect(refused.stderr).toContain(`kubectl camunda-backup resume --context fake -n ${world.namespace} --release camunda --access ${access}`);
        expect(refused.stderr).toContain('--force');
        expect(mutatingCalls(world), dumpLog(world)).toEqual([]);
        expect(world.sims.zeebe!.isPaused()).toBe(true);
        expect(leaseOf(world)).toBeUndefined();

        const forced = await runCli(world, ['create', '--backup-id', '1700000800', '--access', access, '--force', '-o', 'json']);
        expect(forced.code, describeRun(forced)).toBe(0);
        expect(forced.stderr).toContain('going on because of --force');
        expect(forced.json()).toMatchObject({ state: 'COMPLETED' });
        expectResumedAfterPause(world);
        expect(leaseOf(world)).toBeUndefined();
      });
    });
  }

  it('a --dry-run is not refused: it changes nothing and takes no Lease', async () => {
    await withWorld({ resources: 'demo-8.7' }, async (world) => {
      world.sims.zeebe!.pause(true);
      const result = await runCli(world, ['create', '--backup-id', '1700000800', '--dry-run']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(leaseCalls(world)).toEqual([]);
    });
  });
});

describe('Leases forbidden by RBAC', () => {
  it('says so once on stderr and runs on the paused-exporter check: completes when not paused, exit 3 when paused', async () => {
    await withWorld({ resources: 'demo-8.7', rbacDeny: [{ verb: '*', resource: 'leases' }] }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', '1700000900']);
      expect(result.code, describeRun(result)).toBe(0);
      const warnings = result.stderr.split('\n').filter((l) => l.includes('cannot lock release camunda'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('leases.coordination.k8s.io "camunda-backup-camunda" is forbidden');
      expect(warnings[0]).toContain('relying on the paused-exporter check only');
      expectResumedAfterPause(world);

      world.sims.zeebe!.pause(true);
      const refused = await runCli(world, ['create', '--backup-id', '1700001000', '--access', 'exec']);
      expect(refused.code, describeRun(refused)).toBe(3);
      expect(refused.stderr).toContain('already paused');
    });
  });
});

describe('a Lease whose holder died', () => {
  for (const access of ACCESS) {
    it(`${access}: an expired Lease is taken over (with its resourceVersion), said on stderr, and deleted at the end`, async () => {
      await withWorld({ resources: 'demo-8.7' }, async (world) => {
        plantLease(world, 'ops@cron-1 pid 99 (create)', 120_000);
        const result = await runCli(world, ['create', '--backup-id', '1700001100', '--access', access]);
        expect(result.code, describeRun(result)).toBe(0);
        expect(result.stderr).toContain('took over the expired lock of release camunda left by ops@cron-1 pid 99 (create)');
        expect(leaseCalls(world).filter((c) => c.startsWith('PUT'))[0]).toBe(`PUT ${world.namespace}/leases/${LEASE} 200`);
        expect(leaseOf(world)).toBeUndefined();
      });
    });
  }

  it('a fresh Lease is not taken over, whatever its age of acquisition', async () => {
    await withWorld({ resources: 'demo-8.7' }, async (world) => {
      plantLease(world, 'ops@cron-1 pid 99 (create)', 5_000);
      const result = await runCli(world, ['create', '--backup-id', '1700001100']);
      expect(result.code, describeRun(result)).toBe(3);
      expect(result.stderr).toContain('ops@cron-1 pid 99 (create)');
      expect(mutatingCalls(world)).toEqual([]);
      expect((leaseOf(world)?.['spec'] as Record<string, unknown>)['holderIdentity']).toBe('ops@cron-1 pid 99 (create)');
    });
  });
});

describe('delete and resume take the Lease too', () => {
  it('resume: exit 3 while another run holds the release; takes and releases it otherwise', async () => {
    await withWorld({ resources: 'demo-8.8' }, async (world) => {
      world.sims.zeebe!.pause(true);
      plantLease(world, 'alice@laptop pid 7 (create)', 1_000);
      const refused = await runCli(world, ['resume', '-n', world.namespace]);
      expect(refused.code, describeRun(refused)).toBe(3);
      expect(refused.stderr).toContain('alice@laptop pid 7 (create)');
      expect(world.sims.zeebe!.isPaused()).toBe(true);

      world.api.leases.delete(world.namespace, LEASE);
      const resumed = await runCli(world, ['resume', '-n', world.namespace, '--access', 'exec']);
      expect(resumed.code, describeRun(resumed)).toBe(0);
      expect(world.sims.zeebe!.isPaused()).toBe(false);
      expect(leaseCalls(world).map((c) => c.split(' ')[0])).toEqual(expect.arrayContaining(['POST', 'DELETE']));
      expect(leaseOf(world)).toBeUndefined();
    });
  });

  it('delete: exit 3 while another run holds the release, nothing deleted; --dry-run needs no Lease; then deletes under it', async () => {
    await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
      const id = Math.floor(Date.now() / 1000) - 3600;
      seedBackup(world, id);
      await settle(world);
      plantLease(world, 'bob@ci pid 12 (create)', 1_000);
      const refused = await runCli(world, ['delete', String(id), '-n', world.namespace, '--yes']);
      expect(refused.code, describeRun(refused)).toBe(3);
      expect(refused.stderr).toContain('bob@ci pid 12 (create)');
      expect(mutatingCalls(world)).toEqual([]);

      const dryRun = await runCli(world, ['delete', String(id), '-n', world.namespace, '--dry-run']);
      expect(dryRun.code, describeRun(dryRun)).toBe(0);

      world.api.leases.delete(world.namespace, LEASE);
      const deleted = await runCli(world, ['delete', String(id), '-n', world.namespace, '--yes', '--access', 'exec']);
      expect(deleted.code, describeRun(deleted)).toBe(0);
      expect(mutatingCalls(world).length).toBeGreaterThan(0);
      expect(leaseOf(world)).toBeUndefined();
    });
  });
});

describe('the Lease is released on every way out', () => {
  it('SIGINT after the pause: exit 130, exporting resumed, Lease deleted', async () => {
    await withWorld({ resources: 'demo-8.7', durations: { zeebe: 20_000 } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', '1700001200'], { signal: 'SIGINT', signalWhen: () => count(world, isPause) > 0 });
      expect(result.code, describeRun(result)).toBe(130);
      expectResumedAfterPause(world);
      expect(leaseOf(world)).toBeUndefined();
    });
  });

  it('a failed backup (exit 4) releases it too', async () => {
    await withWorld({ resources: 'demo-8.7', faults: { outcome: { zeebe: { state: 'FAILED', failureReason: 'S3 said no' } } } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', '1700001300']);
      expect(result.code, describeRun(result)).toBe(4);
      expect(leaseOf(world)).toBeUndefined();
    });
  });
});
