/**
 * Between two runs of a restore, or between a stop and the step that needs it, something may start a Camunda
 * workload again: Argo CD's self-heal puts back the replicas of the Git state, a colleague scales it up, an autoscaler
 * acts. Every run re-asserts, right before its first step that needs the applications stopped, that each planned
 * workload is at 0 replicas with no pod, and stops again whatever runs (the recorded replicas stay in the journal).
 */
import type { KubeClient } from '../../kube/kube-client.js';
import type { WorkloadClient } from '../../kube/workload-client.js';
import { waitForWorkload } from '../../kube/workload-wait.js';
import type { RestorePlan } from './plan.js';

export interface StillStoppedDeps {
  readonly workloads: WorkloadClient;
  readonly kube: Pick<KubeClient, 'listPods'>;
  readonly signal: AbortSignal;
  readonly timing: { readonly workloadTimeoutMs: number; readonly pollMs: number };
}

/**
 * Scales to 0 every planned workload that has replicas or pods again, and waits until their pods are gone.
 * Returns what ran, e.g. "statefulset/camunda-zeebe (3 replicas, 2 pods)"; empty when everything was stopped.
 */
export async function stopAgainWhereRunning(plan: Pick<RestorePlan, 'namespace' | 'workloads'>, deps: StillStoppedDeps): Promise<string[]> {
  const running: string[] = [];
  for (const planned of plan.workloads) {
    const ref = { kind: planned.kind, namespace: plan.namespace, name: planned.name };
    const workload = await deps.workloads.readWorkload(ref);
    // Deleted since (helm uninstall?): nothing of it runs; starting it again later says that it is missing.
    if (!workload) continue;
    const pods = (await deps.kube.listPods(plan.namespace, workload.selector)).length;
    if (workload.replicas === 0 && pods === 0) continue;
    running.push(`${planned.kind.toLowerCase()}/${planned.name} (${workload.replicas} replica(s), ${pods} pod(s); recorded ${planned.replicas})`);
    if (workload.replicas !== 0) await deps.workloads.scale(ref, 0);
    await waitForWorkload(deps, ref, 'gone', { timeoutMs: deps.timing.workloadTimeoutMs, maxIntervalMs: deps.timing.pollMs, signal: deps.signal });
  }
  return running;
}
