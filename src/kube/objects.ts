/**
 * Maps Kubernetes JSON (as the API returns it, and as client-node's V1 types mirror it) to the plain shapes of
 * kube-client.ts. Pure; shared by the real client, the fake cluster and discovery tests.
 */
import type { ConfigMap, Container, Pod, Secret, Service } from './kube-client.js';

type Json = Record<string, unknown>;

const asRecord = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const asStringMap = (value: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(asRecord(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));

function containerFromK8s(raw: unknown): Container {
  const c = asRecord(raw);
  const probe = asRecord(c['readinessProbe']);
  const httpGet = asRecord(probe['httpGet']);
  return {
    name: asString(c['name']) ?? '',
    image: asString(c['image']) ?? '',
    env: asArray(c['env']).map((e) => {
      const env = asRecord(e);
      const from = asRecord(env['valueFrom']);
      const secretRef = asRecord(from['secretKeyRef']);
      const configMapRef = asRecord(from['configMapKeyRef']);
      return {
        name: asString(env['name']) ?? '',
        value: asString(env['value']),
        valueFrom: env['valueFrom']
          ? {
              ...(secretRef['name'] ? { secretKeyRef: { name: String(secretRef['name']), key: String(secretRef['key'] ?? '') } } : {}),
              ...(configMapRef['name'] ? { configMapKeyRef: { name: String(configMapRef['name']), key: String(configMapRef['key'] ?? '') } } : {}),
            }
          : undefined,
      };
    }),
    envFrom: asArray(c['envFrom']).map((e) => {
      const from = asRecord(e);
      return { configMapRef: asString(asRecord(from['configMapRef'])['name']), secretRef: asString(asRecord(from['secretRef'])['name']) };
    }),
    ports: asArray(c['ports']).map((p) => {
      const port = asRecord(p);
      return { name: asString(port['name']), containerPort: Number(port['containerPort']) };
    }),
    readinessProbe: probe['httpGet'] ? { path: asString(httpGet['path']), port: httpGet['port'] as number | string | undefined } : undefined,
  };
}

export function podFromK8s(raw: unknown): Pod {
  const pod = asRecord(raw);
  const meta = asRecord(pod['metadata']);
  const spec = asRecord(pod['spec']);
  const status = asRecord(pod['status']);
  const ready = asArray(status['conditions']).some((c) => asRecord(c)['type'] === 'Ready' && asRecord(c)['status'] === 'True');
  return {
    name: asString(meta['name']) ?? '',
    namespace: asString(meta['namespace']) ?? '',
    labels: asStringMap(meta['labels']),
    annotations: asStringMap(meta['annotations']),
    phase: asString(status['phase']) ?? 'Unknown',
    ready,
    deleting: meta['deletionTimestamp'] != null,
    ip: asString(status['podIP']),
    containers: asArray(spec['containers']).map(containerFromK8s),
  };
}

export function serviceFromK8s(raw: unknown): Service {
  const svc = asRecord(raw);
  const meta = asRecord(svc['metadata']);
  const spec = asRecord(svc['spec']);
  return {
    name: asString(meta['name']) ?? '',
    namespace: asString(meta['namespace']) ?? '',
    labels: asStringMap(meta['labels']),
    selector: asStringMap(spec['selector']),
    ports: asArray(spec['ports']).map((p) => {
      const port = asRecord(p);
      return { name: asString(port['name']), port: Number(port['port']), targetPort: port['targetPort'] as number | string | undefined };
    }),
  };
}

export function configMapFromK8s(raw: unknown): ConfigMap {
  const cm = asRecord(raw);
  const meta = asRecord(cm['metadata']);
  return { name: asString(meta['name']) ?? '', namespace: asString(meta['namespace']) ?? '', data: asStringMap(cm['data']) };
}

export function secretFromK8s(raw: unknown): Secret {
  const secret = asRecord(raw);
  const meta = asRecord(secret['metadata']);
  return {
    name: asString(meta['name']) ?? '',
    namespace: asString(meta['namespace']) ?? '',
    type: asString(secret['type']) ?? '',
    labels: asStringMap(meta['labels']),
    data: asStringMap(secret['data']),
  };
}
