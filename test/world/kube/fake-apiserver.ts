/**
 * In-process fake Kubernetes API server for integration tests, the demo and the benchmark. It speaks the wire
 * protocols a real cluster speaks to @kubernetes/client-node: HTTPS with a private CA, bearer tokens, v1 Status
 * errors, the REST reads the tool makes, exec over WebSocket (v5 via the ≥1.30 translator, or the 1.29 kubelet
 * protocols) running real curl, and port-forward over v4. Passing against it should mean working on a cluster.
 */
import { createHash } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { runExecSession } from './exec-channel.js';
import { runPortForwardSession } from './port-forward-channel.js';
import { bodyReader, COORDINATION_GROUP, COORDINATION_RESOURCES, createLeaseStore, type LeaseStore } from './leases.js';
import { roleDenies, type PolicyRule } from './rbac.js';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.js';
import { badRequest, failure, forbidden, methodNotAllowed, notFound, pathNotFound, unauthorized, type ApiStatus } from './status.js';
import { tlsMaterial } from './tls.js';
import { configMapWrites } from './config-maps.js';
import {
  ChannelConnection,
  KUBELET_EXEC_PROTOCOLS,
  KUBELET_PORT_FORWARD_PROTOCOLS,
  negotiate,
  offeredProtocols,
  TRANSLATOR_EXEC_PROTOCOLS,
} from './ws-channels.js';

/** Raw Kubernetes JSON as the API returns it (metadata.namespace set). Read live: tests may mutate these arrays. */
export interface ClusterObjects {
  pods: unknown[];
  services: unknown[];
  configMaps: unknown[];
  secrets: unknown[];
}

export interface PodNetwork {
  /** 127.0.0.1 port serving `port` of that pod, or undefined → connection refused inside the pod netns */
  podPort(namespace: string, pod: string, port: number): number | undefined;
  /** For commands run inside a pod: which local port host:port leads to (localhost/127.0.0.1 = that pod, service DNS names short/.ns/.ns.svc/.ns.svc.cluster.local, pod IPs, external hosts), or undefined */
  resolve(namespace: string, pod: string, host: string, port: number): number | undefined;
  /** Whether the container image has this binary (curl, wget, pg_dump, sh …) */
  hasBinary(namespace: string, pod: string, container: string, binary: string): boolean;
  /** Where port-forwards to that pod connect when the pod is not played on 127.0.0.1 (a container's address); overrides podPort. */
  podEndpoint?(namespace: string, pod: string, port: number): { host: string; port: number } | undefined;
  /** CA bundle (PEM file) curl in the images trusts: stands in for the public CAs a managed Elasticsearch/OpenSearch certificate chains to. */
  trustedCaFile?: string | undefined;
}

export interface ExecContext {
  namespace: string;
  pod: string;
  container: string;
  argv: string[];
  network: PodNetwork;
  /**
   * The command's stdin as it arrives, chunk by chunk; it ends when the client closes stdin (v5) or the stream ends
   * (empty when the request had no stdin). A handler that reads slowly slows the client: like a pipe in the
   * container, the server stops reading the connection while a megabyte waits unread.
   */
  stdin?: () => AsyncIterable<Buffer>;
}

/** Optional handler for non-network commands (e.g. pg_dump): return undefined to fall through to the default. */
export type ExecHandler = (
  ctx: ExecContext,
) => Promise<{ stdout: Buffer | NodeJS.ReadableStream; stderr: string; exitCode: number } | undefined>;

export interface DenyRule {
  verb: string;
  /** e.g. "pods"; "pods/exec" is accepted as well as resource "pods" + subresource "exec". "*" matches any. */
  resource: string;
  subresource?: string;
  /** Only in this namespace; "" = only cluster-scope requests; absent = everywhere. */
  namespace?: string;
  /** Only in this API group ("" = core, "apps" …); absent = any group. */
  group?: string;
}

/** Mutable: tests may change fields between runs. */
export interface ApiFaults {
  /** RBAC: 403 with the real forbidden message */
  deny?: DenyRule[];
  /** exec: terminate the WS (1006, no status) after this long */
  execDropAfterMs?: number;
  /** ... only for commands whose joined argv contains this */
  execDropMatch?: string;
  /** port-forward: error-channel text then close */
  portForwardRefuse?: boolean;
  /** RBAC: when set, the identity holds exactly this Role (allowed only what a rule covers); deny applies on top. */
  role?: PolicyRule[];
  /** v5 = API server ≥1.30 translator (v5 when the client offers it); v4 = 1.29 kubelet path. Default v5. */
  execProtocol?: 'v5' | 'v4';
  /** REST: answer requests whose path matches with this Status (e.g. 500 "etcdserver: request timed out"). */
  restError?: { path: RegExp; status: number; message: string; reason: string; /** Only requests of this method (e.g. PUT: writes fail, reads answer). */ method?: string };
  /** REST: never answer requests whose path matches (a hung API server or proxy); the client has to give up. */
  restStall?: RegExp;
  /**
   * exec and port-forward: while true, every upgrade is answered 503 ServiceUnavailable (an API server restarting
   * behind its load balancer). `dropStreams()` ends the streams already open, as such a restart does.
   */
  streamOutage?: boolean;
}

export interface FakeApiServerOptions {
  objects: ClusterObjects;
  token: string;
  network: PodNetwork;
  faults?: ApiFaults;
  execHandler?: ExecHandler;
  /** Identity named in RBAC messages. Default system:serviceaccount:camunda:backup. */
  user?: string;
  /** More REST, asked in order before the built-in handlers for every authenticated request (see ApiExtension). */
  extensions?: readonly ApiExtension[];
}

/** What a REST handler answers: JSON body, or plain text (pod logs, health). */
export interface RestResult {
  status: number;
  body: unknown;
  text?: string;
  /** A streamed text/plain answer (pod logs with follow=true): write chunks, end when done; `closed` tells when the client left. */
  stream?: (write: (chunk: string) => void, end: () => void, closed: () => boolean) => void;
}

export interface ExtensionRequest {
  method: string;
  url: URL;
  /** Decoded path segments. */
  parts: string[];
  contentType: string | undefined;
  readBody(): Promise<string>;
  /** The RBAC decision: a 403 Status when denied (first denied verb), undefined when allowed. */
  forbid(verbs: readonly string[], attributes: { group: string; resource: string; subresource?: string; namespace?: string; name?: string }): ApiStatus | undefined;
}

/**
 * A hook for resources modelled outside this file (workloads, PVCs, pod logs, …): `handle` answers the requests it
 * serves and returns undefined for the rest; `apiGroups`/`coreResources` join the discovery documents.
 */
export interface ApiExtension {
  handle(request: ExtensionRequest): Promise<RestResult | undefined> | RestResult | undefined;
  apiGroups?: readonly Json[];
  coreResources?: readonly Json[];
}

export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  query: string;
  status: number;
  kind: 'rest' | 'exec' | 'portforward';
  pod?: string;
  /** exec: the command as the request's `command=` parameters carry it (what an audit log records). */
  argv?: string[];
  /** exec/portforward: whether the request asked for stdin (exec), and the subprotocol negotiated. */
  stdin?: boolean;
  protocol?: string;
  port?: number;
}

export interface FakeApiServer {
  url: string;
  caPem: string;
  token: string;
  faults: ApiFaults;
  requests: RequestLogEntry[];
  /** coordination.k8s.io/v1 Leases (the tool's lock per release); tests read and plant them here. */
  leases: LeaseStore;
  /**
   * Ends the open exec and port-forward streams at once, of one pod (its process ended) or of all (the API server
   * restarted): the WebSocket connections die without a close frame.
   */
  dropStreams(pod?: string): void;
  /** kubeconfig YAML with certificate-authority-data and the bearer token; one context (default name "fake"), namespace set if given */
  kubeconfig(options?: { namespace?: string; context?: string; token?: string }): string;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

interface ResourceKind {
  kind: string;
  objects: (o: ClusterObjects) => unknown[];
  fields: readonly string[];
}

const META_FIELDS = ['metadata.name', 'metadata.namespace'] as const;
const RESOURCES: Record<string, ResourceKind> = {
  pods: {
    kind: 'Pod',
    objects: (o) => o.pods,
    fields: [...META_FIELDS, 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  },
  services: { kind: 'Service', objects: (o) => o.services, fields: [...META_FIELDS] },
  configmaps: { kind: 'ConfigMap', objects: (o) => o.configMaps, fields: [...META_FIELDS] },
  secrets: { kind: 'Secret', objects: (o) => o.secrets, fields: [...META_FIELDS, 'type'] },
};
/** Core namespaced resources the world does not model: a real server lists them (empty here) rather than 404. */
const EMPTY_RESOURCES: Record<string, string> = {
  endpoints: 'Endpoints',
  events: 'Event',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  serviceaccounts: 'ServiceAccount',
  replicationcontrollers: 'ReplicationController',
  resourcequotas: 'ResourceQuota',
  limitranges: 'LimitRange',
  podtemplates: 'PodTemplate',
};

/** One entry of an APIResourceList (discovery). */
export const resourceEntry = (name: string, kind: string, verbs: string[], namespaced = true, shortNames?: string[]): Json => ({
  name,
  singularName: name.includes('/') ? '' : kind.toLowerCase(),
  namespaced,
  kind,
  verbs,
  ...(shortNames ? { shortNames } : {}),
});
const CORE_RESOURCES: Json = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    resourceEntry('namespaces', 'Namespace', ['get', 'list'], false, ['ns']),
    resourceEntry('pods', 'Pod', ['get', 'list'], true, ['po']),
    resourceEntry('pods/exec', 'PodExecOptions', ['create', 'get']),
    resourceEntry('pods/portforward', 'PodPortForwardOptions', ['create', 'get']),
    resourceEntry('services', 'Service', ['get', 'list'], true, ['svc']),
    resourceEntry('configmaps', 'ConfigMap', ['create', 'delete', 'get', 'list', 'update'], true, ['cm']),
    resourceEntry('secrets', 'Secret', ['get', 'list']),
  ],
};
const AUTHORIZATION_RESOURCES: Json = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'authorization.k8s.io/v1',
  resources: [resourceEntry('selfsubjectaccessreviews', 'SelfSubjectAccessReview', ['create'], false)],
};
const API_GROUPS: Json = {
  kind: 'APIGroupList',
  apiVersion: 'v1',
  groups: [
    { name: 'authorization.k8s.io', versions: [{ groupVersion: 'authorization.k8s.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'authorization.k8s.io/v1', version: 'v1' } },
    { name: COORDINATION_GROUP, versions: [{ groupVersion: `${COORDINATION_GROUP}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${COORDINATION_GROUP}/v1`, version: 'v1' } },
  ],
};

const DEFAULT_USER = 'system:serviceaccount:camunda:backup';
const RESOURCE_VERSION = '424242';

function fieldValue(object: unknown, path: string): string | undefined {
  let current: unknown = object;
  for (const part of path.split('.')) current = asRecord(current)[part];
  return typeof current === 'string' ? current : current === undefined || current === null ? undefined : String(current);
}

function metadataOf(object: unknown): Json {
  return asRecord(asRecord(object)['metadata']);
}

/** Fields the API server always sets, filled in when the world's objects leave them out (without mutating them). */
function withServerMetadata(object: unknown): Json {
  const raw = asRecord(object);
  const meta = metadataOf(object);
  const id = `${String(meta['namespace'] ?? '')}/${String(meta['name'] ?? '')}`;
  return {
    ...raw,
    metadata: {
      uid: `00000000-0000-4000-8000-${createHash('sha256').update(id).digest('hex').slice(0, 12)}`,
      resourceVersion: RESOURCE_VERSION,
      creationTimestamp: '2024-01-01T00:00:00Z',
      ...meta,
    },
  };
}

const encodeContinue = (offset: number): string => Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(RESOURCE_VERSION), start: offset })).toString('base64');
function decodeContinue(token: string | null): number | undefined {
  if (!token) return 0;
  try {
    const start = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { start?: unknown }).start;
    return typeof start === 'number' && Number.isInteger(start) && start >= 0 ? start : undefined;
  } catch {
    return undefined;
  }
}
const expired = (): ApiStatus => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
  reason: 'Expired',
  code: 410,
});

function subjectOf(user: string): string {
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user);
  return sa ? `ServiceAccount "${sa[2] ?? ''}/${sa[1] ?? ''}"` : `User "${user}"`;
}
function bindingFor(namespace: string | undefined): string {
  return namespace ? `RoleBinding "camunda-backup/${namespace}" of Role "camunda-backup"` : 'ClusterRoleBinding "camunda-backup" of ClusterRole "camunda-backup"';
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

/** Answers a rejected upgrade the way the API server does: HTTP status + Status JSON on the raw socket. */
function rejectUpgrade(socket: Duplex, status: number, body?: ApiStatus): void {
  const text = body ? JSON.stringify(body) : '';
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 503: 'Service Unavailable' }[status] ?? 'Error';
  const headers = [`HTTP/1.1 ${status} ${reason}`, 'Connection: close', `Content-Length: ${Buffer.byteLength(text)}`];
  if (body) headers.push('Content-Type: application/json', 'Cache-Control: no-cache, private');
  socket.end(`${headers.join('\r\n')}\r\n\r\n${text}`);
}

function matchesRule(rule: DenyRule, verb: string, resource: string, subresource: string | undefined, namespace: string | undefined, group: string): boolean {
  if (rule.verb !== '*' && rule.verb !== verb) return false;
  if (rule.group !== undefined && rule.group !== group) return false;
  const full = subresource ? `${resource}/${subresource}` : resource;
  const ruleFull = rule.subresource ? `${rule.resource}/${rule.subresource}` : rule.resource;
  if (ruleFull !== '*' && ruleFull !== full) return false;
  if (rule.namespace !== undefined && rule.namespace !== (namespace ?? '')) return false;
  return true;
}

function kubeconfigYaml(url: string, caPem: string, token: string, context: string, namespace?: string): string {
  const ca = Buffer.from(caPem, 'utf8').toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${context}`,
    '  cluster:',
    `    server: ${url}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: ${context}-user`,
    '  user:',
    `    token: ${JSON.stringify(token)}`,
    'contexts:',
    `- name: ${context}`,
    '  context:',
    `    cluster: ${context}`,
    `    user: ${context}-user`,
    ...(namespace ? [`    namespace: ${namespace}`] : []),
    `current-context: ${context}`,
    'preferences: {}',
    '',
  ].join('\n');
}

export async function startFakeApiServer(options: FakeApiServerOptions): Promise<FakeApiServer> {
  const tls = await tlsMaterial();
  const faults: ApiFaults = options.faults ?? {};
  const user = options.user ?? DEFAULT_USER;
  const requests: RequestLogEntry[] = [];
  const { objects, network } = options;
  const chosenProtocol = new WeakMap<IncomingMessage, string>();
  // The protocol is chosen before the upgrade (to reject with 403 like wsstream); ws only echoes it.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (_offered, req) => chosenProtocol.get(req) ?? false });
  const liveSockets = new Set<Duplex>();
  /** The pod each exec/port-forward stream goes to. */
  const streamPods = new Map<Duplex, string>();
  let resourceVersion = 500_000;
  const leases = createLeaseStore(() => String(++resourceVersion));
  const builtInExtensions: readonly ApiExtension[] = [configMapWrites(objects.configMaps, () => String(++resourceVersion))];

  const log = (entry: Omit<RequestLogEntry, 'at'>): void => {
    requests.push({ at: Date.now(), ...entry });
  };

  const authenticated = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    return match?.[1]?.trim() === options.token;
  };

  /** RBAC: the first denied verb wins (WebSocket upgrades need get, and create since 1.35). */
  const deniedVerb = (verbs: readonly string[], resource: string, subresource: string | undefined, namespace: string | undefined, group = '', name?: string): string | undefined =>
    verbs.find(
      (verb) =>
        (faults.deny ?? []).some((rule) => matchesRule(rule, verb, resource, subresource, namespace, group)) ||
        roleDenies(faults.role, { verb, group, resource, subresource, namespace, name }),
    );

  const findObject = (resource: string, namespace: string, name: string): unknown => {
    const kind = RESOURCES[resource];
    if (!kind) return undefined;
    return kind.objects(objects).find((o) => metadataOf(o)['namespace'] === namespace && metadataOf(o)['name'] === name);
  };

  const findPod = (namespace: string, name: string): Json | undefined => {
    const pod = findObject('pods', namespace, name);
    return pod === undefined ? undefined : asRecord(pod);
  };

  const podUid = (pod: Json): string => asString(asRecord(pod['metadata'])['uid']) ?? `uid-${String(asRecord(pod['metadata'])['namespace'])}-${String(asRecord(pod['metadata'])['name'])}`;

  const containerNames = (pod: Json): string[] =>
    (Array.isArray(asRecord(pod['spec'])['containers']) ? (asRecord(pod['spec'])['containers'] as unknown[]) : []).map((c) => asString(asRecord(c)['name']) ?? '');
  const initContainerNames = (pod: Json): string[] =>
    (Array.isArray(asRecord(pod['spec'])['initContainers']) ? (asRecord(pod['spec'])['initContainers'] as unknown[]) : []).map((c) => asString(asRecord(c)['name']) ?? '');

  // ---------------------------------------------------------------- REST
  const listResponse = (resource: string, namespace: string | undefined, query: URLSearchParams): { status: number; body: unknown } => {
    const kindInfo = RESOURCES[resource];
    const emptyKind = EMPTY_RESOURCES[resource];
    const kind = kindInfo?.kind ?? emptyKind;
    if (!kind) return { status: 404, body: pathNotFound() };
    let matchLabels: ReturnType<typeof parseLabelSelector> | undefined;
    let matchFields: ReturnType<typeof parseFieldSelector> | undefined;
    try {
      const labelSelector = query.get('labelSelector');
      if (labelSelector) matchLabels = parseLabelSelector(labelSelector);
      const fieldSelector = query.get('fieldSelector');
      if (fieldSelector) matchFields = parseFieldSelector(fieldSelector, kindInfo?.fields ?? META_FIELDS);
    } catch (error) {
      if (error instanceof SelectorError) return { status: 400, body: badRequest(error.message) };
      throw error;
    }
    const all = kindInfo ? kindInfo.objects(objects) : [];
    const selected = all
      .filter((o) => namespace === undefined || metadataOf(o)['namespace'] === namespace)
      .filter((o) => !matchLabels || matchLabels((key) => asString(asRecord(metadataOf(o)['labels'])[key])))
      .filter((o) => !matchFields || matchFields((path) => fieldValue(o, path)))
      .map((o) => {
        // List items carry no kind/apiVersion on the wire; only the list does.
        const { kind: _kind, apiVersion: _apiVersion, ...rest } = withServerMetadata(o);
        return rest;
      });
    // Chunking as the API server does it: a client that sets limit must follow metadata.continue.
    const offset = decodeContinue(query.get('continue'));
    if (offset === undefined) return { status: 410, body: expired() };
    const limit = Number(query.get('limit') ?? '0');
    const end = Number.isInteger(limit) && limit > 0 ? offset + limit : selected.length;
    const items = selected.slice(offset, end);
    const listMeta = end < selected.length ? { resourceVersion: RESOURCE_VERSION, continue: encodeContinue(end), remainingItemCount: selected.length - end } : { resourceVersion: RESOURCE_VERSION };
    return { status: 200, body: { kind: `${kind}List`, apiVersion: 'v1', metadata: listMeta, items } };
  };

  const selfSubjectAccessReview = (body: unknown): { status: number; body: unknown } => {
    const review = asRecord(body);
    const spec = asRecord(review['spec']);
    const attributes = asRecord(spec['resourceAttributes']);
    if (review['kind'] !== 'SelfSubjectAccessReview' || (!spec['resourceAttributes'] && !spec['nonResourceAttributes'])) {
      return { status: 400, body: badRequest('SelfSubjectAccessReview in version "v1" cannot be handled: spec.resourceAttributes or spec.nonResourceAttributes required') };
    }
    const verb = asString(attributes['verb']) ?? '';
    const resource = asString(attributes['resource']) ?? '';
    const subresource = asString(attributes['subresource']) || undefined;
    const namespace = asString(attributes['namespace']) || undefined;
    const group = asString(attributes['group']) ?? '';
    const name = asString(attributes['name']) || undefined;
    const denied = deniedVerb([verb], resource, subresource, namespace, group, name) !== undefined;
    // The RBAC authorizer gives no reason for a denial, and names the binding for an allow.
    const status = denied ? { allowed: false } : { allowed: true, reason: `RBAC: allowed by ${bindingFor(namespace)} to ${subjectOf(user)}` };
    return {
      status: 201,
      body: { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status },
    };
  };

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const handleRest = async (req: IncomingMessage, url: URL): Promise<RestResult> => {
    const method = req.method ?? 'GET';
    const parts = url.pathname.split('/').filter((p) => p.length > 0).map(decodeURIComponent);
    for (const extension of [...builtInExtensions, ...(options.extensions ?? [])]) {
      const handled = await extension.handle({
        method,
        url,
        parts,
        contentType: req.headers['content-type'],
        readBody: () => readBody(req),
        forbid: (verbs, a) => {
          const denied = deniedVerb(verbs, a.resource, a.subresource, a.namespace, a.group, a.name);
          return denied === undefined ? undefined : forbidden({ user, verb: denied, ...a });
        },
      });
      if (handled) return handled;
    }

    if (url.pathname === '/version') {
      const minor = faults.execProtocol === 'v4' ? '29' : '32';
      return { status: 200, body: { major: '1', minor, gitVersion: `v1.${minor}.0`, gitCommit: 'fake', gitTreeState: 'clean', buildDate: '2024-12-11T00:00:00Z', goVersion: 'go1.23.4', compiler: 'gc', platform: 'linux/amd64' } };
    }
    if (['/healthz', '/livez', '/readyz'].includes(url.pathname)) return { status: 200, body: undefined, text: 'ok' };
    if (url.pathname === '/api') return { status: 200, body: { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] } };
    // Legacy discovery, which kubectl reads before `kubectl exec` (e.g. running a printed recovery command).
    if (url.pathname === '/apis') {
      const groups = [...(API_GROUPS['groups'] as Json[]), ...(options.extensions ?? []).flatMap((e) => e.apiGroups ?? [])];
      return { status: 200, body: { ...API_GROUPS, groups } };
    }
    if (url.pathname === '/api/v1') {
      const resources = [...(CORE_RESOURCES['resources'] as Json[]), ...(options.extensions ?? []).flatMap((e) => e.coreResources ?? [])];
      return { status: 200, body: { ...CORE_RESOURCES, resources } };
    }
    if (url.pathname === '/apis/authorization.k8s.io/v1') return { status: 200, body: AUTHORIZATION_RESOURCES };

    if (url.pathname === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') {
      if (method !== 'POST') return { status: 405, body: methodNotAllowed() };
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readBody(req));
      } catch {
        return { status: 400, body: badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf') };
      }
      return selfSubjectAccessReview(parsed);
    }

    if (url.pathname === `/apis/${COORDINATION_GROUP}/v1`) return { status: 200, body: COORDINATION_RESOURCES };
    if (parts[0] === 'apis' && parts[1] === COORDINATION_GROUP && parts[2] === 'v1') {
      const denied = (verb: string, namespace: string, name?: string): boolean => deniedVerb([verb], 'leases', undefined, namespace, COORDINATION_GROUP, name) !== undefined;
      return leases.handle({ method, rest: parts.slice(3), body: bodyReader(req), denied, user });
    }
    if (parts[0] !== 'api' || parts[1] !== 'v1') return { status: 404, body: pathNotFound() };
    if (method !== 'GET') return { status: 405, body: methodNotAllowed() };
    const rest = parts.slice(2);

    // /api/v1/{resource} — cluster-wide list
    if (rest.length === 1 && rest[0] !== 'namespaces') {
      const resource = rest[0] ?? '';
      if (!RESOURCES[resource] && !EMPTY_RESOURCES[resource]) return { status: 404, body: pathNotFound() };
      if (deniedVerb(['list'], resource, undefined, undefined)) return { status: 403, body: forbidden({ user, verb: 'list', resource }) };
      return listResponse(resource, undefined, url.searchParams);
    }
    if (rest[0] !== 'namespaces') return { status: 404, body: pathNotFound() };
    const namespace = rest[1];
    if (rest.length === 1) {
      if (deniedVerb(['list'], 'namespaces', undefined, undefined)) return { status: 403, body: forbidden({ user, verb: 'list', resource: 'namespaces' }) };
      return { status: 200, body: { kind: 'NamespaceList', apiVersion: 'v1', metadata: { resourceVersion: RESOURCE_VERSION }, items: knownNamespaces().map(namespaceObject) } };
    }
    if (namespace === undefined) return { status: 404, body: pathNotFound() };
    if (rest.length === 2) {
      if (deniedVerb(['get'], 'namespaces', undefined, undefined)) return { status: 403, body: forbidden({ user, verb: 'get', resource: 'namespaces', name: namespace }) };
      if (!knownNamespaces().includes(namespace)) return { status: 404, body: notFound('namespaces', namespace) };
      return { status: 200, body: { kind: 'Namespace', apiVersion: 'v1', ...namespaceObject(namespace) } };
    }
    const resource = rest[2] ?? '';
    if (!RESOURCES[resource] && !EMPTY_RESOURCES[resource]) return { status: 404, body: pathNotFound() };
    if (rest.length === 3) {
      if (deniedVerb(['list'], resource, undefined, namespace)) return { status: 403, body: forbidden({ user, verb: 'list', resource, namespace }) };
      return listResponse(resource, namespace, url.searchParams);
    }
    const name = rest[3] ?? '';
    if (rest.length === 4) {
      if (deniedVerb(['get'], resource, undefined, namespace)) return { status: 403, body: forbidden({ user, verb: 'get', resource, namespace, name }) };
      const object = findObject(resource, namespace, name);
      if (object === undefined) return { status: 404, body: notFound(resource, name) };
      const kind = RESOURCES[resource]?.kind ?? '';
      return { status: 200, body: { ...withServerMetadata(object), kind, apiVersion: 'v1' } };
    }
    if (rest.length === 5 && resource === 'pods' && (rest[4] === 'exec' || rest[4] === 'portforward')) {
      const subresource = rest[4];
      const verbs = method === 'GET' ? ['get', 'create'] : ['create'];
      const denied = deniedVerb(verbs, 'pods', subresource, namespace);
      if (denied) return { status: 403, body: forbidden({ user, verb: denied, resource: 'pods', subresource, namespace, name }) };
      if (!findPod(namespace, name)) return { status: 404, body: notFound('pods', name) };
      return { status: 400, body: badRequest('Upgrade request required') };
    }
    return { status: 404, body: pathNotFound() };
  };

  const knownNamespaces = (): string[] => {
    const all = [objects.pods, objects.services, objects.configMaps, objects.secrets].flat().map((o) => asString(metadataOf(o)['namespace']));
    return [...new Set(['default', 'kube-system', ...all.filter((n): n is string => n !== undefined)])].sort();
  };
  const namespaceObject = (name: string): Json => ({
    metadata: { name, uid: `ns-${name}`, resourceVersion: RESOURCE_VERSION, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const entry = { method: req.method ?? 'GET', path: url.pathname, query: url.search.replace(/^\?/, ''), kind: 'rest' as const };
    if (!authenticated(req)) {
      log({ ...entry, status: 401 });
      sendJson(res, 401, unauthorized());
      return;
    }
    if (faults.restStall?.test(url.pathname)) {
      log({ ...entry, status: 0 });
      return;
    }
    const restError = faults.restError;
    if (restError?.path.test(url.pathname) && (restError.method === undefined || restError.method === req.method)) {
      log({ ...entry, status: restError.status });
      sendJson(res, restError.status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: restError.message, reason: restError.reason, code: restError.status });
      return;
    }
    handleRest(req, url).then(
      (result) => {
        log({ ...entry, status: result.status });
        if (result.stream) {
          res.writeHead(result.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Transfer-Encoding': 'chunked' });
          result.stream(
            (chunk) => res.write(chunk),
            () => res.end(),
            () => res.destroyed || res.writableEnded,
          );
        } else if (result.text !== undefined) {
          res.writeHead(result.status, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end(result.text);
        } else {
          sendJson(res, result.status, result.body);
        }
      },
      (error: unknown) => {
        log({ ...entry, status: 500 });
        sendJson(res, 500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `fake-apiserver: ${String(error)}`, reason: 'InternalError', code: 500 });
      },
    );
  };

  // ---------------------------------------------------------------- WebSocket upgrades
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    liveSockets.add(socket);
    socket.on('close', () => liveSockets.delete(socket));
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const parts = url.pathname.split('/').filter((p) => p.length > 0).map(decodeURIComponent);
    const query = url.search.replace(/^\?/, '');
    const isStream = parts.length === 7 && parts[0] === 'api' && parts[1] === 'v1' && parts[2] === 'namespaces' && parts[4] === 'pods' && (parts[6] === 'exec' || parts[6] === 'portforward');
    const kind: RequestLogEntry['kind'] = isStream ? (parts[6] === 'exec' ? 'exec' : 'portforward') : 'rest';
    const namespace = parts[3] ?? '';
    const podName = parts[5] ?? '';
    if (isStream) {
      streamPods.set(socket, podName);
      socket.on('close', () => streamPods.delete(socket));
    }
    const argv = url.searchParams.getAll('command');
    const ports = url.searchParams
      .getAll('ports')
      .flatMap((p) => p.split(','))
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    const base = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      kind,
      ...(isStream ? { pod: podName } : {}),
      ...(kind === 'exec' ? { argv } : {}),
      ...(kind === 'portforward' && ports[0] !== undefined ? { port: Number(ports[0]) } : {}),
    };
    const reject = (status: number, body?: ApiStatus): void => {
      log({ ...base, status });
      rejectUpgrade(socket, status, body);
    };

    if (!authenticated(req)) return reject(401, unauthorized());
    if (!isStream) return reject(404, pathNotFound());
    if (faults.streamOutage) return reject(503, failure(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'));
    const subresource = parts[6] ?? '';
    // WebSocket upgrades are GETs, authorised as get (≤1.34) and additionally create (1.35+).
    const denied = deniedVerb(['get', 'create'], 'pods', subresource, namespace);
    if (denied) return reject(403, forbidden({ user, verb: denied, resource: 'pods', subresource, namespace, name: podName }));
    const pod = findPod(namespace, podName);
    if (!pod) return reject(404, notFound('pods', podName));

    const offered = offeredProtocols(req.headers['sec-websocket-protocol']);
    if (kind === 'exec') {
      if (argv.length === 0) return reject(400, badRequest('you must specify at least one command for the container'));
      const names = containerNames(pod);
      let container = url.searchParams.get('container') ?? '';
      if (container === '') {
        if (names.length === 1) container = names[0] ?? '';
        else if (names.length === 0) return reject(400, badRequest(`a container name must be specified for pod ${podName}`));
        else {
          const inits = initContainerNames(pod);
          const initText = inits.length > 0 ? ` or one of the init containers: [${inits.join(' ')}]` : '';
          return reject(400, badRequest(`a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]${initText}`));
        }
      } else if (!names.includes(container) && !initContainerNames(pod).includes(container)) {
        return reject(400, badRequest(`container ${container} is not valid for pod ${podName}`));
      }
      const flag = (name: string): boolean => ['true', '1'].includes(url.searchParams.get(name) ?? '');
      const flags = { stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr'), tty: flag('tty') };
      if (!flags.stdin && !flags.stdout && !flags.stderr) return reject(400, badRequest('you must specify at least 1 of stdin, stdout, stderr'));
      // ≥1.30: requests offering v5 go to the API server's translator (v5 only); all others are proxied to the kubelet.
      const translator = faults.execProtocol !== 'v4' && offered.includes('v5.channel.k8s.io');
      const protocol = negotiate(offered, translator ? TRANSLATOR_EXEC_PROTOCOLS : KUBELET_EXEC_PROTOCOLS);
      // x/net/websocket answers a failed subprotocol handshake with a bare 403.
      if (protocol === undefined) return reject(403);
      upgrade(req, socket, head, protocol, (conn) => {
        log({ ...base, stdin: flags.stdin, protocol, status: 101 });
        runExecSession({ conn, flags, faults, ...(options.execHandler ? { handler: options.execHandler } : {}), context: { namespace, pod: podName, container, argv, network } });
      });
      return;
    }

    if (ports.length === 0) return reject(400, badRequest('at least one port must be specified'));
    const numbers = ports.map(Number);
    const invalid = ports.find((p, i) => !/^\d+$/.test(p) || (numbers[i] ?? 0) < 1 || (numbers[i] ?? 0) > 65535);
    if (invalid !== undefined) return reject(400, badRequest(`invalid port "${invalid}"`));
    const protocol = negotiate(offered, KUBELET_PORT_FORWARD_PROTOCOLS);
    if (protocol === undefined) return reject(403);
    upgrade(req, socket, head, protocol, (conn) => {
      log({ ...base, status: 101 });
      runPortForwardSession({
        conn,
        ports: numbers,
        podUid: podUid(pod),
        refuse: faults.portForwardRefuse === true,
        podPort: (port) => network.podPort(namespace, podName, port),
        ...(network.podEndpoint ? { podEndpoint: (port: number) => network.podEndpoint?.(namespace, podName, port) } : {}),
      });
    });
  };

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string, onOpen: (conn: ChannelConnection) => void): void => {
    chosenProtocol.set(req, protocol);
    wss.handleUpgrade(req, socket, head, (ws) => onOpen(new ChannelConnection(ws, protocol)));
  };

  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, onRequest);
  server.on('upgrade', onUpgrade);
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `https://127.0.0.1:${port}`;

  return {
    url,
    caPem: tls.caPem,
    token: options.token,
    faults,
    requests,
    leases,
    dropStreams: (pod) => {
      for (const [socket, target] of streamPods) if (pod === undefined || target === pod) socket.destroy();
    },
    kubeconfig: (config = {}) => kubeconfigYaml(url, tls.caPem, config.token ?? options.token, config.context ?? 'fake', config.namespace),
    close: async () => {
      for (const client of wss.clients) client.terminate();
      for (const socket of liveSockets) socket.destroy();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
