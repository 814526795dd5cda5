import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient, PortForward, PortForwardRequest } from '../kube/kube-client.js';
import type { ComponentHttp, Connector, PodTarget } from './component-http.js';
import { HttpReachError } from './http-reach-error.js';
import { createPortForwardConnector } from './via-port-forward.js';

let component: http.Server;
let componentPort: number;
const requests: { method: string; url: string; contentType?: string | undefined; authorization?: string | undefined; body: string; remotePort: number }[] = [];

beforeAll(async () => {
  component = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], authorization: req.headers.authorization, body: Buffer.concat(chunks).toString(), remotePort: req.socket.remotePort ?? 0 });
      if (req.url === '/slow') return; // never answers
      if (req.url === '/missing') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not found"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"url":"${req.url}"}`);
    });
  });
  await new Promise<void>((resolve) => component.listen(0, '127.0.0.1', resolve));
  componentPort = (component.address() as AddressInfo).port;
});

afterAll(async () => {
  component.closeAllConnections();
  await new Promise<void>((resolve) => component.close(() => resolve()));
});

/**
 * A port-forward like the real one: a local listener whose every connection is a tunnel to the pod port.
 * A "refused" tunnel ends at once and leaves its error-channel text behind, as the API server's does.
 */
function fakeForward(refused: boolean, dropSecondCallOnFirstTunnel = false): Promise<PortForward & { closed: boolean; tunnels: number }> {
  let lastError: string | undefined;
  const sockets = new Set<net.Socket>();
  const state = { closed: false, tunnels: 0 };
  const server = net.createServer((local) => {
    state.tunnels += 1;
    sockets.add(local);
    local.on('close', () => sockets.delete(local));
    if (refused) {
      lastError = `error forwarding port 9600 to pod operate, uid : failed to connect to localhost:9600 inside namespace "camunda": connection refused`;
      local.destroy();
      return;
    }
    const remote = net.connect(componentPort, '127.0.0.1');
    if (dropSecondCallOnFirstTunnel && state.tunnels === 1) {
      // The tunnel dies between two kept-alive calls: the second call finds a dead socket.
      let chunks = 0;
      local.on('data', (chunk: Buffer) => {
        chunks += 1;
        if (chunks === 2) local.destroy();
        else remote.write(chunk);
      });
      remote.pipe(local);
    } else {
      local.pipe(remote).pipe(local);
    }
    remote.on('error', () => local.destroy());
    local.on('error', () => remote.destroy());
    local.on('close', () => remote.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        localPort: (server.address() as AddressInfo).port,
        lastError: () => lastError,
        get closed() {
          return state.closed;
        },
        get tunnels() {
          return state.tunnels;
        },
        close: async () => {
          state.closed = true;
          for (const socket of sockets) socket.destroy();
          await new Promise<void>((done) => server.close(() => done()));
        },
      }),
    ),
  );
}

function fakeKube(refusedPods: readonly string[] = [], dropSecondCallOnFirstTunnel = false): KubeClient & { forwards: (PortForwardRequest & { forward: Awaited<ReturnType<typeof fakeForward>> })[] } {
  const forwards: (PortForwardRequest & { forward: Awaited<ReturnType<typeof fakeForward>> })[] = [];
  const unused = (): never => {
    throw new Error('not used by the port-forward connector');
  };
  return {
    namespace: 'camunda',
    contextName: 'test',
    forwards,
    listSecrets: unused,
    readSecret: unused,
    withSignal: unused,
    listPods: unused,
    listServices: unused,
    readService: unused,
    readConfigMap: unused,
    checkAccess: unused,
    execInPod: unused,
    leases: { read: unused, create: unused, replace: unused, delete: unused },
    configMaps: { read: unused, create: unused, replace: unused, delete: unused },
    async openPortForward(request) {
      const forward = await fakeForward(refusedPods.includes(request.pod), dropSecondCallOnFirstTunnel);
      forwards.push({ ...request, forward });
      return forward;
    },
  };
}

const pod = (name: string): { kind: 'pod'; pod: PodTarget } => ({ kind: 'pod', pod: { namespace: 'camunda', pod: name, container: 'main', port: 9600 } });
const noFallback: Connector = async () => {
  throw new Error('fallback not expected');
};

describe('createPortForwardConnector', () => {
  it('sends JSON with content-type through the tunnel and reads status and body', async () => {
    const channel = await createPortForwardConnector(fakeKube(), { fallback: noFallback })(pod('operate'));
    expect(channel.description).toBe('port-forward pod/operate:9600');
    await expect(channel.request({ method: 'POST', path: '/actuator/backups', body: { backupId: 9 }, headers: { Authorization: 'Bearer abc.def' } })).resolves.toEqual({ status: 200, body: '{"url":"/actuator/backups"}' });
    expect(requests.at(-1)).toMatchObject({ method: 'POST', contentType: 'application/json', body: '{"backupId":9}', authorization: 'Bearer abc.def' });
    await expect(channel.request({ method: 'GET', path: '/missing' })).resolves.toEqual({ status: 404, body: '{"message":"not found"}' });
    await channel.close();
  });

  it('opens one forward per pod and port, shares it, keeps the connection alive, and closes it with the last channel', async () => {
    const kube = fakeKube();
    const connect = createPortForwardConnector(kube, { fallback: noFallback });
    const [a, b] = await Promise.all([connect(pod('zeebe')), connect(pod('zeebe'))]);
    const other = await connect(pod('operate'));
    for (let i = 0; i < 3; i++) await (a as ComponentHttp).request({ method: 'GET', path: `/poll/${i}` });
    await (b as ComponentHttp).request({ method: 'GET', path: '/poll/b' });
    expect(kube.forwards.map((f) => f.pod)).toEqual(['zeebe', 'operate']);
    const zeebe = kube.forwards[0]?.forward;
    // Keep-alive: four sequential calls, one tunnel (one WebSocket in the real thing).
    expect(zeebe?.tunnels).toBe(1);
    await a?.close();
    expect(zeebe?.closed).toBe(false);
    await b?.close();
    await b?.close();
    expect(zeebe?.closed).toBe(true);
    expect(kube.forwards[1]?.forward.closed).toBe(false);
    await other.close();
    // A new channel after the last close opens a fresh forward.
    const again = await connect(pod('zeebe'));
    expect(kube.forwards).toHaveLength(3);
    await again.close();
  });

  it("reports the forward's error-channel text when the tunnel fails", async () => {
    const channel = await createPortForwardConnector(fakeKube(['operate']), { fallback: noFallback })(pod('operate'));
    const error = await channel.request({ method: 'POST', path: '/actuator/backups', body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpReachError);
    expect((error as Error).message).toMatch(/^port-forward pod\/operate:9600: tunnel closed before an answer .*connection refused/);
    await channel.close();
  });

  it('retries a GET once on a fresh tunnel when the kept-alive one died between calls', async () => {
    const kube = fakeKube([], true);
    const channel = await createPortForwardConnector(kube, { fallback: noFallback })(pod('zeebe'));
    await expect(channel.request({ method: 'GET', path: '/poll/1' })).resolves.toMatchObject({ status: 200 });
    await expect(channel.request({ method: 'GET', path: '/poll/2' })).resolves.toEqual({ status: 200, body: '{"url":"/poll/2"}' });
    expect(kube.forwards[0]?.forward.tunnels).toBe(2);
    await channel.close();
  });

  it('never repeats a POST on a dead kept-alive tunnel (the component may have acted on it)', async () => {
    const kube = fakeKube([], true);
    const channel = await createPortForwardConnector(kube, { fallback: noFallback })(pod('zeebe'));
    await channel.request({ method: 'GET', path: '/poll/1' });
    const before = requests.length;
    await expect(channel.request({ method: 'POST', path: '/actuator/backups', body: { backupId: 1 } })).rejects.toMatchObject({ reason: 'connection-lost' });
    expect(requests.length).toBe(before);
    expect(kube.forwards[0]?.forward.tunnels).toBe(1);
    await channel.close();
  });

  it('gives up on a call after its timeout', async () => {
    const channel = await createPortForwardConnector(fakeKube(), { fallback: noFallback })(pod('operate'));
    const started = Date.now();
    await expect(channel.request({ method: 'GET', path: '/slow', timeoutMs: 150 })).rejects.toMatchObject({ reason: 'timeout', message: expect.stringContaining('no answer within 150 ms') });
    expect(Date.now() - started).toBeLessThan(2000);
    await channel.close();
  });

  it('hands URLs outside the cluster to the fallback (exec in a pod)', async () => {
    const fallbackChannel: ComponentHttp = { description: 'exec pod/curl → https://es', request: async () => ({ status: 200, body: '' }), close: async () => {} };
    const channel = await createPortForwardConnector(fakeKube(), { fallback: async () => fallbackChannel })({ kind: 'url', url: 'https://es.example.com' });
    expect(channel).toBe(fallbackChannel);
  });

  it('wraps a failure to open the forward in an exit-3 error', async () => {
    const kube = { ...fakeKube(), openPortForward: async () => Promise.reject(new Error('listen EADDRINUSE')) };
    await expect(createPortForwardConnector(kube, { fallback: noFallback })(pod('operate'))).rejects.toMatchObject({
      exitCode: 3,
      message: 'cannot open a port-forward to pod/operate:9600: listen EADDRINUSE',
    });
  });
});
