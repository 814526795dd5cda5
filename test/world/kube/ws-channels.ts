/**
 * Channel framing of k8s.io/apimachinery wsstream/conn.go: subprotocol negotiation (first *client-offered* protocol
 * the server supports) and [channel][payload] messages, binary or base64 text depending on the protocol.
 */
import type { WebSocket } from 'ws';

export interface ChannelProtocol {
  binary: boolean;
  /** v5 only: the client may half-close a channel with [0xFF, channel]. */
  supportsStreamClose: boolean;
  /** v4 and v5 write the exec status as JSON; older protocols write plain text on failure only. */
  jsonStatus: boolean;
}

const PROTOCOLS: Record<string, ChannelProtocol> = {
  'v5.channel.k8s.io': { binary: true, supportsStreamClose: true, jsonStatus: true },
  'v4.channel.k8s.io': { binary: true, supportsStreamClose: false, jsonStatus: true },
  'v4.base64.channel.k8s.io': { binary: false, supportsStreamClose: false, jsonStatus: true },
  'channel.k8s.io': { binary: true, supportsStreamClose: false, jsonStatus: false },
  'base64.channel.k8s.io': { binary: false, supportsStreamClose: false, jsonStatus: false },
  '': { binary: true, supportsStreamClose: false, jsonStatus: false },
};

/** The API server's stream translator (exec, ≥1.30): only v5. */
export const TRANSLATOR_EXEC_PROTOCOLS = ['v5.channel.k8s.io'] as const;
/** The CRI streaming server's exec (kubelet path; 1.29, or ≥1.30 when the client does not offer v5). */
export const KUBELET_EXEC_PROTOCOLS = ['', 'channel.k8s.io', 'base64.channel.k8s.io', 'v4.channel.k8s.io', 'v4.base64.channel.k8s.io'] as const;
/** The CRI streaming server's port-forward over WebSocket. */
export const KUBELET_PORT_FORWARD_PROTOCOLS = ['', 'v4.channel.k8s.io', 'v4.base64.channel.k8s.io'] as const;

/** Parses the Sec-WebSocket-Protocol request header(s) in the client's order. */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/** wsstream handshake(): no offer means "", otherwise the first offered protocol that is allowed; undefined = reject. */
export function negotiate(offered: readonly string[], allowed: readonly string[]): string | undefined {
  const candidates = offered.length === 0 ? [''] : offered;
  return candidates.find((p) => allowed.includes(p));
}

export function protocolInfo(name: string): ChannelProtocol {
  const info = PROTOCOLS[name];
  if (!info) throw new Error(`unknown channel protocol ${name}`);
  return info;
}

export interface ChannelMessage {
  channel: number;
  payload: Buffer;
}

/**
 * One negotiated channel connection. Writes never produce 0xFF or text frames on a binary protocol, because real
 * servers never do and client-node would throw "Unknown stream: 255" inside its message handler.
 */
export class ChannelConnection {
  readonly ws: WebSocket;
  readonly protocol: string;
  readonly info: ChannelProtocol;

  constructor(ws: WebSocket, protocol: string) {
    this.ws = ws;
    this.protocol = protocol;
    this.info = protocolInfo(protocol);
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  write(channel: number, payload: Buffer | string = Buffer.alloc(0)): void {
    if (!this.open) return;
    const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    if (this.info.binary) {
      this.ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true });
    } else {
      this.ws.send(String.fromCharCode(48 + channel) + data.toString('base64'), { binary: false });
    }
  }

  /** Decodes one client message; undefined for empty or undecodable messages (which the real server skips). */
  decode(data: Buffer, isBinary: boolean): ChannelMessage | undefined {
    if (data.length === 0) return undefined;
    if (this.info.binary) {
      if (!isBinary) return undefined;
      return { channel: data[0] ?? 0, payload: data.subarray(1) };
    }
    const text = data.toString('utf8');
    const channel = text.charCodeAt(0) - 48;
    return { channel, payload: Buffer.from(text.slice(1), 'base64') };
  }

  /** Normal end of a stream: close frame 1000, as x/net/websocket's Close() sends. */
  close(): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(1000);
  }

  /** Abrupt loss of the connection: no close frame, so the client sees 1006. */
  drop(): void {
    this.ws.terminate();
  }
}
