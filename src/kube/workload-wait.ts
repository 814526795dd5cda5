/**
 * Waiting for a workload's pods: gone after a scale to 0 (nothing may write while indices and volumes are
 * replaced), or all Ready at the asked replicas after a scale up. Polls with a growing interval (a quarter of the
 * time waited, between the bounds) and stops at once on abort. Lives in src/kube because it only reads Kubernetes.
 */
import { PreconditionError } from '../errors.js';
import type { KubeClient, Pod } from './kube-client.js';
import type { Workload, WorkloadClient, WorkloadRef } from './workload-client.js';

export interface WaitOptions {
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs: number;
  readonly initialIntervalMs?: number | undefined;
  readonly maxIntervalMs?: number | undefined;
  /** Called when what is seen changes ("2 pods left: …"). */
  readonly onProgress?: ((message: string) => void) | undefined;
}

export interface WorkloadState {
  readonly workload: Workload;
  readonly pods: readonly Pod[];
}

export type WaitGoal = 'gone' | 'ready';

/** Whether the goal is reached, judged from the workload and the pods its selector matches. */
export function goalReached(goal: WaitGoal, state: WorkloadState): boolean {
  const { workload, pods } = state;
  if (goal === 'gone') return workload.replicas === 0 && pods.length === 0;
  const ready = pods.filter((p) => p.ready && !p.deleting);
  return workload.observed && ready.length === workload.replicas && pods.length === workload.replicas && workload.updatedReplicas === workload.replicas;
}

export function describeState(state: WorkloadState): string {
  const { workload, pods } = state;
  const names = pods.map((p) => `${p.name} (${p.deleting ? 'terminating' : p.ready ? 'ready' : p.phase.toLowerCase()})`);
  return `${workload.kind.toLowerCase()}/${workload.name}: ${workload.replicas} asked, ${pods.length} pod(s)${names.length > 0 ? `: ${names.join(', ')}` : ''}`;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason as unknown);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as unknown);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Polls until the goal is reached; a PreconditionError names what is still there when the time is up. */
export async function waitForWorkload(
  clients: { readonly workloads: WorkloadClient; readonly kube: Pick<KubeClient, 'listPods'> },
  ref: WorkloadRef,
  goal: WaitGoal,
  options: WaitOptions,
): Promise<WorkloadState> {
  const started = Date.now();
  const initial = options.initialIntervalMs ?? 100;
  const max = options.maxIntervalMs ?? 2000;
  let last: string | undefined;
  for (;;) {
    const workload = await clients.workloads.readWorkload(ref);
    if (!workload) throw new PreconditionError(`${ref.kind.toLowerCase()}/${ref.name} does not exist in namespace ${ref.namespace}`);
    const pods = await clients.kube.listPods(ref.namespace, workload.selector);
    const state = { workload, pods };
    if (goalReached(goal, state)) return state;
    const described = describeState(state);
    if (described !== last) options.onProgress?.(described);
    last = described;
    const elapsed = Date.now() - started;
    if (elapsed >= options.timeoutMs) {
      throw new PreconditionError(`${goal === 'gone' ? 'pods still there' : 'not ready'} after ${Math.round(elapsed / 1000)}s: ${described}`);
    }
    await sleep(Math.min(max, Math.max(initial, Math.round(elapsed / 4)), options.timeoutMs - elapsed), options.signal);
  }
}
