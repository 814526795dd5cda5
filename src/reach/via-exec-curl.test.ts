import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../events.js';
import { PreconditionError } from '../errors.js';
import type { ExecRequest, ExecResult, KubeClient, Pod } from '../kube/kube-client.js';
import { ExecCommandNotFoundError, ExecTimeoutError } from '../kube/kube-errors.js';
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

/** Runs the command on this machine: "pods" share the host network, so localhost:<port> is the component. */
function runLocally(command: readonly string[], timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(command[0] ?? '', command.slice(1), { encoding: 'buffer', timeout: timeoutMs }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ stdout, stderr: stderr.toString(), exitCode });
    });
  });
}

interface FakePod {
  readonly tools: readonly string[];
  readonly ip?: string;
  readonly labels?: Record<string, string>;
}

function fakeKube(pods: Record<string, FakePod>, overrides: Partial<KubeClient> = {}): KubeClient & { execs: ExecRequest[]; lists: number } {
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
      const tool = request.command[0] ?? '';
      if (!pods[request.pod]?.tools.includes(tool)) {
        throw new ExecCommandNotFoundError(request, tool, `exec: "${tool}": executable file not found in $PATH`);
      }
      return runLocally(request.command, request.timeoutMs);
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

  it('sends extra headers (Authorization), and says nothing when curl in the pod itself works', async () => {
    const events: RunEvent[] = [];
    const channel = await createExecCurlConnector(fakeKube({ es: { tools: ['curl'] } }), { emit: (e) => events.push(e) })(target('es'));
    expect(channel.description).toBe(`exec pod/es:${port}`);
    await channel.request({ method: 'GET', path: '/_snapshot', headers: { Authorization: 'Basic c2VjcmV0OnB3' } });
    expect(seen.at(-1)?.authorization).toBe('Basic c2VjcmV0OnB3');
    expect(events).toEqual([]);
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
