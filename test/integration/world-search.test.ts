import { request as httpsRequest } from 'node:https';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithFixtures } from '../fixtures-available.js';
import { startWorld, type World } from '../world/index.js';
import { call, podOf, pollUntil } from './world-helpers.js';

const durations = { snapshot: 200 };
const zeebeBody = { indices: 'zeebe-record*', feature_states: ['none'] };

describe('Elasticsearch snapshot API (bundled ES, 8.7)', () => {
  let world: World;
  let es: number;
  // A world per test: no test leans on what an earlier one left behind, so they pass in any order.
  beforeEach(async () => {
    world = await startWorld({ resources: 'demo-8.7', durations });
    es = world.portOf(podOf(world, 'elasticsearch'), 9200);
  });
  afterEach(() => world.stop());

  it('the repository exists; an unknown one is repository_missing_exception 404', async () => {
    expect((await call(es, 'GET', '/_snapshot/camunda-backup')).body['camunda-backup']).toMatchObject({ type: expect.any(String) });
    const missing = await call(es, 'GET', '/_snapshot/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { root_cause: [{ type: 'repository_missing_exception', reason: '[nope] missing' }], type: 'repository_missing_exception', reason: '[nope] missing' },
      status: 404,
    });
  });

  it('PUT with wait_for_completion answers after the snapshot ends, SUCCESS, zeebe-record indices, feature_states accepted', async () => {
    const started = Date.now();
    const put = await call(es, 'PUT', '/_snapshot/camunda-backup/camunda_zeebe_records_backup_7?wait_for_completion=true', zeebeBody);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(put.status).toBe(200);
    expect(put.body.snapshot).toMatchObject({ snapshot: 'camunda_zeebe_records_backup_7', repository: 'camunda-backup', state: 'SUCCESS', shards: { failed: 0 } });
    expect(put.body.snapshot.indices.length).toBeGreaterThan(0);
    expect(put.body.snapshot.indices.every((i: string) => i.startsWith('zeebe-record'))).toBe(true);
    const get = await call(es, 'GET', '/_snapshot/camunda-backup/camunda_zeebe_records_backup_7');
    expect(get.body.snapshots[0].state).toBe('SUCCESS');
    const all = await call(es, 'GET', '/_snapshot/camunda-backup/_all');
    expect(all.body.snapshots.map((s: { snapshot: string }) => s.snapshot)).toContain('camunda_zeebe_records_backup_7');
  });

  it('same name again → 400 invalid_snapshot_name_exception; unknown snapshot → 404 snapshot_missing_exception', async () => {
    expect((await call(es, 'PUT', '/_snapshot/camunda-backup/camunda_zeebe_records_backup_7?wait_for_completion=true', zeebeBody)).status).toBe(200);
    const again = await call(es, 'PUT', '/_snapshot/camunda-backup/camunda_zeebe_records_backup_7?wait_for_completion=true', zeebeBody);
    expect(again.status).toBe(400);
    expect(again.body.error.type).toBe('invalid_snapshot_name_exception');
    expect(again.body.error.reason).toContain('snapshot with the same name already exists');
    const missing = await call(es, 'GET', '/_snapshot/camunda-backup/none_such');
    expect(missing).toMatchObject({ status: 404, body: { error: { type: 'snapshot_missing_exception', reason: '[camunda-backup:none_such] is missing' } } });
  });

  it('without wait_for_completion: {"accepted":true}, IN_PROGRESS, then done; DELETE acknowledges', async () => {
    expect((await call(es, 'PUT', '/_snapshot/camunda-backup/async_1', { indices: 'zeebe-record*' })).body).toEqual({ accepted: true });
    expect((await call(es, 'GET', '/_snapshot/camunda-backup/async_1')).body.snapshots[0].state).toBe('IN_PROGRESS');
    expect((await call(es, 'GET', '/_snapshot/camunda-backup/async_1/_status')).body.snapshots[0].state).toBe('IN_PROGRESS');
    const done = await pollUntil(() => call(es, 'GET', '/_snapshot/camunda-backup/async_1'), (a) => a.body?.snapshots?.[0]?.state !== 'IN_PROGRESS');
    expect(done.body.snapshots[0].state).toBe('SUCCESS');
    expect((await call(es, 'DELETE', '/_snapshot/camunda-backup/async_1')).body).toEqual({ acknowledged: true });
    expect((await call(es, 'DELETE', '/_snapshot/camunda-backup/async_1')).status).toBe(404);
  });

  it('snapshot faults: FAILED and PARTIAL with failed shards', async () => {
    world.faults.snapshot.push({ state: 'FAILED', count: 1 }, { state: 'PARTIAL', count: 1 });
    const failed = await call(es, 'PUT', '/_snapshot/camunda-backup/f1?wait_for_completion=true', zeebeBody);
    expect(failed.body.snapshot.state).toBe('FAILED');
    expect(failed.body.snapshot.shards.failed).toBeGreaterThan(0);
    const partial = await call(es, 'PUT', '/_snapshot/camunda-backup/f2?wait_for_completion=true', zeebeBody);
    expect(partial.body.snapshot.state).toBe('PARTIAL');
    expect(partial.body.snapshot.failures).toHaveLength(1);
    expect((await call(es, 'PUT', '/_snapshot/camunda-backup/f3?wait_for_completion=true', zeebeBody)).body.snapshot.state).toBe('SUCCESS');
  });

  it('a concrete missing index is index_not_found_exception', async () => {
    const answer = await call(es, 'PUT', '/_snapshot/camunda-backup/x?wait_for_completion=true', { indices: 'no-such-index' });
    expect(answer).toMatchObject({ status: 404, body: { error: { type: 'index_not_found_exception' } } });
  });
});

function httpsCall(port: number, ca: string, host: string, path: string, auth?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path, servername: host, ca, headers: { host, ...(auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}) } },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describeWithFixtures('external OpenSearch (8.8 opensearch-external)', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld({ fixture: { chartVersion: '13.12.7', scenario: 'opensearch-external' }, durations });
  });
  afterEach(() => world.stop());

  it('serves opensearch.example.internal:443 with TLS from the world CA and Basic auth from the referenced Secret', async () => {
    const endpoint = world.sims.externalSearch.find((e) => e.host === 'opensearch.example.internal');
    expect(endpoint).toMatchObject({ flavor: 'opensearch', scheme: 'https', port: 443 });
    expect(world.network.resolve('camunda', 'camunda-zeebe-0', 'opensearch.example.internal', 443)).toBe(endpoint!.localPort);
    const ca = world.sims.searchCaPem!;
    const denied = await httpsCall(endpoint!.localPort, ca, 'opensearch.example.internal', '/_snapshot/camunda-backup');
    expect(denied).toEqual({ status: 401, body: 'Unauthorized' });
    const ok = await httpsCall(endpoint!.localPort, ca, 'opensearch.example.internal', '/', 'camunda:sim-opensearch-credentials-password');
    expect(JSON.parse(ok.body).version.distribution).toBe('opensearch');
  });

  it('rejects feature_states (an Elasticsearch-only field) with a 400, accepts the OpenSearch body', async () => {
    const { localPort } = world.sims.externalSearch[0]!;
    const store = world.sims.search!;
    const credentials = store.credentials!;
    store.credentials = undefined;
    try {
      const rejected = await fetchPlainOrTls(world, localPort, 'PUT', '/_snapshot/camunda-backup/os_1?wait_for_completion=true', zeebeBody);
      expect(rejected.status).toBe(400);
      expect(rejected.body.error.type).toBe('illegal_argument_exception');
      expect(rejected.body.error.reason).toContain('feature_states');
      const accepted = await fetchPlainOrTls(world, localPort, 'PUT', '/_snapshot/camunda-backup/os_1?wait_for_completion=true', { indices: 'zeebe-record*' });
      expect(accepted.status).toBe(200);
      expect(accepted.body.snapshot.state).toBe('SUCCESS');
      expect(accepted.body.snapshot.repository).toBeUndefined();
    } finally {
      store.credentials = credentials;
    }
  });
});

async function fetchPlainOrTls(world: World, port: number, method: string, path: string, body: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const ca = world.sims.searchCaPem!;
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpsRequest(
      { host: '127.0.0.1', port, path, method, servername: 'opensearch.example.internal', ca, headers: { host: 'opensearch.example.internal', 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describeWithFixtures('external Elasticsearch Basic auth (8.7 elasticsearch-external, plain HTTP mode)', () => {
  it('401 security_exception without or with wrong credentials', async () => {
    const world = await startWorld({ fixture: { chartVersion: '12.13.3', scenario: 'elasticsearch-external' }, externalSearchTls: false });
    try {
      const { localPort } = world.sims.externalSearch[0]!;
      const missing = await call(localPort, 'GET', '/_snapshot/camunda-backup');
      expect(missing.status).toBe(401);
      expect(missing.body.error.type).toBe('security_exception');
      expect(missing.body.error.reason).toBe('missing authentication credentials for REST request [/_snapshot/camunda-backup]');
      const wrong = await call(localPort, 'GET', '/', undefined, { authorization: `Basic ${Buffer.from('elastic:nope').toString('base64')}` });
      expect(wrong.body.error.reason).toBe('unable to authenticate user [elastic] for REST request [/]');
      const ok = await call(localPort, 'GET', '/_snapshot/camunda-backup', undefined, {
        authorization: `Basic ${Buffer.from('elastic:sim-elasticsearch-credentials-password').toString('base64')}`,
      });
      expect(ok.status).toBe(200);
    } finally {
      await world.stop();
    }
  });
});
