/**
 * Which pod of a Service discovery talks to, and on which port. Every call of one backup must go to the same pod
 * (some states are only judged there), so the choice is deterministic.
 */
import type { Pod, ServicePort } from '../kube/kube-client.js';

export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';

/** An empty selector matches nothing: a Service without one routes to no pod. */
export function matchesSelector(labels: Readonly<Record<string, string>>, selector: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

export const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);

/** Ready, not being deleted, first by name: the same pod on every run while the cluster does not change. */
export function pickPod(pods: readonly Pod[]): Pod | undefined {
  return pods.filter((p) => p.ready && !p.deleting).sort(byName)[0];
}

export function describePods(pods: readonly Pod[]): string {
  if (pods.length === 0) return 'no pods';
  return pods
    .slice()
    .sort(byName)
    .map((p) => `${p.name} (${p.deleting ? 'terminating' : p.phase}${p.ready ? ', ready' : ', not ready'})`)
    .join(', ');
}

/** The pod port a Service port forwards to (port-forward and pod IPs bypass the Service). */
export function podPortFor(servicePort: ServicePort, pod: Pod | undefined): number {
  const target = servicePort.targetPort;
  if (typeof target === 'number') return target;
  if (typeof target === 'string' && target !== '') {
    if (/^\d+$/.test(target)) return Number(target);
    const named = pod?.containers.flatMap((c) => c.ports).find((p) => p.name === target);
    if (named) return named.containerPort;
  }
  return servicePort.port;
}
