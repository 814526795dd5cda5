/**
 * `restore --web-modeler-dump`: create writes the dump, restore loads it back once everything else is up, with
 * Web Modeler stopped and the public schema replaced in one transaction (psql simulator: test/world/sim/psql.ts).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithFixtures } from '../fixtures-available.js';
import type { World } from '../world/index.js';
import { LOAD_EPILOGUE_SQL, LOAD_PROLOGUE_SQL } from '../../src/backup/restore/web-modeler.js';
import { formatBytes } from '../../src/format-bytes.js';
import { pgDumpText } from '../world/sim/pg-dump.js';
import { tablesOfDump } from '../world/sim/psql.js';
import { SEED_DURATIONS, seedBackup, settle } from './helpers/lifecycle-seed.js';
import { describeRun, runCli } from './helpers/run-cli.js';
import { fixture, withWorld } from './helpers/world-run.js';

const ID = 1_700_000_900;
const TIMING = { startMs: 10, readyMs: 30, terminateMs: 30, backoffMs: 400, maxBackoffMs: 400 };
const WORLD = {
  fixture: fixture('8.9', 'web-modeler'),
  repositories: { webapps: 'camunda-backup' },
  zeebe: { store: 'S3' as const },
  durations: { ...SEED_DURATIONS, restore: 60 },
  workloadTiming: TIMING,
  pgDump: { rows: 50 },
};
const FAST_FLAGS = ['--poll-interval', '500ms', '--wait-timeout', '20s'];
const DB_POD = 'camunda-postgresql-web-modeler-0';
const WEB_MODELER = ['deployment/camunda-web-modeler-restapi', 'deployment/camunda-web-modeler-websockets'];

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});

function replicas(world: World): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kind, list] of [['statefulset', world.objects.statefulSets], ['deployment', world.objects.deployments]] as const) {
    for (const raw of (list ?? []).map(asRecord)) out[`${kind}/${String(asRecord(raw['metadata'])['name'])}`] = Number(asRecord(raw['spec'])['replicas'] ?? 1);
  }
  return out;
}

/** Changing Kubernetes requests (scale, patch, delete, the journal and the lock). */
const kubeChanges = (world: World): string[] =>
  world.api.requests.filter((r) => r.kind === 'rest' && r.method !== 'GET' && !/selfsubject/.test(r.path)).map((r) => `${r.method} ${r.path}`);

const tables = (world: World) => Object.fromEntries([...(world.sims.pg.tables.get(DB_POD) ?? new Map())].map(([name, t]) => [name, t.rows.length]));

/** The web-modeler fixture renders no backup configuration: give the orchestration cluster what backup-configured has. */
function configureBackups(world: World): void {
  const env = [
    { name: 'CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_BACKUP_REPOSITORYNAME', value: 'camunda-backup' },
    { name: 'CAMUNDA_DATA_PRIMARYSTORAGE_BACKUP_STORE', value: 'S3' },
    { name: 'CAMUNDA_DATA_PRIMARYSTORAGE_BACKUP_S3_BUCKETNAME', value: 'camunda-zeebe-backups' },
  ];
  const sts = (world.objects.statefulSets ?? []).map(asRecord).find((s) => asRecord(s['metadata'])['name'] === 'camunda-zeebe');
  const podSpecs = [
    asRecord(asRecord(asRecord(sts?.['spec'])['template'])['spec']),
    ...world.objects.pods.map(asRecord).filter((p) => String(asRecord(p['metadata'])['name']).startsWith('camunda-zeebe-')).map((p) => asRecord(p['spec'])),
  ];
  for (const spec of podSpecs) {
    for (const container of (spec['containers'] as Json[] | undefined) ?? []) {
      if (container['name'] === 'orchestration') container['env'] = [...((container['env'] as unknown[] | undefined) ?? []), ...env];
    }
  }
}

async function createWithDump(world: World, access: string): Promise<string> {
  configureBackups(world);
  const file = join(mkdtempSync(join(tmpdir(), 'wm-restore-')), 'modeler.sql');
  const create = await runCli(world, ['create', '-n', world.namespace, '--access', access, '--backup-id', String(ID), '--snapshot-repository', 'camunda-backup', '--web-modeler-output', file]);
  expect(create.code, describeRun(create)).toBe(0);
  return file;
}

describeWithFixtures('restore --web-modeler-dump', () => {
  for (const access of ['port-forward', 'exec'] as const) {
    it(`8.9 (${access}): the dump create wrote is loaded after the rest is up, Web Modeler stopped for it and started again`, async () => {
      await withWorld(WORLD, async (world) => {
        const file = await createWithDump(world, access);
        const before = replicas(world);
        // Web Modeler changed after the backup: the restore must bring back the dump's content, not keep this.
        world.sims.pg.tables.get(DB_POD)?.get('file')?.rows.splice(0, 10);
        world.sims.pg.tables.get(DB_POD)?.set('later', { definition: '(id uuid)', rows: ['x'] });

        const dry = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--web-modeler-dump', file, '--dry-run']);
        expect(dry.code, describeRun(dry)).toBe(0);
        expect(dry.stdout).toMatch(/Stop deployment\/camunda-web-modeler-restapi/);
        expect(dry.stdout).toMatch(/Replace the Web Modeler database "web-modeler" with the dump/);

        const run = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--web-modeler-dump', file, '--yes', '-o', 'json', ...FAST_FLAGS]);
        expect(run.code, describeRun(run)).toBe(0);
        expect(run.json()).toMatchObject({ state: 'COMPLETED', webModelerDump: file });
        const loads = world.sims.pg.loads;
        expect(loads).toHaveLength(1);
        expect(loads[0]).toMatchObject({ pod: DB_POD, database: 'web-modeler', exitCode: 0, committed: true });
        // psql ran with the safety flags, the password only expanded inside the pod.
        expect(loads[0]?.argv).toEqual(expect.arrayContaining(['-v', 'ON_ERROR_STOP=1']));
        expect(loads[0]?.transaction).toBe('explicit');
        const expected = tablesOfDump(readFileSync(file, 'utf8'));
        expect(world.sims.pg.tables.get(DB_POD)).toEqual(expected);

        // Web Modeler was stopped before the load and started after it, and runs its recorded replicas again.
        const load = world.api.requests.find((r) => r.kind === 'exec' && r.pod === DB_POD && /\bpsql\b/.test(r.argv?.join(' ') ?? ''));
        // The dump travels on stdin; the password is expanded inside the pod, never in the exec URL.
        expect(load).toMatchObject({ stdin: true });
        expect(load?.argv?.join(' ')).toContain('PGPASSWORD="${POSTGRES_PASSWORD:-');
        const loadAt = load?.at ?? 0;
        const scales = world.api.requests.filter((r) => r.method !== 'GET' && /web-modeler-(restapi|websockets)\/scale$/.test(r.path));
        expect(scales.filter((r) => r.at < loadAt)).toHaveLength(WEB_MODELER.length);
        expect(scales.filter((r) => r.at > loadAt)).toHaveLength(WEB_MODELER.length);
        expect(replicas(world)).toEqual(before);
      });
    }, 90_000);
  }

  it('a dump that fails to load: exit 4 in phase web-modeler, the database as it was; the rerun with a good dump finishes', async () => {
    await withWorld(WORLD, async (world) => {
      const file = await createWithDump(world, 'exec');
      // A dump that PostgreSQL refuses half-way (the same table twice).
      const good = readFileSync(file, 'utf8');
      const text = good.replace('CREATE TABLE public.file', 'CREATE TABLE public.project (id uuid);\nCREATE TABLE public.file');
      writeFileSync(file, text);
      const before = replicas(world);
      const tablesBefore = tables(world);
      const run = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', 'exec', '--web-modeler-dump', file, '--yes', '-o', 'json', ...FAST_FLAGS]);
      expect(run.code, describeRun(run)).toBe(4);
      expect(run.json()).toMatchObject({ state: 'FAILED', phase: 'web-modeler' });
      expect(run.stderr).toMatch(/ERROR: {2}relation "project" already exists/);
      expect(world.sims.pg.loads.at(-1)).toMatchObject({ exitCode: 3, committed: false });
      expect(tables(world)).toEqual(tablesBefore);
      // Web Modeler stays stopped after a failed load (the rerun loads and starts it); the Camunda workloads are up.
      const after = replicas(world);
      for (const name of WEB_MODELER) expect(after[name]).toBe(0);
      for (const [name, count] of Object.entries(before)) if (!WEB_MODELER.includes(name)) expect(after[name], name).toBe(count);
      expect(run.stderr).toMatch(/Web Modeler stopped \(2 Deployment\(s\) at 0/);

      writeFileSync(file, good);
      const rerun = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', 'exec', '--web-modeler-dump', file, '--yes', '-o', 'json', ...FAST_FLAGS]);
      expect(rerun.code, describeRun(rerun)).toBe(0);
      expect(world.sims.pg.tables.get(DB_POD)).toEqual(tablesOfDump(good));
      expect(replicas(world)).toEqual(before);
    });
  }, 90_000);

  /** A plain dump of about `megabytes` MB, written where create would have written it. */
  function bigDump(megabytes: number): { file: string; text: string; sha256: string } {
    const text = pgDumpText('web-modeler', Math.round((megabytes * 1_000_000) / 170));
    const file = join(mkdtempSync(join(tmpdir(), 'wm-big-')), 'modeler.sql');
    writeFileSync(file, text);
    const sha256 = createHash('sha256').update(LOAD_PROLOGUE_SQL).update(text).update(LOAD_EPILOGUE_SQL).digest('hex');
    return { file, text, sha256 };
  }

  for (const protocol of ['v5', 'v4'] as const) {
    it(`a dump of tens of MB is streamed whole into psql (exec ${protocol}${protocol === 'v4' ? ': stdin cannot be closed, psql quits on \\q' : ''}), with the bytes sent as progress`, async () => {
      await withWorld({ ...WORLD, execProtocol: protocol }, async (world) => {
        configureBackups(world);
        seedBackup(world, ID);
        await settle(world);
        const dump = bigDump(24);
        const size = statSync(dump.file).size;
        const run = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', 'exec', '--web-modeler-dump', dump.file, '--yes', '-o', 'json', ...FAST_FLAGS]);
        expect(run.code, describeRun(run)).toBe(0);
        const load = world.sims.pg.loads.at(-1);
        // Every byte arrived, in order, and psql stopped at the input's own \q, after the COMMIT.
        expect(load).toMatchObject({ exitCode: 0, committed: true, transaction: 'explicit', quit: true, bytes: LOAD_PROLOGUE_SQL.length + size + LOAD_EPILOGUE_SQL.length, sha256: dump.sha256 });
        expect(world.sims.pg.tables.get(DB_POD)).toEqual(tablesOfDump(dump.text));
        expect(world.api.requests.find((r) => r.kind === 'exec' && r.pod === DB_POD && /\bpsql\b/.test(r.argv?.join(' ') ?? ''))).toMatchObject({ protocol: `${protocol}.channel.k8s.io`, stdin: true });
        const total = formatBytes(LOAD_PROLOGUE_SQL.length + size + LOAD_EPILOGUE_SQL.length);
        expect(run.stderr).toMatch(new RegExp(`Replace the Web Modeler database "web-modeler" with the dump .*: \\d+\\.\\d MB of ${total} sent \\(50%\\)`));
        expect(run.stderr).toContain(`all ${formatBytes(size)} sent; waiting for psql to commit`);
        expect(run.stderr).toContain(`${formatBytes(size)} (${size} bytes) loaded into database "web-modeler"`);
      });
    }, 90_000);
  }

  it('a load whose connection is lost half-way: exit 4 in phase web-modeler, nothing committed, the database as it was', async () => {
    await withWorld({ ...WORLD, apiFaults: { execDropAfterMs: 150, execDropMatch: 'psql' } }, async (world) => {
      configureBackups(world);
      seedBackup(world, ID);
      await settle(world);
      const dump = bigDump(24);
      const tablesBefore = tables(world);
      const run = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', 'exec', '--web-modeler-dump', dump.file, '--yes', '-o', 'json', ...FAST_FLAGS]);
      expect(run.code, describeRun(run)).toBe(4);
      expect(run.json()).toMatchObject({ state: 'FAILED', phase: 'web-modeler' });
      expect(run.stderr).toMatch(/without an exit status|connection .*lost|closed/i);
      const load = world.sims.pg.loads.at(-1);
      expect(load?.quit).toBe(false);
      expect(load?.bytes).toBeLessThan(statSync(dump.file).size);
      expect(tables(world)).toEqual(tablesBefore);
    });
  }, 90_000);

  it('a restore planned without --web-modeler-dump, continued with it: the load is added as the last phase, not ignored', async () => {
    await withWorld(WORLD, async (world) => {
      configureBackups(world);
      seedBackup(world, ID);
      await settle(world);
      const dump = bigDump(1);
      const before = replicas(world);
      // The first run fails after changes began: deleting the Zeebe volumes is forbidden once the brokers stopped.
      const deny = { verb: 'delete', resource: 'persistentvolumeclaims' };
      const denyLater = setInterval(() => {
        if (world.api.requests.some((r) => r.method === 'PATCH' && r.path.endsWith('/statefulsets/camunda-zeebe/scale'))) {
          world.api.faults.deny = [...(world.api.faults.deny ?? []), deny];
          clearInterval(denyLater);
        }
      }, 2);
      try {
        const first = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', 'exec', '--yes', '-o', 'json', ...FAST_FLAGS]);
        expect(first.code, describeRun(first)).toBe(4);
        expect(first.json()).toMatchObject({ state: 'FAILED', phase: 'delete-zeebe-volumes' });
        expect(first.json().webModelerDump).toBeUndefined();
      } finally {
        clearInterval(denyLater);
      }
      world.api.faults.deny = [];

      const rerun = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', 'exec', '--web-modeler-dump', dump.file, '--yes', '-o', 'json', ...FAST_FLAGS]);
      expect(rerun.code, describeRun(rerun)).toBe(0);
      expect(rerun.stderr).toContain(`this restore was planned without --web-modeler-dump: the load of ${dump.file} is added as its last phase`);
      expect(rerun.json()).toMatchObject({ state: 'COMPLETED', webModelerDump: dump.file });
      expect(world.sims.pg.loads).toHaveLength(1);
      expect(world.sims.pg.loads[0]).toMatchObject({ committed: true, quit: true, sha256: dump.sha256 });
      expect(world.sims.pg.tables.get(DB_POD)).toEqual(tablesOfDump(dump.text));
      // Web Modeler was stopped for the load and runs its replicas again; the journal kept the extended plan.
      const loadAt = world.api.requests.find((r) => r.kind === 'exec' && r.pod === DB_POD && /\bpsql\b/.test(r.argv?.join(' ') ?? ''))?.at ?? 0;
      const scales = world.api.requests.filter((r) => r.method !== 'GET' && /web-modeler-(restapi|websockets)\/scale$/.test(r.path));
      expect(scales.filter((r) => r.at < loadAt)).toHaveLength(WEB_MODELER.length);
      expect(scales.filter((r) => r.at > loadAt)).toHaveLength(WEB_MODELER.length);
      expect(replicas(world)).toEqual(before);
      const status = await runCli(world, ['restore', '--status', '-n', world.namespace, '-o', 'json']);
      expect(status.json()).toMatchObject({ state: 'COMPLETED' });
      expect(JSON.stringify(status.json())).toContain('load-web-modeler-dump');
    });
  }, 120_000);

  for (const [what, content] of [
    ['missing', undefined],
    ['garbage', 'this is not a dump\n'],
    ['cut off', '--\n-- PostgreSQL database dump\n--\nCREATE TABLE public.project (id uuid);\n'],
  ] as const) {
    it(`a ${what} dump file: exit 2 before any change`, async () => {
      await withWorld(WORLD, async (world) => {
        const dir = mkdtempSync(join(tmpdir(), 'wm-bad-'));
        const file = join(dir, 'dump.sql');
        if (content !== undefined) writeFileSync(file, content);
        configureBackups(world);
        seedBackup(world, ID);
        await settle(world);
        const run = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', 'exec', '--web-modeler-dump', file, '--yes']);
        expect(run.code, describeRun(run)).toBe(2);
        expect(run.stderr).toMatch(/^error: --web-modeler-dump: /m);
        expect(kubeChanges(world)).toEqual([]);
        expect(world.sims.pg.loads).toEqual([]);
      });
    }, 60_000);
  }
});
