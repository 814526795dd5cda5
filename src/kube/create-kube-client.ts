/**
 * The real KubeClient: kubectl's kubeconfig rules (kubeconfig.ts), REST reads through client-node's generated
 * clients with a deadline and Status-message errors (api-http-library.ts), exec and port-forward through the
 * hardened wrappers (pod-exec.ts, port-forward.ts).
 */
import { AuthorizationV1Api, CoreV1Api, type V1SelfSubjectAccessReview } from '@kubernetes/client-node';
import type { AccessCheck, AccessCheckResult, ConfigMap, KubeClient, Pod, PortForward, Secret, Service } from './kube-client.js';
import { createConfigMapApi } from './config-map-api.js';
import { createLeaseApi } from './lease-api.js';
import { configMapFromK8s, podFromK8s, secretFromK8s, serviceFromK8s } from './objects.js';
import { execInPod } from './pod-exec.js';
import { openPortForward } from './port-forward.js';
import { createRestContext, orUndefinedIfNotFound, type KubeClientOptions, type RestContext } from './rest-context.js';

export { DEFAULT_REQUEST_TIMEOUT_MS, type KubeClientOptions } from './rest-context.js';

/** Resolves the configuration now (throwing UsageError/PreconditionError); talks to the API server only when called. */
export function createKubeClient(options: KubeClientOptions): KubeClient {
  return clientOn(createRestContext(options), undefined);
}

/** The client over one REST context; `cancel` (that context's signal, if any) also stops exec and port-forwards. */
function clientOn(context: RestContext, cancel: AbortSignal | undefined): KubeClient {
  const { resolved, configuration, requestTimeoutMs, rest } = context;
  const { kubeConfig, server } = resolved;
  const core = new CoreV1Api(configuration);
  const authorization = new AuthorizationV1Api(configuration);
  const streams = { kubeConfig, server, handshakeTimeoutMs: requestTimeoutMs };

  return {
    namespace: resolved.namespace,
    contextName: resolved.contextName,

    listSecrets: (namespace: string, labelSelector: string): Promise<Secret[]> =>
      rest(core.listNamespacedSecret({ namespace, labelSelector })).then((list) => list.items.map(secretFromK8s)),
    readSecret: (namespace: string, name: string): Promise<Secret | undefined> =>
      orUndefinedIfNotFound(rest(core.readNamespacedSecret({ namespace, name })).then(secretFromK8s)),
    listPods: (namespace: string, labelSelector: string): Promise<Pod[]> =>
      rest(core.listNamespacedPod({ namespace, labelSelector })).then((list) => list.items.map(podFromK8s)),
    listServices: (namespace: string, labelSelector?: string): Promise<Service[]> =>
      rest(core.listNamespacedService({ namespace, ...(labelSelector !== undefined ? { labelSelector } : {}) })).then((list) =>
        list.items.map(serviceFromK8s),
      ),
    readService: (namespace: string, name: string): Promise<Service | undefined> =>
      orUndefinedIfNotFound(rest(core.readNamespacedService({ namespace, name })).then(serviceFromK8s)),
    readConfigMap: (namespace: string, name: string): Promise<ConfigMap | undefined> =>
      orUndefinedIfNotFound(rest(core.readNamespacedConfigMap({ namespace, name })).then(configMapFromK8s)),

    checkAccess: (checks: readonly AccessCheck[]): Promise<AccessCheckResult[]> =>
      Promise.all(checks.map((check) => rest(checkOne(authorization, check)))),

    execInPod: async (request) => {
      if (!cancel) return execInPod(streams, request);
      try {
        return await execInPod(streams, { ...request, signal: request.signal ? AbortSignal.any([request.signal, cancel]) : cancel });
      } catch (error) {
        if (cancel.aborted) throw cancel.reason;
        throw error;
      }
    },
    openPortForward: (request) => (cancel ? closedOnAbort(openPortForward(streams, request), cancel) : openPortForward(streams, request)),
    withSignal: (signal) => clientOn(context.withSignal(signal), cancel ? AbortSignal.any([cancel, signal]) : signal),
    leases: createLeaseApi(configuration, rest),
    configMaps: createConfigMapApi(configuration, rest),
  };
}

/** A port-forward opened through a cancellable client: refused once the signal aborted, closed when it does. */
async function closedOnAbort(opening: Promise<PortForward>, cancel: AbortSignal): Promise<PortForward> {
  if (cancel.aborted) {
    void opening.then((forward) => forward.close(), () => undefined);
    throw cancel.reason;
  }
  const forward = await opening;
  if (cancel.aborted) {
    await forward.close();
    throw cancel.reason;
  }
  cancel.addEventListener('abort', () => void forward.close(), { once: true });
  return forward;
}

async function checkOne(authorization: AuthorizationV1Api, check: AccessCheck): Promise<AccessCheckResult> {
  const body: V1SelfSubjectAccessReview = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: {
      resourceAttributes: {
        namespace: check.namespace,
        verb: check.verb,
        ...(check.group !== undefined ? { group: check.group } : {}),
        resource: check.resource,
        ...(check.subresource !== undefined ? { subresource: check.subresource } : {}),
      },
    },
  };
  const review = await authorization.createSelfSubjectAccessReview({ body });
  const reason = review.status?.reason || review.status?.evaluationError || undefined;
  return { ...check, allowed: review.status?.allowed === true, reason };
}
