/**
 * The three PATCH flavours the API server accepts for built-in types, applied to plain JSON: RFC 6902 JSON patch,
 * RFC 7386 merge patch and Kubernetes' strategic merge patch (lists of objects merged by their patchMergeKey, as
 * the Go struct tags of core/v1 and apps/v1 declare it). Errors carry the API server's wording.
 */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => !!value && typeof value === 'object' && !Array.isArray(value);
const clone = <T>(value: T): T => structuredClone(value);

export class PatchError extends Error {
  /** 400 for a malformed patch, 422 for a well-formed one that cannot apply (json-patch test/remove of nothing). */
  readonly status: 400 | 422;
  constructor(status: 400 | 422, message: string) {
    super(message);
    this.status = status;
  }
}

export const PATCH_CONTENT_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export type PatchType = keyof typeof PATCH_CONTENT_TYPES;

export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const base = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  return (Object.entries(PATCH_CONTENT_TYPES) as Array<[PatchType, string]>).find(([, type]) => type === base)?.[0];
}

// ---------------------------------------------------------------- RFC 7386

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: Json = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

// ---------------------------------------------------------------- RFC 6902

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function pointerParts(path: unknown): string[] {
  if (typeof path !== 'string') throw new PatchError(400, 'missing path in json patch operation');
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(422, `the server rejected our request due to an error in our request: invalid JSON pointer "${path}"`);
  return path.slice(1).split('/').map(unescapePointer);
}

function parentOf(document: unknown, parts: string[], op: string, path: string): { parent: Json | unknown[]; key: string } {
  let current: unknown = document;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(current)) current = current[Number(part)];
    else if (isObject(current)) current = current[part];
    else current = undefined;
    if (current === undefined) throw new PatchError(422, `the server rejected our request due to an error in our request: doc is missing path: "${path}": missing value`);
  }
  if (!Array.isArray(current) && !isObject(current)) throw new PatchError(422, `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "${path}": missing value`);
  return { parent: current, key: parts[parts.length - 1] ?? '' };
}

function getAt(document: unknown, path: string): unknown {
  let current: unknown = document;
  for (const part of pointerParts(path)) {
    if (Array.isArray(current)) current = current[Number(part)];
    else if (isObject(current)) current = current[part];
    else return undefined;
  }
  return current;
}

export function applyJsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw new PatchError(400, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let document = clone(target);
  for (const raw of operations) {
    const operation = isObject(raw) ? raw : {};
    const op = String(operation['op'] ?? '');
    const path = String(operation['path'] ?? '');
    const parts = pointerParts(operation['path']);
    if (op === 'test') {
      if (JSON.stringify(getAt(document, path)) !== JSON.stringify(operation['value'])) {
        throw new PatchError(422, `the server rejected our request due to an error in our request: testing value ${path} failed: test failed`);
      }
      continue;
    }
    let value = operation['value'];
    if (op === 'copy' || op === 'move') {
      const from = String(operation['from'] ?? '');
      value = clone(getAt(document, from));
      if (value === undefined) throw new PatchError(422, `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing from path: "${from}": missing value`);
      if (op === 'move') document = applyJsonPatch(document, [{ op: 'remove', path: from }]);
    } else if (!['add', 'remove', 'replace'].includes(op)) {
      throw new PatchError(422, `the server rejected our request due to an error in our request: Unexpected kind: ${op}`);
    }
    if (parts.length === 0) {
      document = op === 'remove' ? undefined : clone(value);
      continue;
    }
    const { parent, key } = parentOf(document, parts, op, path);
    if (Array.isArray(parent)) {
      const index = key === '-' ? parent.length : Number(key);
      const inRange = Number.isInteger(index) && index >= 0 && index <= parent.length - (op === 'add' || op === 'copy' || op === 'move' ? 0 : 1);
      if (!inRange) throw new PatchError(422, `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "${path}": missing value`);
      if (op === 'remove') parent.splice(index, 1);
      else if (op === 'replace') parent[index] = clone(value);
      else parent.splice(index, 0, clone(value));
    } else {
      if ((op === 'remove' || op === 'replace') && !(key in parent)) {
        throw new PatchError(422, `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing key: ${path}: missing value`);
      }
      if (op === 'remove') delete parent[key];
      else parent[key] = clone(value);
    }
  }
  return document;
}

// ---------------------------------------------------------------- strategic merge

/** patchMergeKey of the list fields the world's objects carry (k8s.io/api core/v1 and apps/v1 struct tags). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
};

function mergeList(key: string, target: unknown[], patch: unknown[]): unknown[] {
  const mergeKey = MERGE_KEYS[key];
  const directive = patch.find((item) => isObject(item) && item['$patch'] === 'replace');
  if (directive) return clone(patch.filter((item) => item !== directive));
  if (!mergeKey || !patch.every(isObject) || !target.every(isObject)) return clone(patch);
  const result = clone(target) as Json[];
  for (const item of patch as Json[]) {
    const id = item[mergeKey];
    const index = result.findIndex((existing) => existing[mergeKey] === id);
    if (item['$patch'] === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (index >= 0) result[index] = strategicMerge(result[index], item) as Json;
    else result.push(strategicMerge({}, item) as Json);
  }
  return result;
}

export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  return strategicMerge(target, patch);
}

function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  if (patch['$patch'] === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return clone(rest);
  }
  const result: Json = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/') || key === '$retainKeys' || key === '$patch') continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = Array.isArray(result[field]) ? (result[field] as unknown[]) : [];
      const drop = Array.isArray(value) ? value : [];
      result[field] = current.filter((item) => !drop.includes(item));
      continue;
    }
    if (value === null) delete result[key];
    else if (Array.isArray(value)) result[key] = mergeList(key, Array.isArray(result[key]) ? (result[key] as unknown[]) : [], value);
    else if (isObject(value)) result[key] = strategicMerge(result[key], value);
    else result[key] = value;
  }
  return result;
}

/** Applies a PATCH body of the given type; the body is the raw request text. */
export function applyPatch(type: Exclude<PatchType, 'apply'>, target: unknown, bodyText: string): unknown {
  let patch: unknown;
  try {
    patch = JSON.parse(bodyText);
  } catch (error) {
    throw new PatchError(400, `error decoding patch: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (type === 'json') return applyJsonPatch(target, patch);
  if (!isObject(patch)) throw new PatchError(400, 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  return type === 'merge' ? applyMergePatch(target, patch) : applyStrategicMergePatch(target, patch);
}
