/**
 * The last checks of a restore (camunda-restore.md §8.2, §12 steps 8–9), each judged from what the cluster answers,
 * never assumed: the brokers hold the backup's data once they run again (before anything starts on top of them),
 * Zeebe exporting is not left paused (a restored broker may come up paused; it is resumed then, and a state that
 * cannot be read is a failure, not a pass), and the restored backup is listed by every component again.
 */
import type { Installation } from '../../camunda/installation.js';
import { readPartitions } from '../../camunda/management-api.js';
import type { PartitionStatus } from '../../camunda/responses.js';
import type { ClusterFlags } from '../../kube/cluster-flags.js';
import type { KubeClient } from '../../kube/kube-client.js';
import type { WorkloadClient } from '../../kube/workload-client.js';
import type { Reporter } from '../../events.js';
import { formatDuration } from '../../format-duration.js';
import type { AccessMode, Connector } from '../../reach/component-http.js';
import { openPool, type ConnectionPool } from '../connections.js';
import { findBrokers, pausedPartitions, readExporterStates, resumeCommandFor, type BrokerExporterState } from '../exporting.js';
import { DEFAULT_RESUME_TIMING, resumeUntilConfirmed, type ResumeTiming } from '../resume-exporting.js';
import { layoutOf, partOf } from '../layout.js';
import { describeFailure, partClient } from '../part-clients.js';
import { sleep } from '../wait-for-state.js';
import { partitionsStartedEmpty } from './broker-logs.js';
import type { ExpectedPartition, RestoreStep } from './plan.js';

export interface VerifyDeps {
  readonly kube: KubeClient;
  readonly connect: Connector;
  readonly emit: Reporter;
  /** Discovery again (read-only), now that the applications run. */
  readonly rediscover: (signal: AbortSignal) => Promise<Installation>;
  /** How the printed resume command reaches the same cluster. */
  readonly access: AccessMode;
  readonly cluster: ClusterFlags;
  /** How long resuming, and reading the exporter state back, is retried (default: the resume command's). */
  readonly resumeTiming?: ResumeTiming | undefined;
}

/** Exporting is running on every broker, confirmed by each broker's partitions; resumed when it is paused. */
export async function verifyExportingAfterRestore(deps: VerifyDeps, signal: AbortSignal): Promise<string> {
  const installation = await deps.rediscover(signal);
  const timing = deps.resumeTiming ?? DEFAULT_RESUME_TIMING;
  const pool = openPool({ connect: deps.connect, emit: deps.emit, signal });
  // The tool's resume, and the raw call for when the tool itself is what fails: one line each in the error.
  const byHand = (): string => resumeCommandFor(installation, deps.access, deps.cluster).split('\n').join('  or, by hand: ');
  try {
    const read = async () => readExporterStates(await findBrokers(deps.kube, installation), pool);
    const states = await read();
    const paused = pausedPartitions(states);
    if (paused.length === 0 && states.length > 0 && states.every((s) => s.ok)) return `exporting on ${states.length} broker(s)`;
    // Paused, or not known: resume (harmless when it runs), with the retries every command shares, then read back.
    const zeebe = partOf(layoutOf(installation), 'zeebe');
    if (!zeebe?.target) throw new Error(`${describeExporting(states)}, and no Zeebe endpoint was found to resume it; make sure exporting runs: ${byHand()}`);
    const outcome = await resumeUntilConfirmed(
      { zeebe, resumePath: installation.procedure.exportingResumePath, namespace: installation.namespace, release: installation.release },
      { pool, kube: deps.kube, emit: deps.emit, stop: signal, timing },
    );
    if (!outcome.resumed) throw new Error(`${describeExporting(states)}; the resume failed after ${outcome.attempts} attempt(s): ${outcome.message ?? 'no answer'}. Resume it: ${byHand()}`);
    // Confirmed only when every broker tells: a broker whose partitions cannot be read may be the paused one.
    const started = Date.now();
    let after = await read();
    for (let delay = timing.firstDelayMs; !confirmed(after) && Date.now() - started < timing.timeoutMs; delay = Math.min(delay * 2, timing.maxDelayMs)) {
      await sleep(Math.min(delay, Math.max(0, timing.timeoutMs - (Date.now() - started))), signal);
      after = await read();
    }
    if (!confirmed(after)) {
      throw new Error(
        `whether exporting runs is not known: ${describeExporting(after)} after the resume and ${formatDuration(Date.now() - started)} of retries. Make sure it is not left paused: ${byHand()}`,
      );
    }
    return paused.length > 0 ? `exporting was paused on ${paused.length} partition(s) after the restore: resumed` : `exporting confirmed on ${after.length} broker(s) after a resume`;
  } finally {
    await pool.close();
  }
}

const confirmed = (states: readonly BrokerExporterState[]): boolean => states.length > 0 && states.every((s) => s.ok) && pausedPartitions(states).length === 0;

function describeExporting(states: readonly BrokerExporterState[]): string {
  if (states.length === 0) return 'no broker pod found to read the exporter state from';
  const unreadable = states.filter((s) => !s.ok).map((s) => `${s.broker}: ${s.ok ? '' : s.message}`);
  const paused = pausedPartitions(states).map((p) => `${p.broker} partition ${p.partitionId} ${p.exporterPhase}`);
  return [
    ...(paused.length > 0 ? [`exporting is paused (${paused.join(', ')})`] : []),
    ...(unreadable.length > 0 ? [`the exporter state cannot be read (${unreadable.join('; ')})`] : []),
  ].join('; ');
}

export interface ZeebeDataTarget {
  readonly namespace: string;
  readonly release: string;
  /** The broker container, whose log says when a partition started without data. */
  readonly container: string;
}

export interface ZeebeDataDeps {
  readonly kube: Pick<KubeClient, 'listPods'>;
  readonly workloads: Pick<WorkloadClient, 'podLog'>;
  readonly connect: Connector;
  readonly emit: Reporter;
  /** How long a partition may take to show its data after the brokers got Ready. */
  readonly timeoutMs: number;
  readonly pollMs: number;
}

/** The processed position in a snapshot ID (`<index>-<term>-<processedPosition>-<exportedPosition>…`). */
export function snapshotProcessedPosition(snapshotId: string | null | undefined): number | undefined {
  const field = snapshotId?.split('-')[2];
  return field !== undefined && /^\d+$/.test(field) ? Number(field) : undefined;
}

/**
 * Whether one broker's partition holds the backup: it started from the backup's snapshot, so its own snapshot is
 * at least that one, or it processed up to the backup's checkpoint. A broker that came up empty has no snapshot and
 * starts counting positions from scratch. Without the backup's details (RDBMS): any snapshot at all.
 */
export function partitionHoldsBackup(status: PartitionStatus, expected: ExpectedPartition): { ok: true } | { ok: false; why: string } {
  const snapshot = status.snapshotId ?? undefined;
  const processed = typeof status.processedPosition === 'number' ? status.processedPosition : undefined;
  const own = snapshotProcessedPosition(snapshot);
  const backupSnapshot = snapshotProcessedPosition(expected.snapshotId);
  if (backupSnapshot !== undefined && own !== undefined && own >= backupSnapshot) return { ok: true };
  if (expected.checkpointPosition !== undefined && processed !== undefined && processed >= expected.checkpointPosition) return { ok: true };
  if (backupSnapshot === undefined && expected.checkpointPosition === undefined && snapshot !== undefined && snapshot !== '') return { ok: true };
  const has = `${snapshot ? `snapshot ${snapshot}` : 'no snapshot'}, processed position ${processed ?? 'none'}`;
  const wants = [
    ...(expected.snapshotId ? [`the backup's snapshot ${expected.snapshotId}`] : []),
    ...(expected.checkpointPosition !== undefined ? [`its checkpoint position ${expected.checkpointPosition}`] : []),
  ];
  return { ok: false, why: `${has}${wants.length > 0 ? ` (the backup has ${wants.join(' and ')})` : ''}: it started without the backup's data` };
}

/**
 * Every broker of the step runs, reports its partitions on `GET /actuator/partitions`, and each partition it holds
 * holds the backup; every partition of the backup is held by some broker; no broker logged that a partition started
 * without data. Polled for a while (a follower may still be catching up), except that the log line fails at once.
 */
export async function verifyZeebeData(
  deps: ZeebeDataDeps,
  target: ZeebeDataTarget,
  step: Extract<RestoreStep, { action: 'verify-zeebe-data' }>,
  signal: AbortSignal,
): Promise<string> {
  const pool = openPool({ connect: deps.connect, emit: deps.emit, signal });
  const started = Date.now();
  try {
    for (;;) {
      const emptyStarts = await startedEmpty(deps, target, step.pods);
      const problems = await partitionProblems(await findBrokers(deps.kube, target), step, pool);
      // A partition that logged starting without data did: no need to wait for it to say so on the actuator too.
      if (emptyStarts.length > 0) throw new Error(`the brokers came back without the backup's data: ${[...problems, ...emptyStarts].join('; ')}`);
      if (problems.length === 0) return `${step.pods.length} broker(s) hold partition(s) ${step.partitions.map((p) => p.partitionId).join(', ')} of the backup`;
      if (Date.now() - started >= deps.timeoutMs) {
        throw new Error(`the brokers do not hold the backup's data after ${formatDuration(Date.now() - started)}: ${problems.join('; ')}`);
      }
      await sleep(deps.pollMs, signal);
    }
  } finally {
    await pool.close();
  }
}

async function startedEmpty(deps: ZeebeDataDeps, target: ZeebeDataTarget, pods: readonly string[]): Promise<string[]> {
  const found = await Promise.all(
    pods.map(async (pod) => {
      const log = await deps.workloads.podLog({ namespace: target.namespace, pod, container: target.container, tailLines: 2000 });
      return partitionsStartedEmpty(log).map((p) => `${pod} partition ${p.partitionId ?? '?'}: ${p.line}`);
    }),
  );
  return found.flat();
}

async function partitionProblems(brokers: Awaited<ReturnType<typeof findBrokers>>, step: Extract<RestoreStep, { action: 'verify-zeebe-data' }>, pool: ConnectionPool): Promise<string[]> {
  const problems: string[] = [];
  const held = new Set<number>();
  for (const pod of step.pods.filter((p) => !brokers.some((b) => b.pod === p))) problems.push(`${pod}: no such pod`);
  await Promise.all(
    brokers
      .filter((b) => step.pods.includes(b.pod))
      .map(async (broker) => {
        if (!broker.ready) return problems.push(`${broker.pod}: not Ready`);
        let partitions: Readonly<Record<string, PartitionStatus>>;
        try {
          partitions = await readPartitions(await pool.context({ target: { kind: 'pod', pod: broker.target } }), broker.basePath);
        } catch (error) {
          return problems.push(`${broker.pod}: its partitions cannot be read (${describeFailure(error)})`);
        }
        const reported = Object.keys(partitions);
        if (reported.length === 0) return problems.push(`${broker.pod}: reports no partition`);
        for (const [id, status] of Object.entries(partitions)) {
          const expected = step.partitions.find((p) => p.partitionId === Number(id));
          if (!expected) continue;
          const verdict = partitionHoldsBackup(status, expected);
          if (verdict.ok) held.add(expected.partitionId);
          else problems.push(`${broker.pod} partition ${id}: ${verdict.why}`);
        }
        return undefined;
      }),
  );
  const missing = step.partitions.filter((p) => !held.has(p.partitionId) && !problems.some((x) => x.includes(` partition ${p.partitionId}:`)));
  if (missing.length > 0) problems.push(`partition(s) ${missing.map((p) => p.partitionId).join(', ')}: reported by no broker`);
  return problems.sort();
}

/** Every part that belongs to the backup lists the ID as completed (the restored snapshots live in the same repository). */
export async function verifyBackupListed(deps: VerifyDeps, backupId: number, signal: AbortSignal): Promise<string> {
  const installation = await deps.rediscover(signal);
  const layout = layoutOf(installation);
  const pool = openPool({ connect: deps.connect, emit: deps.emit, signal });
  try {
    const problems: string[] = [];
    const listed: string[] = [];
    await Promise.all(
      layout.present.map(async (endpoint) => {
        try {
          const observation = (await (await partClient(pool, endpoint)).list()).get(backupId);
          if (observation?.state === 'COMPLETED') listed.push(endpoint.part);
          else problems.push(`${endpoint.part}: ${observation ? observation.state : 'not listed'}`);
        } catch (error) {
          problems.push(`${endpoint.part}: ${describeFailure(error)}`);
        }
      }),
    );
    if (problems.length > 0) throw new Error(`backup ${backupId} is not listed as completed by every component: ${problems.sort().join('; ')}`);
    return `listed as completed by ${listed.sort().join(', ')}`;
  } finally {
    await pool.close();
  }
}
