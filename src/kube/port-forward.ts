/**
 * A local TCP port bridged to one pod port through client-node's PortForward, one WebSocket per local connection
 * (that is the v4 port-forward protocol: the pod side closes the stream when its TCP connection ends).
 * client-node leaves the bridging to the caller and gets it wrong in its example; here every end is propagated:
 * the WebSocket closing ends the local socket (else HTTP clients hang), the local socket closing closes the
 * WebSocket, and error-channel text ("error forwarding port 9600 to pod …: connection refused") fails the local
 * connection at once and is kept for the caller's message.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import { PortForward as ClientPortForward, type KubeConfig } from '@kubernetes/client-node';
import type WebSocket from 'ws';
import type { PortForward, PortForwardRequest } from './kube-client.js';
import { createStreamHandler, handshakeError } from './socket-factory.js';

export interface PortForwardContext {
  readonly kubeConfig: KubeConfig;
  readonly server: string;
  readonly handshakeTimeoutMs: number;
}

/** Close codes of an orderly end of the stream; anything else means the tunnel broke mid-connection. */
const ORDERLY_CLOSE = new Set([1000, 1005]);

export async function openPortForward(context: PortForwardContext, request: PortForwardRequest): Promise<PortForward> {
  const what = `port-forward to pod ${request.namespace}/${request.pod} port ${request.port}`;
  const sockets = new Set<net.Socket>();
  const websockets = new Set<WebSocket>();
  let lastError: string | undefined;
  let closing: Promise<void> | undefined;

  const bridge = (socket: net.Socket): void => {
    if (closing) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    let ws: WebSocket | undefined;
    let localClosed = false;
    const fail = (message: string): void => {
      // A handshake cut short because the local client went away (or close()) is not the tunnel's failure.
      if (!localClosed && !closing) lastError = message;
      socket.destroy();
      ws?.terminate();
    };
    socket.on('error', () => ws?.terminate());
    socket.on('close', () => {
      localClosed = true;
      sockets.delete(socket);
      ws?.close();
    });

    const errorChannel = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        const text = chunk.toString('utf8').trim();
        if (text !== '') fail(text);
        callback();
      },
    });
    errorChannel.on('error', () => {});

    const handler = createStreamHandler({
      kubeConfig: context.kubeConfig,
      server: context.server,
      handshakeTimeoutMs: context.handshakeTimeoutMs,
      what,
      onSocket: (socketWs) => {
        ws = socketWs;
        websockets.add(socketWs);
        if (socket.destroyed || closing) socketWs.terminate();
        let opened = false;
        socketWs.once('open', () => {
          opened = true;
        });
        socketWs.on('close', (code: number) => {
          websockets.delete(socketWs);
          if (ORDERLY_CLOSE.has(code) || socket.destroyed) {
            socket.end();
          } else if (opened) {
            // Opened, then broke: a truncated answer must not look like a complete one.
            fail(`${what}: connection lost (WebSocket closed with code ${code})`);
          }
        });
      },
    });

    new ClientPortForward(context.kubeConfig, true, handler).portForward(request.namespace, request.pod, [request.port], socket, errorChannel, socket).then(
      () => {
        // Bridged; the listeners above handle the rest of this connection's life.
      },
      (rejection: unknown) => {
        fail(handshakeError(rejection, { server: context.server, what, handshakeTimeoutMs: context.handshakeTimeoutMs }).message);
      },
    );
  };

  const server = net.createServer(bridge);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => {});
  const address = server.address();
  const localPort = typeof address === 'object' && address ? address.port : 0;

  return {
    localPort,
    lastError: () => lastError,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        for (const ws of websockets) ws.terminate();
      });
      return closing;
    },
  };
}
