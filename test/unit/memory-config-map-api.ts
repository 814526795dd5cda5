/**
 * An in-memory ConfigMapApi for unit tests of records kept in the cluster: the same 404/409 rules as the API server
 * (test/world/kube/config-maps.ts), every call logged, and `failNext` to make the next call of a kind fail.
 */
import { KubeApiError } from '../../src/kube/kube-errors.js';
import type { ConfigMapApi, RecordMap } from '../../src/kube/kube-client.js';

export interface MemoryConfigMapApi extends ConfigMapApi {
  readonly store: Map<string, RecordMap>;
  readonly calls: string[];
  failNext(kind: 'read' | 'create' | 'replace' | 'delete', httpStatus: number): void;
}

export function memoryConfigMapApi(): MemoryConfigMapApi {
  const store = new Map<string, RecordMap>();
  const calls: string[] = [];
  const failures: { kind: string; httpStatus: number }[] = [];
  let version = 0;
  const key = (namespace: string, name: string): string => `${namespace}/${name}`;
  const fail = (kind: string, what: string): void => {
    const index = failures.findIndex((f) => f.kind === kind);
    if (index < 0) return;
    const [failure] = failures.splice(index, 1);
    const httpStatus = failure?.httpStatus ?? 500;
    throw new KubeApiError(`configmaps ${kind} ${what}: simulated ${httpStatus}`, { httpStatus, reason: httpStatus === 403 ? 'Forbidden' : httpStatus === 409 ? 'Conflict' : 'InternalError' });
  };
  const write = (current: Omit<RecordMap, 'resourceVersion'>): RecordMap => {
    const record: RecordMap = { ...current, data: { ...current.data }, resourceVersion: String(++version) };
    store.set(key(record.namespace, record.name), record);
    return record;
  };
  const stale = (current: RecordMap): RecordMap => {
    const stored = store.get(key(current.namespace, current.name));
    if (!stored) throw new KubeApiError(`configmaps "${current.name}" not found`, { httpStatus: 404, reason: 'NotFound' });
    if (stored.resourceVersion !== current.resourceVersion || stored.uid !== current.uid) {
      throw new KubeApiError(`Operation cannot be fulfilled on configmaps "${current.name}": the object has been modified`, { httpStatus: 409, reason: 'Conflict' });
    }
    return stored;
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
    create: async (namespace, name, data, labels) => {
      calls.push(`create ${key(namespace, name)}`);
      fail('create', name);
      if (store.has(key(namespace, name))) throw new KubeApiError(`configmaps "${name}" already exists`, { httpStatus: 409, reason: 'AlreadyExists' });
      return write({ name, namespace, uid: `uid-${version + 1}`, labels: { 'app.kubernetes.io/managed-by': 'kubectl-camunda-backup', ...labels }, data });
    },
    replace: async (current, data) => {
      calls.push(`replace ${key(current.namespace, current.name)}`);
      fail('replace', current.name);
      const stored = stale(current);
      return write({ ...stored, data });
    },
    delete: async (current) => {
      calls.push(`delete ${key(current.namespace, current.name)}`);
      fail('delete', current.name);
      stale(current);
      store.delete(key(current.namespace, current.name));
    },
  };
}
