/**
 * One port-forward stream after the upgrade, as the CRI streaming server frames it (v4 protocols only): the port as
 * uint16 LE first on the data and error channel of each port, then channel-0 bytes piped to one TCP connection; when
 * every port's connection has ended the WebSocket closes. A refused connection is reported as plain text on the
 * error channel, worded like containerd.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import type { ChannelConnection } from './ws-channels.js';

export interface PortForwardSessionOptions {
  conn: ChannelConnection;
  ports: number[];
  /** Pod identity used in containerd's error text (the sandbox id). */
  podUid: string;
  /** 127.0.0.1 port playing `port` inside the pod netns, or undefined when nothing listens there. */
  podPort: (port: number) => number | undefined;
  /** Where `port` inside the pod is reached when not on 127.0.0.1 (e.g. a container's address); overrides podPort. */
  podEndpoint?: (port: number) => { host: string; port: number } | undefined;
  refuse: boolean;
  onEnd?: () => void;
}

/** containerd passes the pod sandbox id as "pod" and an empty uid; the sandbox id is 64 hex characters. */
export function sandboxId(podUid: string): string {
  return createHash('sha256').update(`sandbox:${podUid}`).digest('hex');
}

export function refusedMessage(port: number, podUid: string): string {
  const id = sandboxId(podUid);
  return (
    `error forwarding port ${port} to pod ${id}, uid : failed to connect to localhost:${port} inside namespace "${id}", ` +
    `IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused `
  );
}

const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;

function portBytes(port: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16LE(port, 0);
  return buffer;
}

const portOnLoopback = (port: number | undefined): { host: string; port: number } | undefined => (port === undefined ? undefined : { host: '127.0.0.1', port });

export function runPortForwardSession(options: PortForwardSessionOptions): void {
  const { conn, ports } = options;
  let remaining = ports.length;
  let ended = false;
  const sockets = new Map<number, net.Socket>();
  const pending = new Map<number, Buffer[]>();

  const end = (): void => {
    if (ended) return;
    ended = true;
    for (const socket of sockets.values()) socket.destroy();
    conn.close();
    options.onEnd?.();
  };
  const portDone = (): void => {
    remaining -= 1;
    if (remaining <= 0) end();
  };

  ports.forEach((port, index) => {
    conn.write(2 * index, portBytes(port));
    conn.write(2 * index + 1, portBytes(port));
  });

  conn.ws.on('message', (data: Buffer, isBinary: boolean) => {
    const message = conn.decode(data, isBinary);
    if (!message || message.channel % 2 !== 0) return;
    const index = message.channel / 2;
    const socket = sockets.get(index);
    if (!socket) {
      pending.get(index)?.push(Buffer.from(message.payload));
      return;
    }
    // Backpressure towards the client: stop reading the WebSocket while the pod side is full.
    if (!socket.write(message.payload)) {
      conn.ws.pause();
      socket.once('drain', () => conn.ws.resume());
    }
  });
  conn.ws.on('close', () => {
    if (!ended) {
      ended = true;
      for (const socket of sockets.values()) socket.destroy();
      options.onEnd?.();
    }
  });
  conn.ws.on('error', () => undefined);

  ports.forEach((port, index) => {
    const fail = (): void => {
      if (ended) return;
      conn.write(2 * index + 1, refusedMessage(port, options.podUid));
      portDone();
    };
    const local = options.refuse ? undefined : options.podEndpoint ? options.podEndpoint(port) : portOnLoopback(options.podPort(port));
    if (local === undefined) {
      fail();
      return;
    }
    pending.set(index, []);
    const socket = net.connect(local);
    let connected = false;
    socket.on('connect', () => {
      connected = true;
      if (ended) {
        socket.destroy();
        return;
      }
      sockets.set(index, socket);
      for (const chunk of pending.get(index) ?? []) socket.write(chunk);
      pending.delete(index);
    });
    socket.on('data', (chunk: Buffer) => {
      conn.write(2 * index, chunk);
      if (conn.ws.bufferedAmount > HIGH_WATER) {
        socket.pause();
        const wait = (): void => {
          if (ended || conn.ws.bufferedAmount <= LOW_WATER) socket.resume();
          else setTimeout(wait, 5);
        };
        setTimeout(wait, 5);
      }
    });
    socket.on('error', () => {
      if (!connected) fail();
    });
    socket.on('close', () => {
      sockets.delete(index);
      if (connected) portDone();
    });
  });
}
