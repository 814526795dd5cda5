import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../events.js';
import { PreconditionError } from '../errors.js';
import type { ExecRequest, ExecResult, KubeClient, Pod } from '../kube/kube-client.js';
import { ExecCommandNotFoundError, ExecStdinCloseUnsupportedError, ExecTimeoutError } from '../kube/kube-errors.js';
import type { PodTarget } from './component-http.js';
import { HttpReachError } from './http-reach-error.js';
import { createExecCurlConnector } from './via-exec-curl.js';

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

/** A component on 127.0.0.1 that answers by path; bodies deliberately lack trailing newlines. */
let server: http.Server;
let port: number;
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], authorization: req.headers.authorization, body: Buffer.concat(chunks).toString() });
      if (req.url === '/empty') {
        res.writeHead(204).end();
      } else if (req.url?.startsWith('/missing')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no backup with id 5"}');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, url: req.url }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/**
 * Runs the command on this machine: "pods" share the host network, so localhost:<port> is the component. stdin as
 * the exec stream gives it: closed after the data only when asked, else left open while the command runs.
 */
function runLocally(command: readonly string[], timeoutMs: number, stdin?: ExecRequest['stdin']): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = execFile(command[0] ?? '', command.slice(1), { encoding: 'buffer', timeout: timeoutMs }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      child.stdin?.destroy();
      resolve({ stdout, stderr: stderr.toString(), exitCode });
    });
    child.stdin?.on('error', () => undefined);
    if (stdin?.close) child.stdin?.end(stdin.data);
    else if (stdin) child.stdin?.write(stdin.data);
    else child.stdin?.end();
  });
}

interface FakePod {
  /** Executables in the image (curl, wget, sh). */
  readonly tools: readonly string[];
  readonly ip?: string;
  readonly labels?: Record<string, string>;
}

/** `v4`: an API server that cannot close stdin (offered v5 alone, it refuses the handshake). */
function fakeKube(pods: Record<string, FakePod>, overrides: Partial<KubeClient> = {}, protocol: 'v5' | 'v4' = 'v5'): KubeClient & { execs: ExecRequest[]; lists: number } {
  const execs: ExecRequest[] = [];
  const state = { lists: 0 };
  const asPod = (name: string, pod: FakePod): Pod => ({
    name,
    namespace: 'camunda',
    labels: pod.labels ?? {},
    annotations: {},
    phase: 'Running',
    ready: true,
    deleting: false,
    ip: pod.ip,
    containers: [{ name: name.includes('elasticsearch') ? 'elasticsearch' : 'main', image: 'x', env: [], envFrom: [], ports: [] }],
  });
  const unused = (): never => {
    throw new Error('not used by the exec connector');
  };
  const kube = {
    namespace: 'camunda',
    contextName: 'test',
    execs,
    get lists() {
      return state.lists;
    },
    listSecrets: unused,
    readSecret: unused,
    listServices: unused,
    readService: unused,
    readConfigMap: unused,
    checkAccess: unused,
    openPortForward: unused,
    async listPods(): Promise<Pod[]> {
      state.lists += 1;
      return Object.entries(pods).map(([name, pod]) => asPod(name, pod));
    },
    async execInPod(request: ExecRequest): Promise<ExecResult> {
      execs.push(request);
      if (request.stdin?.close && protocol === 'v4') throw new ExecStdinCloseUnsupportedError(request);
      const tool = request.command[0] ?? '';
      const tools = pods[request.pod]?.tools ?? [];
      if (!tools.includes(tool)) {
        throw new ExecCommandNotFoundError(request, tool, `exec: "${tool}": executable file not found in $PATH`);
      }
      // A shell finds only the tools of its image.
      if (tool === 'sh' && !tools.includes(request.command.at(4) ?? '')) return { stdout: Buffer.alloc(0), stderr: `sh: 1: ${request.command.at(4)}: not found\n`, exitCode: 127 };
      return runLocally(request.command, request.timeoutMs, request.stdin);
    },
    ...overrides,
  };
  return kube as KubeClient & { execs: ExecRequest[]; lists: number };
}

const target = (pod: string, container = 'main'): { kind: 'pod'; pod: PodTarget } => ({ kind: 'pod', pod: { namespace: 'camunda', pod, container, port } });

describe('createExecCurlConnector with real curl', () => {
  it('sends a JSON body with content-type and reads status and body', async () => {
    const kube = fakeKube({ operate: { tools: ['curl'] } });
    const http1 = await createExecCurlConnector(kube)(target('operate'));
    const response = await http1.request({ method: 'POST', path: '/actuator/backups', body: { backupId: 42 } });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ method: 'POST', url: '/actuator/backups' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', contentType: 'application/json', body: '{"backupId":42}' });
    expect(kube.execs[0]).toMatchObject({ namespace: 'camunda', pod: 'operate', container: 'main' });
    expect(kube.execs[0]?.command).toContain(`http://localhost:${port}/actuator/backups`);
  });

  it('keeps an error status with the component message, and an empty 204', async () => {
    const channel = await createExecCurlConnector(fakeKube({ operate: { tools: ['curl'] } }))(target('operate'));
    await expect(channel.request({ method: 'GET', path: '/missing/5' })).resolves.toEqual({ status: 404, body: '{"message":"no backup with id 5"}' });
    await expect(channel.request({ method: 'DELETE', path: '/empty' })).resolves.toEqual({ status: 204, body: '' });
  });

  it('sends extra headers (Authorization) on stdin, closed after them (v5), never in argv; says nothing when curl in the pod works', async () => {
    const events: RunEvent[] = [];
    const kube = fakeKube({ es: { tools: ['curl'] } });
    const channel = await createExecCurlConnector(kube, { emit: (e) => events.push(e) })(target('es'));
    expect(channel.description).toBe(`exec pod/es:${port}`);
    await channel.request({ method: 'GET', path: '/_snapshot', headers: { Authorization: 'Basic c2VjcmV0OnB3' } });
    expect(seen.at(-1)?.authorization).toBe('Basic c2VjcmV0OnB3');
    expect(kube.execs[0]?.command.join(' ')).not.toContain('c2VjcmV0OnB3');
    expect(kube.execs[0]?.stdin).toEqual({ data: Buffer.from('header = "Authorization: Basic c2VjcmV0OnB3"\n'), close: true });
    expect(events).toEqual([]);
  });

  it('an external URL with user:password@: the credentials go on stdin, the URL in argv has none', async () => {
    const kube = fakeKube({ curl: { tools: ['curl'] } });
    const channel = await createExecCurlConnector(kube)({ kind: 'url', url: `http://elastic:pw%2F1@127.0.0.1:${port}`, via: { namespace: 'camunda', pod: 'curl', container: 'curl', port: 0 } });
    await channel.request({ method: 'GET', path: '/_snapshot' });
    expect(seen.at(-1)?.authorization).toBe(`Basic ${Buffer.from('elastic:pw/1').toString('base64')}`);
    expect(kube.execs[0]?.command.join(' ')).not.toMatch(/elastic|pw/);
  });

  it('an API server without v5 (cannot close stdin): said once, then a shell in the pod hands curl the credentials; never in argv', async () => {
    const events: RunEvent[] = [];
    const kube = fakeKube({ es: { tools: ['curl', 'sh'] } }, {}, 'v4');
    const channel = await createExecCurlConnector(kube, { emit: (e) => events.push(e) })(target('es'));
    const headers = { Authorization: 'Basic c2VjcmV0OnB3' };
    await expect(channel.request({ method: 'GET', path: '/_snapshot', headers })).resolves.toMatchObject({ status: 200 });
    expect(seen.at(-1)?.authorization).toBe('Basic c2VjcmV0OnB3');
    await expect(channel.request({ method: 'POST', path: '/_snapshot/r/s', headers, body: { indices: 'zeebe-record*' } })).resolves.toMatchObject({ status: 200 });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', authorization: 'Basic c2VjcmV0OnB3', body: '{"indices":"zeebe-record*"}' });
    // v5 was asked once (refused before anything ran), then every call went through sh with stdin left open.
    expect(kube.execs.map((e) => [e.command[0], e.stdin?.close])).toEqual([['curl', true], ['sh', false], ['sh', false]]);
    for (const e of kube.execs) expect(e.command.join(' ')).not.toContain('c2VjcmV0OnB3');
    expect(events).toEqual([{ kind: 'info', message: expect.stringMatching(/exec protocol v4 only .*cannot close stdin.*never on a command line/) }]);
    // Calls without credentials need neither stdin nor a shell.
    await channel.request({ method: 'GET', path: '/plain' });
    expect(kube.execs.at(-1)?.command[0]).toBe('curl');
    expect(kube.execs.at(-1)?.stdin).toBeUndefined();
  });

  it('without v5 and without a shell in the pod, credentials are never put in argv: exit 3 saying why', async () => {
    const kube = fakeKube({ es: { tools: ['curl'] } }, {}, 'v4');
    const channel = await createExecCurlConnector(kube)(target('es'));
    const error = await channel.request({ method: 'GET', path: '/_snapshot', headers: { Authorization: 'Basic c2VjcmV0OnB3' } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 3, message: expect.stringContaining('pod/es (container main) has no shell (sh) to hand curl the credentials on stdin, which this API server cannot close') });
    for (const e of kube.execs) expect(e.command.join(' ')).not.toContain('c2VjcmV0OnB3');
  });

  it('turns a refused connection into an HttpReachError with curl\'s words', async () => {
    const channel = await createExecCurlConnector(fakeKube({ operate: { tools: ['curl'] } }))({ kind: 'pod', pod: { namespace: 'camunda', pod: 'operate', container: 'main', port: 1 } });
    await expect(channel.request({ method: 'GET', path: '/' })).rejects.toMatchObject({ reason: 'connect', message: expect.stringMatching(/curl exit 7.*(refused|connect)/i) });
  });
});

describe('createExecCurlConnector fallbacks', () => {
  it('falls back to wget when the pod has no curl, remembers it, and says so once', async () => {
    const events: RunEvent[] = [];
    const kube = fakeKube({ operate: { tools: ['wget'] } });
    const channel = await createExecCurlConnector(kube, { emit: (e) => events.push(e) })(target('operate'));
    await expect(channel.request({ method: 'GET', path: '/one' })).resolves.toMatchObject({ status: 200 });
    await expect(channel.request({ method: 'POST', path: '/two', body: { backupId: 1 } })).resolves.toMatchObject({ status: 200 });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', contentType: 'application/json', body: '{"backupId":1}' });
    expect(kube.execs.map((e) => e.command[0])).toEqual(['curl', 'wget', 'wget']);
    expect(events).toEqual([{ kind: 'info', message: 'pod/operate (container main) has no curl; calling it through pod/operate (wget)' }]);
  });

  it('reaches a pod without any tool from the Elasticsearch pod by IP, and keeps using that relay', async () => {
    const events: RunEvent[] = [];
    const kube = fakeKube({
      'zeebe-gateway': { tools: [], ip: '127.0.0.1' },
      'camunda-elasticsearch-master-0': { tools: ['curl'], labels: { 'app.kubernetes.io/name': 'elasticsearch' } },
    });
    const channel = await createExecCurlConnector(kube, { emit: (e) => events.push(e) })(target('zeebe-gateway'));
    await expect(channel.request({ method: 'POST', path: '/actuator/exporting/pause?soft=true' })).resolves.toMatchObject({ status: 200 });
    await expect(channel.request({ method: 'DELETE', path: '/empty' })).resolves.toEqual({ status: 204, body: '' });
    const relayed = kube.execs.filter((e) => e.pod === 'camunda-elasticsearch-master-0');
    expect(relayed).toHaveLength(2);
    expect(relayed[0]).toMatchObject({ container: 'elasticsearch' });
    expect(relayed[0]?.command).toContain(`http://127.0.0.1:${port}/actuator/exporting/pause?soft=true`);
    // curl and wget were each probed once in the gateway pod, then skipped.
    expect(kube.execs.filter((e) => e.pod === 'zeebe-gateway').map((e) => e.command[0])).toEqual(['curl', 'wget']);
    expect(events).toEqual([
      { kind: 'info', message: 'pod/zeebe-gateway (container main) has no curl; calling it through pod/camunda-elasticsearch-master-0 (curl → pod/zeebe-gateway)' },
    ]);
  });

  it('uses a relay for DELETE when the pod only has wget (busybox wget cannot send DELETE)', async () => {
    const kube = fakeKube({ operate: { tools: ['wget'], ip: '127.0.0.1' }, 'camunda-elasticsearch-0': { tools: ['curl'], labels: { 'app.kubernetes.io/name': 'elasticsearch' } } });
    const channel = await createExecCurlConnector(kube)(target('operate'));
    await expect(channel.request({ method: 'DELETE', path: '/empty' })).resolves.toMatchObject({ status: 204 });
    expect(kube.execs.map((e) => `${e.pod}:${e.command[0]}`)).toEqual(['operate:curl', 'camunda-elasticsearch-0:curl']);
  });

  it('fails with exit 3 and says how to pick --exec-pod when no pod can make the call', async () => {
    const kube = fakeKube({ 'zeebe-gateway': { tools: [], ip: '10.0.0.7' } });
    const channel = await createExecCurlConnector(kube)(target('zeebe-gateway'));
    const error = await channel.request({ method: 'GET', path: '/actuator' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionError);
    expect(error).toMatchObject({ exitCode: 3, message: expect.stringContaining('pod/zeebe-gateway (container main) has no curl or wget') });
    expect((error as PreconditionError).hint).toContain('--exec-pod');
  });

  it('runs calls to an external URL in the chosen pod', async () => {
    const kube = fakeKube({ curl: { tools: ['curl'] } });
    const channel = await createExecCurlConnector(kube)({ kind: 'url', url: `http://127.0.0.1:${port}/`, via: { namespace: 'camunda', pod: 'curl', container: 'curl', port: 0 } });
    await expect(channel.request({ method: 'GET', path: '/_snapshot/repo' })).resolves.toMatchObject({ status: 200 });
    expect(kube.execs[0]?.command.at(-1)).toBe(`http://127.0.0.1:${port}/_snapshot/repo`);
    expect(kube.execs[0]?.command).not.toContain('--noproxy');
  });

  it('runs every call to a component pod from the --exec-pod, by IP, without probing the component pod', async () => {
    const kube = fakeKube({ 'zeebe-gateway': { tools: ['curl'], ip: '127.0.0.1' }, 'my-curl': { tools: ['curl'] } });
    const channel = await createExecCurlConnector(kube, { execPod: { pod: 'my-curl' } })(target('zeebe-gateway'));
    await expect(channel.request({ method: 'POST', path: '/actuator/exporting/resume' })).resolves.toMatchObject({ status: 200 });
    expect(kube.execs.map((e) => `${e.pod}/${e.container}`)).toEqual(['my-curl/main']);
    expect(kube.execs[0]?.command).toContain(`http://127.0.0.1:${port}/actuator/exporting/resume`);
  });

  it('says which --exec-pod lacks curl (exit 3)', async () => {
    const kube = fakeKube({ operate: { tools: ['curl'], ip: '127.0.0.1' }, 'my-pod': { tools: [] } });
    const channel = await createExecCurlConnector(kube, { execPod: { pod: 'my-pod', container: 'main' } })(target('operate'));
    const error = await channel.request({ method: 'GET', path: '/actuator' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 3, message: '--exec-pod my-pod (container main) has no curl or wget' });
  });

  it('refuses an external URL without a pod to call it from', async () => {
    await expect(createExecCurlConnector(fakeKube({}))({ kind: 'url', url: 'https://user:pw@es.example.com' })).rejects.toThrow(/https:\/\/es\.example\.com is outside the cluster/);
  });

  it('maps an exec timeout to an HttpReachError', async () => {
    const kube = fakeKube({ operate: { tools: ['curl'] } }, {
      execInPod: async (request) => {
        throw new ExecTimeoutError(request, request.timeoutMs);
      },
    });
    const channel = await createExecCurlConnector(kube)(target('operate'));
    const error = await channel.request({ method: 'GET', path: '/' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpReachError);
    expect(error).toMatchObject({ reason: 'timeout' });
  });
});
