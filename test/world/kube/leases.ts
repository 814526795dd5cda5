/**
 * coordination.k8s.io/v1 Leases as the API server serves them: create (409 AlreadyExists when present), get (404
 * NotFound), replace with optimistic concurrency (409 Conflict on a stale metadata.resourceVersion, 422 without
 * one), delete (with preconditions: 409 on a mismatch), RBAC per verb with the group in the message, and the
 * MicroTime format (six fraction digits) the server insists on. Tests read and plant Leases through the store.
 */
import type { IncomingMessage } from 'node:http';
import { failure, type ApiStatus } from './status.js';

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});

export const COORDINATION_GROUP = 'coordination.k8s.io';
const RESOURCE = 'leases';
const QUALIFIED = `${RESOURCE}.${COORDINATION_GROUP}`;

/** metav1.MicroTime's wire format (RFC3339Micro): the server rejects any other number of fraction digits. */
const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)$/;

export const COORDINATION_RESOURCES: Json = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: `${COORDINATION_GROUP}/v1`,
  resources: [{ name: RESOURCE, singularName: 'lease', namespaced: true, kind: 'Lease', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }],
};

/** A Status of this resource: details name the group and the resource, as the generic registry does. */
function status(code: number, reason: string, message: string, name?: string): ApiStatus {
  return failure(code, reason, message, { ...(name !== undefined ? { name } : {}), group: COORDINATION_GROUP, kind: RESOURCE });
}

export function leaseForbidden(user: string, verb: string, namespace: string, name?: string): ApiStatus {
  const subject = name ? `${QUALIFIED} "${name}"` : QUALIFIED;
  return status(403, 'Forbidden', `${subject} is forbidden: User "${user}" cannot ${verb} resource "${RESOURCE}" in API group "${COORDINATION_GROUP}" in the namespace "${namespace}"`, name);
}

export interface LeaseStore {
  /** The stored Lease (server fields included), or undefined. */
  get(namespace: string, name: string): Json | undefined;
  /** Plants a Lease as another client would have left it; server fields are filled in. */
  put(namespace: string, lease: Json): Json;
  delete(namespace: string, name: string): void;
}

export interface LeaseRequest {
  readonly method: string;
  /** Path segments after /apis/coordination.k8s.io/v1. */
  readonly rest: readonly string[];
  readonly body: () => Promise<string>;
  /** The verb RBAC denies, if any. */
  readonly denied: (verb: string, namespace: string, name?: string) => boolean;
  readonly user: string;
}

export function createLeaseStore(nextResourceVersion: () => string): LeaseStore & { handle(request: LeaseRequest): Promise<{ status: number; body: unknown }> } {
  const leases = new Map<string, Json>();
  const key = (namespace: string, name: string): string => `${namespace}/${name}`;
  let uid = 0;

  const stored = (namespace: string, lease: Json, previous?: Json): Json => {
    const meta = asRecord(lease['metadata']);
    const before = asRecord(previous?.['metadata']);
    const object: Json = {
      kind: 'Lease',
      apiVersion: `${COORDINATION_GROUP}/v1`,
      ...lease,
      metadata: {
        ...meta,
        namespace,
        uid: before['uid'] ?? `00000000-0000-4000-9000-${String(++uid).padStart(12, '0')}`,
        resourceVersion: nextResourceVersion(),
        creationTimestamp: before['creationTimestamp'] ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    };
    leases.set(key(namespace, String(meta['name'])), object);
    return object;
  };

  /** What the server's decoding and validation refuse. */
  const invalid = (lease: Json, name: string): ApiStatus | undefined => {
    const spec = asRecord(lease['spec']);
    for (const field of ['acquireTime', 'renewTime'] as const) {
      const value = spec[field];
      if (value !== undefined && value !== null && (typeof value !== 'string' || !MICRO_TIME.test(value))) {
        return status(400, 'BadRequest', `Lease in version "v1" cannot be handled as a Lease: parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05.000000Z07:00": cannot parse as RFC3339Micro`);
      }
    }
    const duration = spec['leaseDurationSeconds'];
    if (duration !== undefined && (typeof duration !== 'number' || duration <= 0)) {
      return status(422, 'Invalid', `Lease.coordination.k8s.io "${name}" is invalid: spec.leaseDurationSeconds: Invalid value: ${String(duration)}: must be greater than 0`, name);
    }
    return undefined;
  };

  const parse = async (request: LeaseRequest): Promise<Json | ApiStatus> => {
    try {
      return asRecord(JSON.parse(await request.body()));
    } catch {
      return status(400, 'BadRequest', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
    }
  };
  const isStatus = (value: Json | ApiStatus): value is ApiStatus => value['kind'] === 'Status';

  return {
    get: (namespace, name) => leases.get(key(namespace, name)),
    put: (namespace, lease) => stored(namespace, lease, leases.get(key(namespace, String(asRecord(lease['metadata'])['name'])))),
    delete: (namespace, name) => void leases.delete(key(namespace, name)),

    async handle(request) {
      const { method, rest } = request;
      // namespaces/{ns}/leases[/{name}]
      if (rest[0] !== 'namespaces' || rest[2] !== RESOURCE || rest.length < 3 || rest.length > 4) return { status: 404, body: status(404, 'NotFound', 'the server could not find the requested resource') };
      const namespace = rest[1] ?? '';
      const name = rest[3];
      const verb = { GET: name ? 'get' : 'list', POST: 'create', PUT: 'update', DELETE: 'delete' }[method];
      if (!verb || (method === 'POST' && name) || (method !== 'POST' && method !== 'GET' && !name)) {
        return { status: 405, body: status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource') };
      }
      if (request.denied(verb, namespace, name)) return { status: 403, body: leaseForbidden(request.user, verb, namespace, name) };

      if (method === 'GET' && !name) {
        const items = [...leases.values()].filter((l) => asRecord(l['metadata'])['namespace'] === namespace);
        return { status: 200, body: { kind: 'LeaseList', apiVersion: `${COORDINATION_GROUP}/v1`, metadata: { resourceVersion: nextResourceVersion() }, items } };
      }
      const existing = name ? leases.get(key(namespace, name)) : undefined;
      const notFound = (n: string): { status: number; body: ApiStatus } => ({ status: 404, body: status(404, 'NotFound', `${QUALIFIED} "${n}" not found`, n) });

      if (method === 'GET') return existing ? { status: 200, body: existing } : notFound(name ?? '');

      if (method === 'POST') {
        const lease = await parse(request);
        if (isStatus(lease)) return { status: lease.code, body: lease };
        const leaseName = String(asRecord(lease['metadata'])['name'] ?? '');
        if (!leaseName) return { status: 422, body: status(422, 'Invalid', 'Lease.coordination.k8s.io "" is invalid: metadata.name: Required value: name or generateName is required') };
        const bad = invalid(lease, leaseName);
        if (bad) return { status: bad.code, body: bad };
        if (leases.has(key(namespace, leaseName))) return { status: 409, body: status(409, 'AlreadyExists', `${QUALIFIED} "${leaseName}" already exists`, leaseName) };
        return { status: 201, body: stored(namespace, lease) };
      }

      const leaseName = name ?? '';
      if (method === 'PUT') {
        const lease = await parse(request);
        if (isStatus(lease)) return { status: lease.code, body: lease };
        const bodyName = asRecord(lease['metadata'])['name'];
        if (bodyName !== leaseName) return { status: 400, body: status(400, 'BadRequest', `the name of the object (${String(bodyName)}) does not match the name on the URL (${leaseName})`) };
        const bad = invalid(lease, leaseName);
        if (bad) return { status: bad.code, body: bad };
        if (!existing) return notFound(leaseName);
        const version = asRecord(lease['metadata'])['resourceVersion'];
        if (version === undefined || version === '') {
          return { status: 422, body: status(422, 'Invalid', `Lease.coordination.k8s.io "${leaseName}" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`, leaseName) };
        }
        if (version !== asRecord(existing['metadata'])['resourceVersion']) {
          return {
            status: 409,
            body: status(409, 'Conflict', `Operation cannot be fulfilled on ${QUALIFIED} "${leaseName}": the object has been modified; please apply your changes to the latest version and try again`, leaseName),
          };
        }
        return { status: 200, body: stored(namespace, lease, existing) };
      }

      // DELETE, with DeleteOptions.preconditions honoured.
      if (!existing) return notFound(leaseName);
      const raw = await request.body();
      const preconditions = raw ? asRecord(asRecord((() => { try { return JSON.parse(raw) as unknown; } catch { return {}; } })())['preconditions']) : {};
      const meta = asRecord(existing['metadata']);
      for (const field of ['uid', 'resourceVersion'] as const) {
        const wanted = preconditions[field];
        if (wanted !== undefined && wanted !== null && wanted !== meta[field]) {
          const label = field === 'uid' ? 'UID' : 'ResourceVersion';
          return {
            status: 409,
            body: status(409, 'Conflict', `Operation cannot be fulfilled on ${QUALIFIED} "${leaseName}": Precondition failed: ${label} in precondition: ${String(wanted)}, ${label} in object meta: ${String(meta[field])}`, leaseName),
          };
        }
      }
      leases.delete(key(namespace, leaseName));
      return { status: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: leaseName, group: COORDINATION_GROUP, kind: RESOURCE, uid: meta['uid'] } } };
    },
  };
}

/** Reads the whole request body once. */
export function bodyReader(req: IncomingMessage): () => Promise<string> {
  let text: Promise<string> | undefined;
  return () =>
    (text ??= new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    }));
}
