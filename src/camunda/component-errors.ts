/**
 * Every component answers errors in its own shape (camunda-backup-api.md §2); users need the component's words,
 * not "HTTP 400". This reads all the shapes we know and classifies the ones the procedure must branch on.
 */
import { quoteBody } from './responses.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Spring's default error page: the path is not mapped at all (e.g. /actuator/backups on 8.8). */
export function isSpringDefaultError(json: unknown): json is { status: number; error: string; path: string } {
  return isObject(json) && 'timestamp' in json && typeof json['error'] === 'string' && typeof json['path'] === 'string';
}

/** The component's own message from an error body, whatever its shape; a short quote when the shape is unknown. */
export function componentMessage(body: string, status?: number): string {
  const json = parse(body);
  const message = messageFromJson(json);
  if (message !== undefined) return message;
  const quoted = quoteBody(body);
  if (quoted !== '') return quoted;
  return status === undefined ? 'empty response' : `HTTP ${status} with an empty body`;
}

function messageFromJson(json: unknown): string | undefined {
  if (!isObject(json)) return undefined;

  // Exporting endpoint: {"body":{"message":…},"status":500,"contentType":null}
  if ('body' in json && typeof json['status'] === 'number') {
    const inner = json['body'];
    if (isObject(inner)) return text(inner['message']) ?? text(inner['detail']) ?? quoteBody(JSON.stringify(inner));
    if (typeof inner === 'string') return text(inner);
    return undefined;
  }

  // Elasticsearch / OpenSearch: {"error":{"type":…,"reason":…},"status":404}
  const error = json['error'];
  if (isObject(error)) {
    const type = text(error['type']);
    const reason = text(error['reason']);
    if (type && reason) return `${type}: ${reason}`;
    return reason ?? type;
  }

  // Optimize: {"errorCode","errorMessage","detailedMessage"}; the detailed message is the useful one.
  const detailed = text(json['detailedMessage']);
  const optimizeMessage = text(json['errorMessage']);
  if (detailed ?? optimizeMessage) return detailed ?? optimizeMessage;
  if (text(json['errorCode'])) return text(json['errorCode']);

  // Zeebe / 8.8 web apps {"message"}, Operate/Tasklist problem+json {"status","message","instance","type"},
  // RFC 9457 problem detail {"title","detail"}.
  const message = text(json['message']) ?? text(json['detail']);
  if (message) return message;

  if (isSpringDefaultError(json)) return `${json.error}: nothing is mapped at ${json.path}`;
  return text(json['title']) ?? (typeof error === 'string' ? text(error) : undefined);
}

export type BackupErrorKind =
  /** No backup with that id (WA, Optimize, Zeebe). */
  | 'not-found'
  /** The snapshot repository is not configured or does not exist in ES/OS. */
  | 'no-repository'
  /** Zeebe has no backup store configured. */
  | 'no-backup-store'
  /** The id is taken or (Zeebe) not higher than the latest. */
  | 'id-conflict'
  /** The endpoint itself does not exist (Spring default 404). */
  | 'endpoint-absent'
  | 'other';

const NO_REPOSITORY = [
  /no backup repository configured/i,
  /no repository with name/i,
  /no (elasticsearch |opensearch )?snapshot repository name/i,
  /repository_missing_exception/i,
];
const NO_STORE = [/no backup store is configured/i];
const NOT_FOUND = [
  /no backup with id/i,
  /no optimize backup with id/i,
  /backup with id \S+ does not exist/i,
  /snapshot_missing_exception/i,
];
const ID_CONFLICT = [/already exists/i, /the latest backup has id/i, /invalid_snapshot_name_exception/i];

/**
 * What an error answer means, judged by status AND message: the same condition comes back as 400, 404 or 500
 * depending on component and patch level (§12.2), so the status alone misleads.
 */
export function classifyBackupError(status: number, body: string): BackupErrorKind {
  const json = parse(body);
  if (status === 404 && isSpringDefaultError(json)) return 'endpoint-absent';
  const message = messageFromJson(json) ?? body;
  if (NO_REPOSITORY.some((pattern) => pattern.test(message))) return 'no-repository';
  if (NO_STORE.some((pattern) => pattern.test(message))) return 'no-backup-store';
  if (status === 409 || ID_CONFLICT.some((pattern) => pattern.test(message))) return 'id-conflict';
  if (NOT_FOUND.some((pattern) => pattern.test(message))) return 'not-found';
  return 'other';
}

/** "The latest backup has id 1700000000" → 1700000000 (Zeebe 409), so the hint can name it. */
export function latestIdFromConflict(message: string): number | undefined {
  const match = /latest backup has id (\d+)/i.exec(message);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
