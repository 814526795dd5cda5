/**
 * Reads a cluster's objects the way the simulators need them: which pod is which Camunda component, its version,
 * management port and base path, and the backup-relevant settings (repository names, Zeebe store, partitions).
 */
import { parse as parseYaml } from 'yaml';
import type { ClusterObjects } from '../cluster-from-manifests.js';

type Json = Record<string, unknown>;
export const asRecord = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export type PodRole = 'operate' | 'tasklist' | 'optimize' | 'zeebe-gateway' | 'zeebe-broker' | 'elasticsearch' | 'postgresql-web-modeler' | 'other';

export interface PodInfo {
  readonly namespace: string;
  readonly name: string;
  readonly role: PodRole;
  readonly labels: Record<string, string>;
  readonly image: string;
  /** Image tag, e.g. 8.7.37. */
  readonly version: string;
  readonly container: string;
  readonly containerNames: string[];
  /** Container port name → number (all containers). */
  readonly namedPorts: Record<string, number>;
  readonly containerPorts: number[];
  /** Plain env values of the main container plus resolved secret/configmap references. */
  readonly env: Record<string, string>;
  readonly readinessPath: string | undefined;
  readonly readinessPort: number | string | undefined;
  readonly ip: string | undefined;
  /** StatefulSet ordinal, if any. */
  readonly ordinal: number | undefined;
}

export function podName(pod: unknown): string {
  return asString(asRecord(asRecord(pod)['metadata'])['name']) ?? '';
}

function roleOf(labels: Record<string, string>, name: string): PodRole {
  const component = labels['app.kubernetes.io/component'] ?? '';
  const appName = labels['app.kubernetes.io/name'] ?? '';
  if (appName === 'elasticsearch') return 'elasticsearch';
  if (appName === 'postgresql-web-modeler' || (appName.startsWith('postgresql') && name.includes('web-modeler'))) return 'postgresql-web-modeler';
  if (['operate', 'tasklist', 'optimize', 'zeebe-gateway', 'zeebe-broker'].includes(component)) return component as PodRole;
  return 'other';
}

function findObject(list: unknown[], namespace: string, name: string): Json | undefined {
  return list.map(asRecord).find((o) => asRecord(o['metadata'])['name'] === name && asRecord(o['metadata'])['namespace'] === namespace);
}

function resolveEnv(objects: ClusterObjects, namespace: string, container: Json): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of asArray(container['envFrom']).map(asRecord)) {
    const cm = asString(asRecord(from['configMapRef'])['name']);
    const secret = asString(asRecord(from['secretRef'])['name']);
    if (cm) Object.assign(env, asRecord(findObject(objects.configMaps, namespace, cm)?.['data']));
    if (secret) {
      for (const [k, v] of Object.entries(asRecord(findObject(objects.secrets, namespace, secret)?.['data']))) env[k] = Buffer.from(String(v), 'base64').toString('utf8');
    }
  }
  for (const e of asArray(container['env']).map(asRecord)) {
    const name = asString(e['name']);
    if (!name) continue;
    const value = asString(e['value']);
    if (value !== undefined) {
      env[name] = value;
      continue;
    }
    const from = asRecord(e['valueFrom']);
    const secretRef = asRecord(from['secretKeyRef']);
    const cmRef = asRecord(from['configMapKeyRef']);
    if (secretRef['name']) {
      const data = asRecord(findObject(objects.secrets, namespace, String(secretRef['name']))?.['data']);
      const raw = asString(data[String(secretRef['key'])]);
      if (raw !== undefined) env[name] = Buffer.from(raw, 'base64').toString('utf8');
    } else if (cmRef['name']) {
      const raw = asString(asRecord(findObject(objects.configMaps, namespace, String(cmRef['name']))?.['data'])[String(cmRef['key'])]);
      if (raw !== undefined) env[name] = raw;
    }
  }
  return env;
}

const MAIN_CONTAINER: Partial<Record<PodRole, string[]>> = {
  operate: ['operate'],
  tasklist: ['tasklist'],
  optimize: ['optimize'],
  'zeebe-gateway': ['zeebe-gateway'],
  'zeebe-broker': ['orchestration', 'zeebe'],
  elasticsearch: ['elasticsearch'],
  'postgresql-web-modeler': ['postgresql'],
};

export function podInfos(objects: ClusterObjects): PodInfo[] {
  return objects.pods.map((raw) => {
    const pod = asRecord(raw);
    const meta = asRecord(pod['metadata']);
    const name = asString(meta['name']) ?? '';
    const namespace = asString(meta['namespace']) ?? '';
    const labels = Object.fromEntries(Object.entries(asRecord(meta['labels'])).map(([k, v]) => [k, String(v)]));
    const role = roleOf(labels, name);
    const containers = asArray(asRecord(pod['spec'])['containers']).map(asRecord);
    const main = containers.find((c) => (MAIN_CONTAINER[role] ?? []).includes(String(c['name']))) ?? containers[0] ?? {};
    const image = asString(main['image']) ?? '';
    const namedPorts: Record<string, number> = {};
    const containerPorts: number[] = [];
    for (const c of containers) {
      for (const p of asArray(c['ports']).map(asRecord)) {
        const port = Number(p['containerPort']);
        containerPorts.push(port);
        if (typeof p['name'] === 'string') namedPorts[p['name']] = port;
      }
    }
    const probe = asRecord(asRecord(main['readinessProbe'])['httpGet']);
    const ordinalMatch = /-(\d+)$/.exec(name);
    const ownerKind = asString(asRecord(asArray(meta['ownerReferences'])[0])['kind']);
    return {
      namespace,
      name,
      role,
      labels,
      image,
      version: /:(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)/.exec(image)?.[1] ?? '',
      container: asString(main['name']) ?? '',
      containerNames: containers.map((c) => String(c['name'])),
      namedPorts,
      containerPorts,
      env: resolveEnv(objects, namespace, main),
      readinessPath: asString(probe['path']),
      readinessPort: probe['port'] as number | string | undefined,
      ip: asString(asRecord(pod['status'])['podIP']),
      ordinal: ownerKind === 'StatefulSet' && ordinalMatch?.[1] ? Number(ordinalMatch[1]) : undefined,
    };
  });
}

/** Spring `management.server.base-path`: read from the readiness probe when it targets the management port. */
export function managementBasePath(pod: PodInfo, managementPort: number): string {
  const probePort = typeof pod.readinessPort === 'string' ? pod.namedPorts[pod.readinessPort] : pod.readinessPort;
  if (probePort !== managementPort || !pod.readinessPath) return '';
  const index = pod.readinessPath.indexOf('/actuator/');
  return index > 0 ? pod.readinessPath.slice(0, index) : '';
}

export function configMapText(objects: ClusterObjects, namespace: string, predicate: (name: string) => boolean): string {
  return objects.configMaps
    .map(asRecord)
    .filter((cm) => asRecord(cm['metadata'])['namespace'] === namespace && predicate(String(asRecord(cm['metadata'])['name'])))
    .map((cm) => Object.values(asRecord(cm['data'])).map(String).join('\n'))
    .join('\n');
}

/** First env var present (in order), ignoring empty values. */
export function envOf(pods: readonly PodInfo[], names: readonly string[]): string | undefined {
  for (const name of names) {
    for (const pod of pods) {
      const value = pod.env[name];
      if (value !== undefined && value !== '') return value;
    }
  }
  return undefined;
}

/** A YAML key anywhere in some Spring config text (`repositoryName: x`, `repository-name: "x"`). */
export function yamlKey(text: string, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const match = new RegExp(`^\\s*${key}:\\s*"?([^"#\\s]+)"?\\s*$`, 'm').exec(text);
    if (match?.[1]) return match[1];
  }
  return undefined;
}

export interface SearchEndpoint {
  readonly flavor: 'elasticsearch' | 'opensearch';
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number;
}

/** ES/OS URLs outside the cluster named anywhere in the config (external-search scenarios). */
export function externalSearchEndpoints(objects: ClusterObjects, clusterHosts: (host: string) => boolean): SearchEndpoint[] {
  const texts: string[] = [];
  for (const cm of objects.configMaps.map(asRecord)) texts.push(...Object.values(asRecord(cm['data'])).map(String));
  for (const pod of objects.pods.map(asRecord)) {
    for (const c of asArray(asRecord(pod['spec'])['containers']).map(asRecord)) {
      for (const e of asArray(c['env']).map(asRecord)) if (typeof e['value'] === 'string') texts.push(e['value']);
    }
  }
  const found = new Map<string, SearchEndpoint>();
  for (const text of texts) {
    for (const match of text.matchAll(/\b(https?):\/\/([a-z0-9.-]+):(\d+)/gi)) {
      const [, scheme, host, port] = match;
      if (!scheme || !host || !port || clusterHosts(host)) continue;
      const flavor = /opensearch/i.test(host) ? 'opensearch' : /elastic/i.test(host) ? 'elasticsearch' : undefined;
      if (!flavor) continue;
      found.set(`${host}:${port}`, { flavor, scheme: scheme.toLowerCase() as 'http' | 'https', host, port: Number(port) });
    }
  }
  return [...found.values()];
}

/** `{username, existingSecret, existingSecretKey}` for ES/OS auth from the user values (all chart generations). */
export function searchAuthFromValues(values: unknown, flavor: 'elasticsearch' | 'opensearch'): { username: string; secret: string; key: string } | undefined {
  const v = asRecord(values);
  const candidates = [
    asRecord(asRecord(asRecord(v['global'])[flavor])['auth']),
    asRecord(asRecord(asRecord(asRecord(asRecord(v['orchestration'])['data'])['secondaryStorage'])[flavor])['auth']),
    asRecord(asRecord(asRecord(asRecord(v['optimize'])['database'])[flavor])['auth']),
  ];
  for (const auth of candidates) {
    const username = asString(auth['username']);
    const secretBlock = asRecord(auth['secret']);
    const secret = asString(auth['existingSecret']) ?? asString(secretBlock['existingSecret']);
    const key = asString(auth['existingSecretKey']) ?? asString(secretBlock['existingSecretKey']) ?? 'password';
    if (username && secret) return { username, secret, key };
  }
  return undefined;
}

export function secretValue(objects: ClusterObjects, namespace: string, name: string, key: string): string | undefined {
  const raw = asString(asRecord(findObject(objects.secrets, namespace, name)?.['data'])[key]);
  return raw === undefined ? undefined : Buffer.from(raw, 'base64').toString('utf8');
}

/**
 * 8.10 Physical Tenants as the orchestration pods see them: `camunda.physical-tenants.<id>` in any YAML file of the
 * orchestration ConfigMaps (nested or dotted keys); `default` always exists.
 */
export function physicalTenantsIn(objects: ClusterObjects, namespace: string, predicate: (name: string) => boolean): string[] {
  const tenants = new Set<string>(['default']);
  for (const cm of objects.configMaps.map(asRecord)) {
    if (asRecord(cm['metadata'])['namespace'] !== namespace || !predicate(String(asRecord(cm['metadata'])['name']))) continue;
    for (const [file, text] of Object.entries(asRecord(cm['data']))) {
      if (!/\.ya?ml$/.test(file)) continue;
      let doc: unknown;
      try {
        doc = parseYaml(String(text));
      } catch {
        continue;
      }
      const root = asRecord(doc);
      const camunda = asRecord(root['camunda']);
      const block = { ...asRecord(camunda['physical-tenants']), ...asRecord(root['camunda.physical-tenants']) };
      for (const id of Object.keys(block)) tenants.add(id);
    }
  }
  return [...tenants].sort();
}
