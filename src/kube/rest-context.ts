/**
 * The REST side every client-node API class of the tool shares: the resolved kubeconfig (kubectl's rules), the
 * transport with a deadline and Status-message errors, and the wrapper that turns what fails before sending
 * (credentials) into a KubeApiError. One place, so the KubeClient and the WorkloadClient behave the same.
 */
import { ServerConfiguration, createConfiguration, type Configuration } from '@kubernetes/client-node';
import { CliError, messageOf } from '../errors.js';
import { createApiHttpLibrary, type ApiRequestLog } from './api-http-library.js';
import { KubeApiError } from './kube-errors.js';
import { resolveKubeConfig, type KubeConfigOptions } from './kubeconfig.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface KubeClientOptions extends KubeConfigOptions {
  /** Deadline of each REST request and of each exec/port-forward WebSocket handshake (default 30s). */
  readonly requestTimeoutMs?: number | undefined;
  /** Told of every REST request once it ended (-v 6). */
  readonly onRequest?: ((request: ApiRequestLog) => void) | undefined;
}

export interface RestContext {
  readonly resolved: ReturnType<typeof resolveKubeConfig>;
  readonly configuration: Configuration;
  readonly requestTimeoutMs: number;
  rest<T>(call: Promise<T>): Promise<T>;
  /** The same REST side with every request stopped when `cancel` aborts; the call rejects with its reason. */
  withSignal(cancel: AbortSignal): RestContext;
}

/** Resolves the configuration now (throwing UsageError/PreconditionError); talks to the API server only when called. */
export function createRestContext(options: KubeClientOptions): RestContext {
  const resolved = resolveKubeConfig(options);
  return restContextFor(resolved, options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, undefined, options.onRequest);
}

/** One configuration per cancel signal: the generated API classes are cheap, the resolved kubeconfig is shared. */
function restContextFor(resolved: RestContext['resolved'], requestTimeoutMs: number, cancel: AbortSignal | undefined, onRequest: KubeClientOptions['onRequest']): RestContext {
  const { kubeConfig, server } = resolved;
  // makeApiClient() without our transport would give neither deadlines nor readable errors.
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: kubeConfig },
    httpApi: createApiHttpLibrary({ server, requestTimeoutMs, signal: cancel, onRequest }),
  });
  /**
   * The transport already throws KubeApiErrors (or the cancel signal's reason); what else escapes happened before
   * sending, mostly getting credentials (an exec plugin that fails or wants a login, an unreadable token file).
   */
  const rest = async <T>(call: Promise<T>): Promise<T> => {
    try {
      return await call;
    } catch (error) {
      if (error instanceof CliError || (cancel?.aborted && error === cancel.reason)) throw error;
      throw new KubeApiError(`cannot prepare a request to the API server at ${server} (context ${resolved.contextName}): ${messageOf(error).trim()}`, {
        cause: error,
        hint: 'check the credentials of the context: run the exec plugin or login command it uses, or the files it names',
      });
    }
  };
  return {
    resolved,
    configuration,
    requestTimeoutMs,
    rest,
    withSignal: (signal) => restContextFor(resolved, requestTimeoutMs, cancel ? AbortSignal.any([cancel, signal]) : signal, onRequest),
  };
}

/** Resolves to undefined when the API answered 404. */
export async function orUndefinedIfNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof KubeApiError && error.httpStatus === 404) return undefined;
    throw error;
  }
}
