/**
 * The search simulators' index and restore side, for both flavours: listing, deletion by exact name (wildcards
 * refused when action.destructive_requires_name), snapshot restore with include_global_state / indices /
 * wait_for_completion, the refusal to restore over an open index, restored indices appearing (red while they
 * recover), snapshot details, and failed shards on request. Over HTTP against a world's ES pod, and against the
 * handler for OpenSearch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../world/index.js';
import { createFaults } from '../world/sim/faults.js';
import type { SimHttpRequest, SimResponse } from '../world/sim/http-sim.js';
import { indexStateOf } from '../world/sim/search-indices.js';
import { createSearchHandler } from '../world/sim/search-sim.js';
import { SearchStore } from '../world/sim/search-store.js';
import { call, podOf } from './world-helpers.js';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function esWorld(): Promise<{ w: World; port: number }> {
  world = await startWorld({ resources: 'demo-8.8', durations: { snapshot: 20, webapps: 20 } });
  return { w: world, port: world.portOf(podOf(world, 'elasticsearch'), 9200) };
}

describe('Elasticsearch 8 (world pod): indices and restore', () => {
  it('lists indices (_cat with h/format, GET <pattern>) and deletes only by exact name', async () => {
    const { w, port } = await esWorld();
    const names = (await call(port, 'GET', '/_cat/indices?h=index')).text.trim().split('\n');
    expect(names).toEqual([...(w.sims.search?.indices ?? [])].sort());
    const json = await call(port, 'GET', '/_cat/indices/operate-*?format=json&h=index,health,status');
    expect(json.body.every((row: { index: string; health: string; status: string }) => row.index.startsWith('operate-') && row.health === 'green' && row.status === 'open')).toBe(true);
    const target = names.find((n) => n.startsWith('tasklist-task')) ?? '';
    expect(Object.keys((await call(port, 'GET', `/${target}`)).body)).toEqual([target]);
    expect((await call(port, 'GET', '/nothing-*')).body).toEqual({});

    const wildcard = await call(port, 'DELETE', '/operate-*');
    expect(wildcard.status).toBe(400);
    expect(wildcard.body.error.reason).toBe('Wildcard expressions or all indices are not allowed');
    expect((await call(port, 'DELETE', '/_all')).status).toBe(400);
    const missing = await call(port, 'DELETE', '/no-such-index');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ type: 'index_not_found_exception', reason: 'no such index [no-such-index]' });
    expect((await call(port, 'DELETE', `/${target}`)).body).toEqual({ acknowledged: true });
    expect(w.sims.search?.indices).not.toContain(target);
  });

  it('refuses to restore over an open index (500 snapshot_restore_exception); after deletion restores, indices appear red then green', async () => {
    const { w, port } = await esWorld();
    const store = w.sims.search!;
    const state = indexStateOf(store);
    state.restoreDurationMs = 80;
    const indices = store.indices.filter((i) => i.startsWith('operate-'));
    expect((await call(port, 'PUT', '/_snapshot/camunda-backup/snap-1?wait_for_completion=true', { indices: 'operate-*', include_global_state: false })).status).toBe(200);

    const refused = await call(port, 'POST', '/_snapshot/camunda-backup/snap-1/_restore?wait_for_completion=true', { include_global_state: false });
    expect(refused.status).toBe(500);
    expect(refused.body.error.type).toBe('snapshot_restore_exception');
    expect(refused.body.error.reason).toMatch(/^\[camunda-backup:snap-1\/[\w-]+\] cannot restore index \[operate-[^\]]+\] because an open index with same name already exists in the cluster/);

    for (const index of indices) expect((await call(port, 'DELETE', `/${index}`)).status).toBe(200);
    const started = Date.now();
    const accepted = await call(port, 'POST', '/_snapshot/camunda-backup/snap-1/_restore', { include_global_state: false });
    expect(accepted.body).toEqual({ accepted: true });
    expect(Date.now() - started).toBeLessThan(80);
    expect((await call(port, 'GET', `/_cluster/health/${indices.join(',')}`)).body.status).toBe('red');
    const recovery = await call(port, 'GET', '/_recovery?active_only=true');
    expect(Object.keys(recovery.body).sort()).toEqual([...indices].sort());
    expect(recovery.body[indices[0] ?? ''].shards[0]).toMatchObject({ type: 'SNAPSHOT', stage: 'INDEX', source: { repository: 'camunda-backup', snapshot: 'snap-1' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await call(port, 'GET', `/_cluster/health/${indices.join(',')}`)).body.status).toBe('green');
    expect(state.restores[0]).toMatchObject({ snapshot: 'snap-1', includeGlobalState: false, waitForCompletion: false });
  });

  it('wait_for_completion answers after the recovery with shard counts; failed shards show and stay red; details list the indices', async () => {
    const { w, port } = await esWorld();
    const store = w.sims.search!;
    const state = indexStateOf(store);
    state.restoreDurationMs = 50;
    await call(port, 'PUT', '/_snapshot/camunda-backup/snap-2?wait_for_completion=true', { indices: 'tasklist-*' });
    const details = await call(port, 'GET', '/_snapshot/camunda-backup/snap-2');
    const indices = details.body.snapshots[0].indices as string[];
    expect(details.body.snapshots[0]).toMatchObject({ state: 'SUCCESS', shards: { failed: 0 } });
    for (const index of indices) await call(port, 'DELETE', `/${index}`);
    state.restoreFailures.set('snap-2', 1);
    const started = Date.now();
    const done = await call(port, 'POST', '/_snapshot/camunda-backup/snap-2/_restore?wait_for_completion=true', { indices: indices.join(','), include_global_state: false });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(done.body.snapshot).toEqual({ snapshot: 'snap-2', indices, shards: { total: indices.length, failed: 1, successful: indices.length - 1 } });
    const health = await call(port, 'GET', `/_cat/indices/${indices.join(',')}?format=json&h=index,health`);
    expect(health.body.filter((row: { health: string }) => row.health === 'red')).toHaveLength(1);
  });

  it('a missing snapshot is 404 snapshot_missing_exception; include_global_state true is recorded', async () => {
    const { w, port } = await esWorld();
    const missing = await call(port, 'POST', '/_snapshot/camunda-backup/nope/_restore', {});
    expect(missing.status).toBe(404);
    expect(missing.body.error.reason).toBe('[camunda-backup:nope] is missing');
    await call(port, 'PUT', '/_snapshot/camunda-backup/snap-3?wait_for_completion=true', { indices: 'optimize-*' });
    for (const index of w.sims.search!.indices.filter((i) => i.startsWith('optimize-'))) await call(port, 'DELETE', `/${index}`);
    await call(port, 'POST', '/_snapshot/camunda-backup/snap-3/_restore', { include_global_state: true });
    expect(indexStateOf(w.sims.search!).restores.at(-1)?.includeGlobalState).toBe(true);
  });
});

describe('OpenSearch (handler)', () => {
  const request = (method: string, pathAndQuery: string, body?: unknown): SimHttpRequest => {
    const url = new URL(pathAndQuery, 'http://os');
    return { method, path: url.pathname, fullPath: url.pathname, query: url.searchParams, headers: {}, body: body === undefined ? '' : JSON.stringify(body), host: 'os' };
  };
  const answer = async (handler: ReturnType<typeof createSearchHandler>, method: string, path: string, body?: unknown): Promise<SimResponse> => handler(request(method, path, body));

  it('allows wildcard deletes (destructive_requires_name is false by default), refuses feature_states on restore, refuses over an open index', async () => {
    const store = new SearchStore({ flavor: 'opensearch', version: '2.19.1', repositories: ['repo'], indices: ['operate-a', 'operate-b', 'other'] });
    const handler = createSearchHandler(store, { snapshotDurationMs: 0, rejectFeatureStates: true }, createFaults());
    store.createSnapshot('repo', 's1', { indices: ['operate-a', 'operate-b'], durationMs: 0, finalState: 'SUCCESS', startMs: Date.now() - 10 });
    const refused = await answer(handler, 'POST', '/_snapshot/repo/s1/_restore', {});
    expect(refused.status).toBe(500);
    expect(await answer(handler, 'POST', '/_snapshot/repo/s1/_restore', { feature_states: ['none'] })).toMatchObject({ status: 400 });
    expect((await answer(handler, 'DELETE', '/operate-*')).status).toBe(200);
    expect(store.indices).toEqual(['other']);
    indexStateOf(store).destructiveRequiresName = true;
    expect((await answer(handler, 'DELETE', '/oth*')).status).toBe(400);
    expect((await answer(handler, 'POST', '/_snapshot/repo/s1/_restore', { include_global_state: false })).body).toEqual({ accepted: true });
    expect(store.indices.sort()).toEqual(['operate-a', 'operate-b', 'other']);
  });
});
