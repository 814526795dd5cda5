/**
 * `restore` end to end: the built CLI against the test world, in both access modes, on 8.7 and 8.8 (our own
 * resources), 8.6, 8.9, 8.10 and 8.9/8.10 on an RDBMS (the Helm fixtures). The happy path in the documented order
 * (asserted from the changing requests the API server and the search engine received); per line a failing restore
 * application (exit 4, restore mode taken off) and an interruption followed by the rerun that finishes (during the
 * snapshot restores on Elasticsearch/OpenSearch, while the brokers restore on an RDBMS); and the final state:
 * replicas as recorded, no restore env left, exporting not paused, the backup listed again. On an RDBMS the restore
 * takes two runs around the database (--stop-for-database-restore, then --database-restored); every run re-asserts
 * that what it stopped is still stopped; a journal that cannot be written never changes the exit code.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { World, WorldOptions } from '../world/index.js';
import { indexStateOf } from '../world/sim/search-indices.js';
import { seedBackup, settle, SEED_DURATIONS } from './helpers/lifecycle-seed.js';
import { describeRun, runCli, STACK_FRAME } from './helpers/run-cli.js';
import { dumpLog } from './helpers/sim-log.js';
import { configuredCluster, fixture, itOnLine, relayFlags, withWorld, type Line } from './helpers/world-run.js';
import { itWithFixtures } from '../fixtures-available.js';

/** Pods come and go in tens of milliseconds; the back-off leaves the success line readable between restarts. */
const TIMING = { startMs: 10, readyMs: 30, terminateMs: 30, backoffMs: 400, maxBackoffMs: 400 };
const DURATIONS = { ...SEED_DURATIONS, restore: 60 };
const ID = 12;
const FAST_FLAGS = ['--poll-interval', '500ms', '--wait-timeout', '20s'];

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The changing requests of a restore, in the order they arrived: Kubernetes (scale, patch, PVC delete) and the search engine. */
function changes(world: World): string[] {
  const kube = world.api.requests
    .filter((r) => r.kind === 'rest' && r.method !== 'GET' && /\/(statefulsets|deployments|persistentvolumeclaims)\//.test(r.path))
    .map((r) => {
      const scale = /\/(statefulsets|deployments)\/([^/]+)\/scale$/.exec(r.path);
      if (scale) return { at: r.at, what: `scale ${scale[1]?.replace(/s$/, '')}/${scale[2]}` };
      const patch = /\/(statefulsets|deployments)\/([^/]+)$/.exec(r.path);
      if (patch) return { at: r.at, what: `${r.method.toLowerCase()} ${patch[1]?.replace(/s$/, '')}/${patch[2]}` };
      return { at: r.at, what: `${r.method.toLowerCase()} pvc` };
    });
  const search = world.log
    .filter((e) => (e.component === 'elasticsearch' || e.component === 'opensearch') && e.method !== 'GET' && e.method !== 'HEAD')
    .map((e) => ({ at: e.at, what: /\/_restore/.test(e.path) ? 'restore snapshot' : `${e.method.toLowerCase()} index` }));
  const merged = [...kube, ...search].sort((a, b) => a.at - b.at);
  // Runs of the same per-name step (each index, snapshot, PVC) count as one entry.
  const out: string[] = [];
  for (const { what } of merged) {
    const repeatable = what === 'delete index' || what === 'restore snapshot' || what === 'delete pvc';
    if (!(repeatable && out.at(-1) === what)) out.push(what);
  }
  return out;
}

function statefulSet(world: World, name: string): Json {
  const found = (world.objects.statefulSets ?? []).map(asRecord).find((s) => asRecord(s['metadata'])['name'] === name);
  if (!found) throw new Error(`no statefulset ${name}`);
  return found;
}

function brokerContainer(world: World, name: string): Json {
  const spec = asRecord(asRecord(asRecord(statefulSet(world, name)['spec'])['template'])['spec']);
  return asRecord(asArray(spec['containers']).map(asRecord).find((c) => c['name'] === 'orchestration' || c['name'] === 'zeebe'));
}

const envNames = (container: Json): string[] => asArray(container['env']).map((e) => String(asRecord(e)['name']));

/** spec.replicas of every Camunda workload of the release. */
function replicas(world: World): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kind, list] of [['statefulset', world.objects.statefulSets], ['deployment', world.objects.deployments]] as const) {
    for (const raw of (list ?? []).map(asRecord)) {
      const meta = asRecord(raw['metadata']);
      out[`${kind}/${String(meta['name'])}`] = Number(asRecord(raw['spec'])['replicas'] ?? 1);
    }
  }
  return out;
}

/** The final state every finished restore must leave. */
function expectRestoredState(world: World, before: Record<string, number>, sts = 'camunda-zeebe'): void {
  expect(replicas(world)).toEqual(before);
  const env = envNames(brokerContainer(world, sts));
  expect(env.filter((name) => name.startsWith('ZEEBE_RESTORE') || name === 'SPRING_PROFILES_ACTIVE')).toEqual([]);
  expect(world.sims.zeebe?.isPaused() ?? false).toBe(false);
  for (const restore of world.sims.search ? indexStateOf(world.sims.search).restores : []) expect(restore.includeGlobalState).toBe(false);
  expectOnlyPlannedDeletes(world);
}

/** The restore's plan, as its journal in the cluster keeps it. */
function journalPlan(world: World): Json {
  const map = (world.objects.configMaps ?? []).map(asRecord).find((c) => asRecord(c['metadata'])['name'] === 'camunda-camunda-restore');
  return asRecord(asRecord(JSON.parse(String(asRecord(map?.['data'])['journal.json'] ?? '{}')))['plan']);
}

/**
 * Indices are deleted only by names the plan holds (its indices to delete, or the indices of a planned snapshot
 * that a continued run deletes again before restoring it): every name of every DELETE the search engine received
 * is one of them (so never a pattern, _all or another application's index), and every request line fits.
 */
function expectOnlyPlannedDeletes(world: World, foreign: readonly string[] = FOREIGN): void {
  const plan = journalPlan(world);
  const planned = new Set([...asArray(plan['indices']).map(String), ...asArray(plan['snapshots']).flatMap((s) => asArray(asRecord(s)['indices']).map(String))]);
  const deletes = world.log.filter((e) => (e.component === 'elasticsearch' || e.component === 'opensearch') && e.method === 'DELETE');
  for (const entry of deletes) {
    const url = new URL(entry.path, 'http://search');
    const names = url.pathname.slice(1).split(',').map(decodeURIComponent);
    expect(names.filter((name) => !planned.has(name)), `DELETE ${entry.path}`).toEqual([]);
    expect(names.filter((name) => foreign.includes(name))).toEqual([]);
    expect(`DELETE ${entry.path} HTTP/1.1`.length).toBeLessThan(4096);
    expect(entry.status).toBe(200);
  }
}

/** Indices of other applications that share the search engine: never touched. */
const FOREIGN = ['my-app-operate-notes', 'camundafoo'];

function seeded(world: World): void {
  seedBackup(world, ID);
}

/** Runs `act` once, as soon as `seen` holds while the CLI runs; returns what stops watching. */
function once(seen: () => boolean, act: () => void): () => void {
  const timer = setInterval(() => {
    if (!seen()) return;
    clearInterval(timer);
    act();
  }, 2);
  return () => clearInterval(timer);
}

const journalWritesFail = (world: World, status: number, message: string, reason: string): void => {
  world.api.faults.restError = { method: 'PUT', path: /\/configmaps\/camunda-camunda-restore$/, status, message, reason };
};

/** Someone else (Argo CD self-heal, a colleague) sets a workload's replicas, outside the tool. */
function startOutOfBand(world: World, kind: 'deployment' | 'statefulset', name: string, count: number): void {
  const workload = kind === 'deployment' ? world.workloads.deployment(world.namespace, name) : world.workloads.statefulSet(world.namespace, name);
  if (!workload) throw new Error(`no ${kind} ${name}`);
  asRecord(workload['spec'])['replicas'] = count;
  world.workloads.specChanged(workload);
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the world');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}


const HAPPY_ORDER: Record<Line, string[]> = {
  '8.6': [
    'scale statefulset/camunda-zeebe',
    'scale deployment/camunda-connectors',
    'scale deployment/camunda-operate',
    'scale deployment/camunda-optimize',
    'scale deployment/camunda-tasklist',
    'scale deployment/camunda-zeebe-gateway',
  ],
  '8.7': [
    'scale statefulset/camunda-zeebe',
    'scale deployment/camunda-operate',
    'scale deployment/camunda-optimize',
    'scale deployment/camunda-tasklist',
    'scale deployment/camunda-zeebe-gateway',
  ],
  '8.8': ['scale statefulset/camunda-zeebe', 'scale deployment/camunda-optimize'],
  '8.9': ['scale statefulset/camunda-zeebe', 'scale deployment/camunda-connectors', 'scale deployment/camunda-optimize'],
  // Identity keeps running (camunda-restore.md §9 #6): here it is also the pod the search engine is reached through.
  '8.10': ['scale statefulset/camunda-zeebe', 'scale deployment/camunda-connectors', 'scale deployment/camunda-optimize'],
};

/** After the stops: the documented order, the same on every ES/OS line. */
function restoreOrder(starts: string[]): string[] {
  return [
    'delete index',
    'restore snapshot',
    'delete pvc',
    'patch statefulset/camunda-zeebe',
    'scale statefulset/camunda-zeebe',
    'scale statefulset/camunda-zeebe',
    'patch statefulset/camunda-zeebe',
    'scale statefulset/camunda-zeebe',
    ...starts,
  ];
}

function clusterOf(line: Line): WorldOptions {
  return { ...configuredCluster(line), durations: DURATIONS, workloadTiming: TIMING };
}

/** One installation a restore runs against: an Elasticsearch/OpenSearch line with backup 12, or a line on an RDBMS. */
interface Setup {
  readonly name: string;
  readonly line: Line;
  readonly rdbms: boolean;
  readonly world: WorldOptions;
  /** Takes the backup the restore brings back. */
  seed(world: World): void;
  /** The restore's own arguments: the backup ID (and a relay pod), or --database-restored (after `prepare`). */
  args(world: World): string[];
  /** Makes every backup the restore application could use disappear from the store. */
  loseBackups(world: World): void;
  /** What must run before `args` can restore: on an RDBMS the first run, which stops Camunda for the database restore. */
  prepare(world: World, access: string): Promise<void>;
}

/** RDBMS, run 1 of 2: the checks, then every Camunda workload stopped; exit 0, WAITING_FOR_DATABASE. */
async function stopForDatabaseRestore(world: World, access: string): Promise<void> {
  const run = await runCli(world, ['restore', '--stop-for-database-restore', '-n', world.namespace, '--access', access, '--yes', ...FAST_FLAGS]);
  expect(run.code, describeRun(run)).toBe(0);
  expect(run.stdout).toMatch(/: WAITING_FOR_DATABASE/);
}

function searchSetup(line: Line): Setup {
  return {
    name: line,
    line,
    rdbms: false,
    world: clusterOf(line),
    seed: seeded,
    args: (world) => [String(ID), ...relayFlags(line, world)],
    loseBackups: (world) => world.sims.zeebe?.delete(ID),
    prepare: () => Promise.resolve(),
  };
}

function rdbmsSetup(line: '8.9' | '8.10'): Setup {
  return {
    name: `${line} RDBMS`,
    line,
    rdbms: true,
    world: { fixture: fixture(line, 'rdbms-backup-continuous'), durations: DURATIONS, workloadTiming: TIMING },
    seed: (world) => void world.sims.zeebe?.take(undefined),
    args: () => ['--database-restored'],
    loseBackups: (world) => {
      for (const id of [...(world.sims.zeebe?.backups.keys() ?? [])]) world.sims.zeebe?.delete(id);
    },
    prepare: stopForDatabaseRestore,
  };
}

/** A restore of the setup's backup, stopped by `signal` once `restores` snapshot restores began (each takes 400 ms). */
async function interruptedInSnapshots(world: World, setup: Setup, access: string, restores: number, signal: 'SIGINT' | 'SIGTERM') {
  setup.seed(world);
  await settle(world);
  const before = replicas(world);
  const search = world.sims.search;
  if (!search) throw new Error('no search store');
  indexStateOf(search).restoreDurationMs = 400;
  const first = await runCli(world, ['restore', ...setup.args(world), '-n', world.namespace, '--access', access, '--yes', ...FAST_FLAGS], { signal, signalWhen: () => indexStateOf(search).restores.length >= restores });
  return { before, search, first };
}

/** it() for a setup: the RDBMS ones and the ES/OS lines outside our own resources need the Helm fixtures. */
const itOn = (setup: Setup): typeof itWithFixtures => (setup.rdbms ? itWithFixtures : itOnLine(setup.line));

/** The command a stopped or failed run prints to continue, as a pattern. */
function continuePattern(setup: Setup, world: World, access: string): RegExp {
  const head = setup.rdbms ? 'kubectl camunda-backup restore ' : `kubectl camunda-backup restore ${ID} `;
  // Every flag that shaped the run: the relay pod, and the waits that differ from the defaults (FAST_FLAGS).
  const relay = setup.rdbms ? [] : relayFlags(setup.line, world);
  const tail = `${relay.map((flag) => ` ${flag}`).join('')}${setup.rdbms ? ' --database-restored' : ''} --wait-timeout 20s --poll-interval 500ms --yes`;
  return new RegExp(`^${head}--context \\S+ -n ${world.namespace} --release camunda --access ${access}${tail}$`);
}

/** The lines of the per-version matrix (issue item 9), ES/OS and RDBMS. */
const SEARCH_LINES = ['8.7', '8.8', '8.9', '8.10'] as const;
const RDBMS_LINES = ['8.9', '8.10'] as const;

describe.each(['port-forward', 'exec'] as const)('restore through %s', (access) => {
  for (const line of ['8.6', '8.7', '8.8', '8.9', '8.10'] as const) {
    itOnLine(line)(`${line}: the happy path in the documented order, each step verified, and the final state`, async () => {
      await withWorld(clusterOf(line), async (world) => {
        seeded(world);
        await settle(world);
        const before = replicas(world);
        const deleted = world.sims.search?.indices.filter((i) => /^(operate-|tasklist-|optimize-|camunda-|zeebe-record_)/.test(i)).sort() ?? [];
        world.sims.search?.indices.push(...FOREIGN);
        if (world.sims.search) indexStateOf(world.sims.search).restoreDurationMs = 20;
        const run = await runCli(world, ['restore', String(ID), ...relayFlags(line, world), '-n', world.namespace, '--access', access, '--yes', '-o', 'json', ...FAST_FLAGS]);
        expect(run.code, describeRun(run)).toBe(0);
        const report = run.json();
        expect(report).toMatchObject({ schemaVersion: 1, command: 'restore', state: 'COMPLETED', backupId: ID, mode: 'backup-id' });
        expect(asArray(report.plan).every((step) => asRecord(step)['done'] === true)).toBe(true);
        expect(report.indices.delete).toEqual(deleted);
        // The chart's start script restores with these (8.8 and later also need the restore profile, §8.1).
        const setEnv = asArray(asRecord(report.statefulSet)['setEnv']).map((e) => `${String(asRecord(e)['name'])}=${String(asRecord(e)['value'])}`);
        expect(setEnv).toEqual(['ZEEBE_RESTORE=true', `ZEEBE_RESTORE_FROM_BACKUP_ID=${ID}`, ...(line === '8.6' || line === '8.7' ? [] : ['SPRING_PROFILES_ACTIVE=restore'])]);

        const stops = HAPPY_ORDER[line];
        const starts = stops.slice(1);
        expect(changes(world), dumpLog(world)).toEqual([...stops, ...restoreOrder(starts)]);
        // What the cluster holds now: exactly the backup's indices, and the foreign ones that were never touched.
        const restored = asArray(report.snapshots).flatMap((s) => asArray(asRecord(s)['indices']).map(String));
        expect(restored.length).toBeGreaterThan(0);
        expect([...(world.sims.search?.indices ?? [])].sort()).toEqual([...new Set([...restored, ...FOREIGN])].sort());
        // Deleted by exact names in as few requests as the request line allows (here: one), never one per index.
        const deletes = world.log.filter((e) => e.component === 'elasticsearch' && e.method === 'DELETE');
        expect(deletes.length).toBe(asArray(report.plan).filter((step) => asRecord(step)['action'] === 'delete-indices').length);
        expect(deletes.length).toBeLessThan(deleted.length);
        expectRestoredState(world, before);
        expect(world.workloads.volumeData(world.namespace, 'data-camunda-zeebe-0')).toMatchObject({ restoredFrom: [ID] });

        const status = await runCli(world, ['restore', '--status', '-n', world.namespace]);
        expect(status.code, describeRun(status)).toBe(0);
        expect(status.stdout).toMatch(/COMPLETED/);
        const list = await runCli(world, ['list', '-n', world.namespace, '--access', access, '-o', 'json']);
        expect(list.stdout).toContain(String(ID));
      });
    }, 60_000);
  }

  for (const setup of RDBMS_LINES.map(rdbmsSetup)) {
  itOn(setup)(`${setup.name} in two runs: --stop-for-database-restore checks and stops Camunda (WAITING_FOR_DATABASE, exit 0); something started again is stopped and the database asked for again; --database-restored restores Zeebe without an ID`, async () => {
    await withWorld(setup.world, async (world) => {
      setup.seed(world);
      await settle(world);
      const before = replicas(world);
      const dry = await runCli(world, ['restore', '--stop-for-database-restore', '-n', world.namespace, '--access', access, '--dry-run']);
      expect(dry.code, describeRun(dry)).toBe(0);
      expect(dry.stdout).toMatch(/Camunda database \(RDBMS\)/);
      expect(dry.stdout).toMatch(/Stop statefulset\/camunda-zeebe[\s\S]*Restore the Camunda database with the vendor's tools \(you, while Camunda is stopped\)[\s\S]*Put statefulset\/camunda-zeebe into restore mode/);
      expect(dry.stdout).not.toMatch(/Delete (index|\d+ indices)|Restore snapshot/);

      // Run 1 of 2 (the continue command repeats the waits that differ from the defaults): the checks while Camunda runs, then every Camunda workload stopped, and nothing else.
      const first = await runCli(world, ['restore', '--stop-for-database-restore', '-n', world.namespace, '--access', access, '--yes', '-o', 'json', ...FAST_FLAGS]);
      expect(first.code, describeRun(first)).toBe(0);
      expect(first.stderr).toMatch(/ok {3}A completed Zeebe backup to restore from/);
      const waiting = first.json();
      expect(waiting).toMatchObject({ state: 'WAITING_FOR_DATABASE', phase: 'restore-database', mode: 'rdbms', backupId: null, journal: { configMap: 'camunda-camunda-restore', state: 'WAITING_FOR_DATABASE' } });
      const command = String(waiting.continueCommand);
      expect(command).toMatch(new RegExp(`^kubectl camunda-backup restore --context \\S+ -n ${world.namespace} --release camunda --access ${access} --database-restored --wait-timeout 20s --poll-interval 500ms --yes$`));
      expect(asArray(waiting.next).map(String)[0]).toMatch(/^restore the Camunda database with the vendor's tools .* now, while every Camunda workload is stopped/);
      expect(asArray(waiting.clusterState)).toContain("waiting for the Camunda database to be restored with the vendor's tools (every Camunda workload is stopped)");
      expect(changes(world), dumpLog(world)).toEqual(['scale statefulset/camunda-zeebe', 'scale deployment/camunda-connectors']);
      expect([replicas(world)['statefulset/camunda-zeebe'], replicas(world)['deployment/camunda-connectors']]).toEqual([0, 0]);
      const status = await runCli(world, ['restore', '--status', '-n', world.namespace]);
      expect(status.stdout).toMatch(/Restore of Zeebe \(RDBMS mode\) into release camunda: WAITING_FOR_DATABASE/);
      expect(status.stdout).toMatch(/Continue with: kubectl camunda-backup restore .*--database-restored --yes/);
      // Another run of the first step only checks that everything is still stopped.
      const again = await runCli(world, ['restore', '--stop-for-database-restore', '-n', world.namespace, '--access', access, '--yes', ...FAST_FLAGS]);
      expect(again.code, describeRun(again)).toBe(0);
      expect(again.stdout).toMatch(/WAITING_FOR_DATABASE[\s\S]*Next:\n {2}1\. restore the Camunda database/);
      expect(changes(world)).toHaveLength(2);
      // The bound of the Zeebe restore is given with the run that says the database was restored.
      const bounded = await runCli(world, ['restore', '--database-restored', '--to', '2026-12-06T03:00:00+01:00', '-n', world.namespace, '--access', access, '--dry-run']);
      expect(bounded.code, describeRun(bounded)).toBe(0);
      expect(bounded.stdout).toMatch(/Continuing the restore started .*\(WAITING_FOR_DATABASE\)/);
      expect(bounded.stdout).toMatch(/set ZEEBE_RESTORE=true, ZEEBE_RESTORE_TO_TIMESTAMP=2026-12-06T02:00:00\.000Z, SPRING_PROFILES_ACTIVE=restore/);
      expect(changes(world)).toHaveLength(2);

      // While the database is restored, Argo CD's self-heal starts Connectors again: it may have written into the
      // restored database. The run told the database was restored stops it again and asks for the database again.
      startOutOfBand(world, 'deployment', 'camunda-connectors', 1);
      await until(() => world.objects.pods.some((p) => String(asRecord(asRecord(p)['metadata'])['name']).startsWith('camunda-connectors-')));
      // The printed command as printed: it carries this run's waits already.
      const args = command.replace(/^kubectl camunda-backup /, '').split(' ');
      const tooEarly = await runCli(world, args, { env: {} });
      expect(tooEarly.code, describeRun(tooEarly)).toBe(4);
      expect(tooEarly.stderr).toMatch(/restore failed in phase restore-database: running again since the restore stopped it: deployment\/camunda-connectors \(1 replica\(s\), \d pod\(s\); recorded \d\)\. Stopped again .*It may have written into the database after you restored it: restore the database again/);
      expect(tooEarly.stdout).toMatch(/Continue with: kubectl camunda-backup restore .*--database-restored --wait-timeout 20s --poll-interval 500ms --yes/);
      expect(replicas(world)['deployment/camunda-connectors']).toBe(0);
      expect(world.api.requests.some((r) => r.method === 'DELETE' && r.path.includes('/persistentvolumeclaims/'))).toBe(false);

      // Run 2 of 2, after the database was restored again.
      const second = await runCli(world, args, { env: {} });
      expect(second.code, describeRun(second)).toBe(0);
      expect(second.stdout).toMatch(/COMPLETED/);
      expect(second.stdout).toMatch(/vendor's tools/);
      expect(changes(world), dumpLog(world)).toEqual([
        'scale statefulset/camunda-zeebe',
        'scale deployment/camunda-connectors',
        'scale deployment/camunda-connectors',
        ...restoreOrder(['scale deployment/camunda-connectors']).slice(2),
      ]);
      expectRestoredState(world, before);
      expect(world.workloads.volumeData(world.namespace, 'data-camunda-zeebe-0')).toMatchObject({ restoredFrom: [...(world.sims.zeebe?.backups.keys() ?? [])] });
    });
  }, 90_000);
  }

  itOnLine('8.8')('a workload started again between two runs (Argo CD self-heal) is stopped again before the next destructive step, its recorded replicas kept', async () => {
    await withWorld(clusterOf('8.8'), async (world) => {
      const { before, search, first } = await interruptedInSnapshots(world, searchSetup('8.8'), access, 1, 'SIGINT');
      expect(first.code, describeRun(first)).toBe(130);
      expect(replicas(world)['deployment/camunda-optimize']).toBe(0);

      startOutOfBand(world, 'deployment', 'camunda-optimize', 2);
      await until(() => world.objects.pods.some((p) => String(asRecord(asRecord(p)['metadata'])['name']).startsWith('camunda-optimize-')));
      indexStateOf(search).restoreDurationMs = 20;
      const mark = Date.now();
      const rerun = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--yes', ...FAST_FLAGS]);
      expect(rerun.code, describeRun(rerun)).toBe(0);
      expect(rerun.stderr).toMatch(/running again since the restore stopped it: deployment\/camunda-optimize \(2 replica\(s\), \d pod\(s\); recorded 1\)\. Stopped again \(the journal keeps the recorded replicas\)/);
      // Stopped again before the rerun's first change of data.
      const restop = world.api.requests.find((r) => r.at >= mark && r.method === 'PATCH' && r.path.endsWith('/deployments/camunda-optimize/scale'));
      const firstData = world.log.find((e) => e.at >= mark && (e.component === 'elasticsearch' || e.component === 'opensearch') && e.method !== 'GET' && e.method !== 'HEAD');
      expect(restop && firstData && restop.at <= firstData.at, dumpLog(world)).toBe(true);
      // Back at the recorded replicas (1), not at the 2 it was started with.
      expectRestoredState(world, before);
    });
  }, 60_000);

  for (const setup of [...SEARCH_LINES.map(searchSetup), ...RDBMS_LINES.map(rdbmsSetup)]) {
    itOn(setup)(`${setup.name}: a failing restore application: exit 4 naming the phase and the state, restore mode taken off, the journal FAILED`, async () => {
      await withWorld(setup.world, async (world) => {
        setup.seed(world);
        await settle(world);
        await setup.prepare(world, access);
        // The Zeebe backup disappears from the store once the volumes are being deleted: the restore app cannot find it.
        const deleteOnce = setInterval(() => {
          if (world.api.requests.some((r) => r.method === 'DELETE' && r.path.includes('/persistentvolumeclaims/'))) {
            setup.loseBackups(world);
            clearInterval(deleteOnce);
          }
        }, 2);
        try {
          const run = await runCli(world, ['restore', ...setup.args(world), '-n', world.namespace, '--access', access, '--yes', ...FAST_FLAGS]);
          expect(run.code, describeRun(run)).toBe(4);
          expect(run.stderr).not.toMatch(STACK_FRAME);
          const cause = setup.rdbms ? /No backup found in time range/ : /BackupNotFoundException/;
          expect(run.stderr).toMatch(/restore failed in phase restore-zeebe: the restore application on camunda-zeebe-\d failed: /);
          expect(run.stderr).toMatch(cause);
          expect(run.stdout).toMatch(/Cluster state:[\s\S]*applications stopped[\s\S]*no restore env on the StatefulSet/);
          expect(/Continue with: (.+)/.exec(run.stdout)?.[1]).toMatch(continuePattern(setup, world, access));
          // Restore mode is off and everything is down: nothing runs on half-restored data.
          expect(envNames(brokerContainer(world, 'camunda-zeebe')).filter((n) => n.startsWith('ZEEBE_RESTORE') || n === 'SPRING_PROFILES_ACTIVE')).toEqual([]);
          const stopped = HAPPY_ORDER[setup.line].map((what) => what.replace(/^scale /, ''));
          for (const workload of setup.rdbms ? ['statefulset/camunda-zeebe', 'deployment/camunda-connectors'] : stopped) expect(replicas(world)[workload], workload).toBe(0);
          const status = await runCli(world, ['restore', '--status', '-n', world.namespace, '-o', 'json']);
          expect(status.json()).toMatchObject({ state: 'FAILED', phase: 'restore-zeebe', restoreModeOn: false, backupId: setup.rdbms ? null : ID });
          if (setup.rdbms) return;
          // Another ID is refused while this one is unfinished.
          const other = await runCli(world, ['restore', String(ID + 1), ...relayFlags(setup.line, world), '-n', world.namespace, '--access', access, '--yes']);
          expect(other.code, describeRun(other)).toBe(3);
          expect(other.stderr).toMatch(new RegExp(`a restore of backup ${ID} into release camunda is unfinished \\(FAILED in phase restore-zeebe since \\S+\\); nothing was changed`));
          expect(other.stderr).toMatch(/or, if it cannot be finished, abandon it with: kubectl camunda-backup restore --abandon /);
        } finally {
          clearInterval(deleteOnce);
        }
      });
    }, 60_000);
  }

  for (const setup of SEARCH_LINES.map(searchSetup)) {
    itOn(setup)(`${setup.name}: interrupted during the snapshot restores (SIGINT/SIGTERM): exit 130/143 with the phase and the command; the printed command finishes`, async () => {
      await withWorld(setup.world, async (world) => {
        const { before, search, first } = await interruptedInSnapshots(world, setup, access, 2, access === 'exec' ? 'SIGTERM' : 'SIGINT');
        expect(first.code, describeRun(first)).toBe(access === 'exec' ? 143 : 130);
        expect(first.stderr).not.toMatch(STACK_FRAME);
        expect(first.stdout).toMatch(/INTERRUPTED[\s\S]*Phase: restore-snapshots/);
        const command = /Continue with: (.+)/.exec(first.stdout)?.[1];
        expect(command).toMatch(continuePattern(setup, world, access));
        // A safe point: nothing scaled back up, no PVC touched, no restore env.
        expect(replicas(world)['statefulset/camunda-zeebe']).toBe(0);
        expect(world.api.requests.some((r) => r.method === 'DELETE' && r.path.includes('/persistentvolumeclaims/'))).toBe(false);
        expect(envNames(brokerContainer(world, 'camunda-zeebe')).filter((n) => n.startsWith('ZEEBE_RESTORE'))).toEqual([]);
        const status = await runCli(world, ['restore', '--status', '-n', world.namespace, '-o', 'json']);
        const journal = status.json();
        expect(journal).toMatchObject({ state: 'INTERRUPTED', phase: 'restore-snapshots', restoreModeOn: false });
        const steps = asArray(journal.plan).map(asRecord);
        const snapshotSteps = steps.filter((step) => step['action'] === 'restore-snapshot');
        const doneBefore = snapshotSteps.filter((step) => step['done'] === true).map((step) => String(step['target']).split('/').pop());
        const left = snapshotSteps.filter((step) => step['done'] !== true).map((step) => String(step['target']).split('/').pop());
        expect(doneBefore.length).toBeGreaterThan(0);
        expect(left.length).toBeGreaterThan(0);
        // The scales still to come: the Zeebe restore (up, down, up) and the start of everything stopped.
        const scalesLeft = steps.filter((step) => /^scale-/.test(String(step['action'])) && step['done'] !== true).length;
        expect(scalesLeft).toBe(3 + HAPPY_ORDER[setup.line].length - 1);

        indexStateOf(search).restoreDurationMs = 20;
        const restoresBefore = indexStateOf(search).restores.length;
        const scalesBefore = world.api.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/scale')).length;
        const rerun = await runCli(world, command?.replace(/^kubectl camunda-backup /, '').split(' ') ?? [], { env: {} });
        expect(rerun.code, describeRun(rerun)).toBe(0);
        expect(rerun.stdout).toMatch(/Continuing the restore started/);
        // The rerun restored exactly the snapshots not done (the interrupted one again, over its partial indices),
        // and stopped nothing twice: its only scales are the Zeebe restore and the start of everything.
        expect(indexStateOf(search).restores.slice(restoresBefore).map((r) => r.snapshot)).toEqual(left);
        const rerunScales = world.api.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/scale')).length - scalesBefore;
        expect(rerunScales).toBe(scalesLeft);
        expectRestoredState(world, before);
        expect(world.workloads.volumeData(world.namespace, 'data-camunda-zeebe-0')).toMatchObject({ restoredFrom: [ID] });
      });
    }, 60_000);
  }

  for (const setup of [searchSetup('8.8'), ...RDBMS_LINES.map(rdbmsSetup)]) {
    itOn(setup)(`${setup.name}: interrupted while the brokers restore: restore mode is taken off first (exit 130), the rerun empties the volumes again and finishes`, async () => {
      await withWorld(setup.world, async (world) => {
        setup.seed(world);
        await settle(world);
        const before = replicas(world);
        await setup.prepare(world, access);
        const patched = (): boolean => world.api.requests.some((r) => r.method === 'PATCH' && /\/statefulsets\/camunda-zeebe$/.test(r.path));
        const first = await runCli(world, ['restore', ...setup.args(world), '-n', world.namespace, '--access', access, '--yes', ...FAST_FLAGS], { signalWhen: patched });
        expect(first.code, describeRun(first)).toBe(130);
        expect(first.stdout).toMatch(/Phase: restore-zeebe/);
        expect(first.stdout).toMatch(/no restore env on the StatefulSet/);
        const command = /Continue with: (.+)/.exec(first.stdout)?.[1];
        expect(command).toMatch(continuePattern(setup, world, access));
        expect(envNames(brokerContainer(world, 'camunda-zeebe')).filter((n) => n.startsWith('ZEEBE_RESTORE') || n === 'SPRING_PROFILES_ACTIVE')).toEqual([]);
        for (const workload of HAPPY_ORDER[setup.line].map((what) => what.replace(/^scale /, ''))) {
          if (workload in before) expect(replicas(world)[workload], workload).toBe(0);
        }

        const pvcDeletesBefore = world.api.requests.filter((r) => r.method === 'DELETE' && r.path.includes('/persistentvolumeclaims/')).length;
        const rerun = await runCli(world, command?.replace(/^kubectl camunda-backup /, '').split(' ') ?? [], { env: {} });
        expect(rerun.code, describeRun(rerun)).toBe(0);
        expect(rerun.stdout).toMatch(/Continuing the restore started/);
        expect(world.api.requests.filter((r) => r.method === 'DELETE' && r.path.includes('/persistentvolumeclaims/')).length - pvcDeletesBefore).toBe(3);
        expectRestoredState(world, before);
        expect(world.workloads.volumeData(world.namespace, 'data-camunda-zeebe-2')).toMatchObject({ restoredFrom: setup.rdbms ? [...(world.sims.zeebe?.backups.keys() ?? [])] : [ID] });
      });
    }, 60_000);
  }

  itOnLine('8.8')('taking restore mode off fails: exit 5 with the exact kubectl commands; once allowed, the rerun takes it off first', async () => {
    await withWorld(clusterOf('8.8'), async (world) => {
      seeded(world);
      await settle(world);
      const isRestorePatch = (r: { method: string; path: string }): boolean => r.method === 'PATCH' && /\/statefulsets\/camunda-zeebe$/.test(r.path);
      const deny = { verb: 'patch', resource: 'statefulsets', group: 'apps' };
      const trap = setInterval(() => {
        if (world.api.requests.some(isRestorePatch) && !(world.api.faults.deny ?? []).includes(deny)) {
          world.api.faults.deny = [...(world.api.faults.deny ?? []), deny];
          world.sims.zeebe?.delete(ID);
          clearInterval(trap);
        }
      }, 2);
      try {
        const run = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--yes', ...FAST_FLAGS]);
        expect(run.code, describeRun(run)).toBe(5);
        expect(run.stderr).not.toMatch(STACK_FRAME);
        expect(run.stdout).toMatch(/statefulset\/camunda-zeebe is IN RESTORE MODE/);
        const commands = run.stdout.split('\n').filter((l) => /^\s+kubectl (scale|patch) statefulset camunda-zeebe /.test(l)).map((l) => l.trim());
        expect(commands.map((c) => c.split(' ').slice(0, 3).join(' '))).toEqual(['kubectl scale statefulset', 'kubectl patch statefulset', 'kubectl scale statefulset']);
        for (const command of commands) expect(command).toMatch(new RegExp(`--context \\S+ -n ${world.namespace} `));
        const body = /-p '(.+)'$/.exec(commands[1] ?? '')?.[1] ?? '{}';
        const spec = asRecord(asRecord(asRecord(JSON.parse(body))['spec'])['template'])['spec'];
        const env = asArray(asRecord(asArray(asRecord(spec)['containers'])[0])['env']);
        expect(env).toEqual(expect.arrayContaining([{ name: 'ZEEBE_RESTORE', $patch: 'delete' }, { name: 'ZEEBE_RESTORE_FROM_BACKUP_ID', $patch: 'delete' }, { name: 'SPRING_PROFILES_ACTIVE', $patch: 'delete' }]));
        expect(envNames(brokerContainer(world, 'camunda-zeebe'))).toContain('ZEEBE_RESTORE');

        world.api.faults.deny = [];
        const rerun = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--yes', ...FAST_FLAGS]);
        // The backup is gone, so the rerun fails again in the Zeebe restore (exit 4), but restore mode is off now.
        expect(rerun.code, describeRun(rerun)).toBe(4);
        expect(rerun.stderr).toMatch(/was in restore mode: taking it out of restore mode first/);
        expect(envNames(brokerContainer(world, 'camunda-zeebe')).filter((n) => n.startsWith('ZEEBE_RESTORE') || n === 'SPRING_PROFILES_ACTIVE')).toEqual([]);
      } finally {
        clearInterval(trap);
      }
    });
  }, 60_000);

  itOnLine('8.8')('the journal cannot be written (API server answers 503 to its writes) while taking restore mode off fails too: still exit 5 with the exact commands, never 3; the report says the journal is behind', async () => {
    await withWorld(clusterOf('8.8'), async (world) => {
      seeded(world);
      await settle(world);
      const isRestorePatch = (r: { method: string; path: string }): boolean => r.method === 'PATCH' && /\/statefulsets\/camunda-zeebe$/.test(r.path);
      const deny = { verb: 'patch', resource: 'statefulsets', group: 'apps' };
      const stop = once(
        () => world.api.requests.some(isRestorePatch),
        () => {
          journalWritesFail(world, 503, 'etcdserver: request timed out', 'ServiceUnavailable');
          world.api.faults.deny = [...(world.api.faults.deny ?? []), deny];
          world.sims.zeebe?.delete(ID);
        },
      );
      try {
        const run = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--yes', ...FAST_FLAGS]);
        expect(run.code, describeRun(run)).toBe(5);
        expect(run.stderr).not.toMatch(STACK_FRAME);
        expect(run.stderr).not.toMatch(/nothing was changed/);
        const commands = run.stdout.split('\n').filter((l) => /^\s+kubectl (scale|patch) statefulset camunda-zeebe /.test(l));
        expect(commands).toHaveLength(3);
        expect(run.stdout).toMatch(/JOURNAL NOT WRITTEN: .*etcdserver: request timed out\n {2}What it means: the journal in the cluster is behind this run/);
        expect(run.stderr).toMatch(/the restore journal could not be written: .*etcdserver: request timed out/);
        // The brokers were scaled to 0 before the inverse patch was refused: nothing runs in restore mode.
        expect(replicas(world)['statefulset/camunda-zeebe']).toBe(0);
        const json = await runCli(world, ['restore', '--status', '-n', world.namespace, '-o', 'json']);
        // The journal kept what was written before the outage (restore mode on): the next run takes it off first.
        expect(json.json()).toMatchObject({ restoreModeOn: true });

        world.api.faults.deny = [];
        world.api.faults.restError = undefined;
        const rerun = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--yes', ...FAST_FLAGS]);
        expect(rerun.code, describeRun(rerun)).toBe(4);
        expect(rerun.stderr).toMatch(/was in restore mode: taking it out of restore mode first/);
        expect(envNames(brokerContainer(world, 'camunda-zeebe')).filter((n) => n.startsWith('ZEEBE_RESTORE') || n === 'SPRING_PROFILES_ACTIVE')).toEqual([]);
        expect(rerun.stdout).not.toMatch(/JOURNAL NOT WRITTEN/);
      } finally {
        stop();
      }
    });
  }, 60_000);

  itOnLine('8.8')('the journal cannot be written once the volumes are being deleted: exit 4 (not 3) naming the journal; once it can, the rerun finishes', async () => {
    await withWorld(clusterOf('8.8'), async (world) => {
      seeded(world);
      await settle(world);
      const before = replicas(world);
      const stop = once(
        () => world.api.requests.some((r) => r.method === 'DELETE' && r.path.includes('/persistentvolumeclaims/')),
        () => journalWritesFail(world, 401, 'Unauthorized', 'Unauthorized'),
      );
      try {
        const run = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--yes', ...FAST_FLAGS]);
        expect(run.code, describeRun(run)).toBe(4);
        expect(run.stderr).not.toMatch(STACK_FRAME);
        expect(run.stderr).toMatch(/restore failed in phase delete-zeebe-volumes: the restore journal \(configmap\/camunda-camunda-restore\) could not be written: /);
        expect(run.stdout).toMatch(/JOURNAL NOT WRITTEN/);
        expect(envNames(brokerContainer(world, 'camunda-zeebe')).filter((n) => n.startsWith('ZEEBE_RESTORE'))).toEqual([]);
        expect(replicas(world)['statefulset/camunda-zeebe']).toBe(0);
        world.api.faults.restError = undefined;
        const rerun = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--yes', ...FAST_FLAGS]);
        expect(rerun.code, describeRun(rerun)).toBe(0);
        expectRestoredState(world, before);
        expect(world.workloads.volumeData(world.namespace, 'data-camunda-zeebe-0')).toMatchObject({ restoredFrom: [ID] });
      } finally {
        stop();
      }
    });
  }, 60_000);

  itOnLine('8.8')('--dry-run prints the plan (text, and -o json with schemaVersion 1 and plan[]) by exact name, orphan PVCs included, and changes nothing', async () => {
    await withWorld(clusterOf('8.8'), async (world) => {
      seeded(world);
      await settle(world);
      world.workloads.addClaim('camunda-zeebe', world.namespace, 5);
      const requestsBefore = world.api.requests.length;
      const logBefore = world.log.length;
      const text = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--dry-run']);
      expect(text.code, describeRun(text)).toBe(0);
      expect(text.stdout).toMatch(/^Restore plan: backup 12 into release camunda \(namespace camunda, Camunda 8\.8\.\d+, chart 13\.12\.7\)/);
      expect(text.stdout).toMatch(/Stop statefulset\/camunda-zeebe \(3 → 0\)/);
      // Every index by its exact name, under the step that deletes it.
      expect(text.stdout).toMatch(/Delete \d+ indices by exact name\n( {7}- \S+\n)* {7}- operate-list-view-8\.3\.0_\n/);
      expect(text.stdout).toMatch(/Restore snapshot camunda_webapps_12_8\.8\.\d+_part_1_of_\d/);
      expect(text.stdout).toMatch(/Delete PVC data-camunda-zeebe-5 \(orphan of an earlier scale-down\)/);
      expect(text.stdout).toMatch(/container orchestration: set ZEEBE_RESTORE=true, ZEEBE_RESTORE_FROM_BACKUP_ID=12, SPRING_PROFILES_ACTIVE=restore/);
      expect(text.stdout).toMatch(/Not restored by this run:\n {2}- Identity and Keycloak/);

      const json = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--dry-run', '-o', 'json']);
      expect(json.code, describeRun(json)).toBe(0);
      const plan = json.json();
      expect(plan).toMatchObject({ schemaVersion: 1, command: 'restore', state: 'PLANNED', backupId: ID, mode: 'backup-id', release: 'camunda' });
      expect(asArray(plan.plan).map((step) => asRecord(step)['phase'])).toEqual(expect.arrayContaining(['stop-workloads', 'delete-indices', 'restore-snapshots', 'delete-zeebe-volumes', 'restore-zeebe', 'leave-restore-mode', 'start-workloads', 'verify']));
      expect(asRecord(asArray(plan.plan)[0])).toMatchObject({ id: 'scale-down:statefulset/camunda-zeebe', action: 'scale-down', target: 'statefulset/camunda-zeebe', replicas: { from: 3, to: 0 }, done: false });
      expect(plan.persistentVolumeClaims).toEqual([
        { name: 'data-camunda-zeebe-0', orphan: false },
        { name: 'data-camunda-zeebe-1', orphan: false },
        { name: 'data-camunda-zeebe-2', orphan: false },
        { name: 'data-camunda-zeebe-5', orphan: true },
      ]);
      expect(plan.statefulSet).toEqual({
        name: 'camunda-zeebe',
        container: 'orchestration',
        setEnv: [
          { name: 'ZEEBE_RESTORE', value: 'true' },
          { name: 'ZEEBE_RESTORE_FROM_BACKUP_ID', value: '12' },
          { name: 'SPRING_PROFILES_ACTIVE', value: 'restore' },
        ],
        removeEnv: [],
        probesOff: expect.any(Array),
      });
      expect(plan.workloads).toEqual([
        { kind: 'StatefulSet', name: 'camunda-zeebe', component: 'zeebe-broker', replicas: 3 },
        { kind: 'Deployment', name: 'camunda-optimize', component: 'optimize', replicas: 1 },
      ]);
      // Nothing changed: no write reached the API server or the search engine, and no journal was written.
      expect(world.api.requests.slice(requestsBefore).filter((r) => r.kind === 'rest' && r.method !== 'GET')).toEqual([]);
      expect(world.log.slice(logBefore).filter((e) => e.method !== 'GET' && e.method !== 'HEAD')).toEqual([]);
      const status = await runCli(world, ['restore', '--status', '-n', world.namespace]);
      expect(status.stdout).toMatch(/No restore journal for release camunda in namespace camunda/);
    });
  }, 60_000);

  itWithFixtures('an external search engine reached through a pod the restore stops: refused (exit 3, nothing changed); with --exec-pod the plan uses that pod', async () => {
    await withWorld({ fixture: fixture('8.10', 'backup-configured'), durations: DURATIONS, workloadTiming: TIMING }, async (world) => {
      seeded(world);
      await settle(world);
      const refused = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--yes']);
      expect(refused.code, describeRun(refused)).toBe(3);
      expect(refused.stderr).toMatch(/is reached through curl in pod camunda-zeebe-0, which the restore stops \(statefulset\/camunda-zeebe\); nothing was changed\nhint: pass --exec-pod/);
      expect(world.api.requests.filter((r) => r.kind === 'rest' && r.method !== 'GET' && !r.path.endsWith('/selfsubjectaccessreviews'))).toEqual([]);
      const relay = world.sims.pods.find((p) => p.name.includes('identity'))?.name;
      if (!relay) throw new Error('no identity pod');
      const planned = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--exec-pod', relay, '--dry-run', '-o', 'json']);
      expect(planned.code, describeRun(planned)).toBe(0);
      expect(planned.json().indices.where).toContain(`via pod/${relay}`);
    });
  }, 60_000);

  itWithFixtures('Web Modeler: the plan says its data is separate and names the exact psql load; a --web-modeler-dump that is no pg_dump is refused before any change', async () => {
    // This chart's scenario configures no web-app backups: name the repository, the plan is all that is looked at.
    await withWorld({ fixture: fixture('8.9', 'web-modeler'), durations: DURATIONS, workloadTiming: TIMING }, async (world) => {
      const plan = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--snapshot-repository', 'camunda-backup', '--dry-run', '-o', 'json']);
      expect(plan.code, describeRun(plan)).toBe(0);
      const note = asArray(plan.json().notRestored).map(String).find((n) => n.startsWith('Web Modeler'));
      expect(note).toMatch(new RegExp(`load the dump create wrote into its empty database: kubectl exec -i --context \\S+ -n ${world.namespace} \\S+ -c \\S+ -- sh -c '.*psql -v ON_ERROR_STOP=1 .*' < web-modeler-${ID}\\.sql$`));
      // The password comes from the database container's own environment, expanded there.
      expect(note).toContain('PGPASSWORD="${POSTGRES_PASSWORD:-${POSTGRESQL_PASSWORD:-}}"');

      const dump = join(tmpdir(), `web-modeler-${process.pid}.sql`);
      writeFileSync(dump, '-- dump\n');
      try {
        const refused = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--snapshot-repository', 'camunda-backup', '--web-modeler-dump', dump, '--yes']);
        expect(refused.code, describeRun(refused)).toBe(2);
        expect(refused.stderr).toMatch(/error: --web-modeler-dump: \S+ is not a plain-text pg_dump \(no "-- PostgreSQL database dump" header\); nothing was changed\nhint: give the .sql file that create --web-modeler-output wrote/);
        expect(world.api.requests.filter((r) => r.kind === 'rest' && r.method !== 'GET' && !r.path.includes('/leases'))).toEqual([]);
      } finally {
        rmSync(dump, { force: true });
      }
    });
  }, 60_000);
  itOnLine('8.8')("a broker that comes back without the backup's data (a restart deleted what it restored): exit 4 naming broker and partition, nothing started on top, Zeebe stopped again; the rerun restores Zeebe again", async () => {
    await withWorld(clusterOf('8.8'), async (world) => {
      seeded(world);
      await settle(world);
      const before = replicas(world);
      const stsPatches = (): number => world.api.requests.filter((r) => r.method === 'PATCH' && /\/statefulsets\/camunda-zeebe$/.test(r.path)).length;
      // After every broker logged its success, a restart with the restore env still set deletes broker 1's restored
      // data (camunda/camunda#48199) just before the scale to 0 takes it down: its log goes with its pod, so only
      // the brokers themselves can tell once they run again.
      const wipe = setInterval(() => {
        if (stsPatches() >= 2) {
          world.workloads.setVolumeData(world.namespace, 'data-camunda-zeebe-1', { empty: true });
          clearInterval(wipe);
        }
      }, 2);
      try {
        const run = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--yes', ...FAST_FLAGS]);
        expect(run.code, describeRun(run)).toBe(4);
        expect(run.stderr).not.toMatch(STACK_FRAME);
        expect(run.stderr).toMatch(/restore failed in phase leave-restore-mode: the brokers came back without the backup's data: /);
        expect(run.stderr).toMatch(/camunda-zeebe-1 partition \d+: no snapshot, processed position -1 \(the backup has the backup's snapshot \S+ and its checkpoint position \d+\)/);
        expect(run.stderr).toMatch(/camunda-zeebe-1 partition \d+: .*Root directory \/usr\/local\/camunda\/data\/raft-partition\/partitions\/\d+ for partition .* is starting with no pre-existing data/);
        expect(run.stderr).not.toMatch(/camunda-zeebe-[02] partition/);
        // Nothing started on top of empty brokers, and the brokers themselves are stopped again.
        expect(replicas(world)['deployment/camunda-optimize']).toBe(0);
        expect(replicas(world)['statefulset/camunda-zeebe']).toBe(0);
        const status = await runCli(world, ['restore', '--status', '-n', world.namespace, '-o', 'json']);
        expect(status.json()).toMatchObject({ state: 'FAILED', restoreModeOn: false, backupId: ID });
      } finally {
        clearInterval(wipe);
      }

      const pvcDeletes = (): number => world.api.requests.filter((r) => r.method === 'DELETE' && r.path.includes('/persistentvolumeclaims/')).length;
      const deletesBefore = pvcDeletes();
      const rerun = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--yes', ...FAST_FLAGS]);
      expect(rerun.code, describeRun(rerun)).toBe(0);
      expect(pvcDeletes() - deletesBefore).toBe(3);
      expectRestoredState(world, before);
      for (const ordinal of [0, 1, 2]) expect(world.workloads.volumeData(world.namespace, `data-camunda-zeebe-${ordinal}`)).toMatchObject({ restoredFrom: [ID] });
    });
  }, 90_000);

  itOnLine('8.8')('the succeed-restart-delete bug of the restore application: the brokers are stopped before their restart can delete what they restored, and the data they run on is checked', async () => {
    // The kubelet restarts the exited restore application after a back-off (10 s at first on a real node).
    await withWorld({ ...clusterOf('8.8'), workloadTiming: { ...TIMING, backoffMs: 1500, maxBackoffMs: 1500 } }, async (world) => {
      seeded(world);
      await settle(world);
      const before = replicas(world);
      world.sims.restoreApp.wipeOnRestart = true;
      const run = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--yes', '-o', 'json', ...FAST_FLAGS]);
      expect(run.code, describeRun(run)).toBe(0);
      const steps = asArray(run.json().plan).map(asRecord);
      expect(world.sims.restoreApp.wipes ?? 0).toBe(0);
      expect(steps.find((s) => s['id'] === 'verify-zeebe-data')).toMatchObject({ done: true, phase: 'leave-restore-mode', pods: ['camunda-zeebe-0', 'camunda-zeebe-1', 'camunda-zeebe-2'] });
      expectRestoredState(world, before);
      for (const ordinal of [0, 1, 2]) expect(world.workloads.volumeData(world.namespace, `data-camunda-zeebe-${ordinal}`)).toMatchObject({ restoredFrom: [ID] });
    });
  }, 60_000);

  itOnLine('8.8')('exporting that cannot be judged after the resume retries is a failure (exit 4) with the exact resume command, not a pass', async () => {
    await withWorld(clusterOf('8.8'), async (world) => {
      seeded(world);
      await settle(world);
      // Once the applications start again, no broker answers /actuator/partitions any more.
      const started = (): boolean => world.api.requests.filter((r) => r.method === 'PATCH' && /\/deployments\/camunda-optimize\/scale$/.test(r.path)).length >= 2;
      const trap = setInterval(() => {
        if (started()) {
          world.faults.http.push({ path: '/actuator/partitions', status: 503, message: 'Service Unavailable' });
          clearInterval(trap);
        }
      }, 2);
      try {
        const run = await runCli(world, ['restore', String(ID), '-n', world.namespace, '--access', access, '--yes', '--poll-interval', '500ms', '--wait-timeout', '4s']);
        expect(run.code, describeRun(run)).toBe(4);
        expect(run.stderr).not.toMatch(STACK_FRAME);
        expect(run.stderr).toMatch(/restore failed in phase verify: whether exporting runs is not known: the exporter state cannot be read \(camunda-zeebe-0: /);
        expect(run.stderr).toMatch(new RegExp(`Make sure it is not left paused: kubectl camunda-backup resume --context \\S+ -n ${world.namespace} --release camunda --access ${access}`));
        const status = await runCli(world, ['restore', '--status', '-n', world.namespace, '-o', 'json']);
        expect(status.json()).toMatchObject({ state: 'FAILED', phase: 'verify' });
      } finally {
        clearInterval(trap);
      }
    });
  }, 60_000);
});
