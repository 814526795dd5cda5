/**
 * The narrow view of Kubernetes the rest of the tool uses. Only src/kube imports @kubernetes/client-node;
 * everything else sees these plain shapes, so discovery and tests never depend on the client library.
 */
import type { Writable } from 'node:stream';

export interface EnvVar {
  readonly name: string;
  readonly value?: string | undefined;
  /** Present when the value comes from a Secret or ConfigMap key; the value itself is never read here. */
  readonly valueFrom?: { readonly secretKeyRef?: { name: string; key: string }; readonly configMapKeyRef?: { name: string; key: string } } | undefined;
}

export interface ContainerPort {
  readonly name?: string | undefined;
  readonly containerPort: number;
}

export interface Probe {
  readonly path?: string | undefined;
  /** Number or named port, as in the pod spec. */
  readonly port?: number | string | undefined;
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly env: readonly EnvVar[];
  readonly envFrom: readonly { configMapRef?: string | undefined; secretRef?: string | undefined }[];
  readonly ports: readonly ContainerPort[];
  readonly readinessProbe?: Probe | undefined;
}

export interface Pod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly phase: string;
  /** True when the Ready condition is True. */
  readonly ready: boolean;
  readonly deleting: boolean;
  /** status.podIP; lets curl in another pod (--exec-pod) reach exactly this pod. */
  readonly ip?: string | undefined;
  readonly containers: readonly Container[];
}

export interface ServicePort {
  readonly name?: string | undefined;
  readonly port: number;
  readonly targetPort?: number | string | undefined;
}

export interface Service {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly selector: Readonly<Record<string, string>>;
  readonly ports: readonly ServicePort[];
}

export interface ConfigMap {
  readonly name: string;
  readonly namespace: string;
  readonly data: Readonly<Record<string, string>>;
}

export interface Secret {
  readonly name: string;
  readonly namespace: string;
  readonly type: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Values are still base64 as the API returns them. Never print them. */
  readonly data: Readonly<Record<string, string>>;
}

export interface ExecRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly command: readonly string[];
  /** Client-side deadline: the WebSocket is terminated after it. Bound the remote command too (curl --max-time). */
  readonly timeoutMs: number;
  /** When given, stdout is streamed here instead of being collected (large outputs such as pg_dump). */
  readonly stdout?: Writable | undefined;
  /**
   * Bytes for the command's stdin, the way secrets reach a command without being on its command line (the exec
   * request's URL, which API server audit logs record). `close: true` ends stdin after them; only exec protocol
   * v5 can (Kubernetes 1.30+), so the request then offers v5 alone and an API server without it answers
   * ExecStdinCloseUnsupportedError before anything ran. `close: false` leaves stdin open while the command runs
   * (any protocol); the command must stop reading by itself.
   */
  readonly stdin?: { readonly data: Buffer; readonly close: boolean } | undefined;
  /** Instead of `stdin`: a stdin streamed from a source of any size (see ExecStdinStream). */
  readonly stdinStream?: ExecStdinStream | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * A stdin too large to hold in memory (a database dump): read only as fast as the connection takes it, so memory
 * stays bounded whatever its size. Where the protocol can end a command's stdin (v5) its end is passed on; under
 * v4 stdin stays open after the last byte (ending it there closes the whole connection, output and exit status
 * included), so the data must tell the command to stop reading (psql's `\q`); the request's deadline bounds both.
 */
export interface ExecStdinStream {
  readonly stream: AsyncIterable<Uint8Array>;
  /** Called with the bytes handed to the connection so far, as they grow. */
  readonly onSent?: ((bytes: number) => void) | undefined;
}

export interface ExecResult {
  /** Empty when stdout was streamed to ExecRequest.stdout. */
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface PortForwardRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly port: number;
}

export interface PortForward {
  /** Local port on 127.0.0.1 that tunnels to the pod port. */
  readonly localPort: number;
  /**
   * The last failure text of a tunnel: the pod side's error-channel message ("error forwarding port 9600 to pod …:
   * connection refused") or why the WebSocket could not be opened (RBAC, pod gone). A local connection that hits
   * such an error is destroyed at once, so an HTTP client fails fast and can report this text.
   */
  lastError(): string | undefined;
  /** Stops listening and ends every tunnel. Safe to call twice. */
  close(): Promise<void>;
}

export interface AccessCheck {
  readonly namespace: string;
  readonly verb: string;
  /** API group: "" or absent for the core group, "apps" for Deployments/StatefulSets. */
  readonly group?: string | undefined;
  readonly resource: string;
  readonly subresource?: string | undefined;
  /** One object by name, for a permission a Role may grant on that name only (resourceNames). */
  readonly name?: string | undefined;
}

export interface AccessCheckResult extends AccessCheck {
  readonly allowed: boolean;
  readonly reason?: string | undefined;
}

/** A coordination.k8s.io/v1 Lease as the lock code needs it; times in epoch milliseconds. */
export interface Lease {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly holderIdentity?: string | undefined;
  readonly leaseDurationSeconds?: number | undefined;
  readonly acquireTime?: number | undefined;
  readonly renewTime?: number | undefined;
  readonly leaseTransitions?: number | undefined;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface LeaseSpec {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: number;
  readonly renewTime: number;
  readonly leaseTransitions: number;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

/** Lease REST calls; conflicts surface as KubeApiError with httpStatus 409 (AlreadyExists / Conflict). */
export interface LeaseApi {
  read(namespace: string, name: string): Promise<Lease | undefined>;
  create(namespace: string, name: string, spec: LeaseSpec): Promise<Lease>;
  /** Optimistic: fails with 409 when `current` is no longer the stored version. */
  replace(current: Lease, spec: LeaseSpec): Promise<Lease>;
  /** Deletes only the version given (409 when it changed meanwhile). */
  delete(current: Lease): Promise<void>;
}

/** A ConfigMap the tool keeps as a record in the cluster (run outcomes, the restore journal). */
export interface RecordMap {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, string>>;
}

/**
 * ConfigMap REST calls for records; conflicts surface as KubeApiError with httpStatus 409 (AlreadyExists on create,
 * Conflict on a stale replace or delete). Every record is labelled app.kubernetes.io/managed-by=kubectl-camunda-backup.
 */
export interface ConfigMapApi {
  /** undefined when it does not exist. */
  read(namespace: string, name: string): Promise<RecordMap | undefined>;
  create(namespace: string, name: string, data: Readonly<Record<string, string>>, labels?: Readonly<Record<string, string>>): Promise<RecordMap>;
  /** Optimistic: fails with 409 when `current` is no longer the stored version. Labels are kept. */
  replace(current: RecordMap, data: Readonly<Record<string, string>>): Promise<RecordMap>;
  /** Deletes only the version given (409 when it changed meanwhile). */
  delete(current: RecordMap): Promise<void>;
}

/**
 * Everything the tool asks of the API server. Errors are thrown as KubeApiError; exec errors as the ExecError
 * family (see kube-errors.ts). All of them are PreconditionErrors (exit 3).
 */
export interface KubeClient {
  /** Namespace from -n, else the context's, else "default" (in-cluster: the service account's). */
  readonly namespace: string;
  /** Context name, or "in-cluster". For messages only. */
  readonly contextName: string;
  listSecrets(namespace: string, labelSelector: string): Promise<Secret[]>;
  readSecret(namespace: string, name: string): Promise<Secret | undefined>;
  listPods(namespace: string, labelSelector: string): Promise<Pod[]>;
  listServices(namespace: string, labelSelector?: string): Promise<Service[]>;
  readService(namespace: string, name: string): Promise<Service | undefined>;
  readConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  checkAccess(checks: readonly AccessCheck[]): Promise<AccessCheckResult[]>;
  execInPod(request: ExecRequest): Promise<ExecResult>;
  openPortForward(request: PortForwardRequest): Promise<PortForward>;
  /**
   * The same client with every call bound to `signal`: when it aborts, in-flight REST reads and exec calls stop
   * and reject with its reason, and port-forwards opened through it close. For read-only phases such as discovery;
   * a resume after a pause must use a client that an interrupt does not stop.
   */
  withSignal(signal: AbortSignal): KubeClient;
  readonly leases: LeaseApi;
  readonly configMaps: ConfigMapApi;
}
