import { describe, expect, it } from 'vitest';
import { fakeCluster, ok } from '../../test/unit/create-test-kit.js';
import type { Route } from '../../test/unit/create-test-kit.js';
import { PreconditionError } from '../errors.js';
import type { HttpRequest } from '../reach/component-http.js';
import { deleteIndex, existingIndices, listIndicesByPrefix, MAX_NAMES_IN_URL_BYTES, namesInChunks, restoreSnapshot, SnapshotRestoreError, unsafeIndexName } from './search-indices.js';

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

describe('deleteIndex', () => {
  it('refuses a wildcard, a list or _all without sending anything', async () => {
    const { context: ctx, cluster } = await context({});
    for (const name of ['operate-*', '_all', 'a,b', '*']) await expect(deleteIndex(ctx, name)).rejects.toBeInstanceOf(PreconditionError);
    expect(cluster.calls).toEqual([]);
  });
  it('deletes by exact name; a missing index is false; another error throws with the cluster message', async () => {
    const { context: ctx } = await context({
      'DELETE /operate-x': ok({ acknowledged: true }),
      'DELETE /gone': { status: 404, body: { error: { type: 'index_not_found_exception', reason: 'no such index [gone]' }, status: 404 } },
      'DELETE /locked': { status: 403, body: { error: { type: 'security_exception', reason: 'action [indices:admin/delete] is unauthorized' }, status: 403 } },
    });
    expect(await deleteIndex(ctx, 'operate-x')).toBe(true);
    expect(await deleteIndex(ctx, 'gone')).toBe(false);
    await expect(deleteIndex(ctx, 'locked')).rejects.toThrow(/unauthorized/);
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
  it('restores without global state and verifies every index of the snapshot is there', async () => {
    const { context: ctx, cluster } = await context({
      [`GET ${SNAPSHOT_PATH}`]: ok({ snapshots: [SNAPSHOT] }),
      [`POST ${RESTORE}`]: ok({ snapshot: { snapshot: SNAPSHOT.snapshot, indices: SNAPSHOT.indices, shards: { total: 2, failed: 0, successful: 2 } } }),
      [`GET ${EXISTING}`]: bothPresent,
    });
    expect(await restoreSnapshot(ctx, 'repo', SNAPSHOT.snapshot, 60_000)).toEqual({ snapshot: SNAPSHOT.snapshot, indices: SNAPSHOT.indices, shards: { total: 2, failed: 0, successful: 2 } });
    expect(cluster.calls.find((c) => c.method === 'POST')?.body).toEqual({ include_global_state: false });
  });
  it('fails on a failed shard, a missing index, an open index in the way, a snapshot that is not SUCCESS or absent', async () => {
    const failedShard = await context({
      [`GET ${SNAPSHOT_PATH}`]: ok({ snapshots: [SNAPSHOT] }),
      [`POST ${RESTORE}`]: ok({ snapshot: { snapshot: SNAPSHOT.snapshot, indices: SNAPSHOT.indices, shards: { total: 2, failed: 1, successful: 1 } } }),
    });
    await expect(restoreSnapshot(failedShard.context, 'repo', SNAPSHOT.snapshot, 1000)).rejects.toThrow('1 of 2 shard(s) failed to restore');

    const missing = await context({
      [`GET ${SNAPSHOT_PATH}`]: ok({ snapshots: [SNAPSHOT] }),
      [`POST ${RESTORE}`]: ok({ snapshot: { snapshot: SNAPSHOT.snapshot, indices: SNAPSHOT.indices, shards: { total: 2, failed: 0, successful: 2 } } }),
      [`GET ${EXISTING}`]: ok([{ index: 'tasklist-task-8.5.0_' }]),
    });
    await expect(restoreSnapshot(missing.context, 'repo', SNAPSHOT.snapshot, 1000)).rejects.toThrow('missing after the restore: operate-list-view-8.3.0_');

    const open = await context({
      [`GET ${SNAPSHOT_PATH}`]: ok({ snapshots: [SNAPSHOT] }),
      [`POST ${RESTORE}`]: {
        status: 500,
        body: { error: { type: 'snapshot_restore_exception', reason: '[repo:s/u] cannot restore index [operate-list-view-8.3.0_] because an open index with same name already exists in the cluster. Either close or delete the existing index' }, status: 500 },
      },
    });
    const error = await restoreSnapshot(open.context, 'repo', SNAPSHOT.snapshot, 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotRestoreError);
    expect((error as Error).message).toBe(`restoring snapshot ${SNAPSHOT.snapshot} failed: the index operate-list-view-8.3.0_ still exists and is open; it must be deleted before the restore`);

    const partial = await context({ [`GET ${SNAPSHOT_PATH}`]: ok({ snapshots: [{ ...SNAPSHOT, state: 'PARTIAL' }] }) });
    await expect(restoreSnapshot(partial.context, 'repo', SNAPSHOT.snapshot, 1000)).rejects.toThrow('the snapshot is PARTIAL, not SUCCESS');
    const absent = await context({ [`GET ${SNAPSHOT_PATH}`]: { status: 404, body: { error: { type: 'snapshot_missing_exception', reason: 'missing' }, status: 404 } } });
    await expect(restoreSnapshot(absent.context, 'repo', SNAPSHOT.snapshot, 1000)).rejects.toThrow('does not exist in repository repo');
  });
});

/** Hundreds of daily indices with long names, as weeks of zeebe-record and archived Operate indices leave. */
const manyNames = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `zeebe-record_process-instance-modification_8.7.37_2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}-${i}`);

describe('namesInChunks', () => {
  it('keeps every comma-joined, encoded group under the limit, in order, every name once', () => {
    const names = manyNames(400);
    const chunks = namesInChunks(names);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.flat()).toEqual(names);
    for (const chunk of chunks) expect(chunk.map(encodeURIComponent).join(',').length).toBeLessThanOrEqual(MAX_NAMES_IN_URL_BYTES);
  });
  it('one group for a few names; none for none', () => {
    expect(namesInChunks(['a', 'b'])).toEqual([['a', 'b']]);
    expect(namesInChunks([])).toEqual([]);
  });
});

describe('existingIndices', () => {
  it('asks in requests whose line stays under 4096 bytes, however many names, and merges the answers', async () => {
    const names = manyNames(500);
    const present = new Set(names.filter((_, i) => i % 3 === 0));
    const lines: string[] = [];
    const http = {
      description: 'fake es',
      close: () => Promise.resolve(),
      request: (request: HttpRequest) => {
        lines.push(`${request.method} ${request.path} HTTP/1.1`);
        const asked = decodeURIComponent(/^\/_cat\/indices\/([^?]+)/.exec(request.path)?.[1] ?? '').split(',');
        return Promise.resolve({ status: 200, body: JSON.stringify(asked.filter((n) => present.has(n)).map((index) => ({ index, health: 'green', status: 'open' }))) });
      },
    };
    const found = await existingIndices({ http, emit: () => undefined }, names);
    expect([...found].sort()).toEqual([...present].sort());
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(4096);
  });
});
