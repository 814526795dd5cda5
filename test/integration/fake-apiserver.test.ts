/**
 * Protocol tests of the fake API server: raw https/ws clients check the wire format byte by byte, and the real
 * @kubernetes/client-node proves that the client the tool uses interoperates with it (exec v5/v4, port-forward v4).
 */
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { Exec, KubeConfig, PortForward, type V1Status } from '@kubernetes/client-node';
import { until } from './helpers/until.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startFakeApiServer, type ClusterObjects, type FakeApiServer, type PodNetwork } from '../world/kube/fake-apiserver.js';

const NS = 'camunda';
const TOKEN = 'sa-token-abc123';

function pod(name: string, containers: string[], labels: Record<string, string> = {}, extra: Record<string, unknown> = {}): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, uid: `uid-${name}`, labels },
    spec: { containers: containers.map((c) => ({ name: c, image: `img/${c}` })), nodeName: 'node-1' },
    status: { phase: 'Running', podIP: '10.0.0.5', conditions: [{ type: 'Ready', status: 'True' }] },
    ...extra,
  };
}

function objects(): ClusterObjects {
  return {
    pods: [
      pod('camunda-zeebe-0', ['zeebe'], { app: 'camunda-platform', 'app.kubernetes.io/component': 'zeebe-broker' }),
      pod('camunda-zeebe-1', ['zeebe'], { app: 'camunda-platform', 'app.kubernetes.io/component': 'zeebe-broker' }),
      pod('camunda-operate-5f7', ['operate'], { app: 'camunda-platform', 'app.kubernetes.io/component': 'operate' }),
      pod('two-containers', ['main', 'sidecar'], { app: 'other' }),
    ],
    services: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'camunda-zeebe-gateway', namespace: NS, labels: { app: 'camunda-platform' } }, spec: { ports: [{ port: 9600 }] } }],
    configMaps: [{ metadata: { name: 'camunda-zeebe-configuration', namespace: NS }, data: { 'application.yaml': 'x: 1' } }],
    secrets: [
      { metadata: { name: 'sh.helm.release.v1.camunda.v1', namespace: NS, labels: { owner: 'helm', name: 'camunda', status: 'deployed' } }, type: 'helm.sh/release.v1', data: { release: 'e30=' } },
      { metadata: { name: 'other', namespace: 'elsewhere', labels: { owner: 'helm' } }, type: 'Opaque', data: {} },
    ],
  };
}

/** The "pod": a tiny actuator-like HTTP server. */
let podServer: http.Server;
let podHttpPort = 0;
const seenPaths: string[] = [];
/** Requests to /hang stay open; this records when one arrived and when its client side went away. */
let hangStarted: Promise<void> = Promise.resolve();
let onHangStarted: () => void = () => undefined;
let hangClosed: Promise<void> = Promise.resolve();
let onHangClosed: () => void = () => undefined;

beforeAll(async () => {
  podServer = http.createServer((req, res) => {
    seenPaths.push(req.url ?? '');
    if (req.url === '/big') {
      res.end('x'.repeat(100_000));
      return;
    }
    if (req.url === '/redirect') {
      res.writeHead(302, { Location: `http://127.0.0.1:${podHttpPort}/direct` }).end();
      return;
    }
    if (req.url === '/hang') {
      onHangStarted();
      req.socket.on('close', () => onHangClosed());
      return;
    }
    if (req.url === '/echo') {
      const body: Buffer[] = [];
      req.on('data', (c: Buffer) => body.push(c));
      req.on('end', () => res.end(`echo:${Buffer.concat(body).toString()}`));
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ status: 'UP', path: req.url }));
  });
  podServer.listen(0, '127.0.0.1');
  await once(podServer, 'listening');
  podHttpPort = (podServer.address() as AddressInfo).port;
});
afterAll(async () => {
  podServer.closeAllConnections();
  await new Promise((resolve) => podServer.close(resolve));
});

const network: PodNetwork = {
  podPort: (namespace, podName, port) => (namespace === NS && podName.startsWith('camunda-zeebe') && port === 9600 ? podHttpPort : undefined),
  resolve: (namespace, _pod, host, port) => {
    const names = ['localhost', '127.0.0.1', 'camunda-zeebe-gateway', `camunda-zeebe-gateway.${namespace}`, `camunda-zeebe-gateway.${namespace}.svc`, `camunda-zeebe-gateway.${namespace}.svc.cluster.local`];
    return names.includes(host) && port === 9600 ? podHttpPort : undefined;
  },
  hasBinary: (_ns, podName, _container, binary) => !(podName.startsWith('camunda-operate') && binary === 'curl'),
};

let server: FakeApiServer;
afterEach(async () => {
  await server?.close();
});

async function start(extra: Partial<Parameters<typeof startFakeApiServer>[0]> = {}): Promise<FakeApiServer> {
  server = await startFakeApiServer({ objects: objects(), token: TOKEN, network, ...extra });
  return server;
}

function get(path: string, token: string | null = TOKEN, method = 'GET', body?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, ca: server.caPem, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function kubeConfig(options: { token?: string } = {}): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig({ namespace: NS, ...options }));
  return kc;
}

interface ExecRun {
  stdout: string;
  stderr: string;
  status: V1Status | undefined;
  closeCode: number;
  protocol: string;
}

async function clientNodeExec(container: string, argv: string[]): Promise<ExecRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  let status: V1Status | undefined;
  const ws = await new Exec(kubeConfig()).exec(NS, 'camunda-zeebe-0', container, argv, stdout, stderr, null, false, (s) => {
    status = s;
  });
  const [closeCode] = (await once(ws, 'close')) as [number];
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), status, closeCode, protocol: ws.protocol };
}

interface RawFrame {
  binary: boolean;
  data: Buffer;
}

/** A raw ws client: every message as received, plus the close code, or the rejected handshake's status and body. */
async function rawWs(path: string, protocols: string[], token = TOKEN): Promise<{ frames: RawFrame[]; closeCode: number; protocol: string } | { rejected: number; body: string }> {
  const ws = new WebSocket(`${server.url.replace('https', 'wss')}${path}`, protocols, { ca: server.caPem, headers: { Authorization: `Bearer ${token}` } });
  const frames: RawFrame[] = [];
  ws.on('message', (data: Buffer, binary: boolean) => frames.push({ binary, data }));
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ rejected: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    ws.on('close', (code) => resolve({ frames, closeCode: code, protocol: ws.protocol }));
    ws.on('error', (error) => {
      if (!String(error.message).includes('Unexpected server response')) reject(error);
    });
  });
}

const execPath = (podName: string, argv: string[], query = 'stdout=true&stderr=true') =>
  `/api/v1/namespaces/${NS}/pods/${podName}/exec?${argv.map((a) => `command=${encodeURIComponent(a)}`).join('&')}&${query}`;

describe('REST', () => {
  it('rejects a missing or wrong bearer token with the 401 Status', async () => {
    await start();
    for (const token of [null, 'wrong']) {
      const res = await get(`/api/v1/namespaces/${NS}/pods`, token);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
  });

  it('lists by label selector with list kind and resourceVersion, items without kind', async () => {
    await start();
    const res = await get(`/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent('app=camunda-platform,app.kubernetes.io/component=zeebe-broker')}`);
    expect(res.status).toBe(200);
    expect(res.json['kind']).toBe('PodList');
    expect(res.json['apiVersion']).toBe('v1');
    expect((res.json['metadata'] as Record<string, unknown>)['resourceVersion']).toEqual(expect.any(String));
    const items = res.json['items'] as Array<Record<string, Record<string, unknown>>>;
    expect(items.map((i) => i['metadata']?.['name'])).toEqual(['camunda-zeebe-0', 'camunda-zeebe-1']);
    expect(items[0]?.['kind']).toBeUndefined();

    const notIn = await get(`/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent('app.kubernetes.io/component notin (zeebe-broker),app!=other')}`);
    expect((notIn.json['items'] as Array<{ metadata: { name: string } }>).map((i) => i.metadata.name)).toEqual(['camunda-operate-5f7']);
    const inSet = await get(`/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent('app.kubernetes.io/component in (operate,zeebe-broker)')}`);
    expect((inSet.json['items'] as unknown[]).length).toBe(3);
  });

  it('lists secrets cluster-wide and per namespace; other kinds too', async () => {
    await start();
    const all = await get('/api/v1/secrets?labelSelector=owner%3Dhelm');
    expect(all.json['kind']).toBe('SecretList');
    expect((all.json['items'] as unknown[]).length).toBe(2);
    const one = await get(`/api/v1/namespaces/${NS}/secrets?labelSelector=owner%3Dhelm`);
    expect((one.json['items'] as unknown[]).length).toBe(1);
    expect((await get(`/api/v1/namespaces/${NS}/services`)).json['kind']).toBe('ServiceList');
    expect((await get(`/api/v1/namespaces/${NS}/configmaps`)).json['kind']).toBe('ConfigMapList');
    const byField = await get(`/api/v1/namespaces/${NS}/pods?fieldSelector=metadata.name%3Dcamunda-zeebe-1`);
    expect((byField.json['items'] as unknown[]).length).toBe(1);
  });

  it('pages lists with limit/continue and fills server-set metadata', async () => {
    await start();
    const first = await get(`/api/v1/namespaces/${NS}/pods?limit=3`);
    const meta = first.json['metadata'] as { continue?: string; remainingItemCount?: number };
    expect((first.json['items'] as unknown[]).length).toBe(3);
    expect(meta.remainingItemCount).toBe(1);
    const second = await get(`/api/v1/namespaces/${NS}/pods?limit=3&continue=${encodeURIComponent(meta.continue ?? '')}`);
    const items = second.json['items'] as Array<{ metadata: Record<string, unknown> }>;
    expect(items.map((i) => i.metadata['name'])).toEqual(['two-containers']);
    expect((second.json['metadata'] as Record<string, unknown>)['continue']).toBeUndefined();
    expect(items[0]?.metadata).toMatchObject({ uid: 'uid-two-containers', resourceVersion: expect.any(String), creationTimestamp: expect.any(String) });
    const secret = await get(`/api/v1/namespaces/${NS}/secrets/sh.helm.release.v1.camunda.v1`);
    expect((secret.json['metadata'] as Record<string, unknown>)['uid']).toEqual(expect.any(String));
    expect((await get(`/api/v1/namespaces/${NS}/pods?continue=garbage`)).status).toBe(410);
  });

  it('gets single objects with kind, and 404 NotFound Status for missing ones', async () => {
    await start();
    const found = await get(`/api/v1/namespaces/${NS}/configmaps/camunda-zeebe-configuration`);
    expect(found.status).toBe(200);
    expect(found.json['kind']).toBe('ConfigMap');
    const missing = await get(`/api/v1/namespaces/${NS}/pods/nope`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "nope" not found', reason: 'NotFound', details: { name: 'nope', kind: 'pods' }, code: 404 });
    const unknown = await get('/apis/apps/v1/namespaces/camunda/statefulsets');
    expect(unknown.status).toBe(404);
    expect(unknown.json['reason']).toBe('NotFound');
  });

  it('answers RBAC denials with the real forbidden messages and access reviews from the same rules', async () => {
    await start({ faults: { deny: [{ verb: 'list', resource: 'secrets' }, { verb: 'get', resource: 'pods', subresource: 'exec' }] } });
    const res = await get(`/api/v1/namespaces/${NS}/secrets`);
    expect(res.status).toBe(403);
    expect(res.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'secrets is forbidden: User "system:serviceaccount:camunda:backup" cannot list resource "secrets" in API group "" in the namespace "camunda"',
      reason: 'Forbidden',
      details: { kind: 'secrets' },
      code: 403,
    });
    const cluster = await get('/api/v1/secrets');
    expect(cluster.json['message']).toBe('secrets is forbidden: User "system:serviceaccount:camunda:backup" cannot list resource "secrets" in API group "" at the cluster scope');

    const review = (verb: string, resource: string, subresource?: string) =>
      get('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', TOKEN, 'POST', JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: NS, verb, resource, subresource } } }));
    const deniedExec = await review('get', 'pods', 'exec');
    expect(deniedExec.status).toBe(201);
    expect((deniedExec.json['status'] as { allowed: boolean }).allowed).toBe(false);
    expect(((await review('create', 'pods', 'exec')).json['status'] as { allowed: boolean }).allowed).toBe(true);
    expect(((await review('list', 'pods')).json['status'] as { allowed: boolean }).allowed).toBe(true);
    expect(server.requests.some((r) => r.path.includes('selfsubjectaccessreviews') && r.status === 201)).toBe(true);
  });
});

describe('exec', () => {
  it('client-node negotiates v5, runs real curl routed to the pod, and gets the Success status (1000)', async () => {
    await start();
    const run = await clientNodeExec('zeebe', ['curl', '-sS', '--max-time', '5', 'http://camunda-zeebe-gateway.camunda.svc:9600/actuator/backups']);
    expect(run.protocol).toBe('v5.channel.k8s.io');
    expect(JSON.parse(run.stdout)).toEqual({ status: 'UP', path: '/actuator/backups' });
    expect(run.status).toEqual({ metadata: {}, status: 'Success' });
    expect(run.closeCode).toBe(1000);
    const entry = server.requests.find((r) => r.kind === 'exec');
    expect(entry).toMatchObject({ method: 'GET', status: 101, pod: 'camunda-zeebe-0', argv: ['curl', '-sS', '--max-time', '5', 'http://camunda-zeebe-gateway.camunda.svc:9600/actuator/backups'] });
  });

  it('v4 mode (1.29 kubelet) negotiates v4 with client-node and reports non-zero exit codes in causes', async () => {
    await start({ faults: { execProtocol: 'v4' } });
    // Nothing listens on port 9700 inside the pod: curl exits 7 (connection refused).
    const run = await clientNodeExec('zeebe', ['curl', '-sS', 'http://localhost:9700/actuator/health']);
    expect(run.protocol).toBe('v4.channel.k8s.io');
    expect(run.stderr).toMatch(/Failed to connect|Couldn't connect/);
    expect(run.status).toMatchObject({ metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '7' }] } });
    expect(run.status?.message).toMatch(/^command terminated with non-zero exit code: /);
    expect(run.closeCode).toBe(1000);
  });

  it('never lets curl reach an unmapped host: unknown names are refused, not resolved', async () => {
    await start();
    // The host port of the "pod" is not an address inside the pod: reaching it directly must fail.
    const direct = await clientNodeExec('zeebe', ['curl', '-sS', `http://127.0.0.1:${podHttpPort}/direct`]);
    expect(direct.status?.details?.causes?.[0]).toEqual({ reason: 'ExitCode', message: '7' });
    const external = await clientNodeExec('zeebe', ['curl', '-sS', '--max-time', '5', 'http://example.com/']);
    expect(external.status?.details?.causes?.[0]).toEqual({ reason: 'ExitCode', message: '7' });
    // Nor through a redirect to a host that was not on the command line.
    const redirected = await clientNodeExec('zeebe', ['curl', '-sS', '-L', 'http://localhost:9600/redirect']);
    expect(seenPaths).toContain('/redirect');
    expect(redirected.status?.details?.causes?.[0]).toEqual({ reason: 'ExitCode', message: '7' });
    expect(seenPaths).not.toContain('/direct');
  });

  it('reports a binary missing from the image as InternalError 500', async () => {
    await start();
    const stdout = new PassThrough();
    let status: V1Status | undefined;
    const ws = await new Exec(kubeConfig()).exec(NS, 'camunda-operate-5f7', 'operate', ['curl', '-s', 'http://localhost:9600/'], stdout, null, null, false, (s) => {
      status = s;
    });
    const [code] = (await once(ws, 'close')) as [number];
    expect(code).toBe(1000);
    expect(status).toMatchObject({ status: 'Failure', reason: 'InternalError', code: 500 });
    expect(status?.message).toMatch(
      /^Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file not found in \$PATH: unknown$/,
    );
    expect(status?.details?.causes?.[0]?.message).toMatch(/^error executing command in container: failed to exec in container: /);
    const byPath = await rawWs(execPath('camunda-operate-5f7', ['/usr/bin/curl', '-s', 'http://localhost:9600/']), ['v5.channel.k8s.io']);
    if ('rejected' in byPath) throw new Error('rejected');
    expect(JSON.parse(byPath.frames.at(-1)?.data.subarray(1).toString() ?? '')).toMatchObject({
      reason: 'InternalError',
      message: expect.stringMatching(/exec: "\/usr\/bin\/curl": stat \/usr\/bin\/curl: no such file or directory: unknown$/),
    });
  });

  it('frames exactly like the translator: empty established frame, split stdout, status on 3, close 1000, no 0xFF', async () => {
    await start();
    const result = await rawWs(execPath('camunda-zeebe-0', ['curl', '-sS', 'http://localhost:9600/big']), ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    if ('rejected' in result) throw new Error(`rejected ${result.rejected}`);
    expect(result.protocol).toBe('v5.channel.k8s.io');
    expect(result.frames.every((f) => f.binary)).toBe(true);
    expect(result.frames[0]?.data).toEqual(Buffer.from([1]));
    const channels = result.frames.map((f) => f.data[0]);
    expect(channels).not.toContain(0xff);
    const stdoutFrames = result.frames.filter((f) => f.data[0] === 1 && f.data.length > 1);
    expect(stdoutFrames.length).toBeGreaterThan(1);
    expect(Buffer.concat(stdoutFrames.map((f) => f.data.subarray(1))).toString()).toBe('x'.repeat(100_000));
    const last = result.frames.at(-1);
    expect(last?.data[0]).toBe(3);
    expect(JSON.parse(last?.data.subarray(1).toString() ?? '')).toEqual({ metadata: {}, status: 'Success' });
    expect(result.closeCode).toBe(1000);
    // Even a small output arrives in more than one message: clients must reassemble.
    const small = await rawWs(execPath('camunda-zeebe-0', ['curl', '-sS', 'http://localhost:9600/small']), ['v5.channel.k8s.io']);
    if ('rejected' in small) throw new Error('rejected');
    expect(small.frames.filter((f) => f.data[0] === 1 && f.data.length > 1).length).toBeGreaterThan(1);
  });

  it('sends the established frame on stderr or the status channel when stdout is not requested', async () => {
    await start();
    const r1 = await rawWs(execPath('camunda-zeebe-0', ['true'], 'stderr=true'), ['v5.channel.k8s.io']);
    if ('rejected' in r1) throw new Error('rejected');
    expect(r1.frames[0]?.data).toEqual(Buffer.from([2]));
  });

  it('speaks base64 text frames on v4.base64 in v4 mode', async () => {
    await start({ faults: { execProtocol: 'v4' } });
    const result = await rawWs(execPath('camunda-zeebe-0', ['echo', 'hi']), ['v4.base64.channel.k8s.io']);
    if ('rejected' in result) throw new Error('rejected');
    expect(result.protocol).toBe('v4.base64.channel.k8s.io');
    expect(result.frames.every((f) => !f.binary)).toBe(true);
    expect(result.frames[0]?.data.toString()).toBe('1');
    const text = result.frames.map((f) => f.data.toString());
    expect(Buffer.concat(text.filter((t) => t.startsWith('1') && t.length > 1).map((t) => Buffer.from(t.slice(1), 'base64'))).toString()).toBe('hi\n');
    expect(JSON.parse(Buffer.from(text.at(-1)?.slice(1) ?? '', 'base64').toString())).toEqual({ metadata: {}, status: 'Success' });
  });

  it('v5 mode accepts only v5 on the translator; a client that offers no v5 reaches the kubelet and gets v4', async () => {
    await start();
    const v4only = await rawWs(execPath('camunda-zeebe-0', ['true']), ['v4.channel.k8s.io']);
    if ('rejected' in v4only) throw new Error('rejected');
    expect(v4only.protocol).toBe('v4.channel.k8s.io');
    const bogus = await rawWs(execPath('camunda-zeebe-0', ['true']), ['v9.channel.k8s.io']);
    expect(bogus).toMatchObject({ rejected: 403 });
    server.faults.execProtocol = 'v4';
    const v5offered = await rawWs(execPath('camunda-zeebe-0', ['true']), ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    if ('rejected' in v5offered) throw new Error('rejected');
    expect(v5offered.protocol).toBe('v4.channel.k8s.io');
  });

  it('rejects before the upgrade with real Status bodies: 403 RBAC, 404 pod, 400 container', async () => {
    await start({ faults: { deny: [{ verb: 'create', resource: 'pods', subresource: 'exec' }] } });
    const denied = await rawWs(execPath('camunda-zeebe-0', ['true']), ['v5.channel.k8s.io']);
    expect(denied).toMatchObject({ rejected: 403 });
    if (!('rejected' in denied)) throw new Error('upgraded');
    expect(JSON.parse(denied.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "camunda-zeebe-0" is forbidden: User "system:serviceaccount:camunda:backup" cannot create resource "pods/exec" in API group "" in the namespace "camunda"',
      reason: 'Forbidden',
      details: { name: 'camunda-zeebe-0', kind: 'pods' },
      code: 403,
    });
    server.faults.deny = [];
    const missing = await rawWs(execPath('gone-0', ['true']), ['v5.channel.k8s.io']);
    expect(missing).toMatchObject({ rejected: 404 });
    if ('rejected' in missing) expect(JSON.parse(missing.body)).toMatchObject({ message: 'pods "gone-0" not found', reason: 'NotFound', code: 404 });
    const noContainer = await rawWs(execPath('two-containers', ['true']), ['v5.channel.k8s.io']);
    if (!('rejected' in noContainer)) throw new Error('upgraded');
    expect(noContainer.rejected).toBe(400);
    expect(JSON.parse(noContainer.body)).toMatchObject({ message: 'a container name must be specified for pod two-containers, choose one of: [main sidecar]', reason: 'BadRequest', code: 400 });
    const wrongContainer = await rawWs(execPath('two-containers', ['true'], 'stdout=true&container=web'), ['v5.channel.k8s.io']);
    if (!('rejected' in wrongContainer)) throw new Error('upgraded');
    expect(JSON.parse(wrongContainer.body)).toMatchObject({ message: 'container web is not valid for pod two-containers', code: 400 });
    const badToken = await rawWs(execPath('camunda-zeebe-0', ['true']), ['v5.channel.k8s.io'], 'nope');
    expect(badToken).toMatchObject({ rejected: 401 });
    expect(server.requests.filter((r) => r.kind === 'exec').map((r) => r.status)).toEqual([403, 404, 400, 400, 401]);
  });

  it('client-node sees a rejected upgrade as a failed promise', async () => {
    await start({ faults: { deny: [{ verb: 'get', resource: 'pods/exec' }] } });
    await expect(new Exec(kubeConfig()).exec(NS, 'camunda-zeebe-0', 'zeebe', ['true'], new PassThrough(), null, null, false)).rejects.toMatchObject({
      message: expect.stringContaining('403'),
    });
  });

  it('drops the connection without a status (1006) when execDropAfterMs matches, and kills the command', async () => {
    await start({ faults: { execDropAfterMs: 100, execDropMatch: 'sleep' } });
    const started = Date.now();
    const run = await clientNodeExec('zeebe', ['sleep', '30']);
    expect(run.closeCode).toBe(1006);
    expect(run.status).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5000);
    // Not matching the filter: runs normally.
    const ok = await clientNodeExec('zeebe', ['echo', 'fine']);
    expect(ok.status).toEqual({ metadata: {}, status: 'Success' });
    expect(ok.stdout).toBe('fine\n');
  });

  it('uses the exec handler for simulated commands, streaming its stdout', async () => {
    await start({
      execHandler: async (ctx) => {
        if (ctx.argv[0] !== 'pg_dump') return undefined;
        const stream = new PassThrough();
        setTimeout(() => stream.end('-- dump\n'), 10);
        stream.write('SET x;\n');
        return { stdout: stream, stderr: 'pg_dump: warning\n', exitCode: 0 };
      },
    });
    const run = await clientNodeExec('zeebe', ['pg_dump', '-Fc', 'camunda']);
    expect(run.stdout).toBe('SET x;\n-- dump\n');
    expect(run.stderr).toBe('pg_dump: warning\n');
    expect(run.status).toEqual({ metadata: {}, status: 'Success' });
  });
});

describe('exec: stdin, close signal, aborts, old protocols, wget, flow control', () => {
  /** Raw exec with stdin: the caller drives the socket. */
  function openRaw(path: string, protocols: string[]): Promise<{ ws: WebSocket; frames: Buffer[]; closed: Promise<number> }> {
    const ws = new WebSocket(`${server.url.replace('https', 'wss')}${path}`, protocols, { ca: server.caPem, headers: { Authorization: `Bearer ${TOKEN}` } });
    const frames: Buffer[] = [];
    ws.on('message', (data: Buffer) => frames.push(data));
    const closed = once(ws, 'close').then(([code]) => code as number);
    return once(ws, 'open').then(() => ({ ws, frames, closed }));
  }
  const stdoutOf = (frames: Buffer[]) => Buffer.concat(frames.filter((f) => f[0] === 1).map((f) => f.subarray(1))).toString();
  const statusOf = (frames: Buffer[]) => {
    const frame = frames.find((f) => f[0] === 3 && f.length > 1);
    return frame ? (JSON.parse(frame.subarray(1).toString()) as Record<string, unknown>) : undefined;
  };
  const postStdin = ['curl', '-sS', '-X', 'POST', '--data-binary', '@-', 'http://localhost:9600/echo'];

  it('v5: stdin frames reach the command and [0xFF, 0] half-closes stdin', async () => {
    await start();
    const { ws, frames, closed } = await openRaw(execPath('camunda-zeebe-0', postStdin, 'stdin=true&stdout=true&stderr=true'), ['v5.channel.k8s.io']);
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello ')]));
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('world')]));
    ws.send(Buffer.from([0xff, 0]));
    expect(await closed).toBe(1000);
    expect(stdoutOf(frames)).toBe('echo:hello world');
    expect(statusOf(frames)).toEqual({ metadata: {}, status: 'Success' });
  });

  it('v4: [0xFF, 0] is just an unknown channel, so stdin stays open', async () => {
    await start({ faults: { execProtocol: 'v4' } });
    const { ws, frames, closed } = await openRaw(execPath('camunda-zeebe-0', postStdin, 'stdin=true&stdout=true&stderr=true'), ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    expect(ws.protocol).toBe('v4.channel.k8s.io');
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('x')]));
    ws.send(Buffer.from([0xff, 0]));
    // Not a wait for something to happen: a window in which a closed stdin would have ended the command.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(statusOf(frames)).toBeUndefined();
    ws.close();
    await closed;
  });

  it('v5: a close signal of the wrong length is a protocol error that drops the connection', async () => {
    await start();
    const { ws, frames, closed } = await openRaw(execPath('camunda-zeebe-0', ['sleep', '10'], 'stdin=true&stdout=true'), ['v5.channel.k8s.io']);
    ws.send(Buffer.from([0xff, 0, 0]));
    expect(await closed).toBe(1006);
    expect(statusOf(frames)).toBeUndefined();
  });

  it('kills the command when the client goes away', async () => {
    await start();
    hangStarted = new Promise((resolve) => {
      onHangStarted = resolve;
    });
    hangClosed = new Promise((resolve) => {
      onHangClosed = resolve;
    });
    const { ws, closed } = await openRaw(execPath('camunda-zeebe-0', ['curl', '-sS', 'http://localhost:9600/hang']), ['v5.channel.k8s.io']);
    await hangStarted;
    ws.close();
    await closed;
    await expect(Promise.race([hangClosed.then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still open'), 3000))])).resolves.toBe('closed');
  });

  it('pre-v4 channel.k8s.io (1.29 kubelet): failure is plain text on channel 3, success writes nothing', async () => {
    await start({ faults: { execProtocol: 'v4' } });
    const failed = await rawWs(execPath('camunda-zeebe-0', ['false']), ['channel.k8s.io']);
    if ('rejected' in failed) throw new Error('rejected');
    expect(failed.protocol).toBe('channel.k8s.io');
    expect(failed.frames.at(-1)?.data.toString()).toBe('\u0003command terminated with non-zero exit code: error executing command [false], exit code 1');
    const ok = await rawWs(execPath('camunda-zeebe-0', ['true']), ['channel.k8s.io']);
    if ('rejected' in ok) throw new Error('rejected');
    expect(ok.frames.map((f) => [...f.data])).toEqual([[1]]);
    expect(ok.closeCode).toBe(1000);
  });

  it('runs real wget with URLs routed to the pod, keeping the Host header; unknown hosts are refused', async () => {
    await start();
    const run = await clientNodeExec('zeebe', ['wget', '-S', '-O', '-', '-T', '5', '--header', 'Accept: application/json', '-Y', 'off', 'http://camunda-zeebe-gateway:9600/actuator/wget']);
    expect(run.status).toEqual({ metadata: {}, status: 'Success' });
    expect(JSON.parse(run.stdout)).toEqual({ status: 'UP', path: '/actuator/wget' });
    expect(run.stderr).toMatch(/HTTP\/1\.1 200 OK/);
    const refused = await clientNodeExec('zeebe', ['wget', '-O', '-', '-T', '2', '-t', '1', 'http://nowhere.example:9600/']);
    expect(refused.status?.details?.causes?.[0]).toEqual({ reason: 'ExitCode', message: '4' });
    expect(refused.stderr).toContain('Connection refused');
  });

  it('pauses a command whose output the client is not reading (no unbounded buffering)', async () => {
    let produced = 0;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    await start({
      execHandler: async () => ({
        stdout: new Readable({
          read() {
            if (produced >= 64 * 1024 * 1024) {
              this.push(null);
              return;
            }
            produced += chunk.length;
            this.push(chunk);
          },
        }),
        stderr: '',
        exitCode: 0,
      }),
    });
    const { ws, frames, closed } = await openRaw(execPath('camunda-zeebe-0', ['pg_dump']), ['v5.channel.k8s.io']);
    ws.pause();
    // Not a wait for something to happen: a window in which a server without backpressure would produce it all.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(produced).toBeLessThan(32 * 1024 * 1024);
    ws.resume();
    expect(await closed).toBe(1000);
    expect(produced).toBe(64 * 1024 * 1024);
    expect(frames.filter((f) => f[0] === 1).reduce((n, f) => n + f.length - 1, 0)).toBe(64 * 1024 * 1024);
    expect(statusOf(frames)).toEqual({ metadata: {}, status: 'Success' });
  });
});

describe('port-forward', () => {
  async function forward(port: number): Promise<{ ws: WebSocket; input: PassThrough; output: () => string; errors: () => string; closed: Promise<number> }> {
    const input = new PassThrough();
    const out = new PassThrough();
    const err = new PassThrough();
    const outChunks: Buffer[] = [];
    const errChunks: Buffer[] = [];
    out.on('data', (c: Buffer) => outChunks.push(c));
    err.on('data', (c: Buffer) => errChunks.push(c));
    const ws = (await new PortForward(kubeConfig()).portForward(NS, 'camunda-zeebe-0', [port], out, err, input)) as WebSocket;
    const closed = once(ws, 'close').then(([code]) => code as number);
    return { ws, input, output: () => Buffer.concat(outChunks).toString('utf8'), errors: () => Buffer.concat(errChunks).toString('utf8'), closed };
  }

  it('client-node round-trips HTTP over v4 and the WebSocket closes when the pod closes the connection', async () => {
    await start();
    const pf = await forward(9600);
    expect(pf.ws.protocol).toBe('v4.channel.k8s.io');
    pf.input.write('GET /actuator/backups/7 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(await pf.closed).toBe(1000);
    expect(pf.output()).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(pf.output()).toContain('"path":"/actuator/backups/7"');
    expect(pf.errors()).toBe('');
    expect(server.requests.find((r) => r.kind === 'portforward')).toMatchObject({ status: 101, pod: 'camunda-zeebe-0', port: 9600 });
  });

  it('announces the port as uint16 LE on channels 0 and 1 first', async () => {
    await start();
    const ws = new WebSocket(`${server.url.replace('https', 'wss')}/api/v1/namespaces/${NS}/pods/camunda-zeebe-0/portforward?ports=9600`, ['v4.channel.k8s.io'], {
      ca: server.caPem,
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    const frames: Buffer[] = [];
    ws.on('message', (data: Buffer) => {
      frames.push(data);
      if (frames.length === 2) ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('GET /raw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]));
    });
    const [code] = (await once(ws, 'close')) as [number];
    expect(code).toBe(1000);
    expect(frames[0]).toEqual(Buffer.from([0, 0x80, 0x25]));
    expect(frames[1]).toEqual(Buffer.from([1, 0x80, 0x25]));
    expect(Buffer.concat(frames.slice(2).map((f) => f.subarray(1))).toString()).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*"path":"\/raw"/);
    expect(frames.slice(2).every((f) => f[0] === 0)).toBe(true);
  });

  it('reports a refused port as containerd text on the error channel, then closes', async () => {
    await start();
    const pf = await forward(9700);
    expect(await pf.closed).toBe(1000);
    expect(pf.errors()).toMatch(
      /^error forwarding port 9700 to pod [0-9a-f]{64}, uid : failed to connect to localhost:9700 inside namespace "[0-9a-f]{64}", IPv4: dial tcp4 127\.0\.0\.1:9700: connect: connection refused IPv6 dial tcp6 \[::1\]:9700: connect: connection refused $/,
    );
  });

  it('portForwardRefuse fault refuses even a listening port; RBAC rejects before the upgrade; v5 is not offered', async () => {
    await start({ faults: { portForwardRefuse: true } });
    const pf = await forward(9600);
    await pf.closed;
    expect(pf.errors()).toContain('connection refused');
    server.faults.deny = [{ verb: 'get', resource: 'pods', subresource: 'portforward' }];
    const denied = await rawWs(`/api/v1/namespaces/${NS}/pods/camunda-zeebe-0/portforward?ports=9600`, ['v4.channel.k8s.io']);
    if (!('rejected' in denied)) throw new Error('upgraded');
    expect(denied.rejected).toBe(403);
    expect(JSON.parse(denied.body)).toMatchObject({
      message: 'pods "camunda-zeebe-0" is forbidden: User "system:serviceaccount:camunda:backup" cannot get resource "pods/portforward" in API group "" in the namespace "camunda"',
    });
    server.faults.deny = [];
    const v5 = await rawWs(`/api/v1/namespaces/${NS}/pods/camunda-zeebe-0/portforward?ports=9600`, ['v5.channel.k8s.io']);
    expect(v5).toMatchObject({ rejected: 403 });
  });

  it('closes the pod connection when the client goes away', async () => {
    await start();
    const pf = await forward(9600);
    pf.input.write('GET /keep HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => pf.output().includes('"path":"/keep"'), { intervalMs: 10, timeoutMs: 5_000 });
    const before = await new Promise<number>((resolve) => podServer.getConnections((_e, n) => resolve(n)));
    expect(before).toBeGreaterThan(0);
    pf.ws.close();
    await pf.closed;
    const connections = (): Promise<number> => new Promise<number>((resolve) => podServer.getConnections((_e, n) => resolve(n)));
    await until(async () => (await connections()) <= before - 1, { intervalMs: 10, timeoutMs: 5_000 });
    expect(await connections()).toBe(before - 1);
  });
});

describe('kubeconfig', () => {
  it('names one context with the namespace, and a wrong token gets 401 through client-node', async () => {
    await start();
    const yaml = server.kubeconfig({ namespace: NS, context: 'ctx-a' });
    expect(yaml).toContain('current-context: ctx-a');
    expect(yaml).toContain('namespace: camunda');
    expect(yaml).toContain('certificate-authority-data: ');
    expect(JSON.stringify(server.requests)).not.toContain(TOKEN);
    await expect(new Exec(kubeConfig({ token: 'wrong' })).exec(NS, 'camunda-zeebe-0', 'zeebe', ['true'], new PassThrough(), null, null, false)).rejects.toMatchObject({
      message: expect.stringContaining('401'),
    });
  });
});
