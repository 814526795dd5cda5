/**
 * Plumbing shared by every simulator: one Node HTTP(S) server on 127.0.0.1:0 per simulated pod port, request
 * logging, HTTP fault injection, and the Spring Boot default answers that real management ports give.
 */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { takeHttpFault } from './faults.js';
import type { SimFaults } from './faults.js';
import type { RequestLog } from './request-log.js';

export interface SimHttpRequest {
  readonly method: string;
  /** Path below the base path, without query, e.g. "/actuator/backups/5". */
  readonly path: string;
  /** Path as sent (base path included), without query; Spring error bodies echo this. */
  readonly fullPath: string;
  /** The request target as sent (path and query, still encoded); absent when a test calls a handler directly. */
  readonly target?: string | undefined;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Host header (used to build HAL links). */
  readonly host: string;
}

export interface SimResponse {
  status: number;
  /** Serialised as JSON unless `text` is given. */
  body?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Answer only after this many milliseconds (e.g. ES wait_for_completion). */
  delayMs?: number;
  /** Body computed when the answer is sent (after delayMs), for answers that describe state at that moment. */
  lateBody?: () => unknown;
}

export type SimHandler = (request: SimHttpRequest) => SimResponse | Promise<SimResponse>;

/** The component's own error body for an injected failure. */
export type ErrorShape = (status: number, message: string, request: SimHttpRequest) => SimResponse;

export interface SimServerOptions {
  readonly component: string;
  readonly pod: string;
  readonly handler: SimHandler;
  readonly log: RequestLog;
  readonly faults: SimFaults;
  readonly errorShape: ErrorShape;
  /** Spring `management.server.base-path`; paths outside it get the Spring 404. */
  readonly basePath?: string | undefined;
  readonly tls?: { cert: string; key: string } | undefined;
}

export interface SimServer {
  readonly component: string;
  readonly pod: string;
  readonly port: number;
  close(): Promise<void>;
}

export function springTimestamp(date = new Date()): string {
  return date.toISOString().replace('Z', '+00:00');
}

/** Spring Boot's default error body (BasicErrorController), e.g. for an endpoint that does not exist. */
export function springError(status: number, fullPath: string): SimResponse {
  const reason: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error' };
  return { status, body: { timestamp: springTimestamp(), status, error: reason[status] ?? 'Error', path: fullPath } };
}

export const json = (status: number, body: unknown, contentType?: string): SimResponse => ({ status, body, ...(contentType ? { contentType } : {}) });

export const INVALID_JSON: unique symbol = Symbol('invalid-json');

/** undefined for an empty body, INVALID_JSON when it does not parse. */
export function parseJsonBody(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return INVALID_JSON;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export async function startSimServer(options: SimServerOptions): Promise<SimServer> {
  const sockets = new Set<Socket>();
  let closed = false;
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const at = Date.now();
    const rawUrl = req.url ?? '/';
    const body = await readBody(req);
    const url = new URL(rawUrl, 'http://sim.local');
    const method = (req.method ?? 'GET').toUpperCase();
    const entry = { at, component: options.component, pod: options.pod, method, path: rawUrl, body, status: 0 };
    options.log.push(entry);
    const fullPath = decodeURIComponent(url.pathname);
    const inBase = basePath === '' || fullPath === basePath || fullPath.startsWith(`${basePath}/`);
    const request: SimHttpRequest = {
      method,
      path: inBase ? fullPath.slice(basePath.length) || '/' : fullPath,
      fullPath,
      target: rawUrl,
      query: url.searchParams,
      headers: req.headers,
      body,
      host: req.headers.host ?? '127.0.0.1',
    };

    const fault = takeHttpFault(options.faults, { component: options.component, pod: options.pod, method, path: rawUrl });
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.action === 'close') {
      req.socket.destroy();
      return;
    }
    if (fault?.action === 'hang' || closed) return;

    let response: SimResponse;
    if (fault?.status !== undefined) {
      response =
        fault.body !== undefined
          ? { status: fault.status, body: fault.body }
          : options.errorShape(fault.status, fault.message ?? `Injected failure (HTTP ${fault.status})`, request);
    } else if (!inBase) {
      response = springError(404, fullPath);
    } else {
      try {
        response = await options.handler(request);
      } catch (error) {
        response = options.errorShape(500, error instanceof Error ? error.message : String(error), request);
      }
    }
    if (response.delayMs) await sleep(response.delayMs);
    if (closed || res.destroyed) return;
    entry.status = response.status;
    const answer = response.lateBody ? response.lateBody() : response.body;
    const payload = response.text ?? (answer === undefined ? '' : JSON.stringify(answer));
    const headers: Record<string, string> = { ...(response.headers ?? {}) };
    if (payload !== '') headers['content-type'] = response.contentType ?? (response.text !== undefined ? 'text/plain; charset=UTF-8' : 'application/json');
    res.writeHead(response.status, headers);
    res.end(payload);
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
  const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createHttpServer(listener);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  if (options.tls) {
    server.on('secureConnection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    component: options.component,
    pod: options.pod,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
