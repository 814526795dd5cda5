/**
 * The real client-node behind createKubeClient, against the in-repo fake API server (HTTPS with its own CA, bearer
 * token, Status errors, WebSocket exec v5/v4 running real curl, port-forward v4).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { generate } from 'selfsigned';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient } from '../../src/kube/create-kube-client.js';
import type { KubeClient, PortForward } from '../../src/kube/kube-client.js';
import {
  ExecCommandNotFoundError,
  ExecConnectionLostError,
  ExecStdinCloseUnsupportedError,
  ExecTimeoutError,
  KubeApiError,
} from '../../src/kube/kube-errors.js';
import { startFakeApiServer, type ClusterObjects, type FakeApiServer } from '../world/kube/fake-apiserver.js';

const NS = 'camunda';
const POD = 'camunda-zeebe-0';
const NO_CURL_POD = 'camunda-operate-1';
const USER = 'system:serviceaccount:camunda:backup';
const BIG_OUTPUT_BYTES = 6 * 1024 * 1024 + 123;

function pod(name: string, container: string, labels: Record<string, string>): unknown {
  return {
    metadata: { name, namespace: NS, uid: `uid-${name}`, labels },
    spec: { containers: [{ name: container, image: `camunda/${container}:8.7.0`, ports: [{ name: 'management', containerPort: 9600 }] }] },
    status: { phase: 'Running', podIP: '10.0.0.7', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

const objects: ClusterObjects = {
  pods: [
    pod(POD, 'zeebe', { 'app.kubernetes.io/component': 'zeebe-broker', 'app.kubernetes.io/instance': 'camunda' }),
    pod(NO_CURL_POD, 'operate', { 'app.kubernetes.io/component': 'operate', 'app.kubernetes.io/instance': 'camunda' }),
  ],
  services: [
    {
      metadata: { name: 'camunda-zeebe-gateway', namespace: NS, labels: { 'app.kubernetes.io/component': 'zeebe-gateway' } },
      spec: { selector: { 'app.kubernetes.io/component': 'zeebe-gateway' }, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] },
    },
  ],
  configMaps: [{ metadata: { name: 'camunda-zeebe-configuration', namespace: NS }, data: { 'application.yaml': 'zeebe: {}' } }],
  secrets: [
    {
      metadata: { name: 'sh.helm.release.v1.camunda.v1', namespace: NS, labels: { owner: 'helm', name: 'camunda', status: 'deployed' } },
      type: 'helm.sh/release.v1',
      data: { release: 'SDRzSUFBQUFBQUFBLw==' },
    },
    { metadata: { name: 'other', namespace: NS, labels: { owner: 'someone' } }, type: 'Opaque', data: {} },
  ],
};

/** Plays port 9600 of the pods: a small actuator-like HTTP server. */
let backend: http.Server;
let backendPort: number;
let api: FakeApiServer;
let dir: string;
let client: KubeClient;
const forwards: PortForward[] = [];

/** A pg_dump-sized output in 64 KiB pieces, as a process would write it; byte i is i % 251. */
/** What the slow-sink command has read of its stdin so far. */
const sink = { consumed: 0 };

/**
 * A command that reads `bytes` of stdin slowly (a pause every megabyte, like psql building indexes) and stops
 * there by itself (it need not see the end of stdin, which v4 cannot send); prints the count and their SHA-256.
 */
async function slowSink(stdin: AsyncIterable<Buffer>, bytes: number): Promise<{ stdout: Buffer; stderr: string; exitCode: number }> {
  sink.consumed = 0;
  const hash = createHash('sha256');
  let nextPause = 1024 * 1024;
  for await (const chunk of stdin) {
    const wanted = chunk.subarray(0, bytes - sink.consumed);
    hash.update(wanted);
    sink.consumed += wanted.length;
    if (sink.consumed >= nextPause) {
      nextPause += 1024 * 1024;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    if (sink.consumed >= bytes) break;
  }
  return { stdout: Buffer.from(`${sink.consumed} ${hash.digest('hex')}`), stderr: '', exitCode: 0 };
}

function* dumpChunks(): Generator<Buffer> {
  const piece = 64 * 1024;
  for (let offset = 0; offset < BIG_OUTPUT_BYTES; offset += piece) {
    const chunk = Buffer.alloc(Math.min(piece, BIG_OUTPUT_BYTES - offset));
    for (let i = 0; i < chunk.length; i++) chunk[i] = (offset + i) % 251;
    yield chunk;
  }
}

function kubeconfigFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function clientFor(kubeconfigText: string, extra: { requestTimeoutMs?: number } = {}): KubeClient {
  return createKubeClient({ kubeconfig: kubeconfigFile(`kubeconfig-${Math.random().toString(36).slice(2)}`, kubeconfigText), env: {}, ...extra });
}

function execUser(command: string): string {
  return ['    exec:', '      apiVersion: client.authentication.k8s.io/v1', `      command: ${command}`, '      interactiveMode: Never'].join('\n');
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function expectCleanMessage(error: Error): void {
  expect(error.message).not.toMatch(/HTTP-Code|Body:|Unknown API Status Code|ErrorEvent|Unexpected server response/);
}

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    const body = JSON.stringify({ status: 'UP', path: req.url });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendPort = (backend.address() as net.AddressInfo).port;

  api = await startFakeApiServer({
    objects,
    token: 'good-token',
    network: {
      podPort: (_ns, _pod, port) => (port === 9600 ? backendPort : undefined),
      resolve: (_ns, _pod, host, port) => (['localhost', '127.0.0.1'].includes(host) && port === 9600 ? backendPort : undefined),
      hasBinary: (_ns, podName, _container, binary) => !(podName === NO_CURL_POD && binary === 'curl'),
    },
    execHandler: async (ctx) => {
      if (ctx.argv[0] === 'slow-sink') return slowSink(ctx.stdin?.() ?? (async function* () {})(), Number(ctx.argv[1]));
      if (ctx.argv[0] !== 'pg_dump') return undefined;
      return { stdout: Readable.from(dumpChunks()), stderr: 'pg_dump: done\n', exitCode: 0 };
    },
  });
  dir = mkdtempSync(join(tmpdir(), 'kube-client-it-'));
  client = clientFor(api.kubeconfig({ namespace: NS, context: 'fake-ctx' }));
});

afterEach(async () => {
  api.faults.deny = [];
  delete api.faults.execDropAfterMs;
  delete api.faults.execDropMatch;
  delete api.faults.execProtocol;
  delete api.faults.portForwardRefuse;
  await Promise.all(forwards.splice(0).map((f) => f.close()));
});

afterAll(async () => {
  await api?.close();
  await new Promise<void>((resolve) => backend?.close(() => resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('REST', () => {
  it('reports the namespace and context of the kubeconfig', () => {
    expect(client.namespace).toBe(NS);
    expect(client.contextName).toBe('fake-ctx');
  });

  it('lists pods by label selector as plain shapes', async () => {
    const pods = await client.listPods(NS, 'app.kubernetes.io/component=zeebe-broker');
    expect(pods).toHaveLength(1);
    expect(pods[0]).toMatchObject({
      name: POD,
      namespace: NS,
      phase: 'Running',
      ready: true,
      ip: '10.0.0.7',
      containers: [{ name: 'zeebe', ports: [{ name: 'management', containerPort: 9600 }] }],
    });
  });

  it('lists secrets by label selector, data still base64', async () => {
    const secrets = await client.listSecrets(NS, 'owner=helm');
    expect(secrets.map((s) => s.name)).toEqual(['sh.helm.release.v1.camunda.v1']);
    expect(secrets[0]).toMatchObject({ type: 'helm.sh/release.v1', data: { release: 'SDRzSUFBQUFBQUFBLw==' }, labels: { status: 'deployed' } });
  });

  it('reads services, config maps and secrets; a missing one is undefined', async () => {
    expect(await client.readService(NS, 'camunda-zeebe-gateway')).toMatchObject({ ports: [{ name: 'http', port: 8080, targetPort: 'http' }] });
    expect((await client.listServices(NS)).map((s) => s.name)).toEqual(['camunda-zeebe-gateway']);
    expect(await client.readConfigMap(NS, 'camunda-zeebe-configuration')).toMatchObject({ data: { 'application.yaml': 'zeebe: {}' } });
    expect(await client.readSecret(NS, 'other')).toMatchObject({ type: 'Opaque' });
    expect(await client.readSecret(NS, 'nope')).toBeUndefined();
    expect(await client.readService(NS, 'nope')).toBeUndefined();
    expect(await client.readConfigMap(NS, 'nope')).toBeUndefined();
  });

  it('a wrong token is exit 3 with the Status message, not raw HTTP text', async () => {
    const wrong = clientFor(api.kubeconfig({ namespace: NS, token: 'wrong-token' }));
    const error = await rejection(wrong.listPods(NS, 'a=b'));
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ exitCode: 3, httpStatus: 401, reason: 'Unauthorized' });
    expect(error.message).toContain('401 Unauthorized');
    expect(error.message).not.toContain('wrong-token');
    expectCleanMessage(error);
  });

  it('403 keeps the Kubernetes message', async () => {
    api.faults.deny = [{ verb: 'list', resource: 'secrets' }];
    const error = await rejection(client.listSecrets(NS, 'owner=helm'));
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ exitCode: 3, httpStatus: 403, reason: 'Forbidden' });
    expect(error.message).toBe(`secrets is forbidden: User "${USER}" cannot list resource "secrets" in API group "" in the namespace "${NS}"`);
  });

  it('403 on a read is an error, not "not found"', async () => {
    api.faults.deny = [{ verb: 'get', resource: 'secrets' }];
    const error = await rejection(client.readSecret(NS, 'other'));
    expect(error).toMatchObject({ httpStatus: 403 });
    expect(error.message).toContain('secrets "other" is forbidden');
  });

  it('gets its token from an exec credential plugin, found relative to the kubeconfig', async () => {
    const plugin = join(dir, 'plugins', 'get-token.mjs');
    mkdirSync(join(dir, 'plugins'), { recursive: true });
    writeFileSync(
      plugin,
      `#!/usr/bin/env node\nconsole.log(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'good-token' } }));\n`,
    );
    chmodSync(plugin, 0o755);
    const withPlugin = clientFor(api.kubeconfig({ namespace: NS }).replace(/ {4}token: .*/, execUser('./plugins/get-token.mjs')));
    expect((await withPlugin.listPods(NS, 'app.kubernetes.io/component=zeebe-broker')).map((p) => p.name)).toEqual([POD]);
  });

  it('a failing exec credential plugin is exit 3 with what the plugin said', async () => {
    const plugin = join(dir, 'plugins', 'no-login.mjs');
    mkdirSync(join(dir, 'plugins'), { recursive: true });
    writeFileSync(plugin, `#!/usr/bin/env node\nconsole.error('error: you must log in first (run: cloud login)');\nprocess.exit(1);\n`);
    chmodSync(plugin, 0o755);
    const withPlugin = clientFor(api.kubeconfig({ namespace: NS }).replace(/ {4}token: .*/, execUser(plugin)));
    const error = await rejection(withPlugin.listPods(NS, 'a=b'));
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ exitCode: 3 });
    expect(error.message).toContain('you must log in first (run: cloud login)');
  });

  it('in a pod without kubeconfig, uses the service account token, CA and namespace', async () => {
    const sa = join(dir, 'serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'good-token');
    writeFileSync(join(sa, 'ca.crt'), api.caPem);
    writeFileSync(join(sa, 'namespace'), NS);
    const { hostname, port } = new URL(api.url);
    const inCluster = createKubeClient({
      env: { KUBERNETES_SERVICE_HOST: hostname, KUBERNETES_SERVICE_PORT: port, HOME: join(dir, 'no-home') },
      serviceAccountDir: sa,
    });
    expect(inCluster).toMatchObject({ contextName: 'in-cluster', namespace: NS });
    expect((await inCluster.listSecrets(inCluster.namespace, 'owner=helm')).map((x) => x.name)).toEqual(['sh.helm.release.v1.camunda.v1']);
    const result = await inCluster.execInPod({ namespace: NS, pod: POD, container: 'zeebe', command: ['echo', 'hi'], timeoutMs: 5_000 });
    expect(result).toMatchObject({ exitCode: 0 });
    expect(result.stdout.toString()).toBe('hi\n');
  });

  it('checks access with SelfSubjectAccessReview', async () => {
    api.faults.deny = [{ verb: 'create', resource: 'pods', subresource: 'exec' }];
    const results = await client.checkAccess([
      { namespace: NS, verb: 'list', resource: 'secrets' },
      { namespace: NS, verb: 'create', resource: 'pods', subresource: 'exec' },
    ]);
    expect(results).toEqual([
      expect.objectContaining({ verb: 'list', resource: 'secrets', allowed: true }),
      expect.objectContaining({ verb: 'create', resource: 'pods', subresource: 'exec', allowed: false }),
    ]);
    expect(api.requests.filter((r) => r.path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews' && r.method === 'POST')).toHaveLength(2);
  });

  it('an unreachable API server says where and why', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const unreachable = clientFor(api.kubeconfig({ namespace: NS }).replace(api.url, `https://127.0.0.1:${closed}`));
    const error = await rejection(unreachable.listPods(NS, 'a=b'));
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error.message).toBe(`cannot reach the API server at https://127.0.0.1:${closed}: connect ECONNREFUSED 127.0.0.1:${closed}`);
    expect((error as KubeApiError).httpStatus).toBeUndefined();
  });

  it('a TLS server with another CA is refused, not trusted', async () => {
    const other = await generate([{ name: 'commonName', value: 'some-other-ca' }], { keyType: 'ec', algorithm: 'sha256' });
    const otherCa = api.kubeconfig({ namespace: NS }).replace(/certificate-authority-data: .*/, `certificate-authority-data: ${Buffer.from(other.cert).toString('base64')}`);
    const error = await rejection(clientFor(otherCa).listPods(NS, 'a=b'));
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error.message).toMatch(/^TLS: cannot trust the API server at https:\/\/127\.0\.0\.1:\d+: its certificate is not signed by a certificate authority the kubeconfig trusts \(.*certificate.*\)$/);
    expect((error as KubeApiError).hint).toMatch(/certificate-authority/);
  });

  it('a request that gets no answer fails at the deadline', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as net.AddressInfo;
      const slow = clientFor(api.kubeconfig({ namespace: NS }).replace(api.url, `https://127.0.0.1:${port}`), { requestTimeoutMs: 300 });
      const started = Date.now();
      const error = await rejection(slow.listPods(NS, 'a=b'));
      expect(Date.now() - started).toBeLessThan(5000);
      expect(error).toBeInstanceOf(KubeApiError);
      expect(error.message).toBe(`the API server at https://127.0.0.1:${port} did not answer GET /api/v1/namespaces/${NS}/pods within 300ms`);
    } finally {
      silent.close();
    }
  });
});

describe('exec', () => {
  const curlHealth = ['curl', '-sS', '--max-time', '5', 'http://localhost:9600/actuator/health'];

  it.each(['v5', 'v4'] as const)('runs real curl in the pod (%s) and returns stdout and exit code 0', async (protocol) => {
    api.faults.execProtocol = protocol;
    const result = await client.execInPod({ namespace: NS, pod: POD, container: 'zeebe', command: curlHealth, timeoutMs: 10_000 });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout.toString('utf8'))).toEqual({ status: 'UP', path: '/actuator/health' });
    const logged = api.requests.filter((r) => r.kind === 'exec').at(-1);
    expect(logged).toMatchObject({ status: 101, pod: POD, argv: curlHealth });
    expect(logged?.query).toContain('container=zeebe');
    expect(logged?.query).toContain('stdin=false');
  });

  it.each(['v5', 'v4'] as const)('returns a non-zero exit code with stderr (%s)', async (protocol) => {
    api.faults.execProtocol = protocol;
    const result = await client.execInPod({
      namespace: NS,
      pod: POD,
      container: 'zeebe',
      command: ['curl', '-sS', '--max-time', '5', 'http://localhost:9601/'],
      timeoutMs: 10_000,
    });
    expect(result.exitCode).toBe(7);
    expect(result.stderr).toMatch(/connect/i);
    expect(result.stdout.length).toBe(0);
  });

  it('stdin closed after its data (v5): the command reads to the end of input; the request asks for stdin and v5 alone', async () => {
    const readAll = ['sh', '-c', 'while IFS= read -r line; do printf "got %s\\n" "$line"; done'];
    const result = await client.execInPod({ namespace: NS, pod: POD, container: 'zeebe', command: readAll, timeoutMs: 10_000, stdin: { data: Buffer.from('one\ntwo\n'), close: true } });
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout.toString()).toBe('got one\ngot two\n');
    expect(api.requests.filter((r) => r.kind === 'exec').at(-1)).toMatchObject({ status: 101, stdin: true, protocol: 'v5.channel.k8s.io', argv: readAll });
  });

  it('stdin that must be closed, on an API server without v5 (1.29): ExecStdinCloseUnsupportedError, nothing ran', async () => {
    api.faults.execProtocol = 'v4';
    const before = api.requests.length;
    const error = await rejection(client.execInPod({ namespace: NS, pod: POD, container: 'zeebe', command: ['sh', '-c', 'read -r x'], timeoutMs: 5_000, stdin: { data: Buffer.from('x\n'), close: true } }));
    expect(error).toBeInstanceOf(ExecStdinCloseUnsupportedError);
    expect(error).toMatchObject({ exitCode: 3, message: expect.stringContaining('does not speak exec protocol v5.channel.k8s.io') });
    expect(api.requests.slice(before).map((r) => r.status)).toEqual([403]);
  });

  it('stdin left open (v4): the command reads what it needs, exits, and the status still arrives', async () => {
    api.faults.execProtocol = 'v4';
    const firstLine = ['sh', '-c', 'IFS= read -r line; printf "%s|" "$line"'];
    const result = await client.execInPod({ namespace: NS, pod: POD, container: 'zeebe', command: firstLine, timeoutMs: 10_000, stdin: { data: Buffer.from('first\nsecond\n'), close: false } });
    expect(result).toMatchObject({ exitCode: 0 });
    expect(result.stdout.toString()).toBe('first|');
    expect(api.requests.filter((r) => r.kind === 'exec').at(-1)).toMatchObject({ status: 101, stdin: true, protocol: 'v4.channel.k8s.io' });
  });

  for (const protocol of ['v5', 'v4'] as const) {
    it(`streams a large stdin from its source as fast as the command reads it (${protocol}): bounded memory, intact`, async () => {
      api.faults.execProtocol = protocol;
      const piece = 256 * 1024;
      const total = 48 * 1024 * 1024 + 17;
      const pattern = Buffer.alloc(piece, 'abcdefghijklmnopqrstuvwxyz\n');
      const hash = createHash('sha256');
      let produced = 0;
      let maxAhead = 0;
      async function* source(): AsyncGenerator<Buffer> {
        for (let index = 0; produced < total; index++) {
          const chunk = Buffer.from(pattern.subarray(0, Math.min(piece, total - produced)));
          chunk.writeUInt32BE(index, 0);
          hash.update(chunk);
          produced += chunk.length;
          // What the client has read from the source and the command has not: the memory a dump would take.
          maxAhead = Math.max(maxAhead, produced - sink.consumed);
          yield chunk;
        }
      }
      let sent = 0;
      const result = await client.execInPod({
        namespace: NS,
        pod: POD,
        container: 'zeebe',
        command: ['slow-sink', String(total)],
        timeoutMs: 60_000,
        stdinStream: { stream: source(), onSent: (bytes) => (sent = bytes) },
      });
      expect(result).toMatchObject({ exitCode: 0, stderr: '' });
      expect(result.stdout.toString()).toBe(`${total} ${hash.digest('hex')}`);
      expect(sent).toBe(total);
      // Unpaced, client-node would read the whole source at once and queue it in the socket (~48 MiB ahead).
      expect(maxAhead).toBeLessThan(16 * 1024 * 1024);
      expect(api.requests.filter((r) => r.kind === 'exec').at(-1)).toMatchObject({ status: 101, stdin: true, protocol: `${protocol}.channel.k8s.io` });
    });
  }

  it('a streamed stdin whose source fails ends the command and rejects with why', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from('first\n');
      throw new Error('EIO: i/o error, read');
    }
    const error = await rejection(client.execInPod({ namespace: NS, pod: POD, container: 'zeebe', command: ['slow-sink', '1000000'], timeoutMs: 10_000, stdinStream: { stream: failing() } }));
    expect(error.message).toMatch(/reading its stdin failed: EIO: i\/o error, read/);
  });

  it('exit code 1 of a plain command', async () => {
    const result = await client.execInPod({ namespace: NS, pod: POD, container: 'zeebe', command: ['false'], timeoutMs: 5_000 });
    expect(result.exitCode).toBe(1);
  });

  it('a missing executable is ExecCommandNotFoundError naming pod and container', async () => {
    const error = await rejection(client.execInPod({ namespace: NS, pod: NO_CURL_POD, container: 'operate', command: curlHealth, timeoutMs: 5_000 }));
    expect(error).toBeInstanceOf(ExecCommandNotFoundError);
    expect(error).toMatchObject({ command: 'curl', exitCode: 3, target: { namespace: NS, pod: NO_CURL_POD, container: 'operate' } });
    expect(error.message).toContain(`pod ${NS}/${NO_CURL_POD} (container operate)`);
    expect(error.message).toContain('executable file not found');
  });

  it('a dropped connection (1006, no status) is ExecConnectionLostError', async () => {
    api.faults.execDropAfterMs = 100;
    const error = await rejection(client.execInPod({ namespace: NS, pod: POD, container: 'zeebe', command: ['sleep', '5'], timeoutMs: 10_000 }));
    expect(error).toBeInstanceOf(ExecConnectionLostError);
    expect(error).toMatchObject({ closeCode: 1006 });
    expect(error.message).toContain(`pod ${NS}/${POD} (container zeebe)`);
  });

  it('a forbidden exec keeps the Kubernetes message from the rejected handshake', async () => {
    api.faults.deny = [{ verb: 'create', resource: 'pods', subresource: 'exec' }];
    const error = await rejection(client.execInPod({ namespace: NS, pod: POD, container: 'zeebe', command: curlHealth, timeoutMs: 5_000 }));
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ exitCode: 3, httpStatus: 403 });
    expect(error.message).toBe(`pods "${POD}" is forbidden: User "${USER}" cannot create resource "pods/exec" in API group "" in the namespace "${NS}"`);
    expectCleanMessage(error);
  });

  it('a wrong container name is a 400 with the API server message', async () => {
    const error = await rejection(client.execInPod({ namespace: NS, pod: POD, container: 'nope', command: curlHealth, timeoutMs: 5_000 }));
    expect(error).toMatchObject({ httpStatus: 400 });
    expect(error.message).toContain(`container nope is not valid for pod ${POD}`);
    expect(error.message).toContain(`exec in pod ${NS}/${POD} (container nope)`);
    expectCleanMessage(error);
  });

  it('a pod that does not exist is a 404 with the API server message', async () => {
    const error = await rejection(client.execInPod({ namespace: NS, pod: 'gone-0', container: 'zeebe', command: curlHealth, timeoutMs: 5_000 }));
    expect(error).toMatchObject({ httpStatus: 404, reason: 'NotFound' });
    expect(error.message).toContain('pods "gone-0" not found');
  });

  it('the client deadline terminates the stream', async () => {
    const started = Date.now();
    const error = await rejection(client.execInPod({ namespace: NS, pod: POD, container: 'zeebe', command: ['sleep', '30'], timeoutMs: 300 }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(ExecTimeoutError);
    expect(error.message).toContain(`pod ${NS}/${POD} (container zeebe) did not finish within 300ms`);
  });

  it('an abort signal terminates the stream with the signal reason', async () => {
    const controller = new AbortController();
    const reason = new Error('interrupted');
    setTimeout(() => controller.abort(reason), 100);
    const error = await rejection(
      client.execInPod({ namespace: NS, pod: POD, container: 'zeebe', command: ['sleep', '30'], timeoutMs: 10_000, signal: controller.signal }),
    );
    expect(error).toBe(reason);
  });

  it('streams a large stdout to the given stream through a slow consumer, intact', async () => {
    const received: Buffer[] = [];
    let maxBuffered = 0;
    const slow = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk);
        setTimeout(callback, 1);
      },
    });
    const write = slow.write.bind(slow) as (chunk: Buffer) => boolean;
    slow.write = ((chunk: Buffer) => {
      const ok = write(chunk);
      maxBuffered = Math.max(maxBuffered, slow.writableLength);
      return ok;
    }) as typeof slow.write;
    const result = await client.execInPod({ namespace: NS, pod: POD, container: 'zeebe', command: ['pg_dump', '-Fc', 'modeler'], timeoutMs: 60_000, stdout: slow });
    await new Promise<void>((resolve) => slow.end(resolve));
    const all = Buffer.concat(received);
    expect(result).toMatchObject({ exitCode: 0, stderr: 'pg_dump: done\n' });
    expect(result.stdout.length).toBe(0);
    expect(all.length).toBe(BIG_OUTPUT_BYTES);
    expect(all.every((byte, i) => byte === i % 251)).toBe(true);
    // Backpressure: the socket was paused rather than the whole dump being queued in the stream.
    expect(maxBuffered).toBeLessThan(1024 * 1024);
  });
});

describe('port-forward', () => {
  async function open(port = 9600): Promise<PortForward> {
    const forward = await client.openPortForward({ namespace: NS, pod: POD, port });
    forwards.push(forward);
    return forward;
  }

  function get(port: number, path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 5000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
    });
  }

  /** Sends raw bytes and resolves with everything read once the local socket ends (or rejects on error/timeout). */
  function rawExchange(port: number, request: string, timeoutMs = 3000): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      let data = '';
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`local socket did not end within ${timeoutMs}ms; got ${JSON.stringify(data)}`));
      }, timeoutMs);
      socket.setEncoding('utf8');
      socket.on('connect', () => socket.write(request));
      socket.on('data', (c: string) => (data += c));
      socket.on('end', () => {
        clearTimeout(timer);
        socket.end();
        resolve(data);
      });
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  it('carries an HTTP request end-to-end to the pod port', async () => {
    const forward = await open();
    expect(forward.localPort).toBeGreaterThan(0);
    const first = await get(forward.localPort, '/actuator/backups');
    expect(first).toEqual({ status: 200, body: JSON.stringify({ status: 'UP', path: '/actuator/backups' }) });
    const second = await get(forward.localPort, '/actuator/health');
    expect(JSON.parse(second.body)).toMatchObject({ path: '/actuator/health' });
    expect(forward.lastError()).toBeUndefined();
    const logged = api.requests.filter((r) => r.kind === 'portforward');
    expect(logged.at(-1)).toMatchObject({ status: 101, pod: POD, port: 9600 });
  });

  it('ends the local socket when the pod side closes the connection', async () => {
    const forward = await open();
    const answer = await rawExchange(forward.localPort, 'GET /x HTTP/1.1\r\nHost: pod\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(answer).toContain('"path":"/x"');
  });

  it('a refused pod port fails the local connection fast and keeps the error text', async () => {
    const forward = await open(9601);
    const started = Date.now();
    await rejection(get(forward.localPort, '/actuator/health'));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(forward.lastError()).toMatch(/^error forwarding port 9601 to pod [0-9a-f]{64}, uid : failed to connect to localhost:9601 inside namespace .*connection refused/);
  });

  it('the refused fault yields the same', async () => {
    api.faults.portForwardRefuse = true;
    const forward = await open();
    await rejection(get(forward.localPort, '/'));
    expect(forward.lastError()).toContain('error forwarding port 9600');
  });

  it('a forbidden port-forward keeps the Kubernetes message', async () => {
    api.faults.deny = [{ verb: 'get', resource: 'pods', subresource: 'portforward' }];
    const forward = await open();
    await rejection(get(forward.localPort, '/'));
    expect(forward.lastError()).toBe(`pods "${POD}" is forbidden: User "${USER}" cannot get resource "pods/portforward" in API group "" in the namespace "${NS}"`);
  });

  it('close() ends live connections, stops listening and is safe to call twice', async () => {
    const forward = await open();
    const socket = net.connect({ host: '127.0.0.1', port: forward.localPort });
    await new Promise<void>((resolve) => socket.on('connect', resolve));
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    await forward.close();
    await forward.close();
    await ended;
    const refused = await rejection(
      new Promise((resolve, reject) => {
        const again = net.connect({ host: '127.0.0.1', port: forward.localPort });
        again.on('connect', () => {
          again.destroy();
          resolve(undefined);
        });
        again.on('error', reject);
      }),
    );
    expect((refused as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });
});
