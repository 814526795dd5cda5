/**
 * REST of what a restore touches, as an extension of the fake API server: apps/v1 Deployments and StatefulSets
 * (get, list, patch in all three flavours, update, the scale subresource), PersistentVolumeClaims (list, get,
 * delete with pvc-protection), pod deletion and pod logs (current and previous container). Authorisation,
 * validation and error bodies follow the API server; the WorkloadController makes the changes happen.
 */
import { resourceEntry, type ApiExtension, type ExtensionRequest, type RestResult } from './fake-apiserver.js';
import { applyPatch, PATCH_CONTENT_TYPES, PatchError, patchTypeOf } from './patch.js';
import { parseLabelSelector, SelectorError } from './selectors.js';
import { badRequest, conflict, invalid, methodNotAllowed, notFound, unsupportedMediaType } from './status.js';
import type { WorkloadController } from './workloads.js';

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const meta = (object: unknown): Json => asRecord(asRecord(object)['metadata']);

const APPS = 'apps';
const WORKLOADS = { deployments: 'Deployment', statefulsets: 'StatefulSet' } as const;
type WorkloadResource = keyof typeof WORKLOADS;
const PATCH_TYPES_ACCEPTED = [PATCH_CONTENT_TYPES.json, PATCH_CONTENT_TYPES.merge, PATCH_CONTENT_TYPES.apply, PATCH_CONTENT_TYPES.strategic];
/** apps/v1 StatefulSet validation: the only spec fields an update may change. */
const STS_MUTABLE = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds']);

/** A discovery entry; the scale subresources name their own group/version (autoscaling/v1). */
const entry = (name: string, kind: string, verbs: string[], group?: string, version?: string, shortNames?: string[]): Json => ({
  ...resourceEntry(name, kind, verbs, true, shortNames),
  ...(group ? { group, version } : {}),
});

const APPS_RESOURCES: Json = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'apps/v1',
  resources: [
    entry('deployments', 'Deployment', ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], undefined, undefined, ['deploy']),
    entry('deployments/scale', 'Scale', ['get', 'patch', 'update'], 'autoscaling', 'v1'),
    entry('deployments/status', 'Deployment', ['get', 'patch', 'update']),
    entry('statefulsets', 'StatefulSet', ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], undefined, undefined, ['sts']),
    entry('statefulsets/scale', 'Scale', ['get', 'patch', 'update'], 'autoscaling', 'v1'),
    entry('statefulsets/status', 'StatefulSet', ['get', 'patch', 'update']),
  ],
};

function selectorString(workload: Json): string {
  const labels = asRecord(asRecord(asRecord(workload['spec'])['selector'])['matchLabels']);
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${String(labels[k])}`)
    .join(',');
}

function scaleOf(workload: Json): Json {
  const m = meta(workload);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m['name'], namespace: m['namespace'], uid: m['uid'], resourceVersion: m['resourceVersion'], creationTimestamp: m['creationTimestamp'] },
    spec: { replicas: Number(asRecord(workload['spec'])['replicas'] ?? 1) },
    status: { replicas: Number(asRecord(workload['status'])['replicas'] ?? 0), selector: selectorString(workload) },
  };
}

/** Type errors the API server's decoder reports for the fields a restore patches. */
function decodeErrors(kind: string, workload: Json): string | undefined {
  const spec = asRecord(workload['spec']);
  if (spec['replicas'] !== undefined && typeof spec['replicas'] !== 'number') {
    return `json: cannot unmarshal ${typeof spec['replicas']} into Go struct field ${kind}Spec.spec.replicas of type int32`;
  }
  for (const container of asArray(asRecord(asRecord(spec['template'])['spec'])['containers']).map(asRecord)) {
    for (const env of asArray(container['env']).map(asRecord)) {
      if (env['value'] !== undefined && typeof env['value'] !== 'string') {
        return `json: cannot unmarshal ${typeof env['value'] === 'boolean' ? 'bool' : typeof env['value']} into Go struct field EnvVar.spec.template.spec.containers.env.value of type string`;
      }
    }
  }
  return undefined;
}

function validate(kind: string, before: Json, after: Json): RestResult | undefined {
  const name = String(meta(before)['name']);
  const spec = asRecord(after['spec']);
  const replicas = spec['replicas'];
  if (typeof replicas === 'number' && (replicas < 0 || !Number.isInteger(replicas))) {
    return { status: 422, body: invalid(kind, APPS, name, [{ field: 'spec.replicas', message: `Invalid value: ${replicas}: must be greater than or equal to 0` }]) };
  }
  if (meta(after)['name'] !== name) {
    return { status: 422, body: invalid(kind, APPS, name, [{ field: 'metadata.name', message: `Invalid value: "${String(meta(after)['name'])}": field is immutable`, reason: 'FieldValueInvalid' }]) };
  }
  for (const container of asArray(asRecord(asRecord(spec['template'])['spec'])['containers']).map(asRecord)) {
    const names = asArray(container['env']).map((e) => asRecord(e)['name']);
    const missing = names.findIndex((n) => typeof n !== 'string' || n === '');
    if (missing >= 0) {
      return { status: 422, body: invalid(kind, APPS, name, [{ field: `spec.template.spec.containers[0].env[${missing}].name`, message: 'Required value', reason: 'FieldValueRequired' }]) };
    }
  }
  if (kind === 'StatefulSet') {
    const beforeSpec = asRecord(before['spec']);
    const changed = [...new Set([...Object.keys(beforeSpec), ...Object.keys(spec)])].filter(
      (key) => !STS_MUTABLE.has(key) && JSON.stringify(beforeSpec[key]) !== JSON.stringify(spec[key]),
    );
    if (changed.length > 0) {
      return {
        status: 422,
        body: invalid(kind, APPS, name, [
          { field: 'spec', reason: 'FieldValueForbidden', message: "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden" },
        ]),
      };
    }
  }
  return undefined;
}

function listOf(kind: string, apiVersion: string, items: Json[], selector: string | null): RestResult {
  let matches = (_: Json): boolean => true;
  if (selector) {
    try {
      const matcher = parseLabelSelector(selector);
      matches = (o) => matcher((key) => {
        const value = asRecord(meta(o)['labels'])[key];
        return typeof value === 'string' ? value : undefined;
      });
    } catch (error) {
      if (error instanceof SelectorError) return { status: 400, body: badRequest(error.message) };
      throw error;
    }
  }
  const list = items.filter(matches).map((o) => {
    const { kind: _k, apiVersion: _a, ...rest } = o;
    return structuredClone(rest);
  });
  return { status: 200, body: { kind: `${kind}List`, apiVersion, metadata: { resourceVersion: String(Date.now()) }, items: list } };
}

export function workloadApi(controller: WorkloadController): ApiExtension {
  const workloads = (resource: WorkloadResource): Json[] => (resource === 'deployments' ? controller.objects.deployments : controller.objects.statefulSets)?.map(asRecord) ?? [];
  const withKind = (resource: WorkloadResource, object: Json): Json => ({ ...structuredClone(object), apiVersion: 'apps/v1', kind: WORKLOADS[resource] });

  const readPatchBody = async (request: ExtensionRequest): Promise<{ type: 'json' | 'merge' | 'strategic'; text: string } | RestResult> => {
    const type = patchTypeOf(request.contentType);
    if (type === undefined) return { status: 415, body: unsupportedMediaType(request.contentType ?? '', PATCH_TYPES_ACCEPTED) };
    if (type === 'apply') return { status: 415, body: unsupportedMediaType(request.contentType ?? '', PATCH_TYPES_ACCEPTED) };
    return { type, text: await request.readBody() };
  };

  /** Applies a change to a workload (or its Scale) and validates it, the way the registry's update path does. */
  const change = (resource: WorkloadResource, workload: Json, next: Json): RestResult | undefined => {
    const kind = WORKLOADS[resource];
    const decodeError = decodeErrors(kind, next);
    if (decodeError) return { status: 400, body: badRequest(decodeError) };
    const problem = validate(kind, workload, next);
    if (problem) return problem;
    const specChanged = JSON.stringify(asRecord(workload['spec'])) !== JSON.stringify(asRecord(next['spec']));
    const labels = meta(next)['labels'];
    const annotations = meta(next)['annotations'];
    workload['spec'] = asRecord(next['spec']);
    if (labels !== undefined) asRecord(workload['metadata'])['labels'] = labels;
    if (annotations !== undefined) asRecord(workload['metadata'])['annotations'] = annotations;
    if (specChanged) controller.specChanged(workload);
    else asRecord(workload['metadata'])['resourceVersion'] = controller.nextResourceVersion();
    return undefined;
  };

  const handleWorkload = async (request: ExtensionRequest, resource: WorkloadResource, namespace: string | undefined, name: string | undefined, subresource: string | undefined): Promise<RestResult> => {
    const kind = WORKLOADS[resource];
    const method = request.method;
    const verb = name === undefined ? 'list' : method === 'GET' ? 'get' : method === 'PATCH' ? 'patch' : method === 'PUT' ? 'update' : method === 'DELETE' ? 'delete' : 'create';
    const forbidden = request.forbid([verb], { group: APPS, resource, ...(subresource ? { subresource } : {}), ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) });
    if (forbidden) return { status: 403, body: forbidden };
    if (name === undefined) {
      if (method !== 'GET') return { status: 405, body: methodNotAllowed() };
      return listOf(kind, 'apps/v1', workloads(resource).filter((w) => namespace === undefined || meta(w)['namespace'] === namespace), request.url.searchParams.get('labelSelector'));
    }
    const workload = workloads(resource).find((w) => meta(w)['namespace'] === namespace && meta(w)['name'] === name);
    if (!workload) return { status: 404, body: notFound(resource, name, APPS) };

    if (subresource === 'scale') {
      if (method === 'GET') return { status: 200, body: scaleOf(workload) };
      let scale: Json;
      if (method === 'PUT') {
        try {
          scale = asRecord(JSON.parse(await request.readBody()));
        } catch {
          return { status: 400, body: badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf') };
        }
        const bodyName = meta(scale)['name'];
        if (bodyName !== undefined && bodyName !== name) return { status: 400, body: badRequest(`the name of the object (${String(bodyName)}) does not match the name on the URL (${name})`) };
        const rv = meta(scale)['resourceVersion'];
        if (rv !== undefined && rv !== '' && rv !== meta(workload)['resourceVersion']) return { status: 409, body: conflict(resource, name, APPS) };
      } else if (method === 'PATCH') {
        const body = await readPatchBody(request);
        if ('status' in body) return body;
        try {
          scale = asRecord(applyPatch(body.type, scaleOf(workload), body.text));
        } catch (error) {
          if (error instanceof PatchError) return { status: error.status, body: error.status === 400 ? badRequest(error.message) : invalid('Scale', 'autoscaling', name, [{ field: '', message: error.message }]) };
          throw error;
        }
      } else {
        return { status: 405, body: methodNotAllowed() };
      }
      const replicas = asRecord(scale['spec'])['replicas'];
      if (typeof replicas !== 'number' && replicas !== undefined) return { status: 400, body: badRequest(`json: cannot unmarshal ${typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`) };
      if (typeof replicas === 'number' && replicas < 0) {
        return { status: 422, body: invalid('Scale', 'autoscaling', name, [{ field: 'spec.replicas', message: `Invalid value: ${replicas}: must be greater than or equal to 0` }]) };
      }
      const failed = change(resource, workload, { ...workload, spec: { ...asRecord(workload['spec']), replicas: replicas ?? 0 } });
      if (failed) return failed;
      return { status: 200, body: scaleOf(workload) };
    }
    if (subresource !== undefined) return { status: 404, body: notFound(`${resource}/${subresource}`, name, APPS) };

    if (method === 'GET') return { status: 200, body: withKind(resource, workload) };
    if (method === 'PATCH' || method === 'PUT') {
      let next: Json;
      if (method === 'PATCH') {
        const body = await readPatchBody(request);
        if ('status' in body) return body;
        try {
          next = asRecord(applyPatch(body.type, withKind(resource, workload), body.text));
        } catch (error) {
          if (error instanceof PatchError) return { status: error.status, body: error.status === 400 ? badRequest(error.message) : invalid(kind, APPS, name, [{ field: '', message: error.message }]) };
          throw error;
        }
        const rv = meta(next)['resourceVersion'];
        if (rv !== undefined && rv !== meta(workload)['resourceVersion']) return { status: 409, body: conflict(resource, name, APPS) };
      } else {
        try {
          next = asRecord(JSON.parse(await request.readBody()));
        } catch {
          return { status: 400, body: badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf') };
        }
        const rv = meta(next)['resourceVersion'];
        if (rv === undefined || rv === '') return { status: 422, body: invalid(kind, APPS, name, [{ field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update', reason: 'FieldValueInvalid' }]) };
        if (rv !== meta(workload)['resourceVersion']) return { status: 409, body: conflict(resource, name, APPS) };
      }
      const failed = change(resource, workload, next);
      if (failed) return failed;
      return { status: 200, body: withKind(resource, workload) };
    }
    return { status: 405, body: methodNotAllowed() };
  };

  const handleClaims = (request: ExtensionRequest, namespace: string | undefined, name: string | undefined): RestResult => {
    const method = request.method;
    const verb = name === undefined ? 'list' : method === 'DELETE' ? 'delete' : 'get';
    const forbidden = request.forbid([verb], { group: '', resource: 'persistentvolumeclaims', ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) });
    if (forbidden) return { status: 403, body: forbidden };
    const claims = (controller.objects.persistentVolumeClaims ?? []).map(asRecord);
    if (name === undefined) {
      if (method !== 'GET') return { status: 405, body: methodNotAllowed() };
      return listOf('PersistentVolumeClaim', 'v1', claims.filter((c) => namespace === undefined || meta(c)['namespace'] === namespace), request.url.searchParams.get('labelSelector'));
    }
    const found = claims.find((c) => meta(c)['namespace'] === namespace && meta(c)['name'] === name);
    if (!found || namespace === undefined) return { status: 404, body: notFound('persistentvolumeclaims', name) };
    if (method === 'GET') return { status: 200, body: { ...structuredClone(found), apiVersion: 'v1', kind: 'PersistentVolumeClaim' } };
    if (method === 'DELETE') {
      const claim = controller.deleteClaim(namespace, name) ?? found;
      return { status: 200, body: { ...structuredClone(claim), apiVersion: 'v1', kind: 'PersistentVolumeClaim' } };
    }
    return { status: 405, body: methodNotAllowed() };
  };

  const handlePod = (request: ExtensionRequest, namespace: string, name: string, subresource: string | undefined): RestResult | undefined => {
    if (subresource === undefined && request.method === 'DELETE') {
      const forbidden = request.forbid(['delete'], { group: '', resource: 'pods', namespace, name });
      if (forbidden) return { status: 403, body: forbidden };
      const pod = controller.deletePod(namespace, name);
      if (!pod) return { status: 404, body: notFound('pods', name) };
      return { status: 200, body: { ...structuredClone(pod), apiVersion: 'v1', kind: 'Pod' } };
    }
    if (subresource !== 'log') return undefined;
    if (request.method !== 'GET') return { status: 405, body: methodNotAllowed() };
    const forbidden = request.forbid(['get'], { group: '', resource: 'pods', subresource: 'log', namespace, name });
    if (forbidden) return { status: 403, body: forbidden };
    const pod = controller.pod(namespace, name);
    if (!pod) return { status: 404, body: notFound('pods', name) };
    const query = request.url.searchParams;
    const containers = asArray(asRecord(pod['spec'])['containers']).map((c) => String(asRecord(c)['name']));
    let container = query.get('container') ?? '';
    if (container === '') {
      if (containers.length !== 1) return { status: 400, body: badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`) };
      container = containers[0] ?? '';
    } else if (!containers.includes(container)) {
      return { status: 400, body: badRequest(`container ${container} is not valid for pod ${name}`) };
    }
    const number = (key: string): number | undefined => {
      const value = query.get(key);
      return value === null || value === '' ? undefined : Number(value);
    };
    const logRequest = {
      container,
      previous: query.get('previous') === 'true',
      timestamps: query.get('timestamps') === 'true',
      tailLines: number('tailLines'),
      sinceSeconds: number('sinceSeconds'),
      limitBytes: number('limitBytes'),
    };
    const result = controller.logs(namespace, name, logRequest);
    if (!result.ok) return { status: 400, body: badRequest(result.message) };
    if (query.get('follow') !== 'true' || !result.running) return { status: 200, body: undefined, text: result.text };
    // follow: what exists, then new lines as the container writes them, until it stops or the client leaves.
    return {
      status: 200,
      body: undefined,
      stream: (write, end, closed) => {
        write(result.text);
        const full = controller.logs(namespace, name, { ...logRequest, tailLines: undefined, limitBytes: undefined });
        let sent = full.ok ? full.text.length : 0;
        const timer = setInterval(() => {
          const now = controller.logs(namespace, name, { ...logRequest, tailLines: undefined, limitBytes: undefined });
          if (closed() || !now.ok) {
            clearInterval(timer);
            if (!closed()) end();
            return;
          }
          if (now.text.length > sent) write(now.text.slice(sent));
          sent = now.text.length;
          if (!now.running) {
            clearInterval(timer);
            end();
          }
        }, 20);
        timer.unref();
      },
    };
  };

  return {
    apiGroups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }],
    coreResources: [
      entry('persistentvolumeclaims', 'PersistentVolumeClaim', ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], undefined, undefined, ['pvc']),
      entry('pods/log', 'Pod', ['get']),
    ],
    handle(request) {
      const p = request.parts;
      if (request.url.pathname === '/apis/apps/v1') return { status: 200, body: APPS_RESOURCES };
      if (p[0] === 'apis' && p[1] === 'apps' && p[2] === 'v1') {
        // /apis/apps/v1/{resource} | /apis/apps/v1/namespaces/{ns}/{resource}[/{name}[/{sub}]]
        if (p.length === 4 && p[3] && p[3] in WORKLOADS) return handleWorkload(request, p[3] as WorkloadResource, undefined, undefined, undefined);
        if (p[3] === 'namespaces' && p[5] && p[5] in WORKLOADS && p.length >= 6 && p.length <= 8) {
          return handleWorkload(request, p[5] as WorkloadResource, p[4], p[6], p[7]);
        }
        return undefined;
      }
      if (p[0] !== 'api' || p[1] !== 'v1') return undefined;
      if (p.length === 3 && p[2] === 'persistentvolumeclaims') return handleClaims(request, undefined, undefined);
      if (p[2] !== 'namespaces' || p[3] === undefined) return undefined;
      if (p[4] === 'persistentvolumeclaims' && p.length <= 6) return handleClaims(request, p[3], p[5]);
      if (p[4] === 'pods' && p[5] !== undefined && (p.length === 6 || p.length === 7)) return handlePod(request, p[3], p[5], p[6]);
      return undefined;
    },
  };
}
