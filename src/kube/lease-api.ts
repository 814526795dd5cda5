/**
 * coordination.k8s.io/v1 Leases through client-node. Times travel as metav1.MicroTime, which the API server only
 * accepts with six fraction digits: client-node's V1MicroTime writes them, a plain Date (three digits) is refused.
 * Read back, client-node leaves MicroTime fields as the wire strings, so both shapes are parsed.
 */
import { CoordinationV1Api, V1MicroTime, type Configuration, type V1Lease } from '@kubernetes/client-node';
import type { Lease, LeaseApi, LeaseSpec } from './kube-client.js';

const epochMs = (value: unknown): number | undefined => {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' && value !== '') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
};

function leaseFromK8s(raw: V1Lease): Lease {
  const meta = raw.metadata ?? {};
  const spec = raw.spec ?? {};
  return {
    name: meta.name ?? '',
    namespace: meta.namespace ?? '',
    uid: meta.uid ?? '',
    resourceVersion: meta.resourceVersion ?? '',
    holderIdentity: spec.holderIdentity || undefined,
    leaseDurationSeconds: spec.leaseDurationSeconds,
    acquireTime: epochMs(spec.acquireTime),
    renewTime: epochMs(spec.renewTime),
    leaseTransitions: spec.leaseTransitions,
    annotations: meta.annotations ?? {},
  };
}

function leaseBody(namespace: string, name: string, spec: LeaseSpec, resourceVersion?: string): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'kubectl-camunda-backup' },
      ...(spec.annotations ? { annotations: { ...spec.annotations } } : {}),
      ...(resourceVersion !== undefined ? { resourceVersion } : {}),
    },
    spec: {
      holderIdentity: spec.holderIdentity,
      leaseDurationSeconds: spec.leaseDurationSeconds,
      acquireTime: new V1MicroTime(spec.acquireTime),
      renewTime: new V1MicroTime(spec.renewTime),
      leaseTransitions: spec.leaseTransitions,
    },
  };
}

/** `rest` turns what escapes a call into a KubeApiError (see create-kube-client.ts). */
export function createLeaseApi(configuration: Configuration, rest: <T>(call: Promise<T>) => Promise<T>): LeaseApi {
  const coordination = new CoordinationV1Api(configuration);
  return {
    read: async (namespace, name) => {
      try {
        return leaseFromK8s(await rest(coordination.readNamespacedLease({ namespace, name })));
      } catch (error) {
        if ((error as { httpStatus?: unknown }).httpStatus === 404) return undefined;
        throw error;
      }
    },
    create: async (namespace, name, spec) => leaseFromK8s(await rest(coordination.createNamespacedLease({ namespace, body: leaseBody(namespace, name, spec) }))),
    replace: async (current, spec) =>
      leaseFromK8s(
        await rest(coordination.replaceNamespacedLease({ namespace: current.namespace, name: current.name, body: leaseBody(current.namespace, current.name, spec, current.resourceVersion) })),
      ),
    delete: async (current) => {
      await rest(
        coordination.deleteNamespacedLease({
          namespace: current.namespace,
          name: current.name,
          body: { preconditions: { uid: current.uid, resourceVersion: current.resourceVersion } },
        }),
      );
    },
  };
}
