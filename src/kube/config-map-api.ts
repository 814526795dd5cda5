/**
 * ConfigMaps as records the tool keeps in the cluster (the outcome of each create run, the restore journal), through
 * client-node. Writes are optimistic: replace sends the resourceVersion it read and delete sends uid and
 * resourceVersion as preconditions, so two writers never overwrite each other silently (409 instead).
 */
import { CoreV1Api, type Configuration, type V1ConfigMap } from '@kubernetes/client-node';
import type { ConfigMapApi, RecordMap } from './kube-client.js';

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'kubectl-camunda-backup' } as const;

function recordFromK8s(raw: V1ConfigMap): RecordMap {
  const meta = raw.metadata ?? {};
  return {
    name: meta.name ?? '',
    namespace: meta.namespace ?? '',
    uid: meta.uid ?? '',
    resourceVersion: meta.resourceVersion ?? '',
    labels: meta.labels ?? {},
    data: raw.data ?? {},
  };
}

/** `rest` turns what escapes a call into a KubeApiError (see create-kube-client.ts). */
export function createConfigMapApi(configuration: Configuration, rest: <T>(call: Promise<T>) => Promise<T>): ConfigMapApi {
  const core = new CoreV1Api(configuration);
  return {
    read: async (namespace, name) => {
      try {
        return recordFromK8s(await rest(core.readNamespacedConfigMap({ namespace, name })));
      } catch (error) {
        if ((error as { httpStatus?: unknown }).httpStatus === 404) return undefined;
        throw error;
      }
    },
    create: async (namespace, name, data, labels) =>
      recordFromK8s(
        await rest(
          core.createNamespacedConfigMap({
            namespace,
            body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: { ...MANAGED_BY, ...labels } }, data: { ...data } },
          }),
        ),
      ),
    replace: async (current, data) =>
      recordFromK8s(
        await rest(
          core.replaceNamespacedConfigMap({
            namespace: current.namespace,
            name: current.name,
            body: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: current.name, namespace: current.namespace, labels: { ...current.labels }, resourceVersion: current.resourceVersion },
              data: { ...data },
            },
          }),
        ),
      ),
    delete: async (current) => {
      await rest(
        core.deleteNamespacedConfigMap({
          namespace: current.namespace,
          name: current.name,
          body: { preconditions: { uid: current.uid, resourceVersion: current.resourceVersion } },
        }),
      );
    },
  };
}
