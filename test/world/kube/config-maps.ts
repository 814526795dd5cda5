/**
 * ConfigMap writes as the API server serves them, for the records the tool keeps in the cluster (the outcome of each
 * create run, the restore journal): create (201; 409 AlreadyExists), replace with optimistic concurrency (409
 * Conflict on a stale metadata.resourceVersion; a body without one is accepted, as the server does for ConfigMaps),
 * delete with preconditions (409 on a uid/resourceVersion mismatch), and the validation that bites: a DNS-1123
 * subdomain name, data keys of `[-._a-zA-Z0-9]+`, string values, at most 1 MiB in total. Reads (get, list) stay with
 * the built-in handlers, which read the same `objects.configMaps` array, so a written record reads back with its
 * own uid and resourceVersion. RBAC per verb through the server's `forbid`.
 */
import type { ApiExtension, ExtensionRequest, RestResult } from './fake-apiserver.js';
import { failure, notFound, type ApiStatus } from './status.js';

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});

const MAX_BYTES = 1024 * 1024;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

const answer = (status: ApiStatus): RestResult => ({ status: status.code, body: status });
const invalid = (name: string, detail: string): RestResult => answer(failure(422, 'Invalid', `ConfigMap "${name}" is invalid: ${detail}`, { name, kind: 'ConfigMap' }));

/** The ConfigMap write API over `configMaps` (the world's live array); `nextResourceVersion` is shared with the server. */
export function configMapWrites(configMaps: unknown[], nextResourceVersion: () => string): ApiExtension {
  let uid = 0;
  const find = (namespace: string, name: string): Json | undefined =>
    configMaps.map(asRecord).find((c) => asRecord(c['metadata'])['namespace'] === namespace && asRecord(c['metadata'])['name'] === name);

  const validate = (name: string, body: Json): RestResult | undefined => {
    if (!DNS_SUBDOMAIN.test(name) || name.length > 253) {
      return invalid(name, `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`);
    }
    const data = asRecord(body['data']);
    let bytes = 0;
    for (const [key, value] of Object.entries(data)) {
      if (!DATA_KEY.test(key)) return invalid(name, `data[${key}]: Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`);
      if (typeof value !== 'string') return answer(failure(400, 'BadRequest', `ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal ${typeof value} into Go struct field ConfigMap.data of type string`));
      bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    }
    if (bytes > MAX_BYTES) return invalid(name, `[]: Too long: may not be more than ${MAX_BYTES} bytes`);
    return undefined;
  };

  const parse = async (request: ExtensionRequest): Promise<Json | RestResult> => {
    try {
      return asRecord(JSON.parse(await request.readBody()));
    } catch {
      return answer(failure(400, 'BadRequest', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf'));
    }
  };
  const isResult = (value: Json | RestResult): value is RestResult => typeof value['status'] === 'number' && 'body' in value;

  const stored = (namespace: string, body: Json, previous?: Json): Json => {
    const meta = asRecord(body['metadata']);
    const before = asRecord(previous?.['metadata']);
    const object: Json = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      ...body,
      metadata: {
        ...meta,
        namespace,
        uid: before['uid'] ?? `00000000-0000-4000-a000-${String(++uid).padStart(12, '0')}`,
        resourceVersion: nextResourceVersion(),
        creationTimestamp: before['creationTimestamp'] ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    };
    if (previous) configMaps.splice(configMaps.indexOf(previous), 1, object);
    else configMaps.push(object);
    return object;
  };

  return {
    async handle(request) {
      const { method, parts } = request;
      // /api/v1/namespaces/{ns}/configmaps[/{name}]
      if (parts[0] !== 'api' || parts[1] !== 'v1' || parts[2] !== 'namespaces' || parts[4] !== 'configmaps') return undefined;
      if (method === 'GET' || parts.length < 5 || parts.length > 6) return undefined;
      const namespace = parts[3] ?? '';
      const name = parts[5];
      const verb = method === 'POST' && !name ? 'create' : method === 'PUT' && name ? 'update' : method === 'DELETE' && name ? 'delete' : undefined;
      if (!verb) return answer(failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
      const denied = request.forbid([verb], { group: '', resource: 'configmaps', namespace, ...(name ? { name } : {}) });
      if (denied) return answer(denied);

      if (verb === 'create') {
        const body = await parse(request);
        if (isResult(body)) return body;
        const newName = String(asRecord(body['metadata'])['name'] ?? '');
        if (!newName) return invalid('', 'metadata.name: Required value: name or generateName is required');
        const bad = validate(newName, body);
        if (bad) return bad;
        if (find(namespace, newName)) return answer(failure(409, 'AlreadyExists', `configmaps "${newName}" already exists`, { name: newName, kind: 'configmaps' }));
        return { status: 201, body: stored(namespace, body) };
      }

      const target = name ?? '';
      const existing = find(namespace, target);
      if (verb === 'update') {
        const body = await parse(request);
        if (isResult(body)) return body;
        const bodyName = asRecord(body['metadata'])['name'];
        if (bodyName !== target) return answer(failure(400, 'BadRequest', `the name of the object (${String(bodyName)}) does not match the name on the URL (${target})`));
        const bad = validate(target, body);
        if (bad) return bad;
        if (!existing) return answer(notFound('configmaps', target));
        const version = asRecord(body['metadata'])['resourceVersion'];
        if (version !== undefined && version !== asRecord(existing['metadata'])['resourceVersion']) {
          return answer(failure(409, 'Conflict', `Operation cannot be fulfilled on configmaps "${target}": the object has been modified; please apply your changes to the latest version and try again`, { name: target, kind: 'configmaps' }));
        }
        return { status: 200, body: stored(namespace, body, existing) };
      }

      if (!existing) return answer(notFound('configmaps', target));
      const text = await request.readBody();
      const preconditions = text ? asRecord(asRecord(JSON.parse(text))['preconditions']) : {};
      const meta = asRecord(existing['metadata']);
      for (const field of ['uid', 'resourceVersion'] as const) {
        const wanted = preconditions[field];
        if (wanted !== undefined && wanted !== meta[field]) {
          const label = field === 'uid' ? 'UID' : 'ResourceVersion';
          return answer(failure(409, 'Conflict', `Operation cannot be fulfilled on configmaps "${target}": Precondition failed: ${label} in precondition: ${String(wanted)}, ${label} in object meta: ${String(meta[field])}`, { name: target, kind: 'configmaps' }));
        }
      }
      configMaps.splice(configMaps.indexOf(existing), 1);
      return { status: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: target, kind: 'configmaps', uid: meta['uid'] } } };
    },
  };
}
