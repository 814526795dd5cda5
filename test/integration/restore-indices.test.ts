/**
 * Which indices a restore deletes, end to end (the built CLI against the test world, both access modes):
 * - two releases share one Elasticsearch with different index prefixes: a restore of one never names, deletes or
 *   restores an index of the other, whichever of the two has the default prefixes;
 * - 8.8 before 8.8.15: the dated usage-metric indices its backups lack are kept and the plan says so (#47122);
 * - hundreds of long-named dated indices: every request line stays under the search engine's 4 KiB limit (the
 *   simulator refuses longer ones as Elasticsearch does), and an error of the search engine while planning is one
 *   line and exit 3.
 */
import { describe, expect, it } from 'vitest';
import type { World, WorldOptions } from '../world/index.js';
import { indexStateOf } from '../world/sim/search-indices.js';
import { MAX_INITIAL_LINE_LENGTH } from '../world/sim/search-sim.js';
import { seedBackup, settle, SEED_DURATIONS } from './helpers/lifecycle-seed.js';
import { describeRun, runCli, STACK_FRAME } from './helpers/run-cli.js';
import { dumpLog } from './helpers/sim-log.js';
import { setComponentEnv, setImageTagEverywhere } from './helpers/tamper.js';
import { withWorld } from './helpers/world-run.js';

const TIMING = { startMs: 10, readyMs: 30, terminateMs: 30, backoffMs: 400, maxBackoffMs: 400 };
const DURATIONS = { ...SEED_DURATIONS, restore: 60 };
const ID = 31;
const FAST_FLAGS = ['--poll-interval', '500ms', '--wait-timeout', '20s'];

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

const searchRequests = (world: World) => world.log.filter((e) => e.component === 'elasticsearch' || e.component === 'opensearch');

/** Release "b" in a shared Elasticsearch: orchestration prefix `prod`, exporter `zeebe-record-b`, Optimize `prod`. */
const PROD_88: WorldOptions['customize'] = (objects) => {
  setComponentEnv(objects, 'zeebe-broker', { CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_INDEXPREFIX: 'prod', ZEEBE_BROKER_EXPORTERS_ELASTICSEARCH_ARGS_INDEX_PREFIX: 'zeebe-record-b' });
  setComponentEnv(objects, 'optimize', { CAMUNDA_OPTIMIZE_ELASTICSEARCH_SETTINGS_INDEX_PREFIX: 'prod' });
};
const PROD_87: WorldOptions['customize'] = (objects) => {
  setComponentEnv(objects, 'operate', { CAMUNDA_OPERATE_ELASTICSEARCH_INDEXPREFIX: 'prod-operate' });
  setComponentEnv(objects, 'tasklist', { CAMUNDA_TASKLIST_ELASTICSEARCH_INDEXPREFIX: 'prod-tasklist' });
  setComponentEnv(objects, 'zeebe-broker', { ZEEBE_BROKER_EXPORTERS_ELASTICSEARCH_ARGS_INDEX_PREFIX: 'zeebe-record-b' });
  setComponentEnv(objects, 'optimize', { CAMUNDA_OPTIMIZE_ELASTICSEARCH_SETTINGS_INDEX_PREFIX: 'prod' });
};

interface SharedCase {
  readonly name: string;
  readonly world: WorldOptions;
  readonly prefixes: readonly string[];
}

const SHARED: readonly SharedCase[] = [
  {
    name: '8.8: the restored release has prefix prod (zeebe-record-b), its neighbour the defaults',
    world: { resources: 'demo-8.8', customize: PROD_88, neighbour: {} },
    prefixes: ['prod-camunda-', 'prod-operate-', 'prod-optimize-', 'prod-tasklist-', 'zeebe-record-b_'],
  },
  {
    name: '8.8: the restored release has the defaults, its neighbour prod and zeebe-record-b (a prefix that begins with the default one)',
    world: { resources: 'demo-8.8', neighbour: { naming: { operate: 'prod-operate-', tasklist: 'prod-tasklist-', camunda: 'prod-camunda-', optimize: 'prod-optimize-', zeebeRecord: 'zeebe-record-b_' } } },
    prefixes: ['camunda-', 'operate-', 'optimize-', 'tasklist-', 'zeebe-record_'],
  },
  {
    name: '8.7: Operate and Tasklist with their own indexPrefix, the exporter zeebe-record-b; the neighbour with the defaults',
    world: { resources: 'demo-8.7', customize: PROD_87, neighbour: {} },
    prefixes: ['prod-operate-', 'prod-optimize-', 'prod-tasklist-', 'zeebe-record-b_'],
  },
];

describe.each(['port-forward', 'exec'] as const)('restore through %s', (access) => {
  for (const shared of SHARED) {
    it(`two releases share one Elasticsearch — ${shared.name}: the restore never names, deletes or restores an index of the other`, async () => {
      await withWorld({ ...shared.world, durations: DURATIONS, workloadTiming: TIMING }, async (world) => {
        const search = world.sims.search!;
        const neighbour = [...world.sims.neighbourIndices];
        expect(neighbour.length).toBeGreaterThan(0);
        seedBackup(world, ID);
        await settle(world);
        indexStateOf(search).restoreDurationMs = 20;
        const own = search.indices.filter((index) => !neighbour.includes(index)).sort();

        const run = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--yes', '-o', 'json', ...FAST_FLAGS]);
        expect(run.code, describeRun(run)).toBe(0);
        const report = run.json();
        const indices = asRecord(report['indices']);
        expect(strings(indices['prefixes'])).toEqual(shared.prefixes);
        expect(strings(indices['delete'])).toEqual(own);
        // Not one name of the neighbour anywhere in the plan or the report, nor in any request to the search engine.
        const text = JSON.stringify(report);
        expect(neighbour.filter((index) => text.includes(`"${index}"`))).toEqual([]);
        const named = (path: string): string[] => decodeURIComponent(path.split('?')[0] ?? '').split(/[/,]/);
        expect(searchRequests(world).filter((e) => named(e.path).some((name) => neighbour.includes(name))).map((e) => `${e.method} ${e.path}`), dumpLog(world)).toEqual([]);
        // The neighbour's indices are all still there, untouched; every restore restored only this release's.
        expect(neighbour.filter((index) => !search.indices.includes(index))).toEqual([]);
        for (const restore of indexStateOf(search).restores) expect(restore.includeGlobalState).toBe(false);
        const restored = (Array.isArray(report['snapshots']) ? report['snapshots'] : []).flatMap((s) => strings(asRecord(s)['indices']));
        expect(restored.length).toBeGreaterThan(0);
        expect(restored.filter((index) => !shared.prefixes.some((p) => index.startsWith(p)))).toEqual([]);
      });
    }, 90_000);
  }

  it('8.8 before 8.8.15: the dated usage-metric indices the backup lacks are kept (camunda/camunda#47122), and the plan says so', async () => {
    await withWorld({ resources: 'demo-8.8', customize: (objects) => setImageTagEverywhere(objects, 'camunda/camunda', '8.8.14'), durations: DURATIONS, workloadTiming: TIMING }, async (world) => {
      const search = world.sims.search!;
      const dated = search.indices.filter((index) => /^camunda-usage-metric(-tu)?-8\.8\.0_\d{4}-\d{2}-\d{2}$/.test(index)).sort();
      expect(dated).toHaveLength(2);
      seedBackup(world, ID);
      await settle(world);
      indexStateOf(search).restoreDurationMs = 20;

      const dry = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--dry-run']);
      expect(dry.code, describeRun(dry)).toBe(0);
      expect(dry.stdout).toMatch(/Kept, not deleted: 2 dated usage-metric indices that backup 31 does not hold \(Camunda 8\.8\.14, camunda\/camunda#47122\)/);
      for (const index of dated) expect(dry.stdout).toContain(`  - ${index}`);

      const run = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--yes', '-o', 'json', ...FAST_FLAGS]);
      expect(run.code, describeRun(run)).toBe(0);
      const indices = asRecord(run.json()['indices']);
      expect(strings(indices['keep'])).toEqual(dated);
      expect(String(indices['keepReason'])).toMatch(/usage-metric/);
      expect(strings(indices['delete']).filter((index) => dated.includes(index))).toEqual([]);
      expect(strings(indices['delete'])).toContain('camunda-usage-metric-8.8.0_');
      expect(world.log.filter((e) => e.method === 'DELETE' && dated.some((index) => e.path.includes(index)))).toEqual([]);
      for (const index of dated) expect(search.indices).toContain(index);
    });
  }, 90_000);

  it('8.8.15 and later hold them in the backup: deleted, then restored', async () => {
    await withWorld({ resources: 'demo-8.8', durations: DURATIONS, workloadTiming: TIMING }, async (world) => {
      seedBackup(world, ID);
      await settle(world);
      const dry = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--dry-run', '-o', 'json']);
      expect(dry.code, describeRun(dry)).toBe(0);
      const indices = asRecord(dry.json()['indices']);
      expect(strings(indices['keep'])).toEqual([]);
      expect(strings(indices['delete']).filter((index) => index.startsWith('camunda-usage-metric'))).toHaveLength(3);
    });
  }, 60_000);

  it('hundreds of long-named dated indices: every request line stays under 4 KiB, and the restore finishes', async () => {
    await withWorld({ resources: 'demo-8.7', durations: DURATIONS, workloadTiming: TIMING }, async (world) => {
      const search = world.sims.search!;
      // Weeks of daily zeebe-record indices (in the backup) and archived Operate indices (newer than the backup).
      const day = (i: number): string => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      for (let i = 0; i < 75; i += 1) search.indices.push(`zeebe-record_process-instance-modification_8.7.0_${day(i)}`, `zeebe-record_message-start-event-subscription_8.7.0_${day(i)}`);
      seedBackup(world, ID);
      await settle(world);
      for (let i = 0; i < 60; i += 1) search.indices.push(`operate-flownode-instance-8.3.1_${day(200 + i)}`);
      indexStateOf(search).restoreDurationMs = 20;
      const total = search.indices.length;
      expect(total).toBeGreaterThan(200);

      // Hundreds of deletes, each through curl in a pod in exec mode: more time than the default.
      const run = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--yes', '-o', 'json', ...FAST_FLAGS], { killAfterMs: 150_000 });
      expect(run.code, describeRun(run)).toBe(0);
      expect(strings(asRecord(run.json()['indices'])['delete']).length).toBe(total);
      const tooLong = searchRequests(world).filter((e) => Buffer.byteLength(`${e.method} ${e.path} HTTP/1.1`) > MAX_INITIAL_LINE_LENGTH);
      expect(tooLong.map((e) => `${e.method} ${e.path.slice(0, 80)}… (${e.status})`)).toEqual([]);
      expect(searchRequests(world).filter((e) => e.status === 400)).toEqual([]);
    });
  }, 180_000);

  it('an Elasticsearch error while planning: one line naming the cluster and its answer, exit 3, nothing changed, no stack trace', async () => {
    await withWorld({ resources: 'demo-8.7', durations: DURATIONS, workloadTiming: TIMING }, async (world) => {
      seedBackup(world, ID);
      await settle(world);
      world.faults.http.push({ component: 'elasticsearch', method: 'GET', path: '/_cat/indices', status: 503, body: { error: { root_cause: [], type: 'cluster_block_exception', reason: 'blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];' }, status: 503 } });
      const run = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--yes', ...FAST_FLAGS]);
      expect(run.code, describeRun(run)).toBe(3);
      expect(run.stderr).not.toMatch(STACK_FRAME);
      expect(run.stderr).not.toMatch(/internal error/i);
      expect(run.stderr).toMatch(/Elasticsearch at \S+ failed a read while planning the restore: .*cluster_block_exception: blocked by: \[SERVICE_UNAVAILABLE\/1\/state not recovered \/ initialized\];.*nothing was changed/);
      expect(world.log.filter((e) => e.method === 'DELETE' || e.path.includes('/_restore'))).toEqual([]);
    });
  }, 60_000);
});

describe('the search simulator refuses an over-long request line as Elasticsearch does', () => {
  it('400 too_long_http_line_exception, before anything else', async () => {
    await withWorld({ resources: 'demo-8.7' }, async (world) => {
      const pod = world.sims.pods.find((p) => p.role === 'elasticsearch')!;
      const port = pod.ports[9200]!;
      const names = Array.from({ length: 120 }, (_, i) => `zeebe-record_process-instance_8.7.0_2026-01-${String(i).padStart(2, '0')}`);
      const path = `/_cat/indices/${names.join(',')}?format=json`;
      expect(Buffer.byteLength(`GET ${path} HTTP/1.1`)).toBeGreaterThan(4096);
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: { root_cause: [{ type: 'too_long_http_line_exception', reason: 'An HTTP line is larger than 4096 bytes.' }], type: 'too_long_http_line_exception', reason: 'An HTTP line is larger than 4096 bytes.' },
        status: 400,
      });
      const short = await fetch(`http://127.0.0.1:${port}/_cat/indices/${names.slice(0, 3).join(',')}?format=json&ignore_unavailable=true`);
      expect(short.status).toBe(200);
    });
  });
});
