/**
 * The WebSocket factory injected into client-node's WebSocketHandler (its only seam). Without it a rejected exec or
 * port-forward handshake surfaces as "Unexpected server response: 403" and the Kubernetes Status body, which says
 * *why* (RBAC, container name, pod not running), is lost; and a handshake can hang forever.
 */
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import type { KubeConfig } from '@kubernetes/client-node';
import WebSocket from 'ws';
import type { ClientOptions } from 'ws';
import type { IncomingMessage } from 'node:http';
import { KubeApiError, kubeApiErrorFromResponse, kubeTimeoutError, kubeUnreachableError } from './kube-errors.js';

export type SocketFactory = (uri: string, protocols: string[], opts: ClientOptions) => WebSocket;

export interface StreamSocketOptions {
  readonly kubeConfig: KubeConfig;
  /** API server URL, for messages. */
  readonly server: string;
  readonly handshakeTimeoutMs: number;
  /** What is being opened, for messages: "exec in pod camunda/zeebe-0 (container zeebe)". */
  readonly what: string;
  /** Called with the socket as soon as it exists, before the handshake, so callers can always terminate it. */
  readonly onSocket: (ws: WebSocket) => void;
  /** Offer only these subprotocols (instead of client-node's v5…v1 list), e.g. v5 alone when stdin must be closed. */
  readonly protocols?: readonly string[] | undefined;
  /**
   * The error for a bare 403 (no Status body): what x/net/websocket answers when none of the offered subprotocols
   * is spoken (the kubelet's streaming server), as opposed to an RBAC 403, which always carries a Status.
   */
  readonly protocolRejected?: (() => Error) | undefined;
}

const MAX_STATUS_BODY = 64 * 1024;

function createSocketFactory(options: Omit<StreamSocketOptions, 'kubeConfig'>): SocketFactory {
  return (uri, protocols, opts) => {
    const ws = new WebSocket(uri, options.protocols ? [...options.protocols] : protocols, { ...opts, handshakeTimeout: options.handshakeTimeoutMs });
    // WebSocketHandler only listens through onerror while connecting; errors after open must not crash the process.
    ws.on('error', () => {});
    ws.on('unexpected-response', (_request, response: IncomingMessage) => {
      readBody(response, (body) => {
        if (ws.readyState !== WebSocket.CONNECTING) return;
        const bare = response.statusCode === 403 && body.trim() === '';
        const error = bare && options.protocolRejected ? options.protocolRejected() : kubeApiErrorFromResponse(response.statusCode ?? 0, body, options.what, options.server);
        // The handler's onerror rejects its connect() promise with this error; terminate() then frees the request.
        ws.emit('error', error);
        ws.terminate();
      });
    });
    options.onSocket(ws);
    return ws;
  };
}

/** A client-node WebSocketHandler that uses the factory above; pass it to `new Exec()` / `new PortForward()`. */
export function createStreamHandler(options: StreamSocketOptions): WebSocketHandler {
  return new WebSocketHandler(options.kubeConfig, createSocketFactory(options));
}

function readBody(response: IncomingMessage, done: (body: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    done(Buffer.concat(chunks).toString('utf8'));
  };
  response.on('data', (chunk: Buffer) => {
    if (size < MAX_STATUS_BODY) chunks.push(chunk);
    size += chunk.length;
  });
  response.on('end', finish);
  response.on('error', finish);
  response.on('close', finish);
}

/**
 * Maps whatever client-node's connect() rejected with (ws hands its onerror an ErrorEvent wrapping the real error)
 * to a KubeApiError.
 */
export function handshakeError(rejection: unknown, options: { server: string; what: string; handshakeTimeoutMs: number }): KubeApiError {
  const inner = rejection && typeof rejection === 'object' && 'error' in rejection ? (rejection as { error: unknown }).error : rejection;
  if (inner instanceof KubeApiError) return inner;
  const message = inner instanceof Error ? inner.message : String(inner);
  if (message.includes('Opening handshake has timed out')) {
    return kubeTimeoutError(options.server, `the WebSocket handshake for ${options.what}`, options.handshakeTimeoutMs);
  }
  if (inner instanceof Error && typeof (inner as NodeJS.ErrnoException).code === 'string') {
    return kubeUnreachableError(options.server, inner);
  }
  return new KubeApiError(`${options.what}: ${message}`, { cause: inner });
}
