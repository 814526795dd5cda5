/**
 * The real KubeClient: kubectl's kubeconfig rules (kubeconfig.ts), REST reads through client-node's generated
 * clients with a deadline and Status-message errors (api-http-library.ts), exec and port-forward through the
 * hardened wrappers (pod-exec.ts, port-forward.ts).
 */
import {
  AuthorizationV1Api,
  CoreV1Api,
  ServerConfiguration,
  createConfiguration,
  type V1SelfSubjectAccessReview,
} from '@kubernetes/client-node';
import type { AccessCheck, AccessCheckResult, ConfigMap, KubeClient, Pod, Secret, Service } from './kube-client.js';
import { configMapFromK8s, podFromK8s, secretFromK8s, serviceFromK8s } from './objects.js';
import { CliError, messageOf } from '../errors.js';
import { KubeApiError } from './kube-errors.js';
import { resolveKubeConfig, type KubeConfigOptions } from './kubeconfig.js';
import { createApiHttpLibrary } from './api-http-library.js';
import { createLeaseApi } from './lease-api.js';
import { execInPod } from './pod-exec.js';
import { openPortForward } from './port-forward.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface KubeClientOptions extends KubeConfigOptions {
  /** Deadline of each REST request and of each exec/port-forward WebSocket handshake (default 30s). */
  readonly requestTimeoutMs?: number | undefined;
}

/** Resolves the configuration now (throwing UsageError/PreconditionError); talks to the API server only when called. */
export function createKubeClient(options: KubeClientOptions): KubeClient {
  const resolved = resolveKubeConfig(options);
  const { kubeConfig, server } = resolved;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;

  // makeApiClient() without our transport would give neither deadlines nor readable errors.
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: kubeConfig },
    httpApi: createApiHttpLibrary({ server, requestTimeoutMs }),
  });
  const core = new CoreV1Api(configuration);
  const authorization = new AuthorizationV1Api(configuration);
  const streams = { kubeConfig, server, handshakeTimeoutMs: requestTimeoutMs };

  /**
   * The transport already throws KubeApiErrors; what else escapes happened before sending, mostly getting
   * credentials (an exec plugin that fails or wants a login, an unreadable token or certificate file).
   */
  const rest = async <T>(call: Promise<T>): Promise<T> => {
    try {
      return await call;
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new KubeApiError(`cannot prepare a request to the API server at ${server} (context ${resolved.contextName}): ${messageOf(error).trim()}`, {
        cause: error,
        hint: 'check the credentials of the context: run the exec plugin or login command it uses, or the files it names',
      });
    }
  };

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

    execInPod: (request) => execInPod(streams, request),
    openPortForward: (request) => openPortForward(streams, request),
    leases: createLeaseApi(configuration, rest),
  };
}

async function orUndefinedIfNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof KubeApiError && error.httpStatus === 404) return undefined;
    throw error;
  }
}

async function checkOne(authorization: AuthorizationV1Api, check: AccessCheck): Promise<AccessCheckResult> {
  const body: V1SelfSubjectAccessReview = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: {
      resourceAttributes: {
        namespace: check.namespace,
        verb: check.verb,
        resource: check.resource,
        ...(check.subresource !== undefined ? { subresource: check.subresource } : {}),
      },
    },
  };
  const review = await authorization.createSelfSubjectAccessReview({ body });
  const reason = review.status?.reason || review.status?.evaluationError || undefined;
  return { ...check, allowed: review.status?.allowed === true, reason };
}
