import { describe, expect, it } from 'vitest';
import type { ExecResult } from '../kube/kube-client.js';
import type { HttpRequest } from './component-http.js';
import { STATUS_MARKER, buildCurlArgv, buildWgetArgv, parseCurlOutput, parseWgetOutput } from './curl-argv.js';
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

describe('buildCurlArgv', () => {
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
      'headers are passed with -H and in-cluster targets ignore proxies',
      { method: 'DELETE', path: '/x', headers: { Authorization: 'Basic c2VjcmV0' } },
      { noProxy: true, timeoutMs: 1500 },
      [
        'curl', '-sS', '--globoff', '--max-time', '2', '-X', 'DELETE', '-H', 'Accept: application/json',
        '-H', 'Authorization: Basic c2VjcmV0', '--noproxy', '*', '-o', '-', '-w', `${STATUS_MARKER}%{http_code}\n`, url,
      ],
    ],
  ])('%s', (_name, request, options, expected) => {
    expect(buildCurlArgv(request, { url, timeoutMs: options.timeoutMs ?? 30_000, noProxy: options.noProxy })).toEqual(expected);
  });

  it('always bounds curl with --max-time, at least one second', () => {
    const argv = buildCurlArgv({ method: 'GET', path: '/' }, { url, timeoutMs: 10 });
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
  it('sends GET with headers and the status on stderr (-S)', () => {
    expect(buildWgetArgv({ method: 'GET', path: '/x', headers: { Authorization: 'Bearer t' } }, { url, timeoutMs: 5000, noProxy: true })).toEqual([
      'wget', '-S', '-O', '-', '-T', '5', '--header', 'Accept: application/json', '--header', 'Authorization: Bearer t', '-Y', 'off', url,
    ]);
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
