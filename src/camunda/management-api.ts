/**
 * What we say to Camunda's management APIs (camunda-backup-api.md §3): backups of the web apps, Optimize and Zeebe,
 * exporting pause/resume, the actuator index and the 8.9 runtime state. Knows nothing about transports: it sends
 * HttpRequests through a ComponentHttp and reads bodies through the schemas in responses.ts.
 */
import type { Reporter } from '../events.js';
import type { ComponentHttp, HttpRequest, HttpResponse } from '../reach/component-http.js';
import { CliError } from '../errors.js';
import { classifyBackupError, componentMessage, type BackupErrorKind } from './component-errors.js';
import {
  ActuatorIndexSchema,
  ExportingResponseSchema,
  HealthSchema,
  parseJsonBody,
  PartitionsSchema,
  RuntimeStateSchema,
  ScheduledMessageSchema,
  ScheduledSnapshotsSchema,
  WebappBackupListSchema,
  WebappBackupSchema,
  ZeebeBackupListSchema,
  ZeebeBackupSchema,
  type Health,
  type PartitionStatus,
  type RuntimeState,
  type WebappBackup,
  type ZeebeBackup,
} from './responses.js';

/** One channel plus what every call on it needs: where events go and when to stop waiting. */
export interface ApiContext {
  readonly http: ComponentHttp;
  readonly emit: Reporter;
  /** Aborting abandons an in-flight request at once (the transport may finish it in the background). */
  readonly signal?: AbortSignal | undefined;
  /** Secret headers (Elasticsearch credentials); sent, never logged. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Default per-request deadline. */
  readonly requestTimeoutMs?: number | undefined;
}

/** A non-2xx answer, carrying the component's own message and what it means for the procedure. */
export class ComponentHttpError extends Error {
  readonly status: number;
  readonly componentMessage: string;
  readonly kind: BackupErrorKind;
  readonly method: string;
  readonly path: string;
  constructor(request: Pick<HttpRequest, 'method' | 'path'>, response: HttpResponse) {
    const message = componentMessage(response.body, response.status);
    super(`${message} (HTTP ${response.status} from ${request.method} ${request.path})`);
    this.name = 'ComponentHttpError';
    this.status = response.status;
    this.componentMessage = message;
    this.kind = classifyBackupError(response.status, response.body);
    this.method = request.method;
    this.path = request.path;
  }
}

/** Pause or resume answered HTTP 200 but its body said no (status 500). */
export class ExportingError extends Error {
  readonly bodyStatus: number | undefined;
  constructor(operation: 'pause' | 'resume', message: string, bodyStatus?: number) {
    super(`exporting ${operation} failed: ${message}`);
    this.name = 'ExportingError';
    this.bodyStatus = bodyStatus;
  }
}

/** Settles with the promise, or rejects with the signal's reason as soon as it aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  // The abandoned request may still reject later; nobody listens any more.
  promise.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason as unknown);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as unknown);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

/** Sends one request and emits its 'http' event (method, path, status, via, duration; never headers or bodies). */
export async function send(context: ApiContext, request: HttpRequest): Promise<HttpResponse> {
  const started = performance.now();
  const full: HttpRequest = {
    ...request,
    headers: context.headers || request.headers ? { ...context.headers, ...request.headers } : undefined,
    timeoutMs: request.timeoutMs ?? context.requestTimeoutMs,
  };
  const event = (status: number): void =>
    context.emit({
      kind: 'http',
      method: request.method,
      path: request.path,
      status,
      via: context.http.description,
      durationMs: Math.round(performance.now() - started),
    });
  try {
    const response = await abortable(context.http.request(full), context.signal);
    event(response.status);
    return response;
  } catch (error) {
    // status 0: no answer (transport failure or abandoned on abort)
    event(0);
    throw error;
  }
}

/** Like send, but a non-2xx answer throws a ComponentHttpError with the component's own message. */
export async function sendOk(context: ApiContext, request: HttpRequest): Promise<HttpResponse> {
  const response = await send(context, request);
  if (response.status < 200 || response.status > 299) throw new ComponentHttpError(request, response);
  return response;
}

export interface TakeBackupResult {
  /** Operate/Tasklist/backupHistory: snapshot names to keep for restore. */
  readonly scheduledSnapshots?: readonly string[] | undefined;
  /** Optimize/Zeebe: the scheduling sentence. */
  readonly message?: string | undefined;
  /** 8.9 continuous mode: the id the cluster generated, when the body carries it. */
  readonly backupId?: number | undefined;
  /** 8.10 backupRuntime: the id each Physical Tenant took (`default` only, without Physical Tenants). */
  readonly backupIds?: Readonly<Record<string, number>> | undefined;
}

export interface ManagementApi {
  readonly via: string;
  /** Link names of `GET <base>/actuator`, or undefined when the index is not readable (not exposed, not HAL). */
  actuatorLinks(): Promise<readonly string[] | undefined>;
  /** POST a backup; `backupId` undefined sends no body (8.9 continuous mode). */
  takeBackup(collectionPath: string, backupId: number | undefined): Promise<TakeBackupResult>;
  webappBackup(collectionPath: string, backupId: number): Promise<WebappBackup>;
  webappBackups(collectionPath: string): Promise<readonly WebappBackup[]>;
  zeebeBackup(collectionPath: string, backupId: number): Promise<ZeebeBackup>;
  zeebeBackups(collectionPath: string): Promise<readonly ZeebeBackup[]>;
  deleteBackup(collectionPath: string, backupId: number): Promise<void>;
  /** Resolves only on body status 204; throws ExportingError otherwise. */
  pauseExporting(path: string): Promise<void>;
  resumeExporting(path: string): Promise<void>;
  /** 8.9: `GET <collectionPath>/state`. */
  runtimeState(collectionPath: string): Promise<RuntimeState>;
}

/**
 * A management API client for one component. Paths are relative to the management base (e.g.
 * "/actuator/backups"); `basePath` is the component's context path ("" or "/operate").
 */
export function managementApi(context: ApiContext, basePath: string): ManagementApi {
  const at = (path: string): string => `${basePath}${path}`;

  async function get(path: string): Promise<HttpResponse> {
    return sendOk(context, { method: 'GET', path: at(path) });
  }

  async function exporting(operation: 'pause' | 'resume', path: string): Promise<void> {
    const request: HttpRequest = { method: 'POST', path: at(path) };
    const response = await send(context, request);
    // Judge by the body: the endpoint answers HTTP 200 for failures too (§3.5); a real 4xx/5xx is a failure as well.
    if (response.status < 200 || response.status > 299) {
      throw new ExportingError(operation, `${componentMessage(response.body, response.status)} (HTTP ${response.status})`);
    }
    const body = parseJsonBody(ExportingResponseSchema, response.body, `exporting ${operation}`);
    if (body.status !== 204) {
      throw new ExportingError(operation, `${componentMessage(response.body)} (status ${body.status} in the body)`, body.status);
    }
  }

  return {
    via: context.http.description,

    async actuatorLinks() {
      let response: HttpResponse;
      try {
        response = await send(context, { method: 'GET', path: at('/actuator') });
      } catch (error) {
        // No answer at all (forbidden, refused, no curl) is not "no endpoint index": say why, not that it lists nothing.
        if (context.signal?.aborted || error instanceof CliError) throw error;
        return undefined;
      }
      if (response.status !== 200) return undefined;
      try {
        return Object.keys(parseJsonBody(ActuatorIndexSchema, response.body, 'GET /actuator')._links);
      } catch {
        return undefined;
      }
    },

    async takeBackup(collectionPath, backupId) {
      const request: HttpRequest =
        backupId === undefined ? { method: 'POST', path: at(collectionPath) } : { method: 'POST', path: at(collectionPath), body: { backupId } };
      const response = await sendOk(context, request);
      if (response.body.trim() === '') return {};
      const json = safeJson(response.body);
      const snapshots = ScheduledSnapshotsSchema.safeParse(json);
      if (snapshots.success) return { scheduledSnapshots: snapshots.data.scheduledSnapshots };
      const message = ScheduledMessageSchema.safeParse(json);
      if (message.success) {
        const { message: sentence, backupId, backupIds } = message.data;
        return { message: sentence ?? undefined, backupId: backupId ?? backupIds?.['default'] ?? undefined, backupIds: backupIds ?? undefined };
      }
      // A 2xx is an acceptance whatever its body says; keep the words for the report.
      return { message: componentMessage(response.body) };
    },

    async webappBackup(collectionPath, backupId) {
      const path = `${collectionPath}/${backupId}`;
      return parseJsonBody(WebappBackupSchema, (await get(path)).body, `GET ${at(path)}`);
    },

    async webappBackups(collectionPath) {
      return parseJsonBody(WebappBackupListSchema, (await get(collectionPath)).body, `GET ${at(collectionPath)}`);
    },

    async zeebeBackup(collectionPath, backupId) {
      const path = `${collectionPath}/${backupId}`;
      return parseJsonBody(ZeebeBackupSchema, (await get(path)).body, `GET ${at(path)}`);
    },

    async zeebeBackups(collectionPath) {
      return parseJsonBody(ZeebeBackupListSchema, (await get(collectionPath)).body, `GET ${at(collectionPath)}`);
    },

    async deleteBackup(collectionPath, backupId) {
      await sendOk(context, { method: 'DELETE', path: at(`${collectionPath}/${backupId}`) });
    },

    pauseExporting: (path) => exporting('pause', path),
    resumeExporting: (path) => exporting('resume', path),

    async runtimeState(collectionPath) {
      const path = `${collectionPath}/state`;
      return parseJsonBody(RuntimeStateSchema, (await get(path)).body, `GET ${at(path)}`);
    },
  };
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

// --------------------------------------------------------------------------------------------------------------
// Read-only calls of the operating commands (status, list, check). Standalone so existing fakes of ManagementApi
// stay complete.

/**
 * `GET <base>/actuator/health`. Spring answers 503 with the same body when the application is DOWN, so the body's
 * status decides, not the HTTP code; a body without a status throws.
 */
export async function readHealth(context: ApiContext, basePath: string): Promise<Health & { readonly httpStatus: number }> {
  const path = `${basePath}/actuator/health`;
  const response = await send(context, { method: 'GET', path });
  const parsed = HealthSchema.safeParse(safeJson(response.body));
  if (!parsed.success) throw new ComponentHttpError({ method: 'GET', path }, response);
  return { ...parsed.data, httpStatus: response.status };
}

/** `GET <base>/actuator/partitions` of one broker: the partitions it holds, with their exporter phase (§3.5). */
export async function readPartitions(context: ApiContext, basePath: string): Promise<Readonly<Record<string, PartitionStatus>>> {
  const path = `${basePath}/actuator/partitions`;
  const response = await sendOk(context, { method: 'GET', path });
  return parseJsonBody(PartitionsSchema, response.body, `GET ${path}`);
}
