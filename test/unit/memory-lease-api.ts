/**
 * Leases in memory with the API server's concurrency rules (409 on create when present, on a stale replace or
 * delete), for unit tests of the lock. The wire format is tested against the fake API server.
 */
import { KubeApiError } from '../../src/kube/kube-errors.js';
import type { Lease, LeaseApi, LeaseSpec } from '../../src/kube/kube-client.js';

export interface MemoryLeaseApi extends LeaseApi {
  readonly store: Map<string, Lease>;
  /** Every call, e.g. "create camunda/camunda-backup-camunda". */
  readonly calls: string[];
  /** Make the next calls of this kind fail with this HTTP status. */
  failNext(kind: 'read' | 'create' | 'replace' | 'delete', httpStatus: number): void;
}

export function memoryLeaseApi(): MemoryLeaseApi {
  const store = new Map<string, Lease>();
  const calls: string[] = [];
  const failures: { kind: string; httpStatus: number }[] = [];
  let version = 0;
  const key = (namespace: string, name: string): string => `${namespace}/${name}`;
  const fail = (kind: string, what: string): void => {
    const index = failures.findIndex((f) => f.kind === kind);
    if (index < 0) return;
    const [failure] = failures.splice(index, 1);
    const httpStatus = failure?.httpStatus ?? 500;
    throw new KubeApiError(`${kind} ${what}: simulated ${httpStatus}`, { httpStatus, reason: httpStatus === 403 ? 'Forbidden' : httpStatus === 409 ? 'Conflict' : 'InternalError' });
  };
  const write = (namespace: string, name: string, spec: LeaseSpec, uid: string): Lease => {
    const lease: Lease = { name, namespace, uid, resourceVersion: String(++version), ...spec, annotations: spec.annotations ?? {} };
    store.set(key(namespace, name), lease);
    return lease;
  };
  return {
    store,
    calls,
    failNext: (kind, httpStatus) => void failures.push({ kind, httpStatus }),
    read: async (namespace, name) => {
      calls.push(`read ${key(namespace, name)}`);
      fail('read', name);
      return store.get(key(namespace, name));
    },
    create: async (namespace, name, spec) => {
      calls.push(`create ${key(namespace, name)}`);
      fail('create', name);
      if (store.has(key(namespace, name))) throw new KubeApiError(`leases "${name}" already exists`, { httpStatus: 409, reason: 'AlreadyExists' });
      return write(namespace, name, spec, `uid-${++version}`);
    },
    replace: async (current, spec) => {
      calls.push(`replace ${key(current.namespace, current.name)}`);
      fail('replace', current.name);
      const stored = store.get(key(current.namespace, current.name));
      if (!stored) throw new KubeApiError(`leases "${current.name}" not found`, { httpStatus: 404, reason: 'NotFound' });
      if (stored.resourceVersion !== current.resourceVersion) throw new KubeApiError('the object has been modified', { httpStatus: 409, reason: 'Conflict' });
      return write(current.namespace, current.name, spec, stored.uid);
    },
    delete: async (current) => {
      calls.push(`delete ${key(current.namespace, current.name)}`);
      fail('delete', current.name);
      const stored = store.get(key(current.namespace, current.name));
      if (!stored) throw new KubeApiError(`leases "${current.name}" not found`, { httpStatus: 404, reason: 'NotFound' });
      if (stored.resourceVersion !== current.resourceVersion) throw new KubeApiError('Precondition failed', { httpStatus: 409, reason: 'Conflict' });
      store.delete(key(current.namespace, current.name));
    },
  };
}
