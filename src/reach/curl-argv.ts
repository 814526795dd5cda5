/**
 * Pure argv builders and output parsers for running HTTP calls inside a pod with curl, or busybox/GNU wget
 * when a pod has no curl. Execution lives in via-exec-curl.ts; everything here is table-tested.
 */
import type { ExecResult } from '../kube/kube-client.js';
import type { HttpRequest, HttpResponse } from './component-http.js';
import { HttpReachError } from './http-reach-error.js';
import type { ReachFailure } from './http-reach-error.js';

/**
 * Marks where the body ends in curl's stdout. curl prints it after the body, on its own line, so the status
 * parses reliably whether or not the body ends with a newline; lastIndexOf keeps a body that happens to
 * contain the marker intact.
 */
export const STATUS_MARKER = '\n__camunda_backup_http_status__:';

export interface ExecHttpArgvOptions {
  /** Full URL, e.g. "http://localhost:9600/actuator/backups". */
  readonly url: string;
  readonly timeoutMs: number;
  /** Ignore HTTP(S)_PROXY from the pod's environment: the target is the pod itself or another pod's IP. */
  readonly noProxy?: boolean | undefined;
}

/** curl argv for one request: silent but with errors, bounded by --max-time, body and status on stdout. */
export function buildCurlArgv(request: HttpRequest, options: ExecHttpArgvOptions): string[] {
  const argv = ['curl', '-sS', '--globoff', '--max-time', seconds(options.timeoutMs), '-X', request.method, '-H', 'Accept: application/json'];
  for (const [name, value] of Object.entries(request.headers ?? {})) argv.push('-H', `${name}: ${value}`);
  if (request.body !== undefined) argv.push('-H', 'Content-Type: application/json', '--data-binary', JSON.stringify(request.body));
  if (options.noProxy) argv.push('--noproxy', '*');
  argv.push('-o', '-', '-w', `${STATUS_MARKER}%{http_code}\n`, options.url);
  return argv;
}

/** curl exit codes that mean "no answer", with what to call them (https://curl.se/libcurl/c/libcurl-errors.html). */
const CURL_FAILURES: Readonly<Record<number, readonly [ReachFailure, string]>> = {
  6: ['dns', 'could not resolve host'],
  7: ['connect', 'connection refused or host unreachable'],
  28: ['timeout', 'timed out'],
  35: ['tls', 'TLS handshake failed'],
  52: ['empty-reply', 'empty reply from server'],
  55: ['connection-lost', 'failed sending data'],
  56: ['connection-lost', 'connection lost while receiving'],
  60: ['tls', 'server certificate not trusted'],
};

/** Status and body from a curl run built by buildCurlArgv; a failed run becomes an HttpReachError quoting curl. */
export function parseCurlOutput(result: ExecResult, description: string): HttpResponse {
  const stdout = result.stdout.toString('utf8');
  if (result.exitCode !== 0) {
    const [reason, what] = CURL_FAILURES[result.exitCode] ?? ['other', 'request failed'];
    throw new HttpReachError(reason, `${description}: ${what} (curl exit ${result.exitCode}${quoteStderr(result.stderr)})`);
  }
  const at = stdout.lastIndexOf(STATUS_MARKER);
  const status = at < 0 ? Number.NaN : Number(stdout.slice(at + STATUS_MARKER.length).trim());
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new HttpReachError('protocol', `${description}: could not read the HTTP status from curl's output${quoteText(stdout.slice(-200))}`);
  }
  return { status, body: stdout.slice(0, at) };
}

/**
 * wget argv for pods without curl, or undefined when wget cannot send the request: busybox wget only does
 * GET and POST (--post-data), not DELETE or PUT. Server headers (-S) go to stderr, where the status is read.
 */
export function buildWgetArgv(request: HttpRequest, options: ExecHttpArgvOptions): string[] | undefined {
  if (request.method !== 'GET' && request.method !== 'POST') return undefined;
  const argv = ['wget', '-S', '-O', '-', '-T', seconds(options.timeoutMs), '--header', 'Accept: application/json'];
  for (const [name, value] of Object.entries(request.headers ?? {})) argv.push('--header', `${name}: ${value}`);
  if (request.method === 'POST') {
    if (request.body !== undefined) argv.push('--header', 'Content-Type: application/json');
    argv.push('--post-data', request.body === undefined ? '' : JSON.stringify(request.body));
  }
  if (options.noProxy) argv.push('-Y', 'off');
  argv.push(options.url);
  return argv;
}

const WGET_STATUS_LINE = /^\s*HTTP\/\d(?:\.\d)?\s+(\d{3})\b/gm;
const WGET_ERROR_STATUS = /server returned error: HTTP\/\d(?:\.\d)?\s+(\d{3})\b/;

/**
 * Status and body from a wget run. wget exits non-zero on HTTP errors (busybox 1, GNU 8) and prints no body
 * then, so an error status comes back with an empty body; no status at all is an HttpReachError.
 */
export function parseWgetOutput(result: ExecResult, description: string): HttpResponse {
  const statuses = [...result.stderr.matchAll(WGET_STATUS_LINE)].map((match) => Number(match[1]));
  const status = statuses.at(-1) ?? Number(WGET_ERROR_STATUS.exec(result.stderr)?.[1] ?? Number.NaN);
  if (Number.isInteger(status) && !(result.exitCode !== 0 && status < 300)) {
    return { status, body: result.exitCode === 0 ? result.stdout.toString('utf8') : '' };
  }
  const [reason, what] = Number.isInteger(status) ? (['connection-lost', 'response cut off'] as const) : classifyWgetError(result.stderr);
  throw new HttpReachError(reason, `${description}: ${what} (wget exit ${result.exitCode}${quoteStderr(result.stderr)})`);
}

function classifyWgetError(stderr: string): readonly [ReachFailure, string] {
  if (/refused|can't connect|unreachable/i.test(stderr)) return ['connect', 'connection refused or host unreachable'];
  if (/timed out/i.test(stderr)) return ['timeout', 'timed out'];
  if (/bad address|unable to resolve|name or service not known/i.test(stderr)) return ['dns', 'could not resolve host'];
  if (/ssl|tls|certificate/i.test(stderr)) return ['tls', 'TLS failed'];
  if (/closed|reset|short read|no response/i.test(stderr)) return ['connection-lost', 'connection lost'];
  return ['other', 'request failed'];
}

/** curl --max-time and wget -T take whole or fractional seconds; round up so a 1.5 s budget is not cut short. */
function seconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/** The last lines of a tool's stderr that say something, not the whole dump. */
function quoteStderr(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !/^(--\d|Connecting to|HTTP request sent|Resolving)/.test(line));
  return lines.length > 0 ? `: ${lines.slice(-3).join(' / ')}` : '';
}

function quoteText(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat === '' ? ' (empty output)' : `: "${flat}"`;
}
