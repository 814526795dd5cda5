/**
 * The broker StatefulSet's restore mode as container changes: the one that puts it on (env through the chart's
 * start script, probes off) and its exact inverse, plus the kubectl commands a person runs when the tool cannot
 * take it off itself. Pure.
 */
import { clusterFlagsText, shellWord, type ClusterFlags } from '../../kube/cluster-flags.js';
import { containerPatch, inverseChange, type ContainerChange, type Workload, type WorkloadContainer } from '../../kube/workload-client.js';
import type { RestorePlan } from './plan.js';

export function restoreModeOnChange(plan: Pick<RestorePlan, 'restoreMode'>): ContainerChange {
  const mode = plan.restoreMode;
  return {
    container: mode.container,
    setEnv: mode.setEnv,
    ...(mode.removeEnv.length > 0 ? { removeEnv: mode.removeEnv } : {}),
    ...(mode.probesOff.includes('livenessProbe') ? { livenessProbe: null } : {}),
    ...(mode.probesOff.includes('startupProbe') ? { startupProbe: null } : {}),
  };
}

/** The change that puts back exactly what restore mode touched, as the plan recorded it. */
export function restoreModeOffChange(plan: Pick<RestorePlan, 'restoreMode'>): ContainerChange {
  const mode = plan.restoreMode;
  const before: WorkloadContainer = {
    name: mode.container,
    image: '',
    command: undefined,
    args: undefined,
    env: mode.envBefore,
    livenessProbe: mode.livenessProbeBefore,
    startupProbe: mode.startupProbeBefore,
    readinessProbe: undefined,
  };
  return inverseChange(before, restoreModeOnChange(plan));
}

/** What of restore mode is still on the workload's container ("ZEEBE_RESTORE=true", "livenessProbe off"); empty when it is all gone. */
export function restoreModeLeftovers(plan: Pick<RestorePlan, 'restoreMode'>, workload: Workload): string[] {
  const mode = plan.restoreMode;
  const container = workload.containers.find((c) => c.name === mode.container);
  if (!container) return [`container ${mode.container} not found`];
  const left: string[] = [];
  for (const set of mode.setEnv) {
    const now = container.env.find((e) => e.name === set.name);
    const before = mode.envBefore.find((e) => e.name === set.name);
    if (now && (before === undefined || before.value !== now.value)) left.push(`${now.name}=${now.value ?? '(from a reference)'}`);
  }
  if (mode.probesOff.includes('livenessProbe') && container.livenessProbe === undefined) left.push('livenessProbe off');
  if (mode.probesOff.includes('startupProbe') && container.startupProbe === undefined) left.push('startupProbe off');
  return left;
}

/**
 * The commands that take restore mode off by hand and bring the brokers back: scale to 0, the exact inverse patch
 * (strategic merge, the same body the tool sends), scale back to the recorded replicas. They reach the same cluster.
 */
export function restoreModeOffCommands(plan: Pick<RestorePlan, 'restoreMode' | 'namespace' | 'workloads'>, cluster: ClusterFlags): string[] {
  const flags = clusterFlagsText(cluster, plan.namespace);
  const sts = plan.restoreMode.statefulSet;
  const replicas = plan.workloads.find((w) => w.kind === 'StatefulSet' && w.name === sts)?.replicas ?? 0;
  return [
    `kubectl scale statefulset ${sts} ${flags} --replicas=0`,
    `kubectl patch statefulset ${sts} ${flags} --type strategic -p ${shellWord(JSON.stringify(containerPatch(restoreModeOffChange(plan))))}`,
    `kubectl scale statefulset ${sts} ${flags} --replicas=${replicas}`,
  ];
}
