/**
 * Port-forward access mode: calls go through a tunnel the API server opens to the pod port (no kubectl needed).
 * One forward per pod and port, shared by every channel to it and closed when the last one closes; a keep-alive
 * agent keeps one tunnel (one WebSocket) per in-flight call instead of a new one for every poll.
 */
import http from 'node:http';
import { CliError, PreconditionError, messageOf } from '../errors.js';
import type { KubeClient, PortForward } from '../kube/kube-client.js';
import type { ComponentHttp, Connector, HttpRequest, HttpResponse, HttpTarget, PodTarget } from './component-http.js';
import { HttpReachError } from './http-reach-error.js';
import type { ReachFailure } from './http-reach-error.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './via-exec-curl.js';

export interface PortForwardConnectorOptions {
  /** Reaches what a port-forward cannot: URLs outside the cluster (external Elasticsearch), via exec in a pod. */
  readonly fallback: Connector;
  readonly defaultTimeoutMs?: number | undefined;
}

interface Tunnel {
  readonly forward: PortForward;
  readonly agent: http.Agent;
}

interface SharedTunnel {
  readonly ready: Promise<Tunnel>;
  users: number;
}

export function createPortForwardConnector(kube: KubeClient, options: PortForwardConnectorOptions): Connector {
  const defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const tunnels = new Map<string, SharedTunnel>();

  async function acquire(pod: PodTarget): Promise<{ tunnel: Tunnel; release: () => Promise<void> }> {
    const key = `${pod.namespace}/${pod.pod}:${pod.port}`;
    let shared = tunnels.get(key);
    if (!shared) {
      shared = { ready: openTunnel(kube, pod), users: 0 };
      tunnels.set(key, shared);
    }
    const entry = shared;
    entry.users += 1;
    let tunnel: Tunnel;
    try {
      tunnel = await entry.ready;
    } catch (error) {
      entry.users -= 1;
      if (tunnels.get(key) === entry) tunnels.delete(key);
      throw error;
    }
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      entry.users -= 1;
      if (entry.users > 0) return;
      if (tunnels.get(key) === entry) tunnels.delete(key);
      tunnel.agent.destroy();
      await tunnel.forward.close();
    };
    return { tunnel, release };
  }

  return async (target: HttpTarget): Promise<ComponentHttp> => {
    if (target.kind === 'url') return options.fallback(target);
    const pod = target.pod;
    const description = `port-forward pod/${pod.pod}:${pod.port}`;
    const { tunnel, release } = await acquire(pod);
    return {
      description,
      request: (request) => requestOverTunnel(tunnel, request, request.timeoutMs ?? defaultTimeoutMs, description),
      close: release,
    };
  };
}

async function openTunnel(kube: KubeClient, pod: PodTarget): Promise<Tunnel> {
  let forward: PortForward;
  try {
    forward = await kube.openPortForward({ namespace: pod.namespace, pod: pod.pod, port: pod.port });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new PreconditionError(`cannot open a port-forward to pod/${pod.pod}:${pod.port}: ${messageOf(error)}`, { cause: error });
  }
  return { forward, agent: new http.Agent({ keepAlive: true, maxSockets: 4 }) };
}

/** One call; a GET that finds its kept-alive tunnel closed under it is retried once on a fresh one. */
async function requestOverTunnel(tunnel: Tunnel, request: HttpRequest, timeoutMs: number, description: string): Promise<HttpResponse> {
  try {
    return await sendOnce(tunnel, request, timeoutMs, description);
  } catch (error) {
    if (request.method === 'GET' && error instanceof StaleSocketError) return sendOnce(tunnel, request, timeoutMs, description);
    throw error instanceof StaleSocketError ? error.reachError : error;
  }
}

/** A reused keep-alive socket that turned out dead: safe to retry for idempotent calls. */
class StaleSocketError extends Error {
  readonly reachError: HttpReachError;
  constructor(reachError: HttpReachError) {
    super(reachError.message);
    this.reachError = reachError;
  }
}

function sendOnce(tunnel: Tunnel, request: HttpRequest, timeoutMs: number, description: string): Promise<HttpResponse> {
  const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body), 'utf8');
  const headers: Record<string, string | number> = { accept: 'application/json', ...request.headers };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = payload.length;
  } else if (request.method !== 'GET') {
    headers['content-length'] = 0;
  }
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (reason: ReachFailure, what: string, cause?: unknown, reused = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      request.signal?.removeEventListener('abort', onAbort);
      const forwardError = tunnel.forward.lastError();
      const error = new HttpReachError(reason, `${description}: ${what}${forwardError ? `: ${forwardError}` : ''}`, { cause });
      reject(reused ? new StaleSocketError(error) : error);
      req.destroy();
    };
    const req = http.request({ host: '127.0.0.1', port: tunnel.forward.localPort, method: request.method, path: request.path, headers, agent: tunnel.agent });
    const deadline = setTimeout(() => fail('timeout', `no answer within ${timeoutMs} ms`), timeoutMs);
    // Stopped by the caller: the connection (and with it the tunnel's WebSocket) goes now, not at the deadline.
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      reject(request.signal?.reason);
      req.destroy();
    };
    if (request.signal?.aborted) onAbort();
    else request.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        request.signal?.removeEventListener('abort', onAbort);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('aborted', () => fail('connection-lost', 'connection lost while receiving the response'));
      res.on('error', (error) => fail('connection-lost', `connection lost while receiving the response (${messageOf(error)})`, error));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const refused = error.code === 'ECONNREFUSED';
      fail(refused ? 'connect' : 'connection-lost', refused ? 'tunnel refused the connection' : `tunnel closed before an answer (${error.code ?? error.message})`, error, req.reusedSocket && !refused);
    });
    req.end(payload);
  });
}
