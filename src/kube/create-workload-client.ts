/**
 * The real WorkloadClient over client-node's AppsV1Api/CoreV1Api, on the same transport and kubeconfig rules as
 * the KubeClient (rest-context.ts). Patches carry their Content-Type explicitly: client-node would otherwise send
 * application/json-patch+json for every patch body.
 */
import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { KubeApiError } from './kube-errors.js';
import { createRestContext, orUndefinedIfNotFound, type KubeClientOptions } from './rest-context.js';
import { claimFromK8s, containerPatch, workloadFromK8s, type WorkloadClient, type WorkloadRef } from './workload-client.js';

export function createWorkloadClient(options: KubeClientOptions): WorkloadClient {
  const { configuration, rest } = createRestContext(options);
  const apps = new AppsV1Api(configuration);
  const core = new CoreV1Api(configuration);
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

  const read = (ref: WorkloadRef): Promise<unknown> =>
    ref.kind === 'StatefulSet' ? apps.readNamespacedStatefulSet({ namespace: ref.namespace, name: ref.name }) : apps.readNamespacedDeployment({ namespace: ref.namespace, name: ref.name });

  return {
    readWorkload: (ref) => orUndefinedIfNotFound(rest(read(ref)).then((raw) => workloadFromK8s(ref.kind, raw))),

    async listWorkloads(namespace, labelSelector) {
      const [deployments, statefulSets] = await Promise.all([
        rest(apps.listNamespacedDeployment({ namespace, labelSelector })),
        rest(apps.listNamespacedStatefulSet({ namespace, labelSelector })),
      ]);
      const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);
      return [
        ...deployments.items.map((raw) => workloadFromK8s('Deployment', raw)).sort(byName),
        ...statefulSets.items.map((raw) => workloadFromK8s('StatefulSet', raw)).sort(byName),
      ];
    },

    async readReplicas(ref) {
      const params = { namespace: ref.namespace, name: ref.name };
      const scale = await rest(ref.kind === 'StatefulSet' ? apps.readNamespacedStatefulSetScale(params) : apps.readNamespacedDeploymentScale(params));
      return scale.spec?.replicas ?? 0;
    },

    async scale(ref, replicas) {
      if (!Number.isInteger(replicas) || replicas < 0) throw new RangeError(`replicas must be a non-negative integer, not ${replicas}`);
      const params = { namespace: ref.namespace, name: ref.name, body: { spec: { replicas } } };
      await rest(ref.kind === 'StatefulSet' ? apps.patchNamespacedStatefulSetScale(params, merge) : apps.patchNamespacedDeploymentScale(params, merge));
    },

    async patchContainer(ref, change) {
      const params = { namespace: ref.namespace, name: ref.name, body: containerPatch(change) };
      const call: Promise<unknown> = ref.kind === 'StatefulSet' ? apps.patchNamespacedStatefulSet(params, strategic) : apps.patchNamespacedDeployment(params, strategic);
      const raw = await rest(call);
      return workloadFromK8s(ref.kind, raw);
    },

    listClaims: (namespace, labelSelector) =>
      rest(core.listNamespacedPersistentVolumeClaim({ namespace, ...(labelSelector !== undefined ? { labelSelector } : {}) })).then((list) => list.items.map(claimFromK8s)),

    readClaim: (namespace, name) => orUndefinedIfNotFound(rest(core.readNamespacedPersistentVolumeClaim({ namespace, name })).then(claimFromK8s)),

    async deleteClaim(namespace, name) {
      const deleted = await orUndefinedIfNotFound(rest(core.deleteNamespacedPersistentVolumeClaim({ namespace, name })));
      if (deleted === undefined) return 'absent';
      // The answer is the object as it is now: with a pending finalizer it still exists.
      const after = await orUndefinedIfNotFound(rest(core.readNamespacedPersistentVolumeClaim({ namespace, name })));
      return after === undefined ? 'deleted' : 'pending';
    },

    async podLog(request) {
      try {
        return await rest(
          core.readNamespacedPodLog({
            namespace: request.namespace,
            name: request.pod,
            container: request.container,
            ...(request.previous ? { previous: true } : {}),
            ...(request.tailLines !== undefined ? { tailLines: request.tailLines } : {}),
            ...(request.sinceSeconds !== undefined ? { sinceSeconds: request.sinceSeconds } : {}),
          }),
        );
      } catch (error) {
        // 400: no such container run (no previous one, still creating); 404: the pod is gone.
        if (error instanceof KubeApiError && (error.httpStatus === 400 || error.httpStatus === 404)) return undefined;
        throw error;
      }
    },
  };
}
