/**
 * Which pod and container of a Service discovery talks to, and on which port. Every call of one backup must go to
 * the same pod (some states are only judged there), so the choice is deterministic.
 */
import { PreconditionError, UsageError } from '../errors.js';
import type { Container, Pod, ServicePort } from '../kube/kube-client.js';
import type { PodTarget } from '../reach/component-http.js';

export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';

/** An empty selector matches nothing: a Service without one routes to no pod. */
function matchesSelector(labels: Readonly<Record<string, string>>, selector: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

export const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);

/** Ready, not being deleted, first by name: the same pod on every run while the cluster does not change. */
export function pickPod(pods: readonly Pod[]): Pod | undefined {
  return pods.filter((p) => p.ready && !p.deleting).sort(byName)[0];
}

export const podsBehind = (selector: Readonly<Record<string, string>>, pods: readonly Pod[]): Pod[] => pods.filter((p) => matchesSelector(p.labels, selector));

function describePods(pods: readonly Pod[]): string {
  if (pods.length === 0) return 'no pods';
  return pods
    .slice()
    .sort(byName)
    .map((p) => `${p.name} (${p.deleting ? 'terminating' : p.phase}${p.ready ? ', ready' : ', not ready'})`)
    .join(', ');
}

export const noReadyPodBehind = (service: string, pods: readonly Pod[], what = 'pod'): string => `no Ready ${what} behind Service ${service} (${describePods(pods)})`;

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

export function podTarget(pod: Pod, container: Container, port: number, namespace: string): PodTarget {
  return { namespace: pod.namespace || namespace, pod: pod.name, container: container.name, port };
}

const containersHint = (pod: Pod): string => `Containers of ${pod.name}: ${pod.containers.map((c) => c.name).join(', ')}.`;

/** --exec-pod / --exec-container: where the user wants curl to run. Part of the discovery choices. */
export interface ExecChoices {
  readonly execPod?: string | undefined;
  readonly execContainer?: string | undefined;
}

/**
 * The container to talk to in `pod`. `overridable`: --exec-container applies (Camunda components; the search
 * engine and PostgreSQL keep their own), unless --exec-pod took it for the relay pod.
 */
export function chooseContainer(pod: Pod, preferred: readonly string[], ctx: { readonly choices: ExecChoices; readonly warnings: string[] }, what: string, overridable = false): Container {
  const override = overridable && ctx.choices.execPod === undefined ? ctx.choices.execContainer : undefined;
  if (override !== undefined) {
    const chosen = pod.containers.find((c) => c.name === override);
    if (!chosen) throw new UsageError(`--exec-container ${override}: pod ${pod.name} (${what}) has no such container.`, { hint: containersHint(pod) });
    return chosen;
  }
  const byPreference = preferred.map((name) => pod.containers.find((c) => c.name === name)).find((c) => c !== undefined);
  if (byPreference) return byPreference;
  const [only, ...rest] = pod.containers;
  if (only && rest.length === 0) return only;
  if (!only) throw new PreconditionError(`Pod ${pod.name} (${what}) has no containers.`);
  ctx.warnings.push(`Pod ${pod.name} (${what}) has no container named ${preferred.join(' or ')}; using ${only.name}. Pass --exec-container to choose.`);
  return only;
}

/** --exec-pod: the pod the user chose to run curl in, checked before anything relies on it. */
export function execRelayTarget(choices: ExecChoices, pod: Pod | undefined, namespace: string): PodTarget | undefined {
  if (choices.execPod === undefined) return undefined;
  if (!pod) throw new UsageError(`--exec-pod ${choices.execPod}: no such pod in namespace ${namespace}.`);
  const container = choices.execContainer !== undefined ? pod.containers.find((c) => c.name === choices.execContainer) : pod.containers[0];
  if (!container) throw new UsageError(`--exec-container ${choices.execContainer ?? ''}: pod ${pod.name} has no such container.`, { hint: containersHint(pod) });
  // The port is not used for a curl relay: the URL names the destination.
  return podTarget(pod, container, container.ports[0]?.containerPort ?? 0, namespace);
}
