import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryLeaseApi, type MemoryLeaseApi } from '../../test/unit/memory-lease-api.js';
import { acquireReleaseLock, leaseNameFor, ReleaseLockedError, type HeldReleaseLock } from './release-lease.js';

const NS = 'camunda';
const NAME = leaseNameFor('camunda');
const T0 = Date.parse('2026-12-06T06:00:00Z');

function request(api: MemoryLeaseApi, overrides: { holder?: string; now?: () => number; warnings?: string[] } = {}) {
  return {
    kube: { leases: api },
    request: {
      namespace: NS,
      release: 'camunda',
      holder: overrides.holder ?? 'me@host pid 1 (create)',
      durationSeconds: 60,
      now: overrides.now ?? (() => T0),
      onWarning: (message: string) => void overrides.warnings?.push(message),
      deleteCommand: `kubectl delete lease ${NAME} -n ${NS}`,
    },
  };
}

async function held(api: MemoryLeaseApi, overrides: Parameters<typeof request>[1] = {}): Promise<HeldReleaseLock> {
  const { kube, request: r } = request(api, overrides);
  const lock = await acquireReleaseLock(kube, r);
  if (lock.kind !== 'held') throw new Error('not held');
  return lock;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('release lock', () => {
  it('creates the Lease when there is none, with holder, duration and MicroTime-able times; release deletes it', async () => {
    const api = memoryLeaseApi();
    const lock = await held(api);
    expect(lock).toMatchObject({ name: 'camunda-backup-camunda', tookOver: false });
    expect(api.store.get(`${NS}/${NAME}`)).toMatchObject({ holderIdentity: 'me@host pid 1 (create)', leaseDurationSeconds: 60, acquireTime: T0, renewTime: T0, leaseTransitions: 0 });
    await lock.release();
    await lock.release();
    expect(api.store.size).toBe(0);
    expect(api.calls.filter((c) => c.startsWith('delete'))).toHaveLength(1);
  });

  it('a Lease held and renewed by another run: ReleaseLockedError naming holder, acquisition and the way out; nothing written', async () => {
    const api = memoryLeaseApi();
    await held(api, { holder: 'ops@cron pid 7 (create)', now: () => T0 - 30_000 });
    const writes = api.calls.length;
    const { kube, request: r } = request(api);
    const error = await acquireReleaseLock(kube, r).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReleaseLockedError);
    const { message, hint } = error as ReleaseLockedError;
    expect(message).toContain('ops@cron pid 7 (create)');
    expect(message).toContain('since 2026-12-06T05:59:30Z, renewed 30s ago');
    expect(hint).toContain('expires at 2026-12-06T06:00:30Z');
    expect(hint).toContain(`kubectl delete lease ${NAME} -n ${NS}`);
    expect(api.calls.slice(writes)).toEqual([`read ${NS}/${NAME}`]);
  });

  it('an expired Lease (holder stopped renewing) is taken over: replace with its resourceVersion, one more transition', async () => {
    const api = memoryLeaseApi();
    await held(api, { holder: 'dead@host pid 9 (create)', now: () => T0 - 61_000 });
    const lock = await held(api);
    expect(lock).toMatchObject({ tookOver: true, previousHolder: 'dead@host pid 9 (create)' });
    expect(api.store.get(`${NS}/${NAME}`)).toMatchObject({ holderIdentity: 'me@host pid 1 (create)', leaseTransitions: 1 });
    await lock.release();
  });

  it('a lost race (409) is read again and judged: another fresh holder wins', async () => {
    const api = memoryLeaseApi();
    const original = api.create.bind(api);
    // Another run creates the Lease between our read and our create.
    api.create = async (namespace, name, spec) => {
      api.create = original;
      await original(namespace, name, { ...spec, holderIdentity: 'other@host pid 2 (delete)' });
      return original(namespace, name, spec);
    };
    const { kube, request: r } = request(api);
    await expect(acquireReleaseLock(kube, r)).rejects.toThrow(/other@host pid 2 \(delete\)/);
  });

  it('forbidden by RBAC: reported, not thrown', async () => {
    const api = memoryLeaseApi();
    api.failNext('read', 403);
    const { kube, request: r } = request(api);
    await expect(acquireReleaseLock(kube, r)).resolves.toMatchObject({ kind: 'forbidden', message: expect.stringContaining('simulated 403') });
  });

  it('renews while held; when another run took it over meanwhile, warns and leaves its Lease alone', async () => {
    vi.useFakeTimers();
    let now = T0;
    const warnings: string[] = [];
    const api = memoryLeaseApi();
    const lock = await held(api, { now: () => now, warnings });
    now += 20_000;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(api.store.get(`${NS}/${NAME}`)?.renewTime).toBe(T0 + 20_000);
    // Someone deletes it and another run takes it.
    api.store.clear();
    await held(api, { holder: 'other@host pid 3 (resume)', now: () => now });
    now += 20_000;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(warnings.join('\n')).toContain('lost the lock on release camunda');
    await lock.release();
    expect(api.store.get(`${NS}/${NAME}`)?.holderIdentity).toBe('other@host pid 3 (resume)');
  });
});
