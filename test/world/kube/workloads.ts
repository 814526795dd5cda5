/**
 * The controllers and the kubelet of the simulated cluster, for what a restore does to workloads:
 * - the StatefulSet controller (ordinal pods `<sts>-<n>`, OrderedReady or Parallel, scale down from the highest
 *   ordinal, PVCs from volumeClaimTemplates created when missing and retained, RollingUpdate from the highest
 *   ordinal that waits for the replaced pod to be healthy — so a crash-looping updated pod blocks the rollout,
 *   kubernetes/kubernetes#67250);
 * - the Deployment controller (ReplicaSet-hash pods with fresh random names, rolling replacement);
 * - the PVC protection controller (a deleted PVC stays with kubernetes.io/pvc-protection until no pod uses it);
 * - a kubelet that runs each container as a scripted program: log lines over time, readiness, exit with a code,
 *   restart with CrashLoopBackOff back-off, and the current/previous container logs the API serves.
 * Times are short and configurable; everything runs on unref'd timers in the test process.
 */
import { buildClaim, buildWorkloadPod, templateHash } from '../cluster-from-manifests.js';

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const meta = (object: unknown): Json => asRecord(asRecord(object)['metadata']);
const nameOf = (object: unknown): string => String(meta(object)['name'] ?? '');
const namespaceOf = (object: unknown): string => String(meta(object)['namespace'] ?? '');
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface WorkloadObjects {
  pods: unknown[];
  deployments?: unknown[];
  statefulSets?: unknown[];
  persistentVolumeClaims?: unknown[];
}

export interface WorkloadTiming {
  /** Pod created → containers started (scheduling, image pull). */
  startMs: number;
  /** Container started → Ready, for programs that do not say otherwise. */
  readyMs: number;
  /** Deletion requested → pod gone (graceful termination). */
  terminateMs: number;
  /** First CrashLoopBackOff delay; doubles per restart (the kubelet's 10 s … 5 min, shortened). */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_TIMING: WorkloadTiming = { startMs: 20, readyMs: 40, terminateMs: 40, backoffMs: 100, maxBackoffMs: 800 };

/** What a container does in one run (from its start). */
export interface ContainerScript {
  lines?: Array<{ atMs: number; text: string }>;
  /** When the readiness probe starts passing; undefined = never (no probe counts as ready at start). */
  readyAtMs?: number | undefined;
  /** The process exits; undefined = runs until the pod is deleted. */
  exit?: { atMs: number; code: number } | undefined;
  /** Side effects of the run having finished by itself (e.g. the restored data is on the volume). */
  onExit?: () => void;
}

/** Data kept on a PersistentVolumeClaim's volume, interpreted by the programs (empty = freshly provisioned). */
export interface VolumeData {
  empty: boolean;
  [key: string]: unknown;
}

export interface ContainerRun {
  readonly namespace: string;
  readonly pod: Json;
  readonly podName: string;
  readonly container: Json;
  readonly containerName: string;
  /** Restarts before this run (0 for the first). */
  readonly restartCount: number;
  /** StatefulSet ordinal. */
  readonly ordinal: number | undefined;
  readonly owner: { kind: 'StatefulSet' | 'Deployment'; name: string } | undefined;
  /** Whether this run is adopted (pod existed when the world started: the script's past is already done). */
  readonly adopted: boolean;
  /** Volume data by pod volume name, for volumes backed by a PVC. */
  volume(volumeName: string): { claim: string; data: VolumeData } | undefined;
  setVolume(volumeName: string, data: VolumeData): void;
}

/** Chooses what a container runs; return undefined for the default (ready after readyMs, one log line). */
export type ContainerProgram = (run: ContainerRun) => ContainerScript | undefined;

interface Run {
  readonly containerID: string;
  readonly startedAt: number;
  readonly lines: Array<{ at: number; text: string }>;
  ready: boolean;
  finishedAt?: number;
  exitCode?: number;
}

interface ContainerState {
  runs: Run[];
  waiting?: { reason: string; message?: string };
}

interface PodRuntime {
  readonly uid: string;
  readonly containers: Map<string, ContainerState>;
  readonly timers: Set<NodeJS.Timeout>;
  deleting: boolean;
}

export interface LogRequest {
  container: string;
  previous: boolean;
  timestamps?: boolean;
  tailLines?: number | undefined;
  sinceSeconds?: number | undefined;
  limitBytes?: number | undefined;
}

export type LogResult = { ok: true; text: string; running: boolean } | { ok: false; message: string };

export class WorkloadController {
  readonly objects: WorkloadObjects;
  readonly timing: WorkloadTiming;
  private readonly programs: ContainerProgram[] = [];
  private readonly runtimes = new Map<string, PodRuntime>();
  private readonly volumes = new Map<string, VolumeData>();
  private resourceVersion = 500_000;
  private podSeq = 10_000;
  /** New pods get fresh IPs from 10.245.0.0/16 (the installation's pods have 10.244.x.y). */
  private ipSeq = 0;
  private stopped = false;
  private scheduled = false;
  /** Called after every change the controllers make (the world uses it to re-route pod ports). */
  onChange: (() => void) | undefined;

  constructor(objects: WorkloadObjects, timing: Partial<WorkloadTiming> = {}) {
    this.objects = objects;
    this.timing = { ...DEFAULT_TIMING, ...timing };
    this.objects.deployments ??= [];
    this.objects.statefulSets ??= [];
    this.objects.persistentVolumeClaims ??= [];
    // Volumes that exist when the world starts belong to a running installation: they hold data.
    for (const claim of this.objects.persistentVolumeClaims) this.volumes.set(this.key(claim), { empty: false });
  }

  /** Programs are asked in the order added; the first that answers decides. */
  addProgram(program: ContainerProgram): void {
    this.programs.push(program);
  }

  nextResourceVersion(): string {
    this.resourceVersion += 1;
    return String(this.resourceVersion);
  }

  private key(object: unknown): string {
    return `${namespaceOf(object)}/${nameOf(object)}`;
  }

  /** The data on a claim's volume (undefined when the claim is unknown). */
  volumeData(namespace: string, claim: string): VolumeData | undefined {
    return this.volumes.get(`${namespace}/${claim}`);
  }

  setVolumeData(namespace: string, claim: string, data: VolumeData): void {
    this.volumes.set(`${namespace}/${claim}`, data);
  }

  /** A PVC as a StatefulSet would have made it for an ordinal (e.g. an orphan of an earlier scale-down); holds data. */
  addClaim(stsName: string, namespace: string, ordinal: number, data: VolumeData = { empty: false }): Json[] {
    const sts = this.statefulSet(namespace, stsName);
    if (!sts) throw new Error(`No StatefulSet ${namespace}/${stsName}`);
    const created: Json[] = [];
    for (const template of asArray(asRecord(sts['spec'])['volumeClaimTemplates']).map(asRecord)) {
      const claim = buildClaim(sts, template, ordinal, iso(Date.now()), Number(this.nextResourceVersion()));
      if (this.claim(namespace, nameOf(claim))) continue;
      this.objects.persistentVolumeClaims?.push(claim);
      this.volumes.set(this.key(claim), data);
      created.push(claim);
    }
    return created;
  }

  statefulSet(namespace: string, name: string): Json | undefined {
    return (this.objects.statefulSets ?? []).map(asRecord).find((o) => namespaceOf(o) === namespace && nameOf(o) === name);
  }

  deployment(namespace: string, name: string): Json | undefined {
    return (this.objects.deployments ?? []).map(asRecord).find((o) => namespaceOf(o) === namespace && nameOf(o) === name);
  }

  claim(namespace: string, name: string): Json | undefined {
    return (this.objects.persistentVolumeClaims ?? []).map(asRecord).find((o) => namespaceOf(o) === namespace && nameOf(o) === name);
  }

  pod(namespace: string, name: string): Json | undefined {
    return this.objects.pods.map(asRecord).find((o) => namespaceOf(o) === namespace && nameOf(o) === name);
  }

  /** Owner workload of a pod (StatefulSet directly, Deployment through its ReplicaSet `<deployment>-<hash>`). */
  ownerOf(pod: unknown): { kind: 'StatefulSet' | 'Deployment'; name: string } | undefined {
    const ref = asArray(meta(pod)['ownerReferences']).map(asRecord).find((r) => r['controller'] === true);
    if (!ref) return undefined;
    const name = String(ref['name'] ?? '');
    if (ref['kind'] === 'StatefulSet') return { kind: 'StatefulSet', name };
    if (ref['kind'] === 'ReplicaSet') return { kind: 'Deployment', name: name.slice(0, name.lastIndexOf('-')) };
    return undefined;
  }

  private podsOf(kind: 'StatefulSet' | 'Deployment', namespace: string, name: string): Json[] {
    return this.objects.pods.map(asRecord).filter((p) => {
      const owner = this.ownerOf(p);
      return namespaceOf(p) === namespace && owner?.kind === kind && owner.name === name;
    });
  }

  // ---------------------------------------------------------------- writes from the API

  /** Marks a spec change: generation + resourceVersion, then lets the controllers act. */
  specChanged(workload: Json): void {
    const m = asRecord(workload['metadata']);
    m['generation'] = Number(m['generation'] ?? 1) + 1;
    m['resourceVersion'] = this.nextResourceVersion();
    this.kick();
  }

  /** DELETE of a pod: terminating now, gone after terminateMs. */
  deletePod(namespace: string, name: string): Json | undefined {
    const pod = this.pod(namespace, name);
    if (!pod) return undefined;
    this.terminate(pod);
    return pod;
  }

  /** DELETE of a PVC: gone now when no pod uses it, else pending with its pvc-protection finalizer. */
  deleteClaim(namespace: string, name: string): Json | undefined {
    const claim = this.claim(namespace, name);
    if (!claim) return undefined;
    const m = asRecord(claim['metadata']);
    if (m['deletionTimestamp'] === undefined) {
      m['deletionTimestamp'] = iso(Date.now());
      m['deletionGracePeriodSeconds'] = 0;
      m['resourceVersion'] = this.nextResourceVersion();
    }
    this.releaseClaims();
    return claim;
  }

  // ---------------------------------------------------------------- reconcile

  /** Runs the controllers soon (coalesced), like informers reacting to a change. */
  kick(): void {
    if (this.stopped || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.stopped) this.reconcile();
    });
  }

  reconcile(): void {
    for (const sts of (this.objects.statefulSets ?? []).map(asRecord)) this.reconcileStatefulSet(sts);
    for (const deployment of (this.objects.deployments ?? []).map(asRecord)) this.reconcileDeployment(deployment);
    this.releaseClaims();
    for (const pod of this.objects.pods.map(asRecord)) this.runtimeOf(pod);
    this.onChange?.();
  }

  private healthy(pod: Json): boolean {
    const status = asRecord(pod['status']);
    const ready = asArray(status['conditions']).some((c) => asRecord(c)['type'] === 'Ready' && asRecord(c)['status'] === 'True');
    return status['phase'] === 'Running' && ready && meta(pod)['deletionTimestamp'] === undefined;
  }

  private terminating(pod: Json): boolean {
    return meta(pod)['deletionTimestamp'] !== undefined;
  }

  private reconcileStatefulSet(sts: Json): void {
    const namespace = namespaceOf(sts);
    const name = nameOf(sts);
    const spec = asRecord(sts['spec']);
    const replicas = Number(spec['replicas'] ?? 1);
    const monotonic = spec['podManagementPolicy'] !== 'Parallel';
    const revision = `${name}-${templateHash(namespace, name, asRecord(spec['template']))}`;
    const ordinalOf = (pod: Json): number => Number(/-(\d+)$/.exec(nameOf(pod))?.[1] ?? -1);
    const pods = this.podsOf('StatefulSet', namespace, name).sort((a, b) => ordinalOf(a) - ordinalOf(b));
    const byOrdinal = new Map(pods.map((p) => [ordinalOf(p), p]));

    // Create missing pods (and their missing claims); OrderedReady waits for each predecessor.
    let blocked = false;
    for (let ordinal = 0; ordinal < replicas && !blocked; ordinal++) {
      const existing = byOrdinal.get(ordinal);
      if (!existing) {
        this.ensureClaims(sts, ordinal);
        this.createPod(sts, ordinal);
        if (monotonic) blocked = true;
      } else if (monotonic && !this.healthy(existing)) {
        blocked = true;
      }
    }
    // Scale down: Parallel deletes all surplus pods at once, OrderedReady the highest one at a time.
    const surplus = pods.filter((p) => ordinalOf(p) >= replicas).sort((a, b) => ordinalOf(b) - ordinalOf(a));
    if (surplus.length > 0 && !(monotonic && blocked)) {
      if (monotonic) {
        const first = surplus[0];
        if (first && !surplus.some((p) => this.terminating(p))) this.terminate(first);
      } else {
        for (const pod of surplus) if (!this.terminating(pod)) this.terminate(pod);
      }
    }
    // RollingUpdate: replace the highest-ordinal pod of an old revision; wait while the replaced one is unhealthy.
    const strategy = asRecord(spec['updateStrategy']);
    const partition = Number(asRecord(strategy['rollingUpdate'])['partition'] ?? 0);
    if (strategy['type'] !== 'OnDelete' && !(monotonic && blocked) && surplus.length === 0) {
      for (let ordinal = replicas - 1; ordinal >= partition; ordinal--) {
        const pod = byOrdinal.get(ordinal);
        if (!pod) break;
        const podRevision = asString(asRecord(meta(pod)['labels'])['controller-revision-hash']);
        if (podRevision !== revision && !this.terminating(pod)) {
          this.terminate(pod);
          break;
        }
        if (!this.healthy(pod)) break;
      }
    }

    const live = this.podsOf('StatefulSet', namespace, name);
    const updated = live.filter((p) => asRecord(meta(p)['labels'])['controller-revision-hash'] === revision);
    const ready = live.filter((p) => this.healthy(p)).length;
    sts['status'] = {
      observedGeneration: meta(sts)['generation'] ?? 1,
      replicas: live.length,
      readyReplicas: ready,
      availableReplicas: ready,
      currentReplicas: updated.length === live.length ? live.length : live.length - updated.length,
      updatedReplicas: updated.length,
      currentRevision: updated.length === live.length ? revision : asString(asRecord(sts['status'])['currentRevision']) ?? revision,
      updateRevision: revision,
      collisionCount: 0,
    };
  }

  private reconcileDeployment(deployment: Json): void {
    const namespace = namespaceOf(deployment);
    const name = nameOf(deployment);
    const spec = asRecord(deployment['spec']);
    const replicas = Number(spec['replicas'] ?? 1);
    const hash = templateHash(namespace, name, asRecord(spec['template']));
    const pods = this.podsOf('Deployment', namespace, name).filter((p) => !this.terminating(p));
    const isNew = (p: Json): boolean => asRecord(meta(p)['labels'])['pod-template-hash'] === hash;
    const fresh = pods.filter(isNew);
    const old = pods.filter((p) => !isNew(p));
    const recreate = asRecord(spec['strategy'])['type'] === 'Recreate';

    if (recreate && old.length > 0) {
      for (const pod of old) this.terminate(pod);
    } else if (!recreate || this.podsOf('Deployment', namespace, name).length === 0) {
      for (let i = fresh.length; i < replicas; i++) this.createPod(deployment, i);
    }
    // Too many new pods: the ReplicaSet removes not-ready ones first, then the newest.
    if (fresh.length > replicas) {
      const order = [...fresh].sort((a, b) => Number(this.healthy(a)) - Number(this.healthy(b)) || String(meta(b)['creationTimestamp']).localeCompare(String(meta(a)['creationTimestamp'])));
      for (const pod of order.slice(0, fresh.length - replicas)) this.terminate(pod);
    }
    // Old pods go as new ones become ready, keeping at least replicas - maxUnavailable(25%, rounded down) ready.
    const minReady = replicas - Math.floor(replicas * 0.25);
    let ready = pods.filter((p) => this.healthy(p)).length;
    for (const pod of [...old].sort((a, b) => Number(this.healthy(a)) - Number(this.healthy(b)))) {
      if (replicas === 0 || !this.healthy(pod) || ready - 1 >= minReady) {
        if (this.healthy(pod)) ready -= 1;
        this.terminate(pod);
      }
    }
    const live = this.podsOf('Deployment', namespace, name);
    const readyNow = live.filter((p) => this.healthy(p)).length;
    deployment['status'] = {
      observedGeneration: meta(deployment)['generation'] ?? 1,
      replicas: live.length,
      ...(readyNow > 0 ? { readyReplicas: readyNow, availableReplicas: readyNow } : {}),
      updatedReplicas: live.filter(isNew).length,
      ...(live.length - readyNow > 0 ? { unavailableReplicas: live.length - readyNow } : {}),
    };
  }

  private ensureClaims(sts: Json, ordinal: number): void {
    for (const template of asArray(asRecord(sts['spec'])['volumeClaimTemplates']).map(asRecord)) {
      const name = `${String(meta(template)['name'])}-${nameOf(sts)}-${ordinal}`;
      if (this.claim(namespaceOf(sts), name)) continue;
      const claim = buildClaim(sts, template, ordinal, iso(Date.now()), Number(this.nextResourceVersion()));
      this.objects.persistentVolumeClaims?.push(claim);
      this.volumes.set(this.key(claim), { empty: true });
    }
  }

  private createPod(workload: Json, index: number): void {
    this.podSeq += 1;
    const pod = buildWorkloadPod(workload, {
      index,
      nameSeed: `#${this.podSeq}`,
      created: iso(Date.now()),
      resourceVersion: Number(this.nextResourceVersion()),
      podIndex: this.podSeq,
      phase: 'Pending',
    });
    this.objects.pods.push(pod);
    const runtime = this.newRuntime(pod);
    this.later(runtime, this.timing.startMs, () => this.startContainers(pod, runtime));
  }

  /** Claims a pod mounts, by pod volume name. */
  private claimsOf(pod: Json): Map<string, string> {
    const claims = new Map<string, string>();
    for (const volume of asArray(asRecord(pod['spec'])['volumes']).map(asRecord)) {
      const claim = asString(asRecord(volume['persistentVolumeClaim'])['claimName']);
      if (claim) claims.set(String(volume['name']), claim);
    }
    return claims;
  }

  /** PVCs pending deletion go once no pod (terminating ones included) mounts them. */
  private releaseClaims(): void {
    const list = this.objects.persistentVolumeClaims ?? [];
    const inUse = new Set(this.objects.pods.map(asRecord).flatMap((p) => [...this.claimsOf(p).values()].map((c) => `${namespaceOf(p)}/${c}`)));
    for (let i = list.length - 1; i >= 0; i--) {
      const claim = list[i];
      if (meta(claim)['deletionTimestamp'] === undefined || inUse.has(this.key(claim))) continue;
      list.splice(i, 1);
      this.volumes.delete(this.key(claim));
    }
  }

  // ---------------------------------------------------------------- kubelet

  private newRuntime(pod: Json): PodRuntime {
    const runtime: PodRuntime = { uid: String(meta(pod)['uid']), containers: new Map(), timers: new Set(), deleting: false };
    this.runtimes.set(runtime.uid, runtime);
    return runtime;
  }

  /** The runtime of a pod; pods that existed before the controller (or were added by a test) are adopted as running. */
  private runtimeOf(pod: Json): PodRuntime {
    const uid = String(meta(pod)['uid']);
    const existing = this.runtimes.get(uid);
    if (existing) return existing;
    const runtime = this.newRuntime(pod);
    const started = Date.parse(String(asRecord(pod['status'])['startTime'] ?? meta(pod)['creationTimestamp'] ?? '')) || Date.now();
    for (const container of asArray(asRecord(pod['spec'])['containers']).map(asRecord)) {
      const status = asArray(asRecord(pod['status'])['containerStatuses']).map(asRecord).find((s) => s['name'] === container['name']);
      const containerID = asString(status?.['containerID']) ?? `containerd://${uid}-${String(container['name'])}-0`;
      const state: ContainerState = { runs: [] };
      runtime.containers.set(String(container['name']), state);
      const script = this.scriptFor(pod, container, 0, true);
      const run: Run = { containerID, startedAt: started, lines: [], ready: true };
      state.runs.push(run);
      for (const line of script?.lines ?? []) run.lines.push({ at: started + line.atMs, text: line.text });
    }
    return runtime;
  }

  private later(runtime: PodRuntime, ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      runtime.timers.delete(timer);
      if (!this.stopped && !runtime.deleting) action();
    }, Math.max(0, ms));
    timer.unref();
    runtime.timers.add(timer);
  }

  private scriptFor(pod: Json, container: Json, restartCount: number, adopted: boolean): ContainerScript | undefined {
    const claims = this.claimsOf(pod);
    const namespace = namespaceOf(pod);
    const run: ContainerRun = {
      namespace,
      pod,
      podName: nameOf(pod),
      container,
      containerName: String(container['name']),
      restartCount,
      ordinal: this.ownerOf(pod)?.kind === 'StatefulSet' ? Number(/-(\d+)$/.exec(nameOf(pod))?.[1]) : undefined,
      owner: this.ownerOf(pod),
      adopted,
      volume: (volumeName) => {
        const claim = claims.get(volumeName);
        const data = claim === undefined ? undefined : this.volumes.get(`${namespace}/${claim}`);
        return claim === undefined || data === undefined ? undefined : { claim, data };
      },
      setVolume: (volumeName, data) => {
        const claim = claims.get(volumeName);
        if (claim !== undefined) this.volumes.set(`${namespace}/${claim}`, data);
      },
    };
    for (const program of this.programs) {
      const script = program(run);
      if (script) return script;
    }
    return undefined;
  }

  /** A pod whose claim is missing or being deleted cannot start (the scheduler/kubelet keep it Pending). */
  private claimsReady(pod: Json): boolean {
    for (const claim of this.claimsOf(pod).values()) {
      const found = this.claim(namespaceOf(pod), claim);
      if (!found || meta(found)['deletionTimestamp'] !== undefined) return false;
    }
    return true;
  }

  private startContainers(pod: Json, runtime: PodRuntime): void {
    if (!this.claimsReady(pod)) {
      const status = asRecord(pod['status']);
      status['conditions'] = asArray(status['conditions']).map((c) =>
        asRecord(c)['type'] === 'PodScheduled' ? { ...asRecord(c), status: 'False', reason: 'Unschedulable', message: 'persistentvolumeclaim is being deleted or not found' } : c,
      );
      // The StatefulSet controller recreates a missing claim of an existing pod; then the pod can start.
      const owner = this.ownerOf(pod);
      const sts = owner?.kind === 'StatefulSet' ? this.statefulSet(namespaceOf(pod), owner.name) : undefined;
      const ordinal = Number(/-(\d+)$/.exec(nameOf(pod))?.[1]);
      if (sts) this.ensureClaims(sts, ordinal);
      this.later(runtime, this.timing.startMs, () => this.startContainers(pod, runtime));
      return;
    }
    const status = asRecord(pod['status']);
    status['phase'] = 'Running';
    this.ipSeq += 1;
    const ip = `10.245.${Math.floor(this.ipSeq / 250) % 250}.${(this.ipSeq % 250) + 2}`;
    status['podIP'] = ip;
    status['podIPs'] = [{ ip }];
    for (const container of asArray(asRecord(pod['spec'])['containers']).map(asRecord)) this.startRun(pod, runtime, container);
    this.updatePodStatus(pod, runtime);
  }

  private startRun(pod: Json, runtime: PodRuntime, container: Json): void {
    const name = String(container['name']);
    const state = runtime.containers.get(name) ?? { runs: [] };
    runtime.containers.set(name, state);
    const restartCount = state.runs.length;
    const script = this.scriptFor(pod, container, restartCount, false) ?? { lines: [{ atMs: 0, text: `${name} started` }], readyAtMs: this.timing.readyMs };
    const run: Run = { containerID: `containerd://${runtime.uid.replace(/-/g, '')}${name}${restartCount}`, startedAt: Date.now(), lines: [], ready: false };
    state.runs.push(run);
    delete state.waiting;
    for (const line of script.lines ?? []) {
      if (line.atMs <= 0) run.lines.push({ at: run.startedAt, text: line.text });
      else this.later(runtime, line.atMs, () => run.lines.push({ at: Date.now(), text: line.text }));
    }
    if (script.readyAtMs !== undefined) {
      this.later(runtime, script.readyAtMs, () => {
        if (run.finishedAt !== undefined) return;
        run.ready = true;
        this.updatePodStatus(pod, runtime);
        this.kick();
      });
    }
    if (script.exit) {
      const exit = script.exit;
      this.later(runtime, exit.atMs, () => {
        run.finishedAt = Date.now();
        run.exitCode = exit.code;
        run.ready = false;
        script.onExit?.();
        // restartPolicy Always (the only one workloads allow): restart after the back-off.
        const backoff = Math.min(this.timing.maxBackoffMs, this.timing.backoffMs * 2 ** Math.max(0, state.runs.length - 1));
        state.waiting = {
          reason: 'CrashLoopBackOff',
          message: `back-off ${Math.round(backoff / 1000) || 1}s restarting failed container=${name} pod=${nameOf(pod)}_${namespaceOf(pod)}(${runtime.uid})`,
        };
        this.updatePodStatus(pod, runtime);
        this.kick();
        this.later(runtime, backoff, () => {
          this.startRun(pod, runtime, container);
          this.updatePodStatus(pod, runtime);
          this.kick();
        });
      });
    }
  }

  private updatePodStatus(pod: Json, runtime: PodRuntime): void {
    const status = asRecord(pod['status']);
    const containers = asArray(asRecord(pod['spec'])['containers']).map(asRecord);
    const statuses = containers.map((container) => {
      const name = String(container['name']);
      const state = runtime.containers.get(name);
      const runs = state?.runs ?? [];
      const current = runs[runs.length - 1];
      const terminated = (run: Run): Json => ({
        terminated: {
          exitCode: run.exitCode ?? 0,
          reason: (run.exitCode ?? 0) === 0 ? 'Completed' : 'Error',
          startedAt: iso(run.startedAt),
          finishedAt: iso(run.finishedAt ?? Date.now()),
          containerID: run.containerID,
        },
      });
      let stateJson: Json;
      let lastState: Json = {};
      if (!current) stateJson = { waiting: { reason: 'ContainerCreating' } };
      else if (current.finishedAt === undefined) {
        stateJson = { running: { startedAt: iso(current.startedAt) } };
        const previous = runs[runs.length - 2];
        if (previous) lastState = terminated(previous);
      } else {
        stateJson = state?.waiting ? { waiting: state.waiting } : terminated(current);
        lastState = state?.waiting ? terminated(current) : {};
      }
      return {
        name,
        image: container['image'],
        imageID: current ? `${String(container['image'])}@sha256:sim` : '',
        ...(current ? { containerID: current.containerID } : {}),
        ready: current?.ready === true && current.finishedAt === undefined,
        started: current !== undefined && current.finishedAt === undefined,
        restartCount: Math.max(0, runs.length - 1),
        state: stateJson,
        lastState,
      };
    });
    status['containerStatuses'] = statuses;
    const allReady = statuses.length > 0 && statuses.every((s) => s.ready);
    const now = iso(Date.now());
    status['conditions'] = asArray(status['conditions']).map((c) => {
      const type = asRecord(c)['type'];
      if (type === 'Ready' || type === 'ContainersReady') {
        const value = allReady && !runtime.deleting ? 'True' : 'False';
        return asRecord(c)['status'] === value ? c : { ...asRecord(c), status: value, lastTransitionTime: now, ...(value === 'False' ? { reason: 'ContainersNotReady' } : {}) };
      }
      if (type === 'PodReadyToStartContainers' || type === 'Initialized' || type === 'PodScheduled') return { ...asRecord(c), status: 'True' };
      return c;
    });
    asRecord(pod['metadata'])['resourceVersion'] = this.nextResourceVersion();
  }

  private terminate(pod: Json): void {
    const m = asRecord(pod['metadata']);
    if (m['deletionTimestamp'] !== undefined) return;
    const runtime = this.runtimeOf(pod);
    m['deletionTimestamp'] = iso(Date.now() + 30_000);
    m['deletionGracePeriodSeconds'] = 30;
    m['resourceVersion'] = this.nextResourceVersion();
    this.updatePodStatus(pod, runtime);
    const timer = setTimeout(() => {
      runtime.deleting = true;
      for (const t of runtime.timers) clearTimeout(t);
      runtime.timers.clear();
      const index = this.objects.pods.indexOf(pod);
      if (index >= 0) this.objects.pods.splice(index, 1);
      this.runtimes.delete(runtime.uid);
      this.kick();
    }, this.timing.terminateMs);
    timer.unref();
    runtime.timers.add(timer);
  }

  // ---------------------------------------------------------------- logs

  /** What GET …/pods/<pod>/log answers, with the kubelet's rules for current and previous containers. */
  logs(namespace: string, podName: string, request: LogRequest): LogResult {
    const pod = this.pod(namespace, podName);
    if (!pod) return { ok: false, message: `pods "${podName}" not found` };
    const runtime = this.runtimeOf(pod);
    const state = runtime.containers.get(request.container);
    const runs = state?.runs ?? [];
    const current = runs[runs.length - 1];
    let run: Run | undefined;
    if (request.previous) {
      // lastState.terminated: the run before the running one, or the finished one while backing off.
      run = current?.finishedAt !== undefined ? current : runs[runs.length - 2];
      if (!run) return { ok: false, message: `previous terminated container "${request.container}" in pod "${podName}" not found` };
    } else {
      run = current;
      if (!run) return { ok: false, message: `container "${request.container}" in pod "${podName}" is waiting to start: ContainerCreating` };
    }
    let lines = run.lines;
    if (request.sinceSeconds !== undefined) lines = lines.filter((l) => l.at >= Date.now() - request.sinceSeconds! * 1000);
    if (request.tailLines !== undefined) lines = request.tailLines <= 0 ? [] : lines.slice(-request.tailLines);
    let text = lines.map((l) => `${request.timestamps ? `${new Date(l.at).toISOString().replace('Z', '000000Z')} ` : ''}${l.text}\n`).join('');
    if (request.limitBytes !== undefined) text = Buffer.from(text).subarray(0, request.limitBytes).toString('utf8');
    return { ok: true, text, running: run.finishedAt === undefined && !runtime.deleting };
  }

  stop(): void {
    this.stopped = true;
    for (const runtime of this.runtimes.values()) {
      for (const timer of runtime.timers) clearTimeout(timer);
      runtime.timers.clear();
    }
  }
}
