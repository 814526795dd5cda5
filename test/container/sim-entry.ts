/**
 * Entry point of the simulator image (bundled by scripts/container-images.mjs), one of two roles per container:
 *
 * - `world`: the simulated Camunda installation (test/world startWorld). The simulators share state in memory
 *   (web-app backups are snapshots in the one search store, gateway and brokers share one Zeebe cluster), so they
 *   run together in this one container; each (pod, container port) is published on its own port of this
 *   container, and a small control API serves the topology, the request log, the faults and the Zeebe state.
 * - `pod`: one Kubernetes pod. It owns the pod's network namespace (its IP, its hostname, its Service names as
 *   network aliases) and listens on the pod's ports, relaying each connection to the world container. curl run
 *   here with `docker exec` therefore reaches localhost, Service names and pod IPs exactly as it would in a pod.
 *
 * The role comes from SIM_ROLE; its configuration is JSON in SIM_WORLD (world) or SIM_FORWARD (pod).
 */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import { startWorld } from '../world/index.js';
import type { SimFaults, WorldOptions } from '../world/index.js';
import { CONTROL_PORT, FIRST_PUBLISHED_PORT } from './sim-protocol.js';
import type { ForwardRule, PublishedExternal, PublishedPod, Topology, ZeebeState } from './sim-protocol.js';

/** Relays every connection on `listen` to host:port, both directions, ends and resets included. */
function relay(listen: number, host: string, port: number, bindHost?: string): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect({ host, port });
    client.pipe(upstream);
    upstream.pipe(client);
    // A dropped upstream (the simulator's "close" fault) must look dropped to the caller too.
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('close', (hadError) => (hadError ? client.destroy() : undefined));
    client.on('close', () => upstream.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // No host: listen on :: when the netns has IPv6 (curl may try ::1 for localhost), else 0.0.0.0.
    if (bindHost === undefined) server.listen(listen, () => resolve(server));
    else server.listen(listen, bindHost, () => resolve(server));
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Replaces top-level fault fields in place: the simulators hold this very object. */
function applyFaults(target: SimFaults, patch: Partial<SimFaults>): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (target as unknown as Record<string, unknown>)[key] = value;
  }
}

async function runWorld(): Promise<void> {
  const options = JSON.parse(process.env['SIM_WORLD'] ?? '{}') as WorldOptions;
  const world = await startWorld(options);
  const zeebe = world.sims.zeebe;

  let next = FIRST_PUBLISHED_PORT;
  const pods: PublishedPod[] = [];
  for (const pod of world.sims.pods) {
    const ports: Record<string, number> = {};
    for (const [containerPort, local] of Object.entries(pod.ports)) {
      const published = next++;
      await relay(published, '127.0.0.1', local, '0.0.0.0');
      ports[containerPort] = published;
    }
    pods.push({ namespace: pod.namespace, name: pod.name, role: pod.role, ip: pod.ip, ports });
  }
  const external: PublishedExternal[] = [];
  for (const endpoint of world.sims.externalSearch) {
    const published = next++;
    await relay(published, '127.0.0.1', endpoint.localPort, '0.0.0.0');
    external.push({ host: endpoint.host, port: endpoint.port, published });
  }
  const topology: Topology = {
    namespace: world.namespace,
    release: world.release,
    chartVersion: world.sims.chartVersion,
    minor: world.sims.minor,
    objects: world.objects,
    pods,
    external,
  };

  const control = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://control');
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    switch (route) {
      case 'GET /topology':
        return send(res, 200, topology);
      case 'GET /log': {
        const from = Number(url.searchParams.get('from') ?? '0');
        return send(res, 200, { entries: world.log.slice(from), next: world.log.length });
      }
      case 'GET /faults':
        return send(res, 200, world.faults);
      case 'PUT /faults':
        applyFaults(world.faults, JSON.parse(await readBody(req)) as Partial<SimFaults>);
        return send(res, 200, world.faults);
      case 'GET /zeebe': {
        const state: ZeebeState = {
          exporting: zeebe ? Object.fromEntries([...zeebe.exporting].map(([p, phase]) => [String(p), phase])) : null,
          paused: zeebe?.isPaused() ?? false,
          backups: zeebe ? [...zeebe.backups.keys()] : [],
        };
        return send(res, 200, state);
      }
      case 'POST /restart-pod':
        world.sims.restartPod(url.searchParams.get('name') ?? '');
        return send(res, 200, {});
      default:
        return send(res, 404, { error: `no route ${route}` });
    }
  };
  const server = createHttpServer((req, res) => {
    control(req, res).catch((error: unknown) => send(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(CONTROL_PORT, '0.0.0.0', () => resolve()));
  console.log(`sim-world ready: ${pods.length} pods, ${next - FIRST_PUBLISHED_PORT} published ports`);
}

async function runPod(): Promise<void> {
  const rules = JSON.parse(process.env['SIM_FORWARD'] ?? '[]') as ForwardRule[];
  for (const rule of rules) await relay(rule.listen, rule.host, rule.port);
  console.log(`sim-pod ready: ${rules.map((r) => r.listen).join(',') || 'no ports'}`);
}

// PID 1 gets no default signal handlers; without these `docker stop` waits for its timeout.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));

const role = process.env['SIM_ROLE'];
const started = role === 'world' ? runWorld() : role === 'pod' ? runPod() : Promise.reject(new Error(`SIM_ROLE must be world or pod, not ${String(role)}`));
started.catch((error: unknown) => {
  console.error(`sim-${String(role)} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
