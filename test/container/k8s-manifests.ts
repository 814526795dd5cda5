/**
 * For the opt-in real-Kubernetes tier (k3s.e2e.test.ts): the simulated installation as objects a real API server
 * accepts. The world's live objects (Helm release Secret, ConfigMaps, Services, Pods) are applied as they are,
 * minus what the server assigns; each Pod keeps its name, labels, hostname, ports and env (discovery reads them)
 * but runs the simulator image in its pod role, relaying its ports to the simulators' pod.
 */
import type { ClusterObjects } from '../world/index.js';
import { CONTROL_PORT } from './sim-protocol.js';
import type { ForwardRule, Topology } from './sim-protocol.js';

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const WORLD_POD = 'camunda-sim-world';

/** metadata as a client sends it: no server-assigned fields, no owners that do not exist here. */
function clientMetadata(metadata: unknown): Json {
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ct, generation: _g, managedFields: _mf, ownerReferences: _or, generateName: _gn, ...rest } = asRecord(metadata);
  return rest;
}

function service(object: unknown): Json {
  const raw = asRecord(object);
  const { clusterIP, clusterIPs: _ips, ...spec } = asRecord(raw['spec']);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: clientMetadata(raw['metadata']),
    // The cluster assigns addresses; only "headless" is a choice.
    spec: clusterIP === 'None' ? { ...spec, clusterIP: 'None' } : spec,
  };
}

function plain(kind: 'ConfigMap' | 'Secret', object: unknown): Json {
  const raw = asRecord(object);
  const { metadata, status: _status, kind: _kind, apiVersion: _apiVersion, ...rest } = raw;
  return { apiVersion: 'v1', kind, metadata: clientMetadata(metadata), ...rest };
}

export interface PodImages {
  /** Image for this pod (the one with curl or without). */
  image(podName: string): string;
  /** Where a pod's port is served: the simulators' pod address and published port. */
  forwardRules(podName: string): ForwardRule[];
}

/**
 * The pod as the API server would accept it from a controller, running the simulator image: resource requests,
 * probes, volumes, init containers, scheduling constraints and the service account are dropped, because the
 * component they were written for is not what runs (and a one-node k3s cannot meet a Camunda's requests).
 */
function pod(object: unknown, images: PodImages): Json {
  const raw = asRecord(object);
  const metadata = clientMetadata(raw['metadata']);
  const name = String(metadata['name']);
  const spec = asRecord(raw['spec']);
  const containers = asArray(spec['containers']).map(asRecord);
  const main = containers[0] ?? {};
  const ports = containers.flatMap((c) => asArray(c['ports']).map(asRecord)).map(({ name: portName, containerPort, protocol }) => ({ ...(portName ? { name: portName } : {}), containerPort, ...(protocol ? { protocol } : {}) }));
  const env = asArray(main['env']).map(asRecord);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: {
      ...(typeof spec['hostname'] === 'string' ? { hostname: spec['hostname'] } : {}),
      ...(typeof spec['subdomain'] === 'string' ? { subdomain: spec['subdomain'] } : {}),
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: main['name'],
          image: images.image(name),
          imagePullPolicy: 'Never',
          ports,
          env: [...env, { name: 'SIM_ROLE', value: 'pod' }, { name: 'SIM_FORWARD', value: JSON.stringify(images.forwardRules(name)) }],
          ...(main['envFrom'] ? { envFrom: main['envFrom'] } : {}),
        },
      ],
    },
  };
}

/** Everything of the installation, in apply order (Secrets and ConfigMaps before the Pods that read them). */
export function installationManifests(objects: ClusterObjects, images: PodImages): Json[] {
  return [
    ...objects.secrets.map((s) => plain('Secret', s)),
    ...objects.configMaps.map((c) => plain('ConfigMap', c)),
    ...objects.services.map(service),
    ...objects.pods.map((p) => pod(p, images)),
  ];
}

/** The pod running the simulators, with the demo resources mounted where the bundle looks for them. */
export function worldManifests(namespace: string, image: string, world: object, resources: Record<string, string>): Json[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${WORLD_POD}-resources`, namespace }, data: resources },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: WORLD_POD, namespace, labels: { 'app.kubernetes.io/name': WORLD_POD } },
      spec: {
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: 0,
        containers: [
          {
            name: 'simulators',
            image,
            imagePullPolicy: 'Never',
            env: [
              { name: 'SIM_ROLE', value: 'world' },
              { name: 'SIM_WORLD', value: JSON.stringify(world) },
            ],
            ports: [{ name: 'control', containerPort: CONTROL_PORT }],
            readinessProbe: { httpGet: { path: '/topology', port: CONTROL_PORT }, periodSeconds: 1 },
            volumeMounts: [{ name: 'resources', mountPath: '/app/test/world/resources', readOnly: true }],
          },
        ],
        volumes: [{ name: 'resources', configMap: { name: `${WORLD_POD}-resources` } }],
      },
    },
  ];
}

/** Forward rules of every simulated pod, towards the simulators' pod IP. */
export function forwardRulesByPod(topology: Topology, worldPodIp: string): Map<string, ForwardRule[]> {
  return new Map(topology.pods.map((p) => [p.name, Object.entries(p.ports).map(([containerPort, published]) => ({ listen: Number(containerPort), host: worldPodIp, port: published }))]));
}
