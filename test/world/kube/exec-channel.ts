/**
 * One exec stream after the upgrade, framed like the kubelet / API server translator: empty "established" frame on
 * the lowest enabled writable channel, stdout/stderr frames, then the status on channel 3 and close 1000.
 * curl runs for real (routed with --connect-to); other commands come from the test's ExecHandler or small built-ins,
 * sh among them (the host's /bin/sh, finding only the pod's curl on its PATH). stdin arrives on channel 0 and, under
 * v5 only, ends with the client's close frame [0xFF, 0]; what arrives before the command started is kept for it, and
 * a handler streams it from there (the connection is not read while a megabyte waits: TCP backpressure).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { connectToArgs, wgetArgs } from './curl-routing.js';
import type { ApiFaults, ExecContext, ExecHandler } from './fake-apiserver.js';
import { execInternalError, execNonZeroExit, execSuccess, executableNotFound, type ExecStatus } from './status.js';
import type { ChannelConnection } from './ws-channels.js';

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const STATUS = 3;
const CLOSE_SIGNAL = 0xff;
/** The streaming servers copy through 32 KiB buffers, so larger outputs arrive in several messages. */
const MAX_FRAME = 32 * 1024;
/** Flow control: a client that stops reading (TCP backpressure) pauses the command instead of growing memory. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
/** A command's stdin: what may wait unread before the connection is no longer read (a pipe's buffer, generously). */
const STDIN_HIGH_WATER = 1024 * 1024;
const STDIN_LOW_WATER = 256 * 1024;

export interface ExecStreamFlags {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export type ExecOutcome = { kind: 'exit'; exitCode: number } | { kind: 'start-failed' } | { kind: 'dropped' } | { kind: 'client-closed' };

export interface ExecSessionOptions {
  conn: ChannelConnection;
  context: ExecContext;
  flags: ExecStreamFlags;
  faults: ApiFaults;
  handler?: ExecHandler;
  onEnd?: (outcome: ExecOutcome) => void;
}

interface Running {
  stdinWrite(data: Buffer): void;
  stdinEnd(): void;
  kill(): void;
  /** Resolves with the exit code once all output has been handed to `emit`. */
  done: Promise<number>;
}

interface Emit {
  /** Sends output; false when the client is behind and the producer should wait for `writable()`. */
  (channel: typeof STDOUT | typeof STDERR, data: Buffer): boolean;
  writable(): Promise<void>;
}

export function runExecSession(options: ExecSessionOptions): void {
  const { conn, context, flags, faults } = options;
  let finished = false;
  let running: Running | undefined;
  let dropTimer: NodeJS.Timeout | undefined;
  let firstStdoutFrame = true;
  /** stdin that arrived before the command was running (a handler reads it from here), and whether the client closed it. */
  const pendingStdin: Buffer[] = [];
  let pendingBytes = 0;
  let stdinClosed = false;
  let readingPaused = false;
  /** Handlers that stream their stdin (psql < dump) wait here for the next chunk or its end. */
  const stdinWaiters: Array<() => void> = [];
  const releaseStdin = (): void => {
    for (const wake of stdinWaiters.splice(0)) wake();
  };
  const takeStdin = (): Buffer | undefined => {
    const chunk = pendingStdin.shift();
    if (chunk) pendingBytes -= chunk.length;
    if (readingPaused && pendingBytes <= STDIN_LOW_WATER) {
      readingPaused = false;
      conn.ws.resume();
    }
    return chunk;
  };
  async function* readStdin(): AsyncGenerator<Buffer> {
    for (;;) {
      const chunk = takeStdin();
      if (chunk) {
        yield chunk;
        continue;
      }
      if (!flags.stdin || stdinClosed || finished) return;
      await new Promise<void>((resolve) => stdinWaiters.push(resolve));
    }
  }

  const finish = (outcome: ExecOutcome): void => {
    if (finished) return;
    finished = true;
    releaseStdin();
    if (dropTimer) clearTimeout(dropTimer);
    running?.kill();
    options.onEnd?.(outcome);
  };

  const send = (channel: typeof STDOUT | typeof STDERR, data: Buffer): boolean => {
    if (finished || data.length === 0) return true;
    if (channel === STDOUT ? !flags.stdout : !flags.stderr) return true;
    // Clients must reassemble output; split the first stdout chunk so a client that assumes one frame fails here.
    if (channel === STDOUT && firstStdoutFrame && data.length > 1) {
      firstStdoutFrame = false;
      const half = Math.floor(data.length / 2);
      conn.write(channel, data.subarray(0, half));
      data = data.subarray(half);
    }
    for (let offset = 0; offset < data.length; offset += MAX_FRAME) conn.write(channel, data.subarray(offset, offset + MAX_FRAME));
    return conn.ws.bufferedAmount < HIGH_WATER;
  };
  const emit: Emit = Object.assign(send, {
    writable: async (): Promise<void> => {
      while (!finished && conn.open && conn.ws.bufferedAmount > LOW_WATER) await new Promise((resolve) => setTimeout(resolve, 5));
    },
  });

  const writeStatus = (status: ExecStatus): void => {
    if (finished) return;
    if (conn.info.jsonStatus) {
      conn.write(STATUS, JSON.stringify(status));
    } else if (status.status === 'Failure') {
      // Pre-v4 protocols: plain-text error message, nothing on success.
      conn.write(STATUS, status.message);
    }
    conn.close();
  };

  conn.ws.on('message', (data: Buffer, isBinary: boolean) => {
    const message = conn.decode(data, isBinary);
    if (!message || finished) return;
    if (message.channel === CLOSE_SIGNAL && conn.info.supportsStreamClose) {
      if (message.payload.length !== 1) {
        // wsstream treats a malformed close signal as a protocol error and drops the connection.
        conn.drop();
        finish({ kind: 'dropped' });
        return;
      }
      if (message.payload[0] === STDIN) {
        stdinClosed = true;
        releaseStdin();
        running?.stdinEnd();
      }
      return;
    }
    if (message.channel === STDIN && flags.stdin) {
      if (running) {
        running.stdinWrite(message.payload);
        return;
      }
      pendingStdin.push(message.payload);
      pendingBytes += message.payload.length;
      releaseStdin();
      if (!readingPaused && pendingBytes > STDIN_HIGH_WATER) {
        readingPaused = true;
        conn.ws.pause();
      }
    }
    // Channel 4 (resize) and unknown channels are ignored, as the real server does.
  });
  conn.ws.on('close', () => finish({ kind: 'client-closed' }));
  conn.ws.on('error', () => finish({ kind: 'client-closed' }));

  // "Connection established": empty frame on the lowest enabled writable channel.
  conn.write(flags.stdout ? STDOUT : flags.stderr ? STDERR : STATUS);

  const joined = context.argv.join(' ');
  if (faults.execDropAfterMs !== undefined && (faults.execDropMatch === undefined || joined.includes(faults.execDropMatch))) {
    dropTimer = setTimeout(() => {
      conn.drop();
      finish({ kind: 'dropped' });
    }, faults.execDropAfterMs);
  }

  void (async () => {
    const binary = posix.basename(context.argv[0] ?? '');
    if (!context.network.hasBinary(context.namespace, context.pod, context.container, binary)) {
      writeStatus(execInternalError(executableNotFound(context.argv[0] ?? '', randomBytes(32).toString('hex'))));
      finish({ kind: 'start-failed' });
      return;
    }
    running = (await fromHandler({ ...options, context: { ...context, stdin: readStdin } }, emit)) ?? startBuiltin(context, emit);
    if (finished) {
      running.kill();
      return;
    }
    for (let chunk = takeStdin(); chunk; chunk = takeStdin()) running.stdinWrite(chunk);
    if (!flags.stdin || stdinClosed) running.stdinEnd();
    const exitCode = await running.done;
    writeStatus(exitCode === 0 ? execSuccess() : execNonZeroExit(context.argv, exitCode));
    finish({ kind: 'exit', exitCode });
  })().catch((error: unknown) => {
    writeStatus(execInternalError(`fake-apiserver exec failed: ${error instanceof Error ? error.message : String(error)}`));
    finish({ kind: 'start-failed' });
  });
}

async function fromHandler(options: ExecSessionOptions, emit: Emit): Promise<Running | undefined> {
  if (!options.handler) return undefined;
  const result = await options.handler(options.context);
  if (!result) return undefined;
  let stream: Readable | undefined;
  const done = (async () => {
    if (Buffer.isBuffer(result.stdout)) {
      emit(STDOUT, result.stdout);
    } else {
      stream = result.stdout as Readable;
      for await (const chunk of stream) {
        if (!emit(STDOUT, Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))) await emit.writable();
      }
    }
    emit(STDERR, Buffer.from(result.stderr, 'utf8'));
    return result.exitCode;
  })();
  return { stdinWrite: () => undefined, stdinEnd: () => undefined, kill: () => stream?.destroy(), done };
}

function startBuiltin(context: ExecContext, emit: Emit): Running {
  const [command = '', ...args] = context.argv;
  const binary = posix.basename(command);
  const resolve = (host: string, port: number): number | undefined => context.network.resolve(context.namespace, context.pod, host, port);
  switch (binary) {
    case 'curl':
      return spawnProcess('/usr/bin/curl', ['-q', ...connectToArgs(args, resolve), ...args], emit, context.network.trustedCaFile ? { CURL_CA_BUNDLE: context.network.trustedCaFile } : {});
    case 'wget':
      return spawnProcess('/usr/bin/wget', wgetArgs(args, resolve), emit);
    case 'sh':
      return runShell(context, args, emit);
    case 'true':
      return immediate(0);
    case 'false':
      return immediate(1);
    case 'echo':
      emit(STDOUT, Buffer.from(`${args.join(' ')}\n`));
      return immediate(0);
    case 'sleep':
      return sleeping(Number(args[0] ?? '0'));
    default:
      emit(STDERR, Buffer.from(`fake-apiserver: no simulation for ${JSON.stringify(binary)}; pass an execHandler\n`));
      return immediate(126);
  }
}

/**
 * `sh -c <script> …` with the host's /bin/sh: its PATH holds only a curl (when the pod has one) that routes like the
 * curl built-in, so the script's own built-ins (read, printf, test) run for real and anything else is "not found".
 */
function runShell(context: ExecContext, args: string[], emit: Emit): Running {
  const bin = mkdtempSync(join(tmpdir(), 'fake-pod-bin-'));
  const { namespace, pod, container, network } = context;
  if (network.hasBinary(namespace, pod, container, 'curl')) {
    const routing = connectToArgs(args, (host, port) => network.resolve(namespace, pod, host, port)).map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`);
    writeFileSync(join(bin, 'curl'), `#!/bin/sh\nexec /usr/bin/curl -q ${routing.join(' ')} "$@"\n`, { mode: 0o755 });
  }
  const running = spawnProcess('/bin/sh', args, emit, { PATH: bin, ...(network.trustedCaFile ? { CURL_CA_BUNDLE: network.trustedCaFile } : {}) });
  void running.done.finally(() => rmSync(bin, { recursive: true, force: true }));
  return running;
}

function immediate(exitCode: number): Running {
  return { stdinWrite: () => undefined, stdinEnd: () => undefined, kill: () => undefined, done: Promise.resolve(exitCode) };
}

/** A command that blocks (for deadline tests) until its time is up or the stream goes away. */
function sleeping(seconds: number): Running {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<number>((resolve) => {
    timer = setTimeout(() => resolve(0), Number.isFinite(seconds) ? seconds * 1000 : 0);
  });
  return { stdinWrite: () => undefined, stdinEnd: () => undefined, kill: () => clearTimeout(timer), done };
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15 };

function spawnProcess(file: string, args: string[], emit: Emit, extraEnv: Record<string, string> = {}): Running {
  // A clean environment: no proxies, no ~/.curlrc, like a container image.
  const child = spawn(file, args, { env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: tmpdir(), LANG: 'C', ...extraEnv }, stdio: ['pipe', 'pipe', 'pipe'] });
  for (const [stream, channel] of [
    [child.stdout, STDOUT],
    [child.stderr, STDERR],
  ] as const) {
    stream.on('data', (chunk: Buffer) => {
      if (emit(channel, chunk)) return;
      stream.pause();
      void emit.writable().then(() => stream.resume());
    });
  }
  child.stdin.on('error', () => undefined);
  const done = new Promise<number>((resolve) => {
    child.on('error', (error) => {
      emit(STDERR, Buffer.from(`${error.message}\n`));
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 0) : 0)));
  });
  return {
    stdinWrite: (data) => child.stdin.write(data),
    stdinEnd: () => child.stdin.end(),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    done,
  };
}
