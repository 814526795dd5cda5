/**
 * HTTP face of the snapshot-based backups: Operate and Tasklist 8.6/8.7 (`/actuator/backups`, problem+json errors
 * with their own status quirks), the 8.8/8.9 web-app `/actuator/backupHistory` (`{message}` errors) and Optimize
 * (`/actuator/backups`, 202, `{errorCode, errorMessage, detailedMessage}` errors).
 */
import { randomUUID } from 'node:crypto';
import { INVALID_JSON, json, parseJsonBody, springError } from './http-sim.js';
import type { SimHttpRequest, SimResponse } from './http-sim.js';
import { BackupError } from './snapshot-backups.js';
import type { BackupFailure, SnapshotBackups } from './snapshot-backups.js';

export type WebappStyle = 'operate' | 'tasklist' | 'webapps' | 'optimize';

export interface WebappQuirks {
  /** Status for GET of an unknown id. Operate answered 400 and Tasklist 500 before the 2025/2026 patch fixes. */
  notFoundStatus: number;
}

export function defaultQuirks(style: WebappStyle, minor: string): WebappQuirks {
  if (style === 'operate') return { notFoundStatus: minor === '8.6' ? 400 : 404 };
  if (style === 'tasklist') return { notFoundStatus: minor === '8.6' ? 500 : 404 };
  return { notFoundStatus: 404 };
}

const OPTIMIZE_ERROR_CODES: Record<number, string> = { 400: 'badRequestError', 404: 'notFoundError', 409: 'conflictError', 500: 'serverError', 502: 'elasticsearchConnectionError' };

/** The component's own error body for a status and message. */
export function webappErrorBody(style: WebappStyle, status: number, message: string, exceptionType = 'InternalAPIException'): SimResponse {
  switch (style) {
    case 'operate':
      return json(status, { status, message, instance: randomUUID(), type: exceptionType }, 'application/problem+json');
    case 'tasklist':
      return json(status, { status, message, instance: randomUUID() }, 'application/problem+json');
    case 'webapps':
      return json(status, { message });
    case 'optimize':
      return json(status, { errorCode: OPTIMIZE_ERROR_CODES[status] ?? 'serverError', errorMessage: message, detailedMessage: message, reportDefinition: null });
  }
}

function statusFor(style: WebappStyle, failure: BackupFailure, quirks: WebappQuirks): number {
  if (failure.kind === 'notFound') return quirks.notFoundStatus;
  if (style === 'operate') return 400; // the v1 ErrorController's catch-all wins over @ResponseStatus
  switch (failure.kind) {
    case 'badId':
    case 'duplicate':
    case 'running':
      return style === 'optimize' && failure.kind === 'duplicate' ? 409 : 400;
    case 'repoUnset':
      return style === 'tasklist' ? 404 : 400;
    case 'repoMissing':
      return style === 'optimize' ? 500 : 404;
    case 'searchDown':
      return 502;
  }
}

const EXCEPTION_TYPES: Record<BackupFailure['kind'], string> = {
  badId: 'InvalidRequestException',
  duplicate: 'InvalidRequestException',
  running: 'InvalidRequestException',
  repoUnset: 'NotFoundException',
  repoMissing: 'NotFoundException',
  notFound: 'NotFoundException',
  searchDown: 'OperateElasticsearchConnectionException',
};

function parseBackupId(style: WebappStyle, body: string): number | BackupFailure {
  const parsed = parseJsonBody(body);
  const raw = parsed && parsed !== INVALID_JSON && typeof parsed === 'object' ? (parsed as Record<string, unknown>)['backupId'] : undefined;
  const id = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : undefined;
  if (id === undefined || !Number.isInteger(id)) {
    return { kind: 'badId', message: style === 'optimize' ? 'Could not parse backup request: backupId must not be null.' : 'BackupId must be provided' };
  }
  const minimum = style === 'webapps' || style === 'optimize' ? 1 : 0;
  if (id < minimum) {
    return {
      kind: 'badId',
      message: style === 'optimize' ? `Could not parse backup request: backupId must be a positive number, got ${id}.` : `BackupId must be a non-negative Integer. Received value: ${id}`,
    };
  }
  return id;
}

/**
 * Routes for one endpoint id (`backups` or `backupHistory`). Returns undefined for paths that are not its own,
 * so the caller can fall through to other endpoints or the Spring 404.
 */
export function webappBackupRoutes(options: { style: WebappStyle; endpoint: 'backups' | 'backupHistory'; backups: SnapshotBackups; pod: string; quirks: WebappQuirks }) {
  const { style, endpoint, backups, pod, quirks } = options;
  const prefix = `/actuator/${endpoint}`;
  const fail = (failure: BackupFailure): SimResponse => webappErrorBody(style, statusFor(style, failure, quirks), failure.message, EXCEPTION_TYPES[failure.kind]);
  const guarded = (fn: () => SimResponse): SimResponse => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof BackupError) return fail(error.failure);
      throw error;
    }
  };

  return (request: SimHttpRequest): SimResponse | undefined => {
    if (request.path !== prefix && !request.path.startsWith(`${prefix}/`)) return undefined;
    const rest = request.path.slice(prefix.length).replace(/^\//, '');
    if (rest === '') {
      if (request.method === 'POST') {
        const id = parseBackupId(style, request.body);
        if (typeof id !== 'number') return fail(id);
        return guarded(() => {
          const scheduledSnapshots = backups.take(pod, id);
          return style === 'optimize'
            ? json(202, { message: `Backup creation for ID ${id} has been scheduled. Use the GET API to monitor completion of backup process` })
            : json(200, { scheduledSnapshots });
        });
      }
      if (request.method === 'GET') return guarded(() => json(200, backups.list(pod)));
      return springError(405, request.fullPath);
    }
    if (!/^\d+$/.test(rest)) {
      return style === 'webapps' ? springError(400, request.fullPath) : webappErrorBody(style, 400, `Failed to convert value of type 'java.lang.String' to required type 'java.lang.Long'; For input string: "${rest}"`, 'MethodArgumentTypeMismatchException');
    }
    const id = Number(rest);
    if (request.method === 'GET') return guarded(() => json(200, backups.get(pod, id)));
    if (request.method === 'DELETE') {
      return guarded(() => {
        backups.delete(id);
        return { status: 204 };
      });
    }
    return springError(405, request.fullPath);
  };
}
