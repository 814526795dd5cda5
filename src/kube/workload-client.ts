/**
 * What a restore asks of Kubernetes beyond discovery (camunda-restore.md §2, §9, §12): workloads and their replicas
 * (through the scale subresource), the broker container's env and probes, the Zeebe PVCs, and pod logs. Plain
 * shapes like kube-client.ts; the client-node implementation is create-workload-client.ts. The patch of a container
 * is pure data built here, with its exact inverse, so that every restore change can be removed again.
 */
import type { EnvVar } from './kube-client.js';

export type WorkloadKind = 'Deployment' | 'StatefulSet';

export interface WorkloadRef {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
}

/** A probe as the pod template has it; opaque here, only carried to put it back. */
export type RawProbe = Readonly<Record<string, unknown>>;

export interface WorkloadContainer {
  readonly name: string;
  readonly image: string;
  /** undefined = the image entrypoint (for Camunda brokers: the chart's startup.sh). */
  readonly command: readonly string[] | undefined;
  readonly args: readonly string[] | undefined;
  readonly env: readonly EnvVar[];
  readonly livenessProbe: RawProbe | undefined;
  readonly startupProbe: RawProbe | undefined;
  readonly readinessProbe: RawProbe | undefined;
}

export interface Workload extends WorkloadRef {
  /** metadata.labels (app.kubernetes.io/component tells a Camunda workload's role). */
  readonly labels: Readonly<Record<string, string>>;
  /** spec.replicas: what is asked for. */
  readonly replicas: number;
  /** status.replicas: pods that exist (terminating ones included). */
  readonly currentReplicas: number;
  readonly readyReplicas: number;
  readonly updatedReplicas: number;
  /** status.observedGeneration === metadata.generation: the controller has seen the last change. */
  readonly observed: boolean;
  /** spec.selector.matchLabels as a label selector string. */
  readonly selector: string;
  readonly containers: readonly WorkloadContainer[];
}

export interface PersistentVolumeClaim {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly phase: string;
  /** Deletion requested; it stays until no pod uses it (kubernetes.io/pvc-protection). */
  readonly deleting: boolean;
  readonly finalizers: readonly string[];
}

export interface PodLogRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** The previous container: the run before a restart (while crash-looping: the last terminated run). */
  readonly previous?: boolean | undefined;
  readonly tailLines?: number | undefined;
  readonly sinceSeconds?: number | undefined;
}

/** A change to one container of a pod template; everything not named stays as it is. */
export interface ContainerChange {
  readonly container: string;
  /** Set (or replace) these variables. */
  readonly setEnv?: readonly EnvVar[] | undefined;
  /** Remove these variables. */
  readonly removeEnv?: readonly string[] | undefined;
  /** Replace (object) or remove (null) the probe; undefined leaves it. */
  readonly livenessProbe?: RawProbe | null | undefined;
  readonly startupProbe?: RawProbe | null | undefined;
}

export interface WorkloadClient {
  /** undefined when it does not exist. */
  readWorkload(ref: WorkloadRef): Promise<Workload | undefined>;
  /** Deployments and StatefulSets of the namespace that match the label selector, Deployments first, each sorted by name. */
  listWorkloads(namespace: string, labelSelector: string): Promise<Workload[]>;
  /** spec.replicas through the scale subresource. */
  readReplicas(ref: WorkloadRef): Promise<number>;
  /** Sets spec.replicas through the scale subresource (merge patch: no read-modify-write race). */
  scale(ref: WorkloadRef, replicas: number): Promise<void>;
  /** A strategic merge patch of the pod template's container (containers and env merged by name). */
  patchContainer(ref: WorkloadRef, change: ContainerChange): Promise<Workload>;
  listClaims(namespace: string, labelSelector?: string): Promise<PersistentVolumeClaim[]>;
  readClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined>;
  /** Deletes one PVC by name: 'deleted' (gone), 'pending' (kept by pvc-protection while a pod uses it), 'absent'. */
  deleteClaim(namespace: string, name: string): Promise<'deleted' | 'pending' | 'absent'>;
  /** Log text, or undefined when there is no such container run (yet): no previous one, still creating, pod gone. */
  podLog(request: PodLogRequest): Promise<string | undefined>;
}

// ---------------------------------------------------------------- pure

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const asStrings = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.map(String) : undefined);
const asProbe = (value: unknown): RawProbe | undefined => (value && typeof value === 'object' ? (value as RawProbe) : undefined);

function envFromK8s(raw: unknown): EnvVar {
  const env = asRecord(raw);
  const from = asRecord(env['valueFrom']);
  const secretRef = asRecord(from['secretKeyRef']);
  const configMapRef = asRecord(from['configMapKeyRef']);
  const valueFrom = env['valueFrom']
    ? {
        ...(secretRef['name'] ? { secretKeyRef: { name: String(secretRef['name']), key: String(secretRef['key'] ?? '') } } : {}),
        ...(configMapRef['name'] ? { configMapKeyRef: { name: String(configMapRef['name']), key: String(configMapRef['key'] ?? '') } } : {}),
      }
    : undefined;
  return { name: asString(env['name']) ?? '', ...(asString(env['value']) !== undefined ? { value: asString(env['value']) } : {}), ...(valueFrom ? { valueFrom } : {}) };
}

const stringRecord = (value: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(asRecord(value)).filter((e): e is [string, string] => typeof e[1] === 'string'));

export function workloadFromK8s(kind: WorkloadKind, raw: unknown): Workload {
  const object = asRecord(raw);
  const meta = asRecord(object['metadata']);
  const spec = asRecord(object['spec']);
  const status = asRecord(object['status']);
  const labels = asRecord(asRecord(spec['selector'])['matchLabels']);
  const template = asRecord(asRecord(spec['template'])['spec']);
  return {
    kind,
    namespace: asString(meta['namespace']) ?? '',
    name: asString(meta['name']) ?? '',
    labels: stringRecord(meta['labels']),
    replicas: typeof spec['replicas'] === 'number' ? spec['replicas'] : 1,
    currentReplicas: Number(status['replicas'] ?? 0),
    readyReplicas: Number(status['readyReplicas'] ?? 0),
    updatedReplicas: Number(status['updatedReplicas'] ?? 0),
    observed: Number(status['observedGeneration'] ?? 0) >= Number(meta['generation'] ?? 0),
    selector: Object.keys(labels)
      .sort()
      .map((key) => `${key}=${String(labels[key])}`)
      .join(','),
    containers: asArray(template['containers']).map((c) => {
      const container = asRecord(c);
      return {
        name: asString(container['name']) ?? '',
        image: asString(container['image']) ?? '',
        command: asStrings(container['command']),
        args: asStrings(container['args']),
        env: asArray(container['env']).map(envFromK8s),
        livenessProbe: asProbe(container['livenessProbe']),
        startupProbe: asProbe(container['startupProbe']),
        readinessProbe: asProbe(container['readinessProbe']),
      };
    }),
  };
}

export function claimFromK8s(raw: unknown): PersistentVolumeClaim {
  const object = asRecord(raw);
  const meta = asRecord(object['metadata']);
  return {
    name: asString(meta['name']) ?? '',
    namespace: asString(meta['namespace']) ?? '',
    labels: stringRecord(meta['labels']),
    phase: asString(asRecord(object['status'])['phase']) ?? 'Unknown',
    deleting: meta['deletionTimestamp'] != null,
    finalizers: asStrings(meta['finalizers']) ?? [],
  };
}

function envToK8s(env: EnvVar): Json {
  // A variable that came from a Secret must not keep that valueFrom beside a new value (the API rejects both).
  return env.valueFrom ? { name: env.name, value: null, valueFrom: env.valueFrom } : { name: env.name, value: env.value ?? '', valueFrom: null };
}

/** The strategic merge patch body of a ContainerChange (containers and env are merged by name). */
export function containerPatch(change: ContainerChange): Json {
  const set = change.setEnv ?? [];
  const remove = (change.removeEnv ?? []).filter((name) => !set.some((e) => e.name === name));
  const env = [...set.map(envToK8s), ...remove.map((name) => ({ name, $patch: 'delete' }))];
  const container: Json = { name: change.container };
  if (env.length > 0) container['env'] = env;
  if (change.livenessProbe !== undefined) container['livenessProbe'] = change.livenessProbe;
  if (change.startupProbe !== undefined) container['startupProbe'] = change.startupProbe;
  return { spec: { template: { spec: { containers: [container] } } } };
}

/**
 * The change that undoes `change` on a container that looked like `before`: variables it set get their old
 * entry back (or are removed when they did not exist), variables it removed come back, probes are put back.
 */
export function inverseChange(before: WorkloadContainer, change: ContainerChange): ContainerChange {
  const old = new Map(before.env.map((e) => [e.name, e]));
  const touched = [...new Set([...(change.setEnv ?? []).map((e) => e.name), ...(change.removeEnv ?? [])])];
  const setEnv = touched.map((name) => old.get(name)).filter((e): e is EnvVar => e !== undefined);
  const removeEnv = touched.filter((name) => !old.has(name));
  return {
    container: change.container,
    ...(setEnv.length > 0 ? { setEnv } : {}),
    ...(removeEnv.length > 0 ? { removeEnv } : {}),
    ...(change.livenessProbe !== undefined ? { livenessProbe: before.livenessProbe ?? null } : {}),
    ...(change.startupProbe !== undefined ? { startupProbe: before.startupProbe ?? null } : {}),
  };
}
