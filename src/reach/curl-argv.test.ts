import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ExecResult } from '../kube/kube-client.js';
import type { HttpRequest } from './component-http.js';
import { SECRETS_END, STATUS_MARKER, buildCurlCommand, buildWgetArgv, curlConfigString, curlReadingOpenStdin, parseCurlOutput, parseWgetOutput, wgetCannot } from './curl-argv.js';
import { HttpReachError } from './http-reach-error.js';

/** The error fn throws, so assertions on it need no conditional expect. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const result = (stdout: string, exitCode = 0, stderr = ''): ExecResult => ({ stdout: Buffer.from(stdout, 'utf8'), stderr, exitCode });
const url = 'http://localhost:9600/actuator/backups';

describe('buildCurlCommand', () => {
  it.each<[string, HttpRequest, { noProxy?: boolean; timeoutMs?: number }, string[]]>([
    [
      'GET without body: no content-type, no data',
      { method: 'GET', path: '/actuator/backups' },
      {},
      ['curl', '-sS', '--globoff', '--max-time', '30', '-X', 'GET', '-H', 'Accept: application/json', '-o', '-', '-w', `${STATUS_MARKER}%{http_code}\n`, url],
    ],
    [
      'POST with a JSON body adds content-type and --data-binary',
      { method: 'POST', path: '/actuator/backups', body: { backupId: 7 } },
      {},
      [
        'curl', '-sS', '--globoff', '--max-time', '30', '-X', 'POST', '-H', 'Accept: application/json',
        '-H', 'Content-Type: application/json', '--data-binary', '{"backupId":7}',
        '-o', '-', '-w', `${STATUS_MARKER}%{http_code}\n`, url,
      ],
    ],
    [
      'headers (credentials) are read from stdin with --config -, and in-cluster targets ignore proxies',
      { method: 'DELETE', path: '/x', headers: { Authorization: 'Basic c2VjcmV0' } },
      { noProxy: true, timeoutMs: 1500 },
      [
        'curl', '-sS', '--globoff', '--max-time', '2', '-X', 'DELETE', '-H', 'Accept: application/json',
        '--config', '-', '--noproxy', '*', '-o', '-', '-w', `${STATUS_MARKER}%{http_code}\n`, url,
      ],
    ],
  ])('%s', (_name, request, options, expected) => {
    expect(buildCurlCommand(request, { url, timeoutMs: options.timeoutMs ?? 30_000, noProxy: options.noProxy }).argv).toEqual(expected);
  });

  it('puts every header into the config for stdin, none into argv; no config without secrets', () => {
    const command = buildCurlCommand({ method: 'GET', path: '/', headers: { Authorization: 'Basic c2VjcmV0', 'X-Key': 'k"1\\' } }, { url, timeoutMs: 1000 });
    expect(command.secretConfig).toBe('header = "Authorization: Basic c2VjcmV0"\nheader = "X-Key: k\\"1\\\\"\n');
    expect(command.argv.join(' ')).not.toMatch(/c2VjcmV0|X-Key/);
    expect(buildCurlCommand({ method: 'GET', path: '/' }, { url, timeoutMs: 1000 }).secretConfig).toBeUndefined();
  });

  it('moves user:password@ of a URL into the config (decoded), off the command line', () => {
    const command = buildCurlCommand({ method: 'GET', path: '/' }, { url: 'https://elastic:p%40ss:w@es.example.com:9243/_snapshot', timeoutMs: 1000 });
    expect(command.argv.at(-1)).toBe('https://es.example.com:9243/_snapshot');
    expect(command.argv).toContain('--config');
    expect(command.secretConfig).toBe('user = "elastic:p@ss:w"\n');
    expect(command.argv.join(' ')).not.toContain('elastic');
  });

  it('refuses a value with a line break instead of letting it start another curl option', () => {
    expect(() => curlConfigString('Basic x\nurl = "http://evil"')).toThrow(/line break/);
    expect(curlConfigString('a "b" \\c')).toBe('"a \\"b\\" \\\\c"');
  });

  it('always bounds curl with --max-time, at least one second', () => {
    const argv = buildCurlCommand({ method: 'GET', path: '/' }, { url, timeoutMs: 10 }).argv;
    expect(argv.slice(argv.indexOf('--max-time'), argv.indexOf('--max-time') + 2)).toEqual(['--max-time', '1']);
  });
});

describe('parseCurlOutput', () => {
  it.each<[string, string, number, string]>([
    ['a JSON body with a trailing newline', `{"state":"COMPLETED"}\n${STATUS_MARKER}200\n`, 200, '{"state":"COMPLETED"}\n'],
    ['a body without a trailing newline', `{"state":"COMPLETED"}${STATUS_MARKER}200\n`, 200, '{"state":"COMPLETED"}'],
    ['an empty body', `${STATUS_MARKER}204\n`, 204, ''],
    ['an error status with the component message', `{"message":"backup 5 not found"}${STATUS_MARKER}404\n`, 404, '{"message":"backup 5 not found"}'],
    ['a body that itself contains the marker text', `a${STATUS_MARKER}999 b${STATUS_MARKER}500\n`, 500, `a${STATUS_MARKER}999 b`],
    ['a multi-line body', `line1\nline2${STATUS_MARKER}200`, 200, 'line1\nline2'],
  ])('reads %s', (_name, stdout, status, body) => {
    expect(parseCurlOutput(result(stdout), 'exec pod/p:9600')).toEqual({ status, body });
  });

  it.each<[number, string, string]>([
    [7, 'connect', 'curl: (7) Failed to connect to localhost port 9600 after 0 ms: Connection refused'],
    [28, 'timeout', 'curl: (28) Operation timed out after 30001 milliseconds with 0 bytes received'],
    [52, 'empty-reply', 'curl: (52) Empty reply from server'],
    [56, 'connection-lost', 'curl: (56) Recv failure: Connection reset by peer'],
    [6, 'dns', 'curl: (6) Could not resolve host: camunda-elasticsearch'],
    [3, 'other', 'curl: (3) URL using bad/illegal format or missing URL'],
  ])('turns curl exit %i into a %s error quoting curl', (exitCode, reason, stderr) => {
    const error = thrownBy(() => parseCurlOutput(result('', exitCode, stderr), 'exec pod/p:9600'));
    expect(error).toBeInstanceOf(HttpReachError);
    expect(error).toMatchObject({ reason, exitCode: 3 });
    expect((error as Error).message).toContain(stderr);
    expect((error as Error).message).toContain('exec pod/p:9600');
  });

  it('rejects output without a status line instead of guessing', () => {
    expect(() => parseCurlOutput(result('{"partial":'), 'exec pod/p:9600')).toThrow(/could not read the HTTP status.*partial/);
  });
});

describe('buildWgetArgv', () => {
  it('sends GET with the status on stderr (-S)', () => {
    expect(buildWgetArgv({ method: 'GET', path: '/x' }, { url, timeoutMs: 5000, noProxy: true })).toEqual([
      'wget', '-S', '-O', '-', '-T', '5', '--header', 'Accept: application/json', '-Y', 'off', url,
    ]);
  });

  it('never carries credentials: wget takes headers only on its command line', () => {
    expect(buildWgetArgv({ method: 'GET', path: '/x', headers: { Authorization: 'Bearer t' } }, { url, timeoutMs: 5000 })).toBeUndefined();
    expect(buildWgetArgv({ method: 'GET', path: '/x' }, { url: 'http://u:p@es:9200/x', timeoutMs: 5000 })).toBeUndefined();
    expect(wgetCannot({ method: 'GET', path: '/x', headers: { Authorization: 'Bearer t' } }, url)).toBe('cannot take credentials off its command line');
  });

  it('sends POST through --post-data, empty when there is no body', () => {
    expect(buildWgetArgv({ method: 'POST', path: '/x', body: { backupId: 3 } }, { url, timeoutMs: 5000 })).toEqual([
      'wget', '-S', '-O', '-', '-T', '5', '--header', 'Accept: application/json', '--header', 'Content-Type: application/json', '--post-data', '{"backupId":3}', url,
    ]);
    expect(buildWgetArgv({ method: 'POST', path: '/x' }, { url, timeoutMs: 5000 })).toContain('--post-data');
  });

  it.each(['DELETE', 'PUT'] as const)('cannot send %s (busybox wget has no --method)', (method) => {
    expect(buildWgetArgv({ method, path: '/x' }, { url, timeoutMs: 5000 })).toBeUndefined();
  });
});

describe('parseWgetOutput', () => {
  const busybox200 = "Connecting to localhost:9600 (127.0.0.1:9600)\n  HTTP/1.1 200 \n  Content-Type: application/json\nwriting to stdout\n-                    100% |****|    21  0:00:00 ETA\nwritten to stdout\n";
  const gnu404 = "--2026-11-27 06:35:28--  http://localhost:9600/x\nConnecting to localhost:9600... connected.\nHTTP request sent, awaiting response... \n  HTTP/1.1 404 Not Found\n  Content-Type: application/json\n2026-11-27 06:35:28 ERROR 404: Not Found.\n";
  const busybox404 = 'Connecting to localhost:9600 (127.0.0.1:9600)\n  HTTP/1.1 404 Not Found\nwget: server returned error: HTTP/1.1 404 Not Found\n';
  const redirected = '  HTTP/1.1 302 Found\n  Location: /y\n  HTTP/1.1 200 OK\n';

  it.each<[string, ExecResult, number, string]>([
    ['busybox, 200 with body', result('{"state":"COMPLETED"}', 0, busybox200), 200, '{"state":"COMPLETED"}'],
    ['GNU wget, 404 (exit 8, no body)', result('', 8, gnu404), 404, ''],
    ['busybox, 404 (exit 1, no body)', result('', 1, busybox404), 404, ''],
    ['the last status after a redirect', result('ok', 0, redirected), 200, 'ok'],
    ['only the "server returned error" line', result('', 1, 'wget: server returned error: HTTP/1.1 500 Internal Server Error\n'), 500, ''],
  ])('reads %s', (_name, output, status, body) => {
    expect(parseWgetOutput(output, 'exec pod/p:9600')).toEqual({ status, body });
  });

  it.each<[string, string, number, string]>([
    ['connect', "wget: can't connect to remote host (127.0.0.1): Connection refused\n", 1, 'connect'],
    ['GNU refused', 'Connecting to localhost:9600... failed: Connection refused.\n', 4, 'connect'],
    ['timeout', 'wget: download timed out\n', 1, 'timeout'],
    ['dns', "wget: bad address 'camunda-elasticsearch'\n", 1, 'dns'],
  ])('turns a %s failure into an HttpReachError', (_name, stderr, exitCode, reason) => {
    const error = thrownBy(() => parseWgetOutput(result('', exitCode, stderr), 'exec pod/p:9600'));
    expect(error).toBeInstanceOf(HttpReachError);
    expect(error).toMatchObject({ reason });
  });

  it('treats a 200 cut off by a non-zero exit as a lost connection, not a success', () => {
    expect(() => parseWgetOutput(result('{"sta', 1, '  HTTP/1.1 200 OK\nwget: short read\n'), 'exec pod/p:9600')).toThrow(/response cut off/);
  });
});

describe('curlReadingOpenStdin (exec protocol v4: stdin cannot be closed)', () => {
  const command = buildCurlCommand({ method: 'GET', path: '/', headers: { Authorization: 'Basic c2VjcmV0' } }, { url, timeoutMs: 1000 });

  it('wraps curl in sh, which copies stdin up to the end line into curl and closes it; nothing secret in argv', () => {
    const wrapped = curlReadingOpenStdin(command)!;
    expect(wrapped.argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(wrapped.argv.slice(3)).toEqual(['sh', ...command.argv]);
    expect(wrapped.argv.join(' ')).not.toContain('c2VjcmV0');
    expect(wrapped.stdin.toString()).toBe(`${command.secretConfig}${SECRETS_END}\n`);
    expect(curlReadingOpenStdin(buildCurlCommand({ method: 'GET', path: '/' }, { url, timeoutMs: 1000 }))).toBeUndefined();
  });

  it('really hands the lines to the command and ends its input at the end line, with stdin still open (real sh)', async () => {
    const wrapped = curlReadingOpenStdin({ argv: ['cat'], secretConfig: 'header = "Authorization: Basic c2VjcmV0"\n' })!;
    const child = spawn(wrapped.argv[0]!, wrapped.argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    // stdin stays open, like a v4 exec stream: only the end line may finish cat.
    child.stdin.write(wrapped.stdin);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdin.destroy();
    expect(code).toBe(0);
    expect(Buffer.concat(out).toString()).toBe('header = "Authorization: Basic c2VjcmV0"\n');
  });
});
