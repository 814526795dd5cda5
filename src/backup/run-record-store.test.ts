import { describe, expect, it } from 'vitest';
import { memoryLeaseApi } from '../../test/unit/memory-lease-api.js';
import { memoryConfigMapApi } from '../../test/unit/memory-config-map-api.js';
import type { ConfigMapApi } from '../kube/kube-client.js';
import { leaseNameFor } from '../kube/release-lease.js';
import { openRunRecorder, pruneRunRecord, readRunBook, leaseAnnotationsFor } from './run-record-store.js';
import { createOutcomeOf } from './run-record.js';

const NS = 'camunda';
const PLACE = { namespace: NS, release: 'camunda' };
const NAME = 'camunda-backup-camunda-runs';
const T0 = Date.parse('2026-12-06T08:00:00Z');

function memoryConfigMaps() {
  const api = memoryConfigMapApi();
  return { api, store: api.store, calls: api.calls, failNext: api.failNext };
}

function recorder(configMaps: ConfigMapApi, warnings: string[], locked = true) {
  return openRunRecorder({ ...PLACE, configMaps, by: 'alice@host pid 1 (create)', timeoutMs: 1_800_000, locked, warn: (m) => warnings.push(m) });
}

describe('run record store', () => {
  it('create writes RUNNING at the start (creating the labelled ConfigMap) and its end after', async () => {
    const maps = memoryConfigMaps();
    const warnings: string[] = [];
    const run = recorder(maps.api, warnings);
    await run.started(1_700_000_500, T0);
    const created = maps.store.get(`${NS}/${NAME}`)!;
    expect(created.labels).toEqual({ 'app.kubernetes.io/managed-by': 'kubectl-camunda-backup' });
    expect(JSON.parse(created.data['backup-1700000500']!)).toMatchObject({ state: 'RUNNING', by: 'alice@host pid 1 (create)' });

    await run.ended({ state: 'INTERRUPTED', reason: 'interrupted by SIGINT', leftBehind: ['operate', 'zeebe'] }, T0 + 1000);
    const read = await readRunBook({ configMaps: maps.api, leases: memoryLeaseApi() }, PLACE, T0 + 2000);
    expect(createOutcomeOf(read.book, 1_700_000_500, T0 + 2000)).toMatchObject({ state: 'INTERRUPTED', leftBehind: ['operate', 'zeebe'] });
    expect(warnings).toEqual([]);
  });

  it('retries after a conflicting writer', async () => {
    const maps = memoryConfigMaps();
    await recorder(maps.api, []).started(1, T0);
    maps.calls.length = 0;
    const warnings: string[] = [];
    const second = recorder(maps.api, warnings);
    // Another writer replaces the record between our read and our replace.
    const original = maps.api.replace;
    let raced = false;
    maps.api.replace = async (current, data) => {
      if (!raced) {
        raced = true;
        await original(current, { ...current.data, 'backup-99': JSON.stringify({ state: 'COMPLETED', startedAt: 'x', by: 'bob' }) });
      }
      return original(current, data);
    };
    await second.started(2, T0);
    const data = maps.store.get(`${NS}/${NAME}`)!.data;
    expect(Object.keys(data).sort()).toEqual(['backup-1', 'backup-2', 'backup-99']);
    expect(warnings).toEqual([]);
  });

  it('RBAC: says once why it cannot record, and never throws', async () => {
    const maps = memoryConfigMaps();
    const warnings: string[] = [];
    const run = recorder(maps.api, warnings);
    maps.failNext('create', 403);
    await run.started(1, T0);
    maps.failNext('create', 403);
    await run.ended({ state: 'COMPLETED', leftBehind: [] }, T0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^cannot record this run in ConfigMap camunda\/camunda-backup-camunda-runs \(.*simulated 403\): .*grant get, create and update on configmaps/);
  });

  it('reading: a RUNNING entry is alive while the Lease holder names its ID, killed once the Lease is gone or names another', async () => {
    const maps = memoryConfigMaps();
    const leases = memoryLeaseApi();
    await recorder(maps.api, []).started(7, T0);
    const name = leaseNameFor('camunda');
    await leases.create(NS, name, { holderIdentity: 'alice', leaseDurationSeconds: 60, acquireTime: T0, renewTime: T0, leaseTransitions: 0, annotations: leaseAnnotationsFor(7) });
    const alive = await readRunBook({ configMaps: maps.api, leases }, PLACE, T0 + 10_000);
    expect(createOutcomeOf(alive.book, 7, T0 + 10_000)?.state).toBe('RUNNING');
    // The holder stopped renewing: expired.
    const expired = await readRunBook({ configMaps: maps.api, leases }, PLACE, T0 + 61_000);
    expect(createOutcomeOf(expired.book, 7, T0 + 61_000)?.state).toBe('DID_NOT_FINISH');
    leases.failNext('read', 403);
    const unreadable = await readRunBook({ configMaps: maps.api, leases }, PLACE, T0 + 10_000);
    expect(createOutcomeOf(unreadable.book, 7, T0 + 10_000)?.state).toBe('RUNNING_UNCONFIRMED');
  });

  it('reading: no ConfigMap is an empty record; an unreadable one is a warning, not an error', async () => {
    const maps = memoryConfigMaps();
    expect((await readRunBook({ configMaps: maps.api, leases: memoryLeaseApi() }, PLACE, T0)).book?.entries.size).toBe(0);
    maps.failNext('read', 403);
    const read = await readRunBook({ configMaps: maps.api, leases: memoryLeaseApi() }, PLACE, T0);
    expect(read.book).toBeUndefined();
    expect(read.warning).toMatch(/could not be read \(.*simulated 403\): a backup whose create did not complete may show as COMPLETE; grant/);
  });

  it('delete prunes the IDs it removed, and writes nothing when none is recorded', async () => {
    const maps = memoryConfigMaps();
    const run = recorder(maps.api, []);
    await run.started(1, T0);
    await recorder(maps.api, []).started(2, T0);
    maps.calls.length = 0;
    expect(await pruneRunRecord(maps.api, PLACE, [3])).toBeUndefined();
    expect(maps.calls.map((call) => call.split(' ')[0])).toEqual(['read']);
    expect(await pruneRunRecord(maps.api, PLACE, [1, 3])).toBeUndefined();
    expect(Object.keys(maps.store.get(`${NS}/${NAME}`)!.data)).toEqual(['backup-2']);
    maps.failNext('replace', 500);
    expect(await pruneRunRecord(maps.api, PLACE, [2])).toMatch(/could not remove the deleted ID\(s\)/);
  });
});
