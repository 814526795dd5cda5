import { describe, expect, it } from 'vitest';
import { fakeCluster, ok } from '../../test/unit/create-test-kit.js';
import type { Route } from '../../test/unit/create-test-kit.js';
import { simSearch } from '../../test/unit/sim-search-http.js';
import { indexStateOf } from '../../test/world/sim/search-indices.js';
import { PreconditionError } from '../errors.js';
import { batchIndexNames, deleteIndices, existingIndices, INDEX_LIST_MAX_CHARS, listIndicesByPrefix, restoreSnapshot, SnapshotRestoreError, unsafeIndexName } from './search-indices.js';

const ES = 'http://es:9200';

async function context(routes: Record<string, Route>) {
  const cluster = fakeCluster(Object.fromEntries(Object.entries(routes).map(([key, route]) => [`${ES} ${key}`, route])));
  const http = await cluster.connect({ kind: 'url', url: ES });
  return { context: { http, emit: () => undefined }, cluster };
}

const SNAPSHOT = { snapshot: 'camunda_webapps_7_8.8.1_part_1_of_5', state: 'SUCCESS', indices: ['operate-list-view-8.3.0_', 'tasklist-task-8.5.0_'], shards: { total: 2, failed: 0, successful: 2 } };
const SNAPSHOT_PATH = '/_snapshot/repo/camunda_webapps_7_8.8.1_part_1_of_5';
const EXISTING = `/_cat/indices/operate-list-view-8.3.0_,tasklist-task-8.5.0_?format=json&h=index,health,status&expand_wildcards=all&ignore_unavailable=true`;
const bothPresent = ok([{ index: 'operate-list-view-8.3.0_', health: 'green', status: 'open' }, { index: 'tasklist-task-8.5.0_', health: 'green', status: 'open' }]);

describe('unsafeIndexName', () => {
  it.each([['operate-*'], ['_all'], ['a,b'], [''], ['-x'], ['Upper'], ['a b'], ['x?']])('refuses %j', (name) => {
    expect(unsafeIndexName(name)).toBeDefined();
  });
  it('accepts a concrete Camunda index name', () => {
    expect(unsafeIndexName('operate-list-view-8.3.0_')).toBeUndefined();
    expect(unsafeIndexName('zeebe-record_process-instance_8.7.0_2026-12-01')).toBeUndefined();
  });
});

/** n dated zeebe-record index names (each 45 characters). */
const dated = (n: number): string[] => Array.from({ length: n }, (_, i) => `zeebe-record_process-instance_8.8.0_${String(2000 + i)}-01-01`);

describe('batchIndexNames', () => {
  it('keeps the order and puts as many names into a list as fit, never more than the limit', () => {
    expect(batchIndexNames(['a', 'bb', 'ccc', 'd'], 6)).toEqual([['a', 'bb'], ['ccc', 'd']]);
    expect(batchIndexNames(['a', 'bb', 'ccc', 'd'], 8)).toEqual([['a', 'bb', 'ccc'], ['d']]);
    expect(batchIndexNames([], 10)).toEqual([]);
    const names = dated(200);
    const batches = batchIndexNames(names);
    expect(batches.flat()).toEqual(names);
    for (const batch of batches) expect(batch.map(encodeURIComponent).join(',').length).toBeLessThanOrEqual(INDEX_LIST_MAX_CHARS);
    // Full lists: the next name would not have fit.
    for (const [i, batch] of batches.slice(0, -1).entries()) expect([...batch, batches[i + 1]![0]!].join(',').length).toBeGreaterThan(INDEX_LIST_MAX_CHARS);
  });
  it('counts a name by its encoded length', () => {
    expect(batchIndexNames(['ä', 'b'], 7)).toEqual([['ä'], ['b']]);
    expect(batchIndexNames(['ä', 'b'], 8)).toEqual([['ä', 'b']]);
  });
  it('refuses any name that is not an exact one, and a name no request line holds', () => {
    for (const name of ['operate-*', '_all', 'a,b', '*', '-operate-x', '+x', '', 'Upper'])
      expect(() => batchIndexNames(['operate-x', name])).toThrow(PreconditionError);
    expect(() => batchIndexNames(['x'.repeat(20)], 10)).toThrow(/longer than 10 characters/);
  });
});

describe.each(['elasticsearch', 'opensearch'] as const)('deleteIndices against the %s simulator', (flavor) => {
  const FOREIGN = ['my-app-operate-notes', 'operate', 'operate-list-view-8.3.0_copy'];
  it('deletes exactly the named indices, open or closed, in as few requests as the line allows, and nothing else', async () => {
    const names = [...dated(150), 'operate-list-view-8.3.0_'];
    const sim = simSearch({ flavor, indices: [...names, ...FOREIGN] });
    indexStateOf(sim.store).infoOf('operate-list-view-8.3.0_').status = 'close';
    const requests = await deleteIndices({ http: sim.http, emit: () => undefined }, names);
    expect(requests).toBe(batchIndexNames(names).length);
    expect(requests).toBeGreaterThan(1);
    expect(sim.store.indices.sort()).toEqual([...FOREIGN].sort());
    for (const request of sim.requests) {
      expect(request).toMatchObject({ method: 'DELETE', status: 200 });
      expect(request.path).toMatch(/^\/[^*?]+\?ignore_unavailable=true$/);
      expect(`DELETE ${request.path} HTTP/1.1`.length).toBeLessThan(4096);
    }
    expect(indexStateOf(sim.store).deletes.flatMap((d) => d.deleted).sort()).toEqual([...names].sort());
  });
  it('skips a name that vanished meanwhile and deletes the rest; a list of only vanished names is acknowledged', async () => {
    const sim = simSearch({ flavor, indices: ['operate-a', 'operate-c', ...FOREIGN] });
    await deleteIndices({ http: sim.http, emit: () => undefined }, ['operate-a', 'operate-b', 'operate-c']);
    expect(sim.store.indices).toEqual(FOREIGN);
    await deleteIndices({ http: sim.http, emit: () => undefined }, ['operate-a', 'operate-b']);
    expect(sim.requests.map((r) => r.status)).toEqual([200, 200]);
  });
  it('refuses a pattern before sending anything', async () => {
    const sim = simSearch({ flavor, indices: ['operate-a', ...FOREIGN] });
    await expect(deleteIndices({ http: sim.http, emit: () => undefined }, ['operate-a', 'operate-*'])).rejects.toBeInstanceOf(PreconditionError);
    expect(sim.requests).toEqual([]);
    expect(sim.store.indices).toContain('operate-a');
  });
  it('throws with the cluster message on another error', async () => {
    const { context: ctx } = await context({
      'DELETE /locked?ignore_unavailable=true': { status: 403, body: { error: { type: 'security_exception', reason: 'action [indices:admin/delete] is unauthorized' }, status: 403 } },
    });
    await expect(deleteIndices(ctx, ['locked'])).rejects.toThrow(/unauthorized/);
  });
});

describe('existingIndices', () => {
  it('asks by exact names in lists that fit the request line and answers only the names asked', async () => {
    const names = dated(120);
    const sim = simSearch({ flavor: 'elasticsearch', indices: [...names.slice(0, 100), 'zeebe-record_x'] });
    const found = await existingIndices({ http: sim.http, emit: () => undefined }, [...names, 'gone']);
    expect([...found].sort()).toEqual(names.slice(0, 100));
    expect(sim.requests.length).toBe(batchIndexNames([...names, 'gone']).length);
    expect(sim.requests.every((r) => r.status === 200 && r.path.includes('ignore_unavailable=true'))).toBe(true);
    await expect(existingIndices({ http: sim.http, emit: () => undefined }, ['operate-*'])).rejects.toBeInstanceOf(PreconditionError);
  });
});

describe('the search simulator', () => {
  it('refuses a request line over 4 KB like Netty does, a missing exact name without ignore_unavailable, and a wildcard delete when destructive_requires_name', async () => {
    const sim = simSearch({ flavor: 'elasticsearch', indices: ['operate-a', 'operate-b'] });
    const ctx = { http: sim.http, emit: () => undefined };
    const long = await sim.http.request({ method: 'DELETE', path: `/${dated(100).join(',')}?ignore_unavailable=true` });
    expect(long.status).toBe(400);
    expect(JSON.parse(long.body).error.type).toBe('too_long_http_line_exception');
    const missing = await sim.http.request({ method: 'DELETE', path: '/operate-a,operate-x' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).error.reason).toBe('no such index [operate-x]');
    expect(sim.store.indices).toEqual(['operate-a', 'operate-b']);
    expect((await sim.http.request({ method: 'GET', path: '/_cat/indices/operate-a,operate-x?format=json' })).status).toBe(404);
    expect((await sim.http.request({ method: 'DELETE', path: '/operate-a,operate-*?ignore_unavailable=true' })).status).toBe(400);
    expect((await sim.http.request({ method: 'DELETE', path: '/_all' })).status).toBe(400);
    expect(sim.store.indices).toEqual(['operate-a', 'operate-b']);
    expect(await listIndicesByPrefix(ctx, ['operate-'])).toHaveLength(2);
    const os = simSearch({ flavor: 'opensearch', indices: ['operate-a', 'other'] });
    // OpenSearch 2 does not require names by default: a pattern deletes what it matches (the tool never sends one).
    expect((await os.http.request({ method: 'DELETE', path: '/operate-*' })).status).toBe(200);
    expect(os.store.indices).toEqual(['other']);
  });
});

describe('listIndicesByPrefix', () => {
  it('asks for the prefixes and keeps only indices that start with one (never a foreign one)', async () => {
    const { context: ctx, cluster } = await context({
      'GET /_cat/indices/operate*,tasklist*?format=json&h=index,health,status&expand_wildcards=all': ok([
        { index: 'tasklist-task-8.5.0_', health: 'green', status: 'open' },
        { index: 'operate-list-view-8.3.0_', health: 'yellow', status: 'close' },
        { index: 'my-operate-copy', health: 'green', status: 'open' },
      ]),
    });
    expect(await listIndicesByPrefix(ctx, ['operate', 'tasklist'])).toEqual([
      { index: 'operate-list-view-8.3.0_', health: 'yellow', status: 'close' },
      { index: 'tasklist-task-8.5.0_', health: 'green', status: 'open' },
    ]);
    expect(cluster.calls).toHaveLength(1);
    await expect(listIndicesByPrefix(ctx, ['op*'])).rejects.toBeInstanceOf(PreconditionError);
  });
});

describe('restoreSnapshot', () => {
  const RESTORE = `${SNAPSHOT_PATH}/_restore?wait_for_completion=true`;
  const PLANNED = { repository: 'repo', snapshot: SNAPSHOT.snapshot, indices: SNAPSHOT.indices };
  it('restores without global state and verifies every index of the snapshot is there, without reading its details again', async () => {
    const { context: ctx, cluster } = await context({
      [`POST ${RESTORE}`]: ok({ snapshot: { snapshot: SNAPSHOT.snapshot, indices: SNAPSHOT.indices, shards: { total: 2, failed: 0, successful: 2 } } }),
      [`GET ${EXISTING}`]: bothPresent,
    });
    expect(await restoreSnapshot(ctx, PLANNED, 60_000)).toEqual({ snapshot: SNAPSHOT.snapshot, indices: SNAPSHOT.indices, shards: { total: 2, failed: 0, successful: 2 } });
    expect(cluster.calls.find((c) => c.method === 'POST')?.body).toEqual({ include_global_state: false });
    expect(cluster.keys()).toEqual([`${ES} POST ${RESTORE}`, `${ES} GET ${EXISTING}`]);
  });
  it('fails on a failed shard, a missing index (planned or named by the answer), an open index in the way, a snapshot that is not restorable or gone', async () => {
    const failedShard = await context({
      [`POST ${RESTORE}`]: ok({ snapshot: { snapshot: SNAPSHOT.snapshot, indices: SNAPSHOT.indices, shards: { total: 2, failed: 1, successful: 1 } } }),
    });
    await expect(restoreSnapshot(failedShard.context, PLANNED, 1000)).rejects.toThrow('1 of 2 shard(s) failed to restore');

    const missing = await context({
      [`POST ${RESTORE}`]: ok({ snapshot: { snapshot: SNAPSHOT.snapshot, indices: SNAPSHOT.indices, shards: { total: 2, failed: 0, successful: 2 } } }),
      [`GET ${EXISTING}`]: ok([{ index: 'tasklist-task-8.5.0_' }]),
    });
    await expect(restoreSnapshot(missing.context, PLANNED, 1000)).rejects.toThrow('missing after the restore: operate-list-view-8.3.0_');
    const unplanned = await context({
      [`POST ${RESTORE}`]: ok({ snapshot: { snapshot: SNAPSHOT.snapshot, indices: SNAPSHOT.indices, shards: { total: 2, failed: 0, successful: 2 } } }),
      [`GET ${EXISTING}`]: bothPresent,
    });
    await expect(restoreSnapshot(unplanned.context, { ...PLANNED, indices: ['operate-list-view-8.3.0_'] }, 1000)).resolves.toMatchObject({ indices: SNAPSHOT.indices });

    const open = await context({
      [`POST ${RESTORE}`]: {
        status: 500,
        body: { error: { type: 'snapshot_restore_exception', reason: '[repo:s/u] cannot restore index [operate-list-view-8.3.0_] because an open index with same name already exists in the cluster. Either close or delete the existing index' }, status: 500 },
      },
    });
    const error = await restoreSnapshot(open.context, PLANNED, 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotRestoreError);
    expect((error as Error).message).toBe(`restoring snapshot ${SNAPSHOT.snapshot} failed: the index operate-list-view-8.3.0_ still exists and is open; it must be deleted before the restore`);

    const partial = await context({ [`POST ${RESTORE}`]: { status: 500, body: { error: { type: 'snapshot_restore_exception', reason: '[repo:s/u] unsupported snapshot state [IN_PROGRESS]' }, status: 500 } } });
    await expect(restoreSnapshot(partial.context, PLANNED, 1000)).rejects.toThrow('the snapshot is IN_PROGRESS, not SUCCESS');
    const absent = await context({ [`POST ${RESTORE}`]: { status: 404, body: { error: { type: 'snapshot_missing_exception', reason: '[repo:s] is missing' }, status: 404 } } });
    await expect(restoreSnapshot(absent.context, PLANNED, 1000)).rejects.toThrow('does not exist in repository repo');
  });
  it('against the simulator: a snapshot deleted since the checks and one still running are refused by the restore call itself', async () => {
    const sim = simSearch({ flavor: 'elasticsearch', indices: [] });
    const ctx = { http: sim.http, emit: () => undefined };
    await expect(restoreSnapshot(ctx, { repository: 'camunda-backup', snapshot: 'gone', indices: ['operate-a'] }, 1000)).rejects.toThrow('does not exist in repository camunda-backup');
    sim.store.createSnapshot('camunda-backup', 'running', { indices: [], durationMs: 60_000, finalState: 'SUCCESS', startMs: Date.now() });
    await expect(restoreSnapshot(ctx, { repository: 'camunda-backup', snapshot: 'running', indices: [] }, 1000)).rejects.toThrow('the snapshot is IN_PROGRESS, not SUCCESS');
  });
});
