/**
 * The simulated cluster with its pods as real containers (testcontainers, no Ryuk): one container runs the
 * simulators (test/world, bundled into the image), and every simulated pod gets a container of its own on a
 * Docker network, named by the pod's Service DNS names (network aliases), with the pod's IP patched into the
 * Kubernetes objects. The in-process fake API server fronts it: exec runs `docker exec` in the pod's container,
 * so curl runs in the pod's network namespace, and port-forward connects to the container's address.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenericContainer, Network, Wait } from 'testcontainers';
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';
import { fixturesDir } from '../world/cluster-from-manifests.js';
import { resourcesDir } from '../world/index.js';
import type { SimFaults, WorldOptions } from '../world/index.js';
import { startFakeApiServer } from '../world/kube/fake-apiserver.js';
import type { ApiFaults, ExecContext, ExecHandler, FakeApiServer, PodNetwork } from '../world/kube/fake-apiserver.js';
import { CONTROL_PORT } from './sim-protocol.js';
import type { ForwardRule, LogPage, PublishedPod, Topology, ZeebeState } from './sim-protocol.js';

export interface SimImages {
  /** Image without curl. */
  readonly base: string;
  /** Same image plus curl. */
  readonly curl: string;
}

export interface ContainerWorldOptions {
  readonly images: SimImages;
  /** What the simulators play (JSON-serialisable: fixture or resources, durations, initial faults, …). */
  readonly world?: WorldOptions;
  /** Pods whose container has no curl (default: none). */
  readonly withoutCurl?: (pod: PublishedPod) => boolean;
  readonly apiFaults?: ApiFaults;
  readonly token?: string;
}

export interface ContainerPod {
  readonly name: string;
  readonly namespace: string;
  readonly role: string;
  readonly containerId: string;
  readonly image: string;
  /** Address on the Docker network, also the pod IP the API server reports. */
  readonly ip: string;
  readonly aliases: readonly string[];
  /** Binaries found on the container's PATH. */
  readonly binaries: ReadonlySet<string>;
}

export interface ExecRecord {
  readonly pod: string;
  readonly argv: readonly string[];
  readonly exitCode: number;
  readonly ms: number;
}

export interface ContainerWorld {
  readonly kubeconfigPath: string;
  /** Environment for spawning the CLI: KUBECONFIG (merge over process.env). */
  readonly env: Record<string, string>;
  readonly namespace: string;
  readonly release: string;
  readonly api: FakeApiServer;
  readonly pods: readonly ContainerPod[];
  /** Every `docker exec` the API server ran for a Kubernetes exec. */
  readonly execs: ExecRecord[];
  readonly timings: { simulatorsMs: number; podsMs: number; totalMs: number };
  /** The simulators' request log from `from` on (an offset from an earlier page's `next`). */
  log(from?: number): Promise<LogPage>;
  setFaults(patch: Partial<SimFaults>): Promise<SimFaults>;
  zeebe(): Promise<ZeebeState>;
  stop(): Promise<void>;
}

/** Containers and networks carry the owning test process, so a crashed run's leftovers can be removed later. */
const OWNER_LABEL = 'io.camunda-backup.container-tier.owner-pid';
const NETWORK_PREFIX = 'camunda-backup-ct-';
/** Binaries whose presence the API server must know before it execs (it answers "executable not found" itself). */
const PROBED_BINARIES = ['curl', 'wget', 'sh', 'bash', 'pg_dump', 'node'];

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const metaOf = (object: unknown): Json => asRecord(asRecord(object)['metadata']);

function run(file: string, args: string[], timeoutMs = 60_000): Promise<{ stdout: Buffer; stderr: string; exitCode: number }> {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs }, (error, stdout, stderr) => {
      const text = stderr.toString('utf8');
      if (!error) return resolve({ stdout, stderr: text, exitCode: 0 });
      // A number is the command's exit code; anything else means docker itself did not run or was killed.
      const code = (error as { code?: unknown }).code;
      resolve({ stdout, stderr: typeof code === 'number' ? text : `${text}${error.message}\n`, exitCode: typeof code === 'number' ? code : 126 });
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes containers and networks of container-tier runs whose process is gone (Ryuk is off, a crash leaks them). */
export function removeLeftovers(): void {
  const containers = spawnSync('docker', ['ps', '-a', '--filter', `label=${OWNER_LABEL}`, '--format', `{{.ID}} {{.Label "${OWNER_LABEL}"}}`], { encoding: 'utf8' });
  const dead = (containers.stdout ?? '')
    .split('\n')
    .map((line) => line.trim().split(' '))
    .filter(([id, pid]) => id && pid && !alive(Number(pid)))
    .map(([id]) => id as string);
  if (dead.length > 0) spawnSync('docker', ['rm', '-f', ...dead], { stdio: 'ignore' });
  const networks = spawnSync('docker', ['network', 'ls', '--filter', `name=${NETWORK_PREFIX}`, '--format', '{{.Name}}'], { encoding: 'utf8' });
  for (const name of (networks.stdout ?? '').split('\n').map((n) => n.trim())) {
    const pid = Number(new RegExp(`^${NETWORK_PREFIX}(\\d+)-`).exec(name)?.[1]);
    if (pid && !alive(pid)) spawnSync('docker', ['network', 'rm', name], { stdio: 'ignore' });
  }
}

/** The DNS names a pod answers to in its cluster: its Services' names and, for StatefulSet pods, its own. */
export function podAliases(pod: unknown, services: readonly unknown[]): string[] {
  const meta = metaOf(pod);
  const namespace = String(meta['namespace'] ?? '');
  const labels = asRecord(meta['labels']);
  const names = new Set<string>();
  const withDomains = (name: string): string[] => [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
  for (const service of services) {
    if (metaOf(service)['namespace'] !== namespace) continue;
    const selector = Object.entries(asRecord(asRecord(asRecord(service)['spec'])['selector']));
    if (selector.length === 0 || !selector.every(([key, value]) => labels[key] === value)) continue;
    for (const name of withDomains(String(metaOf(service)['name']))) names.add(name);
  }
  const spec = asRecord(asRecord(pod)['spec']);
  if (typeof spec['hostname'] === 'string' && typeof spec['subdomain'] === 'string') {
    for (const name of withDomains(`${spec['hostname']}.${spec['subdomain']}`)) names.add(name);
  }
  return [...names];
}

/**
 * What the pod container listens on: each simulated container port, plus Service ports that target one of them
 * under another number (a Service DNS name resolves to the pod here, there is no kube-proxy to translate).
 */
export function forwardRules(pod: unknown, services: readonly unknown[], published: PublishedPod, worldHost: string): ForwardRule[] {
  const rules = new Map<number, ForwardRule>();
  for (const [containerPort, port] of Object.entries(published.ports)) rules.set(Number(containerPort), { listen: Number(containerPort), host: worldHost, port });
  const namedPorts = new Map<string, number>();
  for (const container of asArray(asRecord(asRecord(pod)['spec'])['containers'])) {
    for (const port of asArray(asRecord(container)['ports'])) {
      const { name, containerPort } = asRecord(port);
      if (typeof name === 'string' && typeof containerPort === 'number') namedPorts.set(name, containerPort);
    }
  }
  const labels = asRecord(metaOf(pod)['labels']);
  for (const service of services) {
    if (metaOf(service)['namespace'] !== published.namespace) continue;
    const spec = asRecord(asRecord(service)['spec']);
    const selector = Object.entries(asRecord(spec['selector']));
    if (selector.length === 0 || !selector.every(([key, value]) => labels[key] === value)) continue;
    for (const port of asArray(spec['ports']).map(asRecord)) {
      const servicePort = Number(port['port']);
      const target = port['targetPort'] ?? servicePort;
      const containerPort = typeof target === 'string' ? namedPorts.get(target) : Number(target);
      const hubPort = containerPort === undefined ? undefined : published.ports[String(containerPort)];
      if (hubPort !== undefined && !rules.has(servicePort)) rules.set(servicePort, { listen: servicePort, host: worldHost, port: hubPort });
    }
  }
  return [...rules.values()];
}

async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Which of the probed binaries are on the container's PATH, looked up in the container itself. */
async function probeBinaries(containerId: string): Promise<Set<string>> {
  const script = `const fs=require('fs'),p=require('path');const found=${JSON.stringify(PROBED_BINARIES)}.filter(b=>(process.env.PATH||'').split(':').some(d=>{try{fs.accessSync(p.join(d,b),fs.constants.X_OK);return true}catch{return false}}));console.log(JSON.stringify(found))`;
  const result = await run('docker', ['exec', containerId, 'node', '-e', script]);
  if (result.exitCode !== 0) throw new Error(`probing binaries in ${containerId} failed: ${result.stderr}`);
  return new Set(JSON.parse(result.stdout.toString('utf8')) as string[]);
}

export async function startContainerWorld(options: ContainerWorldOptions): Promise<ContainerWorld> {
  // Ryuk would have to be pulled from a registry; the world stops its containers itself (and removeLeftovers).
  process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
  const started = Date.now();
  const containers: StartedTestContainer[] = [];
  let network: StartedNetwork | undefined;
  let api: FakeApiServer | undefined;
  const tmp = mkdtempSync(join(tmpdir(), 'camunda-container-world-'));
  const labels = { [OWNER_LABEL]: String(process.pid) };

  const stopAll = async (): Promise<void> => {
    await api?.close();
    await Promise.all(containers.map((c) => c.stop({ timeout: 0 }).catch(() => undefined)));
    await network?.stop().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  };

  try {
    removeLeftovers();
    const networkName = `${NETWORK_PREFIX}${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
    network = await new Network({ nextUuid: () => networkName }).start();

    // The simulators, with the fixtures (or the demo resources) copied in: read from the host, never baked into an image.
    const simulators = await new GenericContainer(options.images.base)
      .withNetwork(network)
      .withLabels(labels)
      .withEnvironment({ SIM_ROLE: 'world', SIM_WORLD: JSON.stringify(options.world ?? {}), CAMUNDA_FIXTURES_DIR: '/fixtures' })
      .withCopyDirectoriesToContainer([options.world?.fixture ? { source: fixturesDir(), target: '/fixtures' } : { source: resourcesDir(), target: '/app/test/world/resources' }])
      .withWaitStrategy(Wait.forLogMessage(/sim-world ready/))
      .withStartupTimeout(120_000)
      .start();
    containers.push(simulators);
    const worldHost = simulators.getIpAddress(network.getName());
    const control = `http://${worldHost}:${CONTROL_PORT}`;
    const topology = await fetchJson<Topology>(`${control}/topology`);
    const simulatorsMs = Date.now() - started;

    // One container per simulated pod.
    const podsStarted = Date.now();
    const { objects } = topology;
    const simulated = topology.pods.filter((p) => Object.keys(p.ports).length > 0);
    const startedNetwork = network;
    const pods = await Promise.all(
      simulated.map(async (published): Promise<ContainerPod> => {
        const object = objects.pods.find((o) => metaOf(o)['name'] === published.name && metaOf(o)['namespace'] === published.namespace);
        const aliases = podAliases(object, objects.services);
        const image = options.withoutCurl?.(published) ? options.images.base : options.images.curl;
        const container = await new GenericContainer(image)
          .withNetwork(startedNetwork)
          .withNetworkAliases(...aliases)
          .withHostname(published.name.slice(0, 63))
          .withLabels({ ...labels, 'io.camunda-backup.pod': published.name })
          .withEnvironment({ SIM_ROLE: 'pod', SIM_FORWARD: JSON.stringify(forwardRules(object, objects.services, published, worldHost)) })
          .withWaitStrategy(Wait.forLogMessage(/sim-pod ready/))
          .withStartupTimeout(120_000)
          .start();
        containers.push(container);
        const ip = container.getIpAddress(startedNetwork.getName());
        return { name: published.name, namespace: published.namespace, role: published.role, containerId: container.getId(), image, ip, aliases, binaries: await probeBinaries(container.getId()) };
      }),
    );
    const podsMs = Date.now() - podsStarted;

    // The API server reports the containers' addresses as pod IPs (the exec fallback reaches pods by IP).
    for (const pod of pods) {
      const object = objects.pods.find((o) => metaOf(o)['name'] === pod.name && metaOf(o)['namespace'] === pod.namespace);
      const status = asRecord(asRecord(object)['status']);
      status['podIP'] = pod.ip;
      status['podIPs'] = [{ ip: pod.ip }];
    }

    const byPod = new Map(pods.map((p) => [`${p.namespace}/${p.name}`, p]));
    const execs: ExecRecord[] = [];
    const network_: PodNetwork = {
      podPort: () => undefined,
      podEndpoint: (namespace, pod, port) => {
        const container = byPod.get(`${namespace}/${pod}`);
        return container ? { host: container.ip, port } : undefined;
      },
      resolve: () => undefined,
      hasBinary: (namespace, pod, _container, binary) => byPod.get(`${namespace}/${pod}`)?.binaries.has(binary.split('/').pop() ?? binary) ?? false,
    };
    const execHandler: ExecHandler = async (ctx: ExecContext) => {
      const pod = byPod.get(`${ctx.namespace}/${ctx.pod}`);
      if (!pod) return { stdout: Buffer.alloc(0), stderr: `container world: pod ${ctx.pod} has no container\n`, exitCode: 126 };
      const at = Date.now();
      const result = await run('docker', ['exec', pod.containerId, ...ctx.argv], 120_000);
      execs.push({ pod: pod.name, argv: ctx.argv, exitCode: result.exitCode, ms: Date.now() - at });
      return result;
    };
    api = await startFakeApiServer({ objects, token: options.token ?? 'container-world-token-0123456789', network: network_, execHandler, faults: { ...options.apiFaults } });
    const kubeconfigPath = join(tmp, 'kubeconfig');
    writeFileSync(kubeconfigPath, api.kubeconfig({ namespace: topology.namespace }), { mode: 0o600 });

    let stopped = false;
    return {
      kubeconfigPath,
      env: { KUBECONFIG: kubeconfigPath },
      namespace: topology.namespace,
      release: topology.release,
      api,
      pods,
      execs,
      timings: { simulatorsMs, podsMs, totalMs: Date.now() - started },
      log: (from = 0) => fetchJson<LogPage>(`${control}/log?from=${from}`),
      setFaults: (patch) => fetchJson<SimFaults>(`${control}/faults`, { method: 'PUT', body: JSON.stringify(patch) }),
      zeebe: () => fetchJson<ZeebeState>(`${control}/zeebe`),
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
