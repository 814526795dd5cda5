/**
 * One lazy pool of connections for a command: one connection per distinct target (the web apps and Zeebe share the
 * orchestration pod on 8.8+), opened on first use, so one unreachable component fails only its own parts. create
 * opens the plan's targets up front (`openAll`), before anything changes.
 */
import { setMaxListeners } from 'node:events';
import { managementApi, type ApiContext, type ManagementApi } from '../camunda/management-api.js';
import { InterruptedError, isSignalName, messageOf, PreconditionError, type CliError } from '../errors.js';
import type { Reporter } from '../events.js';
import type { ComponentHttp, Connector, HttpTarget } from '../reach/component-http.js';
import type { SecretValue } from '../secret-value.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface PoolDeps {
  readonly connect: Connector;
  readonly emit: Reporter;
  /** Stops every call made through the pool, unless a call brings its own scope. */
  readonly signal?: AbortSignal | undefined;
  /** Per HTTP request; default 30 s. */
  readonly requestTimeoutMs?: number | undefined;
}

/** Who hears about a call, and what stops it (null: nothing; the resume after a pause must be tried regardless). */
export interface CallScope {
  readonly emit?: Reporter | undefined;
  readonly signal?: AbortSignal | null | undefined;
}

/** Where to call: a target, and the credentials it wants (Elasticsearch/OpenSearch). */
export interface Reachable {
  readonly target?: HttpTarget | undefined;
  readonly authorization?: SecretValue | undefined;
}

export interface ConnectionPool {
  /** An API context on the endpoint's target, opening its connection on first use. */
  context(endpoint: Reachable, scope?: CallScope): Promise<ApiContext>;
  /** The management API of a component endpoint. */
  api(endpoint: Reachable & { readonly basePath: string }, scope?: CallScope): Promise<ManagementApi>;
  /** Opens the targets now; throws the first failure (or the abort), with every connection closed. */
  openAll(targets: readonly HttpTarget[], signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export function openPool(deps: PoolDeps): ConnectionPool {
  // Every in-flight request listens on the signal; check runs a few dozen at once, more than Node's default 10.
  const controller = new AbortController();
  setMaxListeners(256, controller.signal);
  const forward = (): void => controller.abort(deps.signal?.reason);
  if (deps.signal?.aborted) forward();
  else deps.signal?.addEventListener('abort', forward, { once: true });
  const poolSignal = deps.signal ? controller.signal : undefined;

  const connections = new Map<string, Promise<ComponentHttp>>();
  const connection = (target: HttpTarget): Promise<ComponentHttp> => {
    const key = JSON.stringify(target);
    let opened = connections.get(key);
    if (!opened) {
      opened = deps.connect(target);
      connections.set(key, opened);
      // A failed connection is reported by whoever awaits it; the next call opens a new one (a retried resume must
      // not keep meeting the failure of the first attempt).
      const failed = opened;
      failed.catch(() => {
        if (connections.get(key) === failed) connections.delete(key);
      });
    }
    return opened;
  };
  const close = async (): Promise<void> => {
    deps.signal?.removeEventListener('abort', forward);
    const open = await Promise.allSettled([...connections.values()]);
    await Promise.allSettled(open.flatMap((result) => (result.status === 'fulfilled' ? [result.value.close()] : [])));
  };
  const context = async (endpoint: Reachable, scope: CallScope = {}): Promise<ApiContext> => {
    if (!endpoint.target) throw new Error('the endpoint has no target');
    return {
      http: await connection(endpoint.target),
      emit: scope.emit ?? deps.emit,
      signal: scope.signal === null ? undefined : (scope.signal ?? poolSignal),
      requestTimeoutMs: deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      headers: endpoint.authorization ? { Authorization: endpoint.authorization.reveal() } : undefined,
    };
  };
  return {
    context,
    async api(endpoint, scope) {
      return managementApi(await context(endpoint, scope), endpoint.basePath);
    },
    async openAll(targets, signal) {
      const results = await Promise.allSettled(targets.map(connection));
      const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failure || signal.aborted) {
        await close();
        throw failure ? failure.reason : abortError(signal);
      }
    },
    close,
  };
}

/** The error for a run stopped before any change: an interrupt, or the run's timeout. */
export function abortError(signal: AbortSignal): CliError {
  const reason: unknown = signal.reason;
  if (isSignalName(reason)) return new InterruptedError(reason, { hint: 'nothing was changed' });
  return new PreconditionError(`${messageOf(reason)} before the backup started`, { hint: 'nothing was changed; raise --timeout' });
}
