/**
 * Reading the simulators' request log: which calls changed something, in which order, on which pod. Tests assert
 * the procedure from what the components received, not from what the CLI says it did.
 */
import { expect } from 'vitest';
import type { SimRequest, World } from '../../world/index.js';

export type Matcher = (entry: SimRequest) => boolean;

export const isPause: Matcher = (e) => e.method === 'POST' && /\/actuator\/exporting\/pause(\?|$)/.test(e.path);
export const isResume: Matcher = (e) => e.method === 'POST' && /\/actuator\/exporting\/resume(\?|$)/.test(e.path);
export const isSnapshotPut: Matcher = (e) => e.method === 'PUT' && /\/_snapshot\/[^/]+\/camunda_zeebe_records_backup_\d+/.test(e.path);
/** 8.6/8.7 Zeebe POST goes to the gateway's /actuator/backups; web apps use the same path on their own components. */
export const isZeebeTake: Matcher = (e) =>
  e.method === 'POST' && ((e.component === 'zeebe-gateway' && /\/actuator\/backups$/.test(e.path)) || /\/actuator\/backupRuntime$/.test(e.path));
export const isWebappTake = (component: string): Matcher => (e) =>
  e.method === 'POST' && e.component === component && /\/actuator\/backups$/.test(e.path);
export const isHistoryTake: Matcher = (e) => e.method === 'POST' && /\/actuator\/backupHistory$/.test(e.path);
export const isZeebePoll: Matcher = (e) =>
  e.method === 'GET' && ((e.component === 'zeebe-gateway' && /\/actuator\/backups\/\d+$/.test(e.path)) || /\/actuator\/backupRuntime\/\d+$/.test(e.path));

/** Anything but a read: POST, PUT, DELETE, PATCH (pause and resume are POSTs). */
export const isMutating: Matcher = (e) => e.method !== 'GET' && e.method !== 'HEAD';

export function mutatingCalls(world: Pick<World, 'log'>): string[] {
  return world.log.filter(isMutating).map(line);
}

export function line(e: SimRequest): string {
  return `${e.component} ${e.pod} ${e.method} ${e.path} → ${e.status}`;
}

/** Where the logs stand now: what came after is what a run did. */
export const markOf = (world: Pick<World, 'api' | 'log'>): { api: number; sim: number } => ({ api: world.api.requests.length, sim: world.log.length });

/** What the world received since the mark that is not a read: REST writes other than access reviews and the Lease, and component/search writes. */
export function changesSince(world: Pick<World, 'api' | 'log'>, mark: { api: number; sim: number }): string[] {
  const kube = world.api.requests
    .slice(mark.api)
    .filter((r) => r.kind === 'rest' && r.method !== 'GET' && r.method !== 'HEAD')
    .filter((r) => !r.path.includes('/selfsubjectaccessreviews') && !r.path.includes('/apis/coordination.k8s.io/'))
    .map((r) => `kube ${r.method} ${r.path} → ${r.status}`);
  return [...kube, ...world.log.slice(mark.sim).filter(isMutating).map(line)];
}

/** The whole log, one call a line, for assertion messages. */
export function dumpLog(world: Pick<World, 'log'>): string {
  const start = world.log[0]?.at ?? 0;
  return world.log.map((e) => `+${e.at - start}ms ${line(e)} ${e.method === 'GET' ? '' : e.body}`).join('\n');
}

export function indexOf(world: Pick<World, 'log'>, match: Matcher): number {
  return world.log.findIndex(match);
}

export function lastIndexOf(world: Pick<World, 'log'>, match: Matcher): number {
  for (let i = world.log.length - 1; i >= 0; i--) if (match(world.log[i]!)) return i;
  return -1;
}

export function count(world: Pick<World, 'log'>, match: Matcher): number {
  return world.log.filter(match).length;
}

/** The index of the one entry matching, failing when there is none or more than one. */
export function only(world: Pick<World, 'log'>, match: Matcher, what: string): number {
  const hits = world.log.map((e, i) => (match(e) ? i : -1)).filter((i) => i >= 0);
  expect(hits.length, `exactly one ${what}\n${dumpLog(world)}`).toBe(1);
  return hits[0]!;
}

/** Exporting was paused and then resumed (the resume answered body status 204), and the cluster is exporting again. */
export function expectResumedAfterPause(world: Pick<World, 'log' | 'sims'>): void {
  const pause = indexOf(world, isPause);
  expect(pause, `a pause in the log\n${dumpLog(world)}`).toBeGreaterThanOrEqual(0);
  const resumes = world.log.map((e, i) => (isResume(e) ? i : -1)).filter((i) => i > pause);
  expect(resumes.length, `a resume after the pause\n${dumpLog(world)}`).toBeGreaterThan(0);
  const lastResume = world.log[resumes[resumes.length - 1]!]!;
  expect(lastResume.status, 'resume answered').toBe(200);
  expect(world.sims.zeebe?.isPaused(), `exporting state of the simulated cluster\n${dumpLog(world)}`).toBe(false);
  expect([...(world.sims.zeebe?.exporting.values() ?? [])].every((phase) => phase === 'EXPORTING')).toBe(true);
}

/** No pause and no resume were ever sent, and the cluster was never left paused. */
export function expectNeverPaused(world: Pick<World, 'log' | 'sims'>): void {
  expect(count(world, isPause), `no pause\n${dumpLog(world)}`).toBe(0);
  expect(world.sims.zeebe?.isPaused() ?? false).toBe(false);
}

/** Nothing changed in the cluster: only reads reached the components. */
export function expectNoMutation(world: Pick<World, 'log' | 'sims'>): void {
  expect(mutatingCalls(world), dumpLog(world)).toEqual([]);
  expect(world.sims.zeebe?.isPaused() ?? false).toBe(false);
  expect(world.sims.zeebe?.backups.size ?? 0).toBe(0);
}

/** The exporter state read of every broker (create's "is exporting already paused?" before it starts). */
export const isPartitionsRead: Matcher = (e) => e.method === 'GET' && /\/actuator\/partitions$/.test(e.path);

/**
 * Every call to a component went to one pod (ES/OS: one pod or host as well). Reading each broker's partitions is
 * the exception by nature: each broker only knows the exporters of the partitions it holds.
 */
export function expectOnePodPerComponent(world: Pick<World, 'log'>, components?: readonly string[]): void {
  const pods = new Map<string, Set<string>>();
  for (const e of world.log) {
    if (components && !components.includes(e.component)) continue;
    if (isPartitionsRead(e)) continue;
    pods.set(e.component, (pods.get(e.component) ?? new Set()).add(e.pod));
  }
  for (const [component, set] of pods) expect([...set], `${component} calls on one pod\n${dumpLog(world)}`).toHaveLength(1);
}
