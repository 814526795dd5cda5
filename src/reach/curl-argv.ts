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

/** One curl run: its argv, and the request's secrets as curl config lines for its stdin, never its argv. */
export interface CurlCommand {
  readonly argv: string[];
  /**
   * `header = "Authorization: …"` and `user = "…"` lines (the request's headers and any user:password@ of the URL).
   * When present, argv reads them with `--config -`: the exec request's URL, which API server audit logs record,
   * carries no credential. curl reads its config up to the end of stdin before it connects anywhere.
   */
  readonly secretConfig?: string | undefined;
}

/** curl argv for one request: silent but with errors, bounded by --max-time, body and status on stdout. */
export function buildCurlCommand(request: HttpRequest, options: ExecHttpArgvOptions): CurlCommand {
  const { url, user } = splitUserInfo(options.url);
  const secrets = [
    ...Object.entries(request.headers ?? {}).map(([name, value]) => `header = ${curlConfigString(`${name}: ${value}`)}`),
    ...(user === undefined ? [] : [`user = ${curlConfigString(user)}`]),
  ];
  const argv = ['curl', '-sS', '--globoff', '--max-time', seconds(options.timeoutMs), '-X', request.method, '-H', 'Accept: application/json'];
  if (secrets.length > 0) argv.push('--config', '-');
  if (request.body !== undefined) argv.push('-H', 'Content-Type: application/json', '--data-binary', JSON.stringify(request.body));
  if (options.noProxy) argv.push('--noproxy', '*');
  argv.push('-o', '-', '-w', `${STATUS_MARKER}%{http_code}\n`, url);
  return secrets.length > 0 ? { argv, secretConfig: `${secrets.join('\n')}\n` } : { argv };
}

/**
 * A curl config string (https://curl.se/docs/manpage.html#-K): double-quoted, with backslash and quote escaped. A
 * line break would start another option, so a value with one is refused rather than sent.
 */
export function curlConfigString(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error('a header or credential for curl contains a line break');
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** "https://user:pw@host/x" → the URL without user:pw@, and "user:pw" decoded for curl's --user. */
function splitUserInfo(raw: string): { url: string; user?: string } {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i.exec(raw);
  if (!match) return { url: raw };
  const [whole, scheme = '', userInfo = ''] = match;
  const [name = '', ...rest] = userInfo.split(':');
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const user = rest.length > 0 ? `${decode(name)}:${decode(rest.join(':'))}` : decode(name);
  return { url: scheme + raw.slice(whole.length), user };
}

/** The line that ends the secrets on a stdin that cannot be closed (see curlReadingOpenStdin); not curl syntax. */
export const SECRETS_END = '#camunda-backup:end-of-config';

/**
 * For an exec protocol that cannot end stdin (v4): a shell in the pod passes stdin on to curl line by line up to
 * SECRETS_END and then closes curl's stdin itself. The secrets travel on stdin and through shell built-ins
 * (read, printf) only, so no argv in the pod or in the exec request holds them. The pipeline's status is curl's;
 * 127 with "not found" on stderr means the pod has a shell but no curl.
 */
export function curlReadingOpenStdin(command: CurlCommand): { argv: string[]; stdin: Buffer } | undefined {
  if (command.secretConfig === undefined) return undefined;
  const script = `while IFS= read -r line && [ "$line" != '${SECRETS_END}' ]; do printf '%s\\n' "$line"; done | "$@"`;
  return { argv: ['sh', '-c', script, 'sh', ...command.argv], stdin: Buffer.from(`${command.secretConfig}${SECRETS_END}\n`, 'utf8') };
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
 * Why wget cannot make this call, or undefined when it can: busybox wget only does GET and POST (--post-data), and
 * takes headers only on its command line, so a call with credentials (any extra header, or user:password@ in the
 * URL) is curl's alone.
 */
export function wgetCannot(request: HttpRequest, url: string): string | undefined {
  if (Object.keys(request.headers ?? {}).length > 0 || splitUserInfo(url).user !== undefined) return 'cannot take credentials off its command line';
  if (request.method !== 'GET' && request.method !== 'POST') return `cannot send ${request.method} requests`;
  return undefined;
}

/**
 * wget argv for pods without curl, or undefined when wget cannot send the request (wgetCannot). Server headers
 * (-S) go to stderr, where the status is read.
 */
export function buildWgetArgv(request: HttpRequest, options: ExecHttpArgvOptions): string[] | undefined {
  if (wgetCannot(request, options.url) !== undefined) return undefined;
  const argv = ['wget', '-S', '-O', '-', '-T', seconds(options.timeoutMs), '--header', 'Accept: application/json'];
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
