/**
 * Turns rendered Helm manifests (`helm template` output) into the live objects a real cluster shows after
 * `helm install`: server-populated metadata, Helm's ownership annotations, Pods made by the workload controllers,
 * the Secrets users must create beforehand, and the Helm release Secret(s).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { encodeHelmReleaseSecret, sortKeysDeep } from './helm-secret.js';

/** Raw Kubernetes JSON, as the API server would return it. */
export interface ClusterObjects {
  pods: unknown[];
  services: unknown[];
  configMaps: unknown[];
  secrets: unknown[];
  /** apps/v1 workloads the pods come from (live objects with status); absent in hand-made object sets. */
  deployments?: unknown[];
  statefulSets?: unknown[];
  /** PVCs of the StatefulSets' volumeClaimTemplates (`<template>-<sts>-<ordinal>`), Bound. */
  persistentVolumeClaims?: unknown[];
}

export interface ClusterFromManifestOptions {
  readonly release: string;
  readonly namespace: string;
  readonly chartVersion: string;
  readonly appVersion: string;
  /** User-supplied values (`helm install -f`), stored as the release's `config`. */
  readonly values: unknown;
  /** Number of revisions (install + upgrades); the last one is `deployed`, earlier ones `superseded`. Default 1. */
  readonly revision?: number;
  /** Create the Secrets the pods reference but the chart does not render (users create them first). Default true. */
  readonly prerequisiteSecrets?: boolean;
  /** Chart object for the release record (metadata, lock, values, …); a minimal one is built when absent. */
  readonly chart?: Record<string, unknown>;
}

type Json = Record<string, unknown>;
const FIXTURE_RELEASE = 'camunda';
const FIXTURE_NAMESPACE = 'camunda';
const asRecord = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kubectl-camunda-backup') return dir;
      } catch {
        // not ours, keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export function repoRoot(): string {
  return findRepoRoot();
}

export function fixturesDir(): string {
  const fromEnv = process.env['CAMUNDA_FIXTURES_DIR'];
  return fromEnv ? resolve(fromEnv) : resolve(findRepoRoot(), '..', 'shared', 'fixtures', 'helm');
}

const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Kubernetes' rand.SafeEncodeString alphabet (no vowels, no ambiguous characters), used for generated names. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export function safeEncode(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE_ALPHABET[(digest[i] ?? 0) % SAFE_ALPHABET.length];
  return out;
}

export function uidOf(seed: string): string {
  const h = hashOf(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What `helm template <release> --namespace <ns>` would have rendered instead of the fixture's camunda/camunda:
 * object names derived from the release, instance labels, DNS names with the namespace.
 */
export function rewriteReleaseAndNamespace(manifestYaml: string, release: string, namespace: string): string {
  let text = manifestYaml;
  if (namespace !== FIXTURE_NAMESPACE) {
    text = text
      .replace(/^(\s*namespace:\s*)"camunda"[ \t]*$/gm, `$1"${namespace}"`)
      .replace(/^(\s*namespace:\s*)camunda[ \t]*$/gm, `$1${namespace}`)
      .replace(/(\bcamunda-[a-z0-9-]*[a-z0-9])\.camunda(?=$|[.:/,"'\s])/gm, `$1.${namespace}`);
  }
  if (release !== FIXTURE_RELEASE) {
    const names = new Set<string>();
    for (const match of text.matchAll(/^ {2}name:\s*"?(camunda-[a-z0-9-]+)"?[ \t]*$/gm)) if (match[1]) names.add(match[1]);
    const sorted = [...names].sort((a, b) => b.length - a.length).map(escapeRegExp);
    if (sorted.length > 0) {
      const pattern = new RegExp(`(?<![A-Za-z0-9-])camunda-(?=(?:${sorted.map((n) => n.slice('camunda-'.length)).join('|')})(?:$|[^A-Za-z0-9-]|-\\d))`, 'gm');
      text = text.replace(pattern, `${release}-`);
    }
    text = text
      .replace(/^(\s*(?:app\.kubernetes\.io\/instance|release):\s*)"?camunda"?[ \t]*$/gm, `$1${release}`)
  }
  return text;
}

function parseManifest(manifestYaml: string): Json[] {
  return parseAllDocuments(manifestYaml)
    .map((doc) => doc.toJSON() as unknown)
    .filter((obj): obj is Json => !!obj && typeof obj === 'object' && typeof (obj as Json)['kind'] === 'string');
}

interface Context {
  readonly release: string;
  readonly namespace: string;
  readonly created: string;
  resourceVersion: number;
  podIndex: number;
  serviceIndex: number;
}

function liveMeta(obj: Json, ctx: Context, helmOwned: boolean): Json {
  const meta = asRecord(obj['metadata']);
  const kind = String(obj['kind']);
  const namespace = typeof meta['namespace'] === 'string' ? meta['namespace'] : ctx.namespace;
  const annotations = {
    ...asRecord(meta['annotations']),
    ...(helmOwned ? { 'meta.helm.sh/release-name': ctx.release, 'meta.helm.sh/release-namespace': ctx.namespace } : {}),
  };
  ctx.resourceVersion += 1;
  return {
    ...meta,
    namespace,
    uid: uidOf(`${kind}/${namespace}/${String(meta['name'])}`),
    resourceVersion: String(ctx.resourceVersion),
    creationTimestamp: ctx.created,
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

function liveService(obj: Json, ctx: Context): Json {
  const spec = asRecord(obj['spec']);
  const type = typeof spec['type'] === 'string' ? spec['type'] : 'ClusterIP';
  const headless = spec['clusterIP'] === 'None';
  ctx.serviceIndex += 1;
  const clusterIP = headless ? 'None' : `10.96.${Math.floor(ctx.serviceIndex / 250)}.${(ctx.serviceIndex % 250) + 1}`;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: liveMeta(obj, ctx, true),
    spec: {
      ...spec,
      type,
      clusterIP,
      clusterIPs: [clusterIP],
      sessionAffinity: spec['sessionAffinity'] ?? 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      ports: asArray(spec['ports']).map((p) => {
        const port = asRecord(p);
        return { ...port, protocol: port['protocol'] ?? 'TCP', targetPort: port['targetPort'] ?? port['port'] };
      }),
    },
    status: { loadBalancer: {} },
  };
}

function liveConfigMap(obj: Json, ctx: Context): Json {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: liveMeta(obj, ctx, true), data: asRecord(obj['data']) };
}

function liveSecret(obj: Json, ctx: Context, helmOwned = true): Json {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(asRecord(obj['data']))) data[key] = String(value ?? '');
  // The API server folds stringData into data; clients never see stringData.
  for (const [key, value] of Object.entries(asRecord(obj['stringData']))) data[key] = Buffer.from(String(value ?? ''), 'utf8').toString('base64');
  return { apiVersion: 'v1', kind: 'Secret', metadata: liveMeta(obj, ctx, helmOwned), type: obj['type'] ?? 'Opaque', data };
}

/** The revision hash of a pod template: `pod-template-hash` of a Deployment, `controller-revision-hash` suffix of a StatefulSet. */
export function templateHash(namespace: string, name: string, template: unknown): string {
  return safeEncode(`${namespace}/${name}/${JSON.stringify(template)}`, 10);
}

export interface WorkloadPodOptions {
  /** StatefulSet ordinal, or the Deployment pod's index (seeds its name). */
  readonly index: number;
  /** Extra seed for a Deployment pod's random suffix (a recreated pod gets a new name). */
  readonly nameSeed?: string;
  readonly created: string;
  readonly resourceVersion: number;
  /** Sequence number giving the pod a unique 10.244.x.y IP. */
  readonly podIndex: number;
  /** Running and Ready (pods of an installed release) or Pending (just created by a controller). */
  readonly phase: 'Running' | 'Pending';
}

/** One pod of a Deployment or StatefulSet, as its controller creates it (volumes of volumeClaimTemplates included). */
export function buildWorkloadPod(obj: Json, options: WorkloadPodOptions): Json {
  const kind = String(obj['kind']);
  const meta = asRecord(obj['metadata']);
  const name = String(meta['name']);
  const namespace = String(meta['namespace']);
  const spec = asRecord(obj['spec']);
  const template = asRecord(spec['template']);
  const templateMeta = asRecord(template['metadata']);
  const podSpec = asRecord(template['spec']);
  const hash = templateHash(namespace, name, template);
  const workloadUid = uidOf(`${kind}/${namespace}/${name}`);
  const i = options.index;
  const created = options.created;
  const isSts = kind === 'StatefulSet';
  const podName = isSts ? `${name}-${i}` : `${name}-${hash}-${safeEncode(`${name}/${hash}/${i}${options.nameSeed ?? ''}`, 5)}`;
  const podIP = `10.244.${Math.floor(options.podIndex / 250)}.${(options.podIndex % 250) + 2}`;
  const running = options.phase === 'Running';
  const labels: Record<string, unknown> = {
    ...asRecord(templateMeta['labels']),
    ...(isSts
      ? { 'apps.kubernetes.io/pod-index': String(i), 'controller-revision-hash': `${name}-${hash}`, 'statefulset.kubernetes.io/pod-name': podName }
      : { 'pod-template-hash': hash }),
  };
  const containers = asArray(podSpec['containers']).map(asRecord);
  const initContainers = asArray(podSpec['initContainers']).map(asRecord);
  const containerStatus = (c: Json, index: number): Json => ({
    name: c['name'],
    image: c['image'],
    imageID: running ? `${String(c['image'])}@sha256:${hashOf(String(c['image']))}` : '',
    ...(running ? { containerID: `containerd://${hashOf(`${podName}/${String(c['name'])}/${index}`)}` } : {}),
    ready: running,
    started: running,
    restartCount: 0,
    state: running ? { running: { startedAt: created } } : { waiting: { reason: 'ContainerCreating' } },
  });
  const claimVolumes = isSts
    ? asArray(spec['volumeClaimTemplates']).map((t) => {
        const claim = String(asRecord(asRecord(t)['metadata'])['name']);
        return { name: claim, persistentVolumeClaim: { claimName: `${claim}-${name}-${i}` } };
      })
    : [];
  const volumes = [...claimVolumes, ...asArray(podSpec['volumes'])];
  const readyTypes = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName,
      ...(isSts ? {} : { generateName: `${name}-${hash}-` }),
      namespace,
      uid: running ? uidOf(`Pod/${namespace}/${podName}`) : uidOf(`Pod/${namespace}/${podName}/${options.nameSeed ?? ''}/${options.resourceVersion}`),
      resourceVersion: String(options.resourceVersion),
      creationTimestamp: created,
      labels,
      ...(templateMeta['annotations'] ? { annotations: templateMeta['annotations'] } : {}),
      ownerReferences: [
        isSts
          ? { apiVersion: 'apps/v1', kind: 'StatefulSet', name, uid: workloadUid, controller: true, blockOwnerDeletion: true }
          : { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-${hash}`, uid: uidOf(`ReplicaSet/${namespace}/${name}-${hash}`), controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      ...podSpec,
      ...(volumes.length > 0 ? { volumes } : {}),
      ...(isSts ? { hostname: podName, subdomain: spec['serviceName'] } : {}),
      nodeName: 'sim-node-1',
      restartPolicy: podSpec['restartPolicy'] ?? 'Always',
      dnsPolicy: podSpec['dnsPolicy'] ?? 'ClusterFirst',
      schedulerName: podSpec['schedulerName'] ?? 'default-scheduler',
    },
    status: {
      phase: options.phase,
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: running || !readyTypes.has(type) ? 'True' : 'False',
        lastProbeTime: null,
        lastTransitionTime: created,
      })),
      hostIP: '172.18.0.2',
      hostIPs: [{ ip: '172.18.0.2' }],
      ...(running ? { podIP, podIPs: [{ ip: podIP }] } : {}),
      startTime: created,
      ...(initContainers.length > 0
        ? {
            initContainerStatuses: initContainers.map((c, index) => ({
              ...containerStatus(c, index + 100),
              ready: true,
              started: false,
              state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: created, finishedAt: created } },
            })),
          }
        : {}),
      containerStatuses: containers.map(containerStatus),
      qosClass: 'Burstable',
    },
  };
}

function podsFromWorkload(obj: Json, ctx: Context): Json[] {
  const spec = asRecord(obj['spec']);
  const replicas = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
  const pods: Json[] = [];
  for (let i = 0; i < replicas; i++) {
    ctx.podIndex += 1;
    ctx.resourceVersion += 1;
    pods.push(buildWorkloadPod(obj, { index: i, created: ctx.created, resourceVersion: ctx.resourceVersion, podIndex: ctx.podIndex, phase: 'Running' }));
  }
  return pods;
}

/** The Deployment/StatefulSet as the API server shows it once its controller has caught up. */
function liveWorkload(obj: Json, ctx: Context): Json {
  const kind = String(obj['kind']);
  const spec = asRecord(obj['spec']);
  const meta = liveMeta(obj, ctx, true);
  const name = String(meta['name']);
  const namespace = String(meta['namespace']);
  const replicas = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
  const hash = templateHash(namespace, name, asRecord(spec['template']));
  const isSts = kind === 'StatefulSet';
  const liveSpec = isSts
    ? { podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, revisionHistoryLimit: 10, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' }, ...spec, replicas }
    : { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, ...spec, replicas };
  const status = isSts
    ? { observedGeneration: 1, replicas, readyReplicas: replicas, currentReplicas: replicas, updatedReplicas: replicas, availableReplicas: replicas, currentRevision: `${name}-${hash}`, updateRevision: `${name}-${hash}`, collisionCount: 0 }
    : { observedGeneration: 1, replicas, readyReplicas: replicas, updatedReplicas: replicas, availableReplicas: replicas };
  return { apiVersion: 'apps/v1', kind, metadata: { ...meta, generation: 1 }, spec: liveSpec, status };
}

/** A PVC of a StatefulSet's volumeClaimTemplate, Bound, with the pvc-protection finalizer every PVC carries. */
export function buildClaim(sts: Json, template: Json, ordinal: number, created: string, resourceVersion: number): Json {
  const stsMeta = asRecord(sts['metadata']);
  const stsSpec = asRecord(sts['spec']);
  const templateMeta = asRecord(template['metadata']);
  const templateSpec = asRecord(template['spec']);
  const namespace = String(stsMeta['namespace']);
  const name = `${String(templateMeta['name'])}-${String(stsMeta['name'])}-${ordinal}`;
  const uid = uidOf(`PersistentVolumeClaim/${namespace}/${name}/${resourceVersion}`);
  const storage = asRecord(asRecord(templateSpec['resources'])['requests'])['storage'] ?? '1Gi';
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name,
      namespace,
      uid,
      resourceVersion: String(resourceVersion),
      creationTimestamp: created,
      labels: { ...asRecord(templateMeta['labels']), ...asRecord(asRecord(stsSpec['selector'])['matchLabels']) },
      annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', 'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path' },
      finalizers: ['kubernetes.io/pvc-protection'],
    },
    spec: { accessModes: templateSpec['accessModes'] ?? ['ReadWriteOnce'], resources: { requests: { storage } }, storageClassName: templateSpec['storageClassName'] ?? 'standard', volumeMode: 'Filesystem', volumeName: `pvc-${uid}` },
    status: { phase: 'Bound', accessModes: templateSpec['accessModes'] ?? ['ReadWriteOnce'], capacity: { storage } },
  };
}

/** Secret names the pods reference (env, envFrom, volumes) and which keys they expect, for the "user created these" Secrets. */
function referencedSecrets(pods: Json[]): Map<string, Set<string>> {
  const refs = new Map<string, Set<string>>();
  const add = (name: unknown, key?: unknown): void => {
    if (typeof name !== 'string' || name === '') return;
    const keys = refs.get(name) ?? new Set<string>();
    if (typeof key === 'string' && key !== '') keys.add(key);
    refs.set(name, keys);
  };
  for (const pod of pods) {
    const spec = asRecord(pod['spec']);
    for (const c of [...asArray(spec['containers']), ...asArray(spec['initContainers'])].map(asRecord)) {
      for (const env of asArray(c['env']).map(asRecord)) {
        const ref = asRecord(asRecord(env['valueFrom'])['secretKeyRef']);
        add(ref['name'], ref['key']);
      }
      for (const from of asArray(c['envFrom']).map(asRecord)) add(asRecord(from['secretRef'])['name']);
    }
    for (const volume of asArray(spec['volumes']).map(asRecord)) {
      const secret = asRecord(volume['secret']);
      add(secret['secretName'], undefined);
      for (const item of asArray(secret['items']).map(asRecord)) add(secret['secretName'], item['key']);
    }
  }
  return refs;
}

/** Deterministic value for a user-provided secret key; the simulators use the same function for their credentials. */
export function prerequisiteSecretValue(secretName: string, key: string): string {
  return `sim-${secretName}-${key}`;
}

function minimalChart(chartVersion: string, appVersion: string): Json {
  return {
    metadata: {
      name: 'camunda-platform',
      home: 'https://docs.camunda.io/docs/self-managed/about-self-managed/',
      sources: ['https://github.com/camunda/camunda-platform-helm'],
      version: chartVersion,
      description: "Camunda 8 Self-Managed Helm charts. Camunda's process automation platform allows developers to design, automate and improve processes. ",
      icon: 'https://helm.camunda.io/imgs/camunda.svg',
      apiVersion: 'v2',
      appVersion,
      type: 'application',
    },
    lock: null,
    templates: [],
    values: {},
    schema: null,
    files: [],
  };
}

export function clusterFromManifest(manifestYaml: string, options: ClusterFromManifestOptions): ClusterObjects {
  const created = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000).toISOString().replace('.000Z', 'Z');
  const ctx: Context = { release: options.release, namespace: options.namespace, created, resourceVersion: 1000, podIndex: 0, serviceIndex: 0 };
  const objects = parseManifest(manifestYaml);
  const result: ClusterObjects = { pods: [], services: [], configMaps: [], secrets: [], deployments: [], statefulSets: [], persistentVolumeClaims: [] };
  for (const obj of objects) {
    switch (obj['kind']) {
      case 'Service':
        result.services.push(liveService(obj, ctx));
        break;
      case 'ConfigMap':
        result.configMaps.push(liveConfigMap(obj, ctx));
        break;
      case 'Secret':
        result.secrets.push(liveSecret(obj, ctx));
        break;
      case 'StatefulSet':
      case 'Deployment': {
        const live = liveWorkload(obj, ctx);
        (obj['kind'] === 'StatefulSet' ? (result.statefulSets ??= []) : (result.deployments ??= [])).push(live);
        result.pods.push(...podsFromWorkload(live, ctx));
        if (obj['kind'] === 'StatefulSet') {
          const replicas = Number(asRecord(live['spec'])['replicas']);
          for (const template of asArray(asRecord(live['spec'])['volumeClaimTemplates']).map(asRecord)) {
            for (let ordinal = 0; ordinal < replicas; ordinal++) {
              ctx.resourceVersion += 1;
              (result.persistentVolumeClaims ??= []).push(buildClaim(live, template, ordinal, ctx.created, ctx.resourceVersion));
            }
          }
        }
        break;
      }
      default:
        break;
    }
  }

  if (options.prerequisiteSecrets !== false) {
    const rendered = new Set(result.secrets.map((s) => String(asRecord(asRecord(s)['metadata'])['name'])));
    for (const [name, keys] of referencedSecrets(result.pods as Json[])) {
      if (rendered.has(name)) continue;
      const data = Object.fromEntries([...keys].sort().map((key) => [key, prerequisiteSecretValue(name, key)]));
      result.secrets.push(liveSecret({ kind: 'Secret', metadata: { name, namespace: options.namespace }, type: 'Opaque', stringData: data }, ctx, false));
    }
  }

  const revisions = Math.max(1, options.revision ?? 1);
  const chart = options.chart ?? minimalChart(options.chartVersion, options.appVersion);
  const config = sortKeysDeep(options.values ?? {});
  const hasConfig = !!config && typeof config === 'object' && Object.keys(config).length > 0;
  const modifiedAt = Math.floor(Date.parse(created) / 1000) + 30;
  for (let revision = 1; revision <= revisions; revision++) {
    const deployed = revision === revisions;
    const release = {
      name: options.release,
      info: {
        first_deployed: created,
        last_deployed: created,
        deleted: '',
        description: deployed ? (revision === 1 ? 'Install complete' : 'Upgrade complete') : 'Superseded by upgrade',
        status: deployed ? 'deployed' : 'superseded',
        notes: `# (Chart version: camunda-platform ${options.chartVersion} - Camunda compatibility version: ${options.appVersion})\n`,
      },
      chart,
      ...(hasConfig ? { config } : {}),
      manifest: manifestYaml,
      version: revision,
      namespace: options.namespace,
    };
    const secret = encodeHelmReleaseSecret(release, {
      release: options.release,
      namespace: options.namespace,
      revision,
      status: deployed ? 'deployed' : 'superseded',
      modifiedAt,
    });
    ctx.resourceVersion += 1;
    const meta = asRecord(secret['metadata']);
    secret['metadata'] = {
      ...meta,
      uid: uidOf(`Secret/${options.namespace}/${String(meta['name'])}`),
      resourceVersion: String(ctx.resourceVersion),
      creationTimestamp: created,
    };
    result.secrets.push(secret);
  }
  return result;
}

const CHART_APP_VERSIONS: Record<string, string> = { '11': '8.6.x', '12': '8.7.x', '13': '8.8.x', '14': '8.9.x', '15': '8.10.x' };

export function appVersionForChart(chartVersion: string): string {
  return CHART_APP_VERSIONS[chartVersion.split('.')[0] ?? ''] ?? 'unknown';
}

/** The real chart record Helm stored for this chart version, when the fixtures carry one (13.12.7, 14.8.4). */
export function fixtureChart(chartVersion: string): Json | undefined {
  for (const candidate of [join(fixturesDir(), chartVersion, 'release-example.json'), join(fixturesDir(), 'release-example.json')]) {
    if (!existsSync(candidate)) continue;
    const release = asRecord(JSON.parse(readFileSync(candidate, 'utf8')));
    const chart = asRecord(release['chart']);
    if (asRecord(chart['metadata'])['version'] === chartVersion) return chart;
  }
  return undefined;
}

/** The rendered manifest (release/namespace rewritten) and the user values of one fixture scenario. */
export function readFixture(chartVersion: string, scenario: string, options: { release?: string; namespace?: string } = {}): { manifest: string; values: unknown } {
  const dir = join(fixturesDir(), chartVersion);
  const manifestPath = join(dir, `${scenario}.yaml`);
  if (!existsSync(manifestPath)) throw new Error(`No fixture ${manifestPath} (set CAMUNDA_FIXTURES_DIR?)`);
  const valuesPath = join(dir, 'values', `${scenario}.values.yaml`);
  const values = existsSync(valuesPath) ? ((parseYaml(readFileSync(valuesPath, 'utf8')) as unknown) ?? {}) : {};
  const manifest = rewriteReleaseAndNamespace(readFileSync(manifestPath, 'utf8'), options.release ?? FIXTURE_RELEASE, options.namespace ?? FIXTURE_NAMESPACE);
  return { manifest, values };
}

export function clusterFromFixture(chartVersion: string, scenario: string, options: { release?: string; namespace?: string; revision?: number } = {}): ClusterObjects {
  const release = options.release ?? FIXTURE_RELEASE;
  const namespace = options.namespace ?? FIXTURE_NAMESPACE;
  const { manifest, values } = readFixture(chartVersion, scenario, { release, namespace });
  const chart = fixtureChart(chartVersion);
  return clusterFromManifest(manifest, {
    release,
    namespace,
    chartVersion,
    appVersion: appVersionForChart(chartVersion),
    values,
    ...(options.revision !== undefined ? { revision: options.revision } : {}),
    ...(chart ? { chart } : {}),
  });
}

export function listFixtureScenarios(): Array<{ chartVersion: string; scenario: string }> {
  const root = fixturesDir();
  if (!existsSync(root)) return [];
  const out: Array<{ chartVersion: string; scenario: string }> = [];
  for (const chartVersion of readdirSync(root).sort()) {
    const dir = join(root, chartVersion);
    // Pre-release charts (15.0.0-alpha4) are fixtures like any other.
    if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?$/.test(chartVersion) || !statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) {
      if (file.endsWith('.yaml')) out.push({ chartVersion, scenario: file.slice(0, -'.yaml'.length) });
    }
  }
  return out;
}
