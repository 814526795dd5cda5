/**
 * Resuming Zeebe exporting until the cluster says so and the brokers confirm it: the cleanup of every create run
 * that paused, and the `resume` command. A soft pause survives restarts and grows the brokers' disks until someone
 * resumes (camunda-backup-api.md §3.5, §9), so this keeps trying for minutes (--resume-timeout), with back-off and
 * a line per failed attempt, before it gives up and the caller prints the command to resume by hand.
 *
 * Where it goes: the gateway/orchestration pod chosen at the start, as long as it answers (every call of one backup
 * goes there). When that pod does not answer at all (deleted, restarting, its stream refused), any other Ready pod
 * behind the component's Service is asked instead: any replica can resume exporting for the whole cluster.
 */
import { ComponentHttpError, ExportingError } from '../camunda/management-api.js';
import { byName, COMPONENT_LABEL, INSTANCE_LABEL, podsBehind } from '../camunda/pick-pod.js';
import { messageOf } from '../errors.js';
import type { Reporter } from '../events.js';
import { formatDuration } from '../format-duration.js';
import type { KubeClient, Pod } from '../kube/kube-client.js';
import type { PodTarget } from '../reach/component-http.js';
import type { ConnectionPool } from './connections.js';
import { findBrokers, pausedPartitions, readExporterStates } from './exporting.js';
import type { PartEndpoint } from './layout.js';
import { whereOf } from './layout.js';

export interface ResumeTiming {
  /** How long to keep trying, from the first attempt (--resume-timeout). */
  readonly timeoutMs: number;
  /** The first wait between two attempts; it doubles up to maxDelayMs. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

/** Five minutes: an API server restart or a gateway rescheduled to another node is over by then. */
export const DEFAULT_RESUME_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_RESUME_TIMING: ResumeTiming = { timeoutMs: DEFAULT_RESUME_TIMEOUT_MS, firstDelayMs: 500, maxDelayMs: 15_000 };

/** Where resuming goes: the Zeebe part of the layout (the chosen pod, the Service behind it), and the release. */
export interface ResumeTarget {
  readonly zeebe: PartEndpoint;
  readonly resumePath: string;
  readonly namespace: string;
  readonly release: string;
}

export interface ResumeLoopDeps {
  readonly pool: ConnectionPool;
  /** Lists the pods behind the Service (failover) and the brokers (read-back); without it neither happens. */
  readonly kube?: Pick<KubeClient, 'readService' | 'listPods'> | undefined;
  readonly emit: Reporter;
  /** Gives up: stops the wait between attempts and the call in flight (create: the second signal). */
  readonly stop?: AbortSignal | undefined;
  /** The run's first signal, which does not stop the resume: the loop says that it keeps trying and how to give up. */
  readonly interrupt?: AbortSignal | undefined;
  readonly timing: ResumeTiming;
  readonly now?: (() => number) | undefined;
}

export interface ResumedPartition {
  readonly broker: string;
  readonly partitionId: number;
  readonly exporterPhase: string;
}

export interface ResumeOutcome {
  /** true: the cluster answered "status":204 and no broker that could be read reports a paused partition. */
  readonly resumed: boolean;
  readonly attempts: number;
  /** Where the last attempt went ("pod/camunda-zeebe-gateway-0:9600"). */
  readonly target: string;
  /** The last failure, in the component's or the transport's words. */
  readonly message?: string | undefined;
  /** The retries were given up (`stop`): the caller exits 128 + the signal's number. */
  readonly stopped: boolean;
  /** What the brokers reported after the last successful resume; undefined when they were not read. */
  readonly partitions?: readonly ResumedPartition[] | undefined;
  /** What could not be confirmed (a broker that could not be read, the brokers not listed). */
  readonly warnings: readonly string[];
}

/** One attempt's result. */
type Attempt = { readonly ok: true; readonly where: string } | { readonly ok: false; readonly where: string; readonly message: string };

/**
 * The cluster answered (a refusal in the body, an unexpected answer): another replica would say the same. An HTTP
 * error status instead of the endpoint's 200 is the pod's state (shutting down, a proxy in front): another replica
 * may do better.
 */
function answered(error: unknown): boolean {
  if (error instanceof ExportingError) return error.bodyStatus !== undefined;
  return error instanceof ComponentHttpError || (error instanceof Error && error.name === 'UnexpectedResponseError');
}

/**
 * Resumes and confirms, retrying with back-off until `timing.timeoutMs` has passed or `stop` aborts. Never
 * throws for a cluster that does not answer: the outcome says so.
 */
export async function resumeUntilConfirmed(target: ResumeTarget, deps: ResumeLoopDeps): Promise<ResumeOutcome> {
  const now = deps.now ?? Date.now;
  const { timing, emit } = deps;
  const deadline = now() + timing.timeoutMs;
  const progress = (message: string): void => emit({ kind: 'step-progress', step: 'resume-exporting', message });
  let toldToGiveUp = false;
  const onInterrupt = (): void => {
    if (deps.stop?.aborted || toldToGiveUp) return;
    toldToGiveUp = true;
    emit({
      kind: 'warning',
      message: `${messageOf(deps.interrupt?.reason)}: still resuming Zeebe exporting, which must not stay paused (trying for up to ${formatDuration(Math.max(0, deadline - now()))}); send it again to give up and get the command to resume by hand`,
    });
  };
  if (deps.interrupt && !deps.interrupt.aborted) deps.interrupt.addEventListener('abort', onInterrupt, { once: true });

  let delayMs = timing.firstDelayMs;
  const warnings: string[] = [];
  try {
    for (let attempt = 1; ; attempt++) {
      let partitions: ResumedPartition[] | undefined;
      // The first attempt is made whatever happens (two quick Ctrl-Cs during the backup must not skip the resume);
      // giving up stops only the ones after it.
      let last = await attemptResume(target, attempt === 1 ? { ...deps, stop: undefined } : deps, progress);
      if (last.ok) {
        const check = await readBack(target, deps);
        partitions = check.partitions;
        if (check.paused.length === 0) {
          warnings.push(...check.warnings);
          return { resumed: true, attempts: attempt, target: last.where, stopped: false, partitions, warnings };
        }
        last = {
          ok: false,
          where: last.where,
          message: `the resume answered "status":204, but brokers still report paused partitions: ${check.paused.map((p) => `${p.partitionId}@${p.broker} ${p.exporterPhase}`).join(', ')}`,
        };
      }
      const remainingMs = deadline - now();
      const stopped = deps.stop?.aborted === true;
      if (stopped || remainingMs <= 0) {
        return { resumed: false, attempts: attempt, target: last.where, message: last.message, stopped, partitions, warnings };
      }
      // Stopped before the resume began (the usual Ctrl-C): once it fails, say that it goes on and how to give up.
      if (deps.interrupt?.aborted) onInterrupt();
      const waitMs = Math.min(delayMs, remainingMs);
      progress(`attempt ${attempt} failed (${last.where}): ${last.message}; next try in ${formatDuration(waitMs)}, giving up in ${formatDuration(remainingMs)}`);
      const waited = await pause(waitMs, deps.stop);
      if (!waited) return { resumed: false, attempts: attempt, target: last.where, message: last.message, stopped: true, partitions, warnings };
      delayMs = Math.min(delayMs * 2, timing.maxDelayMs);
    }
  } finally {
    deps.interrupt?.removeEventListener('abort', onInterrupt);
  }
}

/** Waits; false when `stop` aborted first. */
function pause(ms: number, stop: AbortSignal | undefined): Promise<boolean> {
  if (stop?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (waited: boolean): void => {
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
      resolve(waited);
    };
    const onStop = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    stop?.addEventListener('abort', onStop, { once: true });
  });
}

/** One attempt: the chosen pod; when it does not answer at all, every other Ready pod behind its Service in turn. */
async function attemptResume(target: ResumeTarget, deps: ResumeLoopDeps, progress: (message: string) => void): Promise<Attempt> {
  const chosen = target.zeebe;
  const first = await resumeAt(chosen.target?.kind === 'pod' ? chosen.target.pod : undefined, target, deps);
  if (first.ok || first.answered || chosen.target?.kind !== 'pod') return first;

  const others = await standbyPods(target, chosen.target.pod, deps);
  if (others.kind === 'unknown') return { ...first, message: `${first.message} (${others.why})` };
  if (others.pods.length === 0) return { ...first, message: `${first.message} (no other Ready pod behind Service ${chosen.service ?? '?'})` };
  let lastFailure: Attempt = first;
  for (const pod of others.pods) {
    progress(`${first.where} did not answer (${first.message}); trying pod/${pod.pod}, another Ready pod behind Service ${chosen.service ?? '?'}`);
    const result = await resumeAt(pod, target, deps);
    if (result.ok || result.answered) return result;
    lastFailure = result;
  }
  return { ok: false, where: lastFailure.where, message: `${first.message}; no other pod behind Service ${chosen.service ?? '?'} answered either (last: ${lastFailure.ok ? '' : lastFailure.message})` };
}

async function resumeAt(pod: PodTarget | undefined, target: ResumeTarget, deps: ResumeLoopDeps): Promise<Attempt & { readonly answered: boolean }> {
  const endpoint = pod ? { target: { kind: 'pod' as const, pod }, basePath: target.zeebe.basePath } : target.zeebe;
  const where = endpoint.target ? whereOf(endpoint.target) : target.zeebe.where;
  try {
    // Only giving up stops the call (never the first attempt): the run's own abort must not cut a resume short.
    const api = await deps.pool.api(endpoint, { signal: deps.stop ?? null });
    await api.resumeExporting(target.resumePath);
    return { ok: true, where, answered: true };
  } catch (error) {
    return { ok: false, where, message: messageOf(error), answered: answered(error) };
  }
}

type Standby = { readonly kind: 'known'; readonly pods: PodTarget[] } | { readonly kind: 'unknown'; readonly why: string };

/**
 * The other Ready, not terminating pods behind the Service the chosen pod was found behind, first by name, reached
 * at the same container and port (they run the same pod template).
 */
async function standbyPods(target: ResumeTarget, chosen: PodTarget, deps: ResumeLoopDeps): Promise<Standby> {
  const service = target.zeebe.service;
  if (!deps.kube || service === undefined) return { kind: 'unknown', why: 'no other pod to try' };
  try {
    const found = await deps.kube.readService(chosen.namespace, service);
    if (!found) return { kind: 'unknown', why: `Service ${service} not found` };
    const selector = Object.keys(found.selector).length > 0 ? found.selector : { [INSTANCE_LABEL]: target.release, [COMPONENT_LABEL]: 'zeebe-gateway' };
    const text = Object.entries(selector)
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    const ordered: Pod[] = podsBehind(selector, await deps.kube.listPods(chosen.namespace, text))
      .filter((pod) => pod.name !== chosen.pod && pod.ready && !pod.deleting)
      .sort(byName);
    return {
      kind: 'known',
      pods: ordered.flatMap((pod) =>
        pod.containers.some((c) => c.name === chosen.container) ? [{ namespace: pod.namespace || chosen.namespace, pod: pod.name, container: chosen.container, port: chosen.port }] : [],
      ),
    };
  } catch (error) {
    return { kind: 'unknown', why: `the pods behind Service ${service} could not be listed: ${messageOf(error)}` };
  }
}

/** What the brokers say after a 204: the proof that exporting runs again. */
async function readBack(target: ResumeTarget, deps: ResumeLoopDeps): Promise<{ partitions?: ResumedPartition[]; paused: ResumedPartition[]; warnings: string[] }> {
  if (!deps.kube) return { paused: [], warnings: [] };
  try {
    const states = await readExporterStates(await findBrokers(deps.kube, target), deps.pool);
    const partitions = states.flatMap((state) => (state.ok ? state.partitions.map((p) => ({ broker: state.broker, partitionId: p.partitionId, exporterPhase: p.exporterPhase })) : []));
    const unread = states.filter((state) => !state.ok && !state.unavailable);
    return {
      partitions,
      paused: pausedPartitions(states),
      warnings: unread.map((state) => `could not read broker ${state.broker} back after the resume: ${state.ok ? '' : state.message}`),
    };
  } catch (error) {
    return { paused: [], warnings: [`could not read the brokers' exporter state back: ${messageOf(error)}`] };
  }
}
