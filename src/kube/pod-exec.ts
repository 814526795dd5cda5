/**
 * Runs a command in a container through the exec WebSocket and turns client-node's loose ends into one promise:
 * client-node resolves when the socket *opens* and reports the exit status only through a callback, so here the
 * result is settled only when the status frame has arrived and the socket has closed; a close without status, a
 * deadline or an abort terminate the socket and reject with a typed error. Secrets reach the command on stdin, never
 * in its argv (the exec URL, which audit logs record); ending stdin needs exec protocol v5, so such a request offers
 * v5 alone and a server without it is told apart from an RBAC refusal (ExecStdinCloseUnsupportedError). A streamed
 * stdin (a database dump) is read only as fast as the socket sends it: client-node writes every chunk it is given
 * straight into the WebSocket, whatever is already queued there.
 */
import { PassThrough, Readable, Writable } from 'node:stream';
import { Exec, type V1Status } from '@kubernetes/client-node';
import type WebSocket from 'ws';
import type { ExecRequest, ExecResult, ExecStdinStream } from './kube-client.js';
import {
  ExecCommandNotFoundError,
  ExecConnectionLostError,
  ExecFailedError,
  ExecStdinCloseUnsupportedError,
  ExecTimeoutError,
  describeExecTarget,
  parseStatus,
  type ExecTarget,
} from './kube-errors.js';
import { createStreamHandler, handshakeError } from './socket-factory.js';
import type { KubeConfig } from '@kubernetes/client-node';

export interface PodExecContext {
  readonly kubeConfig: KubeConfig;
  readonly server: string;
  /** Bound on the WebSocket handshake (the request's own deadline still applies). */
  readonly handshakeTimeoutMs: number;
}

/** stderr is diagnostics (curl -sS, pg_dump warnings): keep its tail, bounded. */
const MAX_STDERR_BYTES = 256 * 1024;

/** The one exec protocol whose close frame ends a command's stdin and keeps the socket open for its output. */
const STREAM_CLOSE_PROTOCOL = 'v5.channel.k8s.io';

/** A streamed stdin is read further only while less than this waits in the WebSocket's send buffer. */
const STDIN_HIGH_WATER = 1024 * 1024;
/** How often a full send buffer is looked at again (ws has no drain event of its own). */
const STDIN_DRAIN_POLL_MS = 5;

/** Runtime wordings for "argv[0] is not in the image" (runc, crun, containerd, CRI-O, the kubelet). */
const NOT_FOUND = /executable file not found|no such file or directory|not found/i;

export function execInPod(context: PodExecContext, request: ExecRequest): Promise<ExecResult> {
  const target: ExecTarget = { namespace: request.namespace, pod: request.pod, container: request.container };
  const what = `exec in ${describeExecTarget(target)}`;

  return new Promise<ExecResult>((resolve, reject) => {
    let ws: WebSocket | undefined;
    let status: V1Status | undefined;
    let closeCode: number | undefined;
    let settled = false;
    let outputError: Error | undefined;

    // Buffered until client-node reads it after the socket opened. Ended only when v5 is certain: under v4,
    // client-node answers the end of stdin by closing the whole socket, output and exit status included.
    let stdin: Readable | null = null;
    if (request.stdinStream) {
      stdin = pacedStdin(request.stdinStream, () => ws, (error) => finish({ error: new ExecFailedError(target, `reading its stdin failed: ${error.message}`, { cause: error }) }));
    } else if (request.stdin) {
      const buffered = new PassThrough();
      if (request.stdin.close) buffered.end(request.stdin.data);
      else buffered.write(request.stdin.data);
      stdin = buffered;
    }

    const stdoutChunks: Buffer[] = [];
    const stderrChunks: Buffer[] = [];
    let stderrBytes = 0;

    const stdout = request.stdout
      ? forwardingSink(request.stdout, () => ws, (error) => {
          outputError ??= error;
          ws?.terminate();
        })
      : collectingSink((chunk) => stdoutChunks.push(chunk));
    const stderr = collectingSink((chunk) => {
      stderrChunks.push(chunk);
      stderrBytes += chunk.length;
      while (stderrBytes > MAX_STDERR_BYTES && stderrChunks.length > 1) stderrBytes -= stderrChunks.shift()?.length ?? 0;
    });

    const finish = (outcome: { result: ExecResult } | { error: unknown }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      stdin?.destroy();
      if ('error' in outcome) {
        ws?.terminate();
        reject(outcome.error);
      } else {
        resolve(outcome.result);
      }
    };

    const settleIfDone = (): void => {
      if (settled || closeCode === undefined) return;
      if (outputError) {
        finish({ error: new ExecFailedError(target, `writing its output failed: ${outputError.message}`, { cause: outputError }) });
        return;
      }
      if (!status) {
        finish({ error: new ExecConnectionLostError(target, closeCode) });
        return;
      }
      const stderrText = Buffer.concat(stderrChunks).toString('utf8');
      try {
        const exitCode = exitCodeOf(status, target, request.command);
        const finished = (): void =>
          finish({ result: { stdout: request.stdout ? Buffer.alloc(0) : Buffer.concat(stdoutChunks), stderr: stderrText, exitCode } });
        // A streamed stdout is done only when every chunk was handed to the caller's stream.
        if (stdout.writableFinished || !request.stdout) finished();
        else stdout.once('finish', finished);
      } catch (error) {
        finish({ error });
      }
    };

    const onAbort = (): void => {
      const reason: unknown = request.signal?.reason;
      finish({ error: reason instanceof Error ? reason : new ExecFailedError(target, 'aborted') });
    };
    const timer = setTimeout(() => finish({ error: new ExecTimeoutError(target, request.timeoutMs) }), request.timeoutMs);

    if (request.signal?.aborted) {
      onAbort();
      return;
    }
    request.signal?.addEventListener('abort', onAbort, { once: true });

    const handler = createStreamHandler({
      kubeConfig: context.kubeConfig,
      server: context.server,
      handshakeTimeoutMs: context.handshakeTimeoutMs,
      what,
      ...(request.stdin?.close ? { protocols: [STREAM_CLOSE_PROTOCOL], protocolRejected: () => new ExecStdinCloseUnsupportedError(target) } : {}),
      onSocket: (socket) => {
        ws = socket;
        if (settled) socket.terminate();
        let opened = false;
        socket.once('open', () => {
          opened = true;
        });
        socket.on('close', (code: number) => {
          // Before open, the handshake rejection (with the Status message) settles instead.
          if (!opened) return;
          closeCode = code;
          settleIfDone();
        });
      },
    });

    new Exec(context.kubeConfig, handler)
      .exec(request.namespace, request.pod, request.container, [...request.command], stdout, stderr, stdin, false, (s) => {
        status = s;
      })
      .then(
        () => {
          // Opened; completion comes from the status frame and the close event.
        },
        (rejection: unknown) => {
          const inner = rejection && typeof rejection === 'object' && 'error' in rejection ? (rejection as { error: unknown }).error : rejection;
          if (inner instanceof ExecStdinCloseUnsupportedError) finish({ error: inner });
          else finish({ error: handshakeError(rejection, { server: context.server, what, handshakeTimeoutMs: context.handshakeTimeoutMs }) });
        },
      );
  });
}

function exitCodeOf(status: V1Status, target: ExecTarget, command: readonly string[]): number {
  if (status.status === 'Success') return 0;
  const parsed = parseStatus(status);
  const message = parsed?.message ?? 'the command failed without a message';
  if (parsed?.reason === 'NonZeroExitCode') {
    const cause = parsed.causes.find((c) => c.reason === 'ExitCode');
    const code = Number.parseInt(cause?.message ?? '', 10);
    if (Number.isInteger(code)) return code;
    throw new ExecFailedError(target, message);
  }
  if (parsed?.reason === 'InternalError' && NOT_FOUND.test(message)) {
    throw new ExecCommandNotFoundError(target, command[0] ?? '', message);
  }
  throw new ExecFailedError(target, message);
}

/**
 * The stdin handed to client-node for a streamed source: a chunk is taken from the source only when client-node
 * asks for one (it listens for 'data', so it asks again at once) and the WebSocket's send buffer is below the high
 * water mark. So at most about one high water mark of the source is in memory, and a slow command (TCP
 * backpressure from the API server) slows the reading of the source. The source's end becomes the end of stdin under
 * v5 only (see ExecStdinStream).
 */
function pacedStdin(source: ExecStdinStream, socket: () => WebSocket | undefined, onError: (error: Error) => void): Readable {
  const iterator = source.stream[Symbol.asyncIterator]();
  let sent = 0;
  let stopped = false;
  const full = (): boolean => (socket()?.bufferedAmount ?? 0) > STDIN_HIGH_WATER;
  const next = async (): Promise<void> => {
    try {
      for (;;) {
        while (!stopped && full()) await new Promise((resolve) => setTimeout(resolve, STDIN_DRAIN_POLL_MS));
        if (stopped) return;
        const { value, done } = await iterator.next();
        if (stopped) return;
        if (done) {
          if (socket()?.protocol === STREAM_CLOSE_PROTOCOL) readable.push(null);
          return;
        }
        if (value.byteLength === 0) continue;
        sent += value.byteLength;
        readable.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
        source.onSent?.(sent);
        return;
      }
    } catch (error) {
      if (!stopped) onError(error instanceof Error ? error : new Error(String(error)));
    }
  };
  const readable: Readable = new Readable({
    read() {
      void next();
    },
    destroy(error, callback) {
      stopped = true;
      void Promise.resolve(iterator.return?.()).catch(() => undefined);
      callback(error);
    },
  });
  readable.on('error', () => undefined);
  return readable;
}

/** client-node ends the sinks when the status arrives and ignores write(): keep writes after end harmless. */
function collectingSink(onChunk: (chunk: Buffer) => void): Writable {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      onChunk(chunk);
      callback();
    },
  });
  sink.on('error', () => {});
  return sink;
}

/**
 * Streams stdout to the caller's stream with backpressure: client-node ignores write()'s return value, so when the
 * target is full the WebSocket itself is paused (TCP backpressure reaches the API server) until it drains.
 * The caller's stream is never ended here; the caller owns it.
 */
function forwardingSink(target: NodeJS.WritableStream, socket: () => WebSocket | undefined, onError: (error: Error) => void): Writable {
  let failed = false;
  let paused = false;
  const fail = (error: Error): void => {
    if (failed) return;
    failed = true;
    onError(error);
  };
  target.once('error', fail);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (failed) {
        callback();
        return;
      }
      if (!target.write(chunk) && !paused) {
        const ws = socket();
        paused = true;
        ws?.pause();
        target.once('drain', () => {
          paused = false;
          ws?.resume();
        });
      }
      callback();
    },
    final(callback) {
      target.removeListener('error', fail);
      callback();
    },
  });
  sink.on('error', () => {});
  return sink;
}
