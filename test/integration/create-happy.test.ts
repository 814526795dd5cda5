/**
 * `create` end to end on every chart line, in both access modes (exec over v5 and the 1.29 v4 protocol too): the
 * real bundle against the simulated cluster, the procedure asserted from what the components received.
 */
import { describe, expect } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { fixturesPresent } from '../fixtures-available.js';
import type { World } from '../world/index.js';
import { describeRun, runCli, STACK_FRAME, type CliResult } from './helpers/run-cli.js';
import {
  count,
  dumpLog,
  expectOnePodPerComponent,
  expectResumedAfterPause,
  indexOf,
  isHistoryTake,
  isPause,
  isResume,
  isSnapshotPut,
  isWebappTake,
  isZeebePoll,
  isZeebeTake,
  lastIndexOf,
  only,
} from './helpers/sim-log.js';
import { configuredCluster, fixture, itOnLine, withWorld, type Line } from './helpers/world-run.js';

type Access = 'port-forward' | 'exec';
interface Case {
  readonly line: Line;
  readonly access: Access;
  readonly protocol?: 'v4' | 'v5';
  readonly output: 'json' | 'yaml' | 'text' | 'wide';
}

const CASES: readonly Case[] = [
  { line: '8.6', access: 'port-forward', output: 'json' },
  { line: '8.6', access: 'exec', output: 'text' },
  { line: '8.7', access: 'port-forward', output: 'json' },
  { line: '8.7', access: 'exec', output: 'text' },
  { line: '8.7', access: 'exec', protocol: 'v4', output: 'json' },
  { line: '8.8', access: 'port-forward', output: 'json' },
  { line: '8.8', access: 'exec', output: 'wide' },
  { line: '8.8', access: 'exec', protocol: 'v4', output: 'yaml' },
  { line: '8.9', access: 'port-forward', output: 'text' },
  { line: '8.9', access: 'exec', output: 'json' },
  { line: '8.9', access: 'exec', protocol: 'v4', output: 'text' },
  { line: '8.10', access: 'port-forward', output: 'json' },
  { line: '8.10', access: 'exec', output: 'text' },
];

const BACKUP_ID = 1_700_000_123;

/** Epoch ms at which every snapshot of a name pattern had finished in the simulated ES. */
function finishedAt(world: World, pattern: string): number {
  const snapshots = world.sims.search!.listSnapshots('camunda-backup', [pattern]);
  expect(snapshots.length, `snapshots ${pattern}`).toBeGreaterThan(0);
  return Math.max(...snapshots.map((s) => s.endMs));
}

function expectAccessMode(world: World, access: Access): void {
  const streams = world.api.requests.filter((r) => r.kind !== 'rest');
  expect(streams.length).toBeGreaterThan(0);
  // An Elasticsearch outside the cluster (8.10 has no other) cannot be port-forwarded: curl in a pod relays it.
  const relayed = access === 'port-forward' && world.sims.externalSearch.length > 0;
  expect(new Set(streams.map((r) => r.kind))).toEqual(new Set(access === 'exec' ? ['exec'] : relayed ? ['portforward', 'exec'] : ['portforward']));
}

function expectJsonReport(result: CliResult, world: World, line: Line, access: Access, format: 'json' | 'yaml'): void {
  const report = format === 'json' ? result.json<Record<string, unknown>>() : (parseYaml(result.stdout) as Record<string, unknown>);
  expect(report).toMatchObject({
    schemaVersion: 1,
    command: 'create',
    backupId: BACKUP_ID,
    release: world.release,
    namespace: world.namespace,
    access,
    state: 'COMPLETED',
    chartVersion: world.sims.chartVersion,
    exporting: { paused: true, resumed: true, pausedMs: expect.any(Number) },
    warnings: expect.any(Array),
  });
  expect(String(report['camundaVersion'])).toMatch(new RegExp(`^${line.replace('.', '\\.')}\\.`));
  expect(report['durationMs']).toEqual(expect.any(Number));
  expect(report['startedAt']).toEqual(expect.any(String));
  expect(report['error']).toBeUndefined();
  const parts = report['parts'] as Array<Record<string, unknown>>;
  const names = parts.map((p) => p['part']).sort();
  const expected = line === '8.6' || line === '8.7' ? ['operate', 'optimize', 'tasklist', 'zeebe', 'zeebe-records'] : ['optimize', 'webapps', 'zeebe', 'zeebe-records'];
  expect(names).toEqual(expected);
  for (const part of parts) {
    expect(part, String(part['part'])).toMatchObject({ state: 'COMPLETED', target: expect.any(String), durationMs: expect.any(Number) });
  }
  // Progress never leaks into the one JSON (or YAML) document.
  if (format === 'json') {
    expect(result.stdout.trim().startsWith('{')).toBe(true);
    expect(result.stdout.trim().endsWith('}')).toBe(true);
  } else {
    expect(result.stdout).toMatch(/^schemaVersion: 1\ncommand: create\n/);
  }
  expect(result.stderr).toMatch(/Soft-pause Zeebe exporting/);
}

function expectTextReport(result: CliResult, world: World, wide: boolean): void {
  expect(result.stdout).toContain(`Backup ${BACKUP_ID} of release ${world.release} in namespace ${world.namespace}: COMPLETED`);
  // The default table fits 100 columns; -o wide adds the pod each part was reached through.
  expect(result.stdout).toMatch(wide ? /^PART\s+STATE\s+TARGET\s+DURATION\s+MESSAGE$/m : /^PART\s+STATE\s+DURATION\s+MESSAGE$/m);
  if (wide) expect(result.stdout).toMatch(/^zeebe\s+COMPLETED\s+pod\//m);
  else expect(Math.max(...result.stdout.slice(result.stdout.indexOf('PART')).split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
  expect(result.stdout).toMatch(/zeebe\s+COMPLETED/);
  expect(result.stdout).not.toMatch(/Soft-pause Zeebe exporting/);
  expect(result.stderr).toMatch(/Soft-pause Zeebe exporting/);
  expect(result.stderr).toMatch(/Resume Zeebe exporting/);
}

/** 8.6/8.7: web apps (any order) → all COMPLETED → pause → zeebe-record snapshot → Zeebe POST → polls → resume. */
function expectClassicOrder(world: World): void {
  const log = dumpLog(world);
  const operate = only(world, isWebappTake('operate'), 'Operate POST');
  const tasklist = only(world, isWebappTake('tasklist'), 'Tasklist POST');
  const optimize = only(world, isWebappTake('optimize'), 'Optimize POST');
  const pause = only(world, isPause, 'pause');
  const snapshot = only(world, isSnapshotPut, 'zeebe-record snapshot');
  const zeebe = only(world, isZeebeTake, 'Zeebe POST');
  const resume = only(world, isResume, 'resume');
  expect(Math.max(operate, tasklist, optimize), log).toBeLessThan(pause);
  expect(pause, log).toBeLessThan(snapshot);
  expect(snapshot, log).toBeLessThan(zeebe);
  expect(zeebe, log).toBeLessThan(resume);
  expect(world.log[pause]!.path).toContain('soft=true');
  for (const [component, body] of [
    [operate, 'operate'],
    [tasklist, 'tasklist'],
    [optimize, 'optimize'],
  ] as const) {
    expect(JSON.parse(world.log[component]!.body), body).toEqual({ backupId: BACKUP_ID });
  }
  // Every web-app backup had finished before exporting was paused.
  const pausedAt = world.log[pause]!.at;
  for (const prefix of ['camunda_operate', 'camunda_tasklist', 'camunda_optimize']) {
    expect(finishedAt(world, `${prefix}_${BACKUP_ID}_*`), `${prefix} done before the pause\n${log}`).toBeLessThanOrEqual(pausedAt);
  }
  expectZeebeTail(world, zeebe, resume);
}

/** 8.8/8.9: pause → backupHistory + Optimize → snapshot → backupRuntime → polls → resume. */
function expectOrchestrationOrder(world: World): void {
  const log = dumpLog(world);
  const pause = only(world, isPause, 'pause');
  const history = only(world, isHistoryTake, 'backupHistory POST');
  const optimize = only(world, isWebappTake('optimize'), 'Optimize POST');
  const snapshot = only(world, isSnapshotPut, 'zeebe-record snapshot');
  const zeebe = only(world, isZeebeTake, 'backupRuntime POST');
  const resume = only(world, isResume, 'resume');
  expect(pause, log).toBeLessThan(Math.min(history, optimize));
  expect(Math.max(history, optimize), log).toBeLessThan(snapshot);
  expect(snapshot, log).toBeLessThan(zeebe);
  expect(zeebe, log).toBeLessThan(resume);
  expect(world.log[pause]!.path).toContain('soft=true');
  expect(world.log[history]!.component).toBe('orchestration');
  expect(JSON.parse(world.log[history]!.body)).toEqual({ backupId: BACKUP_ID });
  // /actuator/backups of the orchestration app is never used on 8.8+.
  expect(count(world, (e) => e.component === 'orchestration' && /\/actuator\/backups(\/|$)/.test(e.path)), log).toBe(0);
  const snapshotAt = world.log[snapshot]!.at;
  for (const prefix of ['camunda_webapps', 'camunda_optimize']) {
    expect(finishedAt(world, `${prefix}_${BACKUP_ID}_*`), `${prefix} done before the snapshot\n${log}`).toBeLessThanOrEqual(snapshotAt);
  }
  expectZeebeTail(world, zeebe, resume);
}

function expectZeebeTail(world: World, zeebe: number, resume: number): void {
  const log = dumpLog(world);
  expect(JSON.parse(world.log[zeebe]!.body)).toEqual({ backupId: BACKUP_ID });
  const snapshot = world.log[indexOf(world, isSnapshotPut)]!;
  expect(snapshot.path).toBe(`/_snapshot/camunda-backup/camunda_zeebe_records_backup_${BACKUP_ID}?wait_for_completion=true`);
  expect(JSON.parse(snapshot.body)).toEqual({ indices: 'zeebe-record_*', feature_states: ['none'] });
  expect(snapshot.status).toBe(200);
  // Polled until COMPLETED, then resumed: the polls sit between the POST and the resume.
  const firstPoll = indexOf(world, isZeebePoll);
  expect(firstPoll, log).toBeGreaterThan(zeebe);
  expect(lastIndexOf(world, isZeebePoll), log).toBeLessThan(resume);
  const backup = world.sims.zeebe!.backups.get(BACKUP_ID)!;
  expect(backup, 'Zeebe backup taken').toBeDefined();
  expect(Math.max(...backup.partitions.map((p) => p.endMs)), `Zeebe done before the resume\n${log}`).toBeLessThanOrEqual(world.log[resume]!.at);
  // The Zeebe backup was taken while every partition was soft-paused.
  expect(Object.values(backup.exportingAtTake).every((phase) => phase === 'SOFT_PAUSED')).toBe(true);
}

describe('create: happy path per version line and access mode', () => {
  for (const c of CASES) {
    const name = `${c.line} ${c.access}${c.protocol ? ` (exec ${c.protocol})` : ''} -o ${c.output}`;
    // On the rendered chart where the fixtures are (always in CI); on our own resources for 8.7 and 8.8 elsewhere.
    const cluster = fixturesPresent ? { fixture: fixture(c.line, 'backup-configured') } : configuredCluster(c.line);
    itOnLine(c.line)(name, async () => {
      await withWorld({ ...cluster, ...(c.protocol ? { execProtocol: c.protocol } : {}) }, async (world) => {
        const result = await runCli(world, ['create', '--access', c.access, '--backup-id', String(BACKUP_ID), '-o', c.output]);
        expect(result.code, describeRun(result)).toBe(0);
        if (c.output === 'json' || c.output === 'yaml') expectJsonReport(result, world, c.line, c.access, c.output);
        else expectTextReport(result, world, c.output === 'wide');
        if (c.line === '8.6' || c.line === '8.7') expectClassicOrder(world);
        else expectOrchestrationOrder(world);
        expectResumedAfterPause(world);
        expectOnePodPerComponent(world);
        expectAccessMode(world, c.access);
        expect(result.stderr).not.toMatch(STACK_FRAME);
      });
    });
  }
});
