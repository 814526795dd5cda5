/**
 * The test world's controllers, kubelet and restore application, through the fake API server's REST (raw HTTPS and
 * the real @kubernetes/client-node): scale subresource, patches, pods appearing and disappearing, PVC protection,
 * pod logs (current/previous), RBAC Roles with API groups, and the broker restore application's outcomes.
 * Uses only the repository's own world resources (demo-8.7, demo-8.8).
 */
import { existsSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { fixturesDir, startWorld, type World } from '../world/index.js';

interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

function kube(world: World, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
  const url = new URL(path, world.api.url);
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: world.api.caPem,
        headers: { authorization: `Bearer ${world.api.token}`, ...(payload !== undefined ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached; last: ${JSON.stringify(value).slice(0, 600)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const NS = 'camunda';
const STS = `/apis/apps/v1/namespaces/${NS}/statefulsets/camunda-zeebe`;
const PODS = `/api/v1/namespaces/${NS}/pods`;
const PVCS = `/api/v1/namespaces/${NS}/persistentvolumeclaims`;
const MERGE = 'application/merge-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';

const brokerPods = async (world: World): Promise<Array<{ name: string; ready: boolean; deleting: boolean; phase: string; revision: string }>> => {
  const list = await kube(world, 'GET', `${PODS}?labelSelector=${encodeURIComponent('app.kubernetes.io/component=zeebe-broker')}`);
  return (list.body.items as any[]) // eslint-disable-line @typescript-eslint/no-explicit-any
    .map((p) => ({
      name: p.metadata.name as string,
      ready: (p.status.conditions as any[]).some((c) => c.type === 'Ready' && c.status === 'True'), // eslint-disable-line @typescript-eslint/no-explicit-any
      deleting: p.metadata.deletionTimestamp !== undefined,
      phase: p.status.phase as string,
      revision: p.metadata.labels['controller-revision-hash'] as string,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
};

const scaleTo = (world: World, replicas: number): Promise<Reply> => kube(world, 'PATCH', `${STS}/scale`, { spec: { replicas } }, MERGE);

const restoreEnv = (container: string, id: number | string, modern: boolean) => ({
  spec: {
    template: {
      spec: {
        containers: [
          {
            name: container,
            env: [
              { name: 'ZEEBE_RESTORE', value: 'true' },
              { name: 'ZEEBE_RESTORE_FROM_BACKUP_ID', value: String(id) },
              ...(modern ? [{ name: 'SPRING_PROFILES_ACTIVE', value: 'restore' }] : []),
            ],
          },
        ],
      },
    },
  },
});

const FAST = { workloadTiming: { startMs: 10, readyMs: 20, terminateMs: 20, backoffMs: 60, maxBackoffMs: 200 }, durations: { zeebe: 20, restore: 60 } };

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

describe('apps/v1 workloads and the scale subresource', () => {
  it('serves discovery, the StatefulSet with status, and its Scale (autoscaling/v1 with the selector string)', async () => {
    world = await startWorld({ resources: 'demo-8.8', ...FAST });
    expect((await kube(world, 'GET', '/apis')).body.groups.map((g: { name: string }) => g.name)).toContain('apps');
    const resources = (await kube(world, 'GET', '/apis/apps/v1')).body.resources.map((r: { name: string }) => r.name);
    expect(resources).toEqual(expect.arrayContaining(['statefulsets', 'statefulsets/scale', 'deployments/scale']));
    const sts = await kube(world, 'GET', STS);
    expect(sts.status).toBe(200);
    expect(sts.body).toMatchObject({ apiVersion: 'apps/v1', kind: 'StatefulSet', spec: { replicas: 3, podManagementPolicy: 'Parallel' }, status: { replicas: 3, readyReplicas: 3 } });
    const scale = await kube(world, 'GET', `${STS}/scale`);
    expect(scale.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 }, status: { replicas: 3 } });
    expect(scale.body.status.selector).toContain('app.kubernetes.io/component=zeebe-broker');
    const missing = await kube(world, 'GET', `/apis/apps/v1/namespaces/${NS}/statefulsets/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('statefulsets.apps "nope" not found');
  });

  it('scales a StatefulSet to 0 (pods terminate, then go; PVCs stay) and back (ordinal pods, Pending then Ready)', async () => {
    world = await startWorld({ resources: 'demo-8.8', ...FAST });
    const w = world;
    expect((await scaleTo(w, 0)).body.spec.replicas).toBe(0);
    const terminating = await brokerPods(w);
    expect(terminating.every((p) => p.deleting)).toBe(true);
    await until(() => brokerPods(w), (pods) => pods.length === 0);
    expect((await kube(w, 'GET', STS)).body.status).toMatchObject({ replicas: 0, readyReplicas: 0 });
    const claims = (await kube(w, 'GET', PVCS)).body.items.map((c: { metadata: { name: string } }) => c.metadata.name).sort();
    expect(claims).toEqual(['data-camunda-zeebe-0', 'data-camunda-zeebe-1', 'data-camunda-zeebe-2']);

    await scaleTo(w, 3);
    const created = await until(() => brokerPods(w), (pods) => pods.length === 3);
    expect(created.map((p) => p.name)).toEqual(['camunda-zeebe-0', 'camunda-zeebe-1', 'camunda-zeebe-2']);
    const ready = await until(() => brokerPods(w), (pods) => pods.length === 3 && pods.every((p) => p.ready));
    expect(ready.every((p) => p.phase === 'Running')).toBe(true);
    expect((await kube(w, 'GET', STS)).body.status.readyReplicas).toBe(3);
    // Recreated pods have new, distinct IPs, and the pod network routes them to that pod.
    const items = (await kube(w, 'GET', `${PODS}?labelSelector=${encodeURIComponent('app.kubernetes.io/component=zeebe-broker')}`)).body.items as Array<{ metadata: { name: string }; status: { podIP: string } }>;
    expect(new Set(items.map((p) => p.status.podIP)).size).toBe(3);
    const one = items.find((p) => p.metadata.name === 'camunda-zeebe-1')?.status.podIP ?? '';
    expect(w.network.resolve(NS, 'camunda-zeebe-0', one, 9600)).toBe(w.portOf('camunda-zeebe-1', 9600));
  });

  it('PUT on the scale subresource honours resourceVersion (409 Conflict) and validates replicas (422)', async () => {
    world = await startWorld({ resources: 'demo-8.7', ...FAST });
    const scale = (await kube(world, 'GET', `${STS}/scale`)).body;
    const stale = await kube(world, 'PUT', `${STS}/scale`, { ...scale, metadata: { ...scale.metadata, resourceVersion: '1' }, spec: { replicas: 1 } });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toBe('Operation cannot be fulfilled on statefulsets.apps "camunda-zeebe": the object has been modified; please apply your changes to the latest version and try again');
    const negative = await kube(world, 'PATCH', `${STS}/scale`, { spec: { replicas: -1 } }, MERGE);
    expect(negative.status).toBe(422);
    const ok = await kube(world, 'PUT', `${STS}/scale`, { ...scale, spec: { replicas: 1 } });
    expect(ok.status).toBe(200);
    expect(ok.body.spec.replicas).toBe(1);
  });

  it('scales a Deployment down and up: new pods get fresh names and are served by the same simulator', async () => {
    world = await startWorld({ resources: 'demo-8.8', ...FAST });
    const w = world;
    const optimize = async () => (await kube(w, 'GET', `${PODS}?labelSelector=${encodeURIComponent('app.kubernetes.io/component=optimize')}`)).body.items as Array<{ metadata: { name: string } }>;
    const before = (await optimize())[0]?.metadata.name;
    await kube(w, 'PATCH', `/apis/apps/v1/namespaces/${NS}/deployments/camunda-optimize/scale`, { spec: { replicas: 0 } }, MERGE);
    await until(optimize, (pods) => pods.length === 0);
    await kube(w, 'PATCH', `/apis/apps/v1/namespaces/${NS}/deployments/camunda-optimize/scale`, { spec: { replicas: 1 } }, MERGE);
    const after = await until(optimize, (pods) => pods.length === 1);
    expect(after[0]?.metadata.name).not.toBe(before);
    const name = after[0]?.metadata.name ?? '';
    await until(
      () => w.network.podPort(NS, name, 8092),
      (port) => port !== undefined,
    );
  });

  it('rolls StatefulSet pods when the template changes (strategic merge of env by name), highest ordinal first', async () => {
    world = await startWorld({ resources: 'demo-8.8', ...FAST });
    const w = world;
    const before = await brokerPods(w);
    const patched = await kube(w, 'PATCH', STS, { spec: { template: { spec: { containers: [{ name: 'orchestration', env: [{ name: 'EXTRA', value: 'x' }] }] } } } }, STRATEGIC);
    expect(patched.status).toBe(200);
    const env = patched.body.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name);
    expect(env).toContain('EXTRA');
    expect(env).toContain('CAMUNDA_DATA_BACKUP_STORE');
    expect(patched.body.metadata.generation).toBe(2);
    const rolled = await until(() => brokerPods(w), (pods) => pods.length === 3 && pods.every((p) => p.ready && p.revision !== before[0]?.revision));
    expect(new Set(rolled.map((p) => p.revision)).size).toBe(1);
    expect((await kube(w, 'GET', STS)).body.status).toMatchObject({ updatedReplicas: 3, readyReplicas: 3 });
  });

  it('rejects what the API server rejects: forbidden StatefulSet fields, non-string env values, unknown patch types', async () => {
    world = await startWorld({ resources: 'demo-8.7', ...FAST });
    const forbidden = await kube(world, 'PATCH', STS, { spec: { serviceName: 'other' } }, MERGE);
    expect(forbidden.status).toBe(422);
    expect(forbidden.body.message).toContain("updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
    const bool = await kube(world, 'PATCH', STS, { spec: { template: { spec: { containers: [{ name: 'zeebe', env: [{ name: 'ZEEBE_RESTORE', value: true }] }] } } } }, STRATEGIC);
    expect(bool.status).toBe(400);
    expect(bool.body.message).toContain('cannot unmarshal bool');
    const apply = await kube(world, 'PATCH', STS, '{}', 'application/json');
    expect(apply.status).toBe(415);
    const jsonPatch = await kube(world, 'PATCH', STS, [{ op: 'replace', path: '/spec/replicas', value: 2 }], 'application/json-patch+json');
    expect(jsonPatch.body.spec.replicas).toBe(2);
    const failedTest = await kube(world, 'PATCH', STS, [{ op: 'test', path: '/spec/replicas', value: 3 }], 'application/json-patch+json');
    expect(failedTest.status).toBe(422);
  });
});

describe('PersistentVolumeClaims', () => {
  it('keeps a deleted PVC Terminating with kubernetes.io/pvc-protection while its pod exists; a new pod gets a fresh, empty one', async () => {
    world = await startWorld({ resources: 'demo-8.8', ...FAST });
    const w = world;
    const deleted = await kube(w, 'DELETE', `${PVCS}/data-camunda-zeebe-2`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.metadata.deletionTimestamp).toBeDefined();
    expect(deleted.body.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await kube(w, 'GET', `${PVCS}/data-camunda-zeebe-2`)).status).toBe(200);
    expect(w.workloads.volumeData(NS, 'data-camunda-zeebe-2')).toEqual({ empty: false });

    await scaleTo(w, 2);
    await until(() => kube(w, 'GET', `${PVCS}/data-camunda-zeebe-2`), (r) => r.status === 404);
    expect((await kube(w, 'GET', `${PVCS}/data-camunda-zeebe-2`)).body.message).toBe('persistentvolumeclaims "data-camunda-zeebe-2" not found');
    await scaleTo(w, 3);
    await until(() => brokerPods(w), (pods) => pods.length === 3 && pods.every((p) => p.ready));
    expect((await kube(w, 'GET', `${PVCS}/data-camunda-zeebe-2`)).body.status.phase).toBe('Bound');
    expect(w.workloads.volumeData(NS, 'data-camunda-zeebe-2')).toMatchObject({ empty: false, fresh: true });
  });

  it('lists orphan PVCs of ordinals beyond the replicas (an earlier scale-down) by label', async () => {
    world = await startWorld({ resources: 'demo-8.7', ...FAST });
    world.workloads.addClaim('camunda-zeebe', NS, 4);
    const list = await kube(world, 'GET', `${PVCS}?labelSelector=${encodeURIComponent('app.kubernetes.io/component=zeebe-broker')}`);
    expect(list.body.items.map((c: { metadata: { name: string } }) => c.metadata.name).sort()).toEqual(['data-camunda-zeebe-0', 'data-camunda-zeebe-1', 'data-camunda-zeebe-2', 'data-camunda-zeebe-4']);
    expect(list.body.kind).toBe('PersistentVolumeClaimList');
  });
});

describe('RBAC with a Role', () => {
  const CREATE_ROLE = [
    { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'secrets'], verbs: ['get', 'list'] },
    { apiGroups: [''], resources: ['pods/exec', 'pods/portforward'], verbs: ['get', 'create'] },
  ];
  it('answers SelfSubjectAccessReviews for the restore verbs by group and subresource, and forbids the requests', async () => {
    world = await startWorld({ resources: 'demo-8.8', ...FAST, role: CREATE_ROLE });
    const review = async (attributes: Record<string, string>): Promise<boolean> =>
      (await kube(world!, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec: { resourceAttributes: { namespace: NS, ...attributes } } })).body.status.allowed;
    expect(await review({ verb: 'get', resource: 'pods' })).toBe(true);
    expect(await review({ verb: 'patch', group: 'apps', resource: 'statefulsets', subresource: 'scale' })).toBe(false);
    expect(await review({ verb: 'delete', resource: 'persistentvolumeclaims' })).toBe(false);
    expect(await review({ verb: 'get', resource: 'pods', subresource: 'log' })).toBe(false);
    const denied = await scaleTo(world, 0);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('statefulsets.apps "camunda-zeebe" is forbidden: User "system:serviceaccount:camunda:backup" cannot patch resource "statefulsets/scale" in API group "apps" in the namespace "camunda"');

    world.api.faults.role = [...CREATE_ROLE, { apiGroups: ['apps'], resources: ['statefulsets/scale'], verbs: ['get', 'patch'] }, { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }];
    expect(await review({ verb: 'patch', group: 'apps', resource: 'statefulsets', subresource: 'scale' })).toBe(true);
    expect(await review({ verb: 'patch', group: 'apps', resource: 'statefulsets' })).toBe(false);
    expect(await review({ verb: 'get', resource: 'pods', subresource: 'log' })).toBe(true);
    expect((await scaleTo(world, 2)).status).toBe(200);
  });
});

describe('the broker restore application', () => {
  async function prepare(w: World, id: number, options: { deleteClaims?: boolean } = {}): Promise<void> {
    await scaleTo(w, 0);
    await until(() => brokerPods(w), (pods) => pods.length === 0);
    if (options.deleteClaims !== false) {
      for (const n of [0, 1, 2]) await kube(w, 'DELETE', `${PVCS}/data-camunda-zeebe-${n}`);
    }
    const modern = w.sims.minor !== '8.7' && w.sims.minor !== '8.6';
    const patched = await kube(w, 'PATCH', STS, restoreEnv(modern ? 'orchestration' : 'zeebe', id, modern), STRATEGIC);
    expect(patched.status).toBe(200);
    await scaleTo(w, 3);
  }
  const log = async (w: World, pod: string, previous = false): Promise<Reply> => kube(w, 'GET', `${PODS}/${pod}/log${previous ? '?previous=true' : ''}`);

  it.each([
    ['demo-8.7', 'Successfully restored broker from backup 7'],
    ['demo-8.8', 'Successfully restored broker from backup [7]'],
  ])('%s: restores every broker on empty volumes, exits, and crash-loops on the now non-empty directory (previous logs)', async (resources, success) => {
    // The first back-off is long enough to read the successful run's log before the next run replaces it.
    world = await startWorld({ resources, ...FAST, workloadTiming: { ...FAST.workloadTiming, backoffMs: 400, maxBackoffMs: 400 } });
    const w = world;
    w.sims.zeebe?.take(7);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await prepare(w, 7);
    await until(() => brokerPods(w), (pods) => pods.length === 3);
    // Every broker is watched at once: a restarted container's log replaces the earlier run's.
    await Promise.all(
      ['camunda-zeebe-0', 'camunda-zeebe-1', 'camunda-zeebe-2'].map(async (pod) => {
        const first = await until(() => log(w, pod), (r) => r.status === 200 && r.text.includes(success));
        expect(first.text).toContain('Starting to restore from backup');
        // The kubelet restarts the exited app; the next run refuses the restored (non-empty) directory.
        const crashed = await until(() => log(w, pod), (r) => r.text.includes('is not empty. Aborting restore to avoid overwriting data'));
        expect(crashed.text).not.toContain(success);
        // Backing off, current and previous both name the last terminated run (the kubelet's lastState): the
        // successful run's log is gone — a restore tool must read it while it is the latest.
        await until(
          async () => (await kube(w, 'GET', `${PODS}/${pod}`)).body.status.containerStatuses[0],
          (status) => status.state.waiting?.reason === 'CrashLoopBackOff' && status.restartCount >= 1,
        );
        const previous = await log(w, pod, true);
        expect(previous.status).toBe(200);
        expect(previous.text).toContain('is not empty');
        expect(previous.text).not.toContain(success);
      }),
    );
    expect(w.workloads.volumeData(NS, 'data-camunda-zeebe-1')).toMatchObject({ empty: false, restoredFrom: [7], nodeId: 1 });
    expect((await brokerPods(w)).every((p) => !p.ready)).toBe(true);
    const pod = (await kube(w, 'GET', `${PODS}/camunda-zeebe-0`)).body;
    expect(pod.status.containerStatuses[0].restartCount).toBeGreaterThanOrEqual(1);
  });

  it('after the restore, brokers started without the restore env run on the restored data; another image version never gets Ready', async () => {
    world = await startWorld({ resources: 'demo-8.8', ...FAST });
    const w = world;
    w.sims.zeebe?.take(8);
    await new Promise((resolve) => setTimeout(resolve, 40));
    // A run that failed earlier left exporting soft-paused; restored brokers come up exporting (sims.restoreApp).
    w.sims.zeebe?.pause(true);
    expect(w.sims.zeebe?.isPaused()).toBe(true);
    await prepare(w, 8);
    await until(() => [0, 1, 2].map((n) => w.workloads.volumeData(NS, `data-camunda-zeebe-${n}`)), (data) => data.every((d) => Array.isArray(d?.['restoredFrom'])));
    await scaleTo(w, 0);
    await until(() => brokerPods(w), (pods) => pods.length === 0);
    const removeEnv = (name: string) => ({ name, $patch: 'delete' });
    const reverted = await kube(w, 'PATCH', STS, { spec: { template: { spec: { containers: [{ name: 'orchestration', env: [removeEnv('ZEEBE_RESTORE'), removeEnv('ZEEBE_RESTORE_FROM_BACKUP_ID'), removeEnv('SPRING_PROFILES_ACTIVE')] }] } } } }, STRATEGIC);
    expect(reverted.body.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name)).not.toContain('ZEEBE_RESTORE');
    await scaleTo(w, 3);
    await until(() => brokerPods(w), (pods) => pods.length === 3 && pods.every((p) => p.ready));
    expect((await log(w, 'camunda-zeebe-2')).text).toContain('Broker 2 is ready');
    expect(w.sims.zeebe?.isPaused()).toBe(false);

    await kube(w, 'PATCH', STS, { spec: { template: { spec: { containers: [{ name: 'orchestration', image: 'camunda/camunda:8.8.99' }] } } } }, STRATEGIC);
    const stuck = await until(() => log(w, 'camunda-zeebe-2'), (r) => r.text.includes('[simulated]'));
    expect(stuck.text).toContain('[simulated] data restored from a backup of version 8.8.35 cannot be used by broker version 8.8.99');
    // The rollout waits for the replaced pod, which never becomes Ready.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await brokerPods(w)).filter((p) => p.ready).map((p) => p.name)).toEqual(['camunda-zeebe-0', 'camunda-zeebe-1']);
  });

  it('the succeed-restart-delete bug (wipeOnRestart): a restart deletes the restored data and the next run restores it again; brokers report restored vs empty data', async () => {
    world = await startWorld({ resources: 'demo-8.8', ...FAST, workloadTiming: { ...FAST.workloadTiming, backoffMs: 200, maxBackoffMs: 200 } });
    const w = world;
    const zeebe = w.sims.zeebe;
    if (!zeebe) throw new Error('no zeebe');
    zeebe.take(9);
    await new Promise((resolve) => setTimeout(resolve, 40));
    w.sims.restoreApp.wipeOnRestart = true;
    await prepare(w, 9);
    const wiped = await until(() => log(w, 'camunda-zeebe-0'), (r) => r.text.includes('Deleting data directory'));
    expect(wiped.text).toContain('ERROR io.camunda.zeebe.restore.RestoreManager - Failed to restore broker. Deleting data directory /usr/local/camunda/data');
    expect(wiped.text).toContain('DirectoryNotEmptyException');
    expect(w.sims.restoreApp.wipes).toBeGreaterThanOrEqual(1);
    await until(() => w.workloads.volumeData(NS, 'data-camunda-zeebe-0'), (data) => data?.empty === true);
    // Restored again on the emptied directory: the cycle goes on while the restore env is set.
    await until(() => log(w, 'camunda-zeebe-0'), (r) => r.text.includes('Successfully restored broker from backup [9]'));
    await until(() => w.workloads.volumeData(NS, 'data-camunda-zeebe-0'), (data) => Array.isArray(data?.['restoredFrom']));

    await scaleTo(w, 0);
    await until(() => brokerPods(w), (pods) => pods.length === 0);
    w.sims.restoreApp.wipeOnRestart = false;
    const removeEnv = (name: string) => ({ name, $patch: 'delete' });
    await kube(w, 'PATCH', STS, { spec: { template: { spec: { containers: [{ name: 'orchestration', env: [removeEnv('ZEEBE_RESTORE'), removeEnv('ZEEBE_RESTORE_FROM_BACKUP_ID'), removeEnv('SPRING_PROFILES_ACTIVE')] }] } } } }, STRATEGIC);
    // Broker 1's data is gone (wiped after its success); broker 0's is there.
    w.workloads.setVolumeData(NS, 'data-camunda-zeebe-1', { empty: true });
    w.workloads.setVolumeData(NS, 'data-camunda-zeebe-0', { empty: false, restoredFrom: [9], nodeId: 0, version: zeebe.config.version, partitions: [1] });
    await scaleTo(w, 3);
    await until(() => brokerPods(w), (pods) => pods.length === 3 && pods.every((p) => p.ready));
    const backup = zeebe.status(9) as { details: { partitionId: number; snapshotId: string; checkpointPosition: number }[] };
    const held = zeebe.partitionsOfBroker(0) as Record<string, { snapshotId: string | null; processedPosition: number }>;
    for (const [id, status] of Object.entries(held)) {
      const detail = backup.details.find((d) => d.partitionId === Number(id));
      expect(status.snapshotId).toBe(detail?.snapshotId);
      expect(status.processedPosition).toBeGreaterThanOrEqual(detail?.checkpointPosition ?? Infinity);
    }
    const empty = zeebe.partitionsOfBroker(1) as Record<string, { snapshotId: string | null; processedPosition: number }>;
    expect(Object.values(empty).length).toBeGreaterThan(0);
    for (const status of Object.values(empty)) expect(status).toMatchObject({ snapshotId: null, processedPosition: -1 });
    const started = (await log(w, 'camunda-zeebe-1')).text;
    expect(started).toMatch(/Root directory \/usr\/local\/camunda\/data\/raft-partition\/partitions\/\d+ for partition PartitionId\{id=\d+, group=raft-partition\} is empty or does not exist\. The partition PartitionId\{id=\d+, group=raft-partition\} is starting with no pre-existing data\./);
    expect((await log(w, 'camunda-zeebe-0')).text).not.toContain('Root directory');
  });

  it('through the real client-node: scale, patch and read current and previous logs', async () => {
    world = await startWorld({ resources: 'demo-8.8', ...FAST, workloadTiming: { ...FAST.workloadTiming, backoffMs: 400, maxBackoffMs: 400 } });
    const w = world;
    w.sims.zeebe?.take(9);
    const kc = new KubeConfig();
    kc.loadFromString(w.api.kubeconfig({ namespace: NS }));
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    await apps.patchNamespacedStatefulSetScale({ name: 'camunda-zeebe', namespace: NS, body: { spec: { replicas: 0 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await until(() => brokerPods(w), (pods) => pods.length === 0);
    for (const n of [0, 1, 2]) await core.deleteNamespacedPersistentVolumeClaim({ name: `data-camunda-zeebe-${n}`, namespace: NS });
    await apps.patchNamespacedStatefulSet({ name: 'camunda-zeebe', namespace: NS, body: restoreEnv('orchestration', 9, true) }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    const scale = await apps.readNamespacedStatefulSetScale({ name: 'camunda-zeebe', namespace: NS });
    await apps.replaceNamespacedStatefulSetScale({ name: 'camunda-zeebe', namespace: NS, body: { ...scale, spec: { replicas: 3 } } });
    await until(
      async () => {
        try {
          return await core.readNamespacedPodLog({ name: 'camunda-zeebe-2', namespace: NS, container: 'orchestration', previous: true });
        } catch {
          return '';
        }
      },
      (text) => text.includes('Successfully restored broker from backup [9]'),
    );
  });

  it('fails with the real lines: backup not found, non-empty data directory, missing restore profile (8.8)', async () => {
    world = await startWorld({ resources: 'demo-8.8', ...FAST });
    const w = world;
    await prepare(w, 404);
    const missing = await until(() => log(w, 'camunda-zeebe-0'), (r) => r.text.includes('Application run failed'));
    expect(missing.text).toContain('BackupNotFoundException: Could not find a completed backup with id 404.');
    expect(w.workloads.volumeData(NS, 'data-camunda-zeebe-0')).toEqual({ empty: true });
    await world.stop();

    world = await startWorld({ resources: 'demo-8.8', ...FAST });
    const w2 = world;
    w2.sims.zeebe?.take(5);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await prepare(w2, 5, { deleteClaims: false });
    const full = await until(() => log(w2, 'camunda-zeebe-1'), (r) => r.text.includes('Application run failed'));
    expect(full.text).toContain("Brokers's data directory /usr/local/camunda/data is not empty. Aborting restore to avoid overwriting data. Please restart with a clean directory.");

    // Without SPRING_PROFILES_ACTIVE=restore the 8.8 restore app does not start (camunda/camunda#35022).
    await kube(w2, 'PATCH', STS, { spec: { template: { spec: { containers: [{ name: 'orchestration', env: [{ name: 'SPRING_PROFILES_ACTIVE', $patch: 'delete' }] }] } } } }, STRATEGIC);
    const noProfile = await until(() => log(w2, 'camunda-zeebe-2'), (r) => r.text.includes('APPLICATION FAILED TO START'));
    expect(noProfile.text).toContain('BrokerBasedProperties');
  });

  it('a command override skips startup.sh: 8.8 loses the node ID and fails; 8.7 restores every broker as node 0', async () => {
    world = await startWorld({ resources: 'demo-8.8', ...FAST });
    const w = world;
    w.sims.zeebe?.take(3);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await kube(w, 'PATCH', STS, { spec: { template: { spec: { containers: [{ name: 'orchestration', command: ['/usr/local/camunda/bin/restore', '--backupId=3'] }] } } } }, STRATEGIC);
    await prepare(w, 3);
    const failed = await until(() => log(w, 'camunda-zeebe-1'), (r) => r.text.includes('Application run failed'));
    expect(failed.text).toContain("Failed to bind properties under 'camunda.cluster.node-id'");
    await world.stop();

    world = await startWorld({ resources: 'demo-8.7', ...FAST });
    const w7 = world;
    w7.sims.zeebe?.take(3);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await kube(w7, 'PATCH', STS, { spec: { template: { spec: { containers: [{ name: 'zeebe', command: ['/usr/local/zeebe/bin/restore', '--backupId=3'] }] } } } }, STRATEGIC);
    await prepare(w7, 3);
    await until(() => log(w7, 'camunda-zeebe-2'), (r) => r.text.includes('Successfully restored broker from backup 3'));
    await until(() => w7.workloads.volumeData(NS, 'data-camunda-zeebe-2'), (data) => data?.['nodeId'] === 0);
  });

  it('follows a log (follow=true): the existing lines, then new ones, until the container stops', async () => {
    world = await startWorld({ resources: 'demo-8.8', ...FAST, workloadTiming: { ...FAST.workloadTiming, backoffMs: 400, maxBackoffMs: 400 }, durations: { ...FAST.durations, restore: 150 } });
    const w = world;
    w.sims.zeebe?.take(4);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await prepare(w, 4);
    await until(() => log(w, 'camunda-zeebe-0'), (r) => r.status === 200 && r.text.includes('Starting to restore'));
    const started = Date.now();
    const followed = await kube(w, 'GET', `${PODS}/camunda-zeebe-0/log?follow=true`);
    expect(Date.now() - started).toBeGreaterThan(50);
    expect(followed.text).toContain('Starting to restore from backup [4]');
    expect(followed.text).toContain('Successfully restored broker from backup [4]');
  });

  it('answers log requests like the kubelet: no previous container yet, unknown container, pod gone', async () => {
    world = await startWorld({ resources: 'demo-8.8', ...FAST });
    const previous = await kube(world, 'GET', `${PODS}/camunda-zeebe-0/log?previous=true`);
    expect(previous.status).toBe(400);
    expect(previous.body.message).toBe('previous terminated container "orchestration" in pod "camunda-zeebe-0" not found');
    const current = await kube(world, 'GET', `${PODS}/camunda-zeebe-0/log`);
    expect(current.status).toBe(200);
    expect(current.text).toContain('Starting broker 0');
    const wrong = await kube(world, 'GET', `${PODS}/camunda-zeebe-0/log?container=zeebe`);
    expect(wrong.body.message).toBe('container zeebe is not valid for pod camunda-zeebe-0');
    expect((await kube(world, 'GET', `${PODS}/nope/log`)).status).toBe(404);
  });
});

// The real charts' startup.sh of each line (read from the Helm fixtures; skipped on a clone without them).
const haveFixtures = existsSync(join(fixturesDir(), '14.8.4')) && existsSync(join(fixturesDir(), '11.12.3'));
describe.skipIf(!haveFixtures)(`the restore application through the charts' own startup.sh${haveFixtures ? '' : ' [SKIPPED: no Helm fixtures; set CAMUNDA_FIXTURES_DIR]'}`, () => {
  const SLOW_BACKOFF = { ...FAST, workloadTiming: { ...FAST.workloadTiming, backoffMs: 400, maxBackoffMs: 400 } };
  async function runRestore(w: World, container: string, env: Array<{ name: string; value: string }>): Promise<void> {
    await scaleTo(w, 0);
    await until(() => brokerPods(w), (pods) => pods.length === 0);
    const claims = (await kube(w, 'GET', PVCS)).body.items.map((c: { metadata: { name: string } }) => c.metadata.name).filter((n: string) => n.startsWith('data-camunda-zeebe-'));
    for (const claim of claims) await kube(w, 'DELETE', `${PVCS}/${claim}`);
    expect((await kube(w, 'PATCH', STS, { spec: { template: { spec: { containers: [{ name: container, env }] } } } }, STRATEGIC)).status).toBe(200);
    await scaleTo(w, 3);
  }
  const successOf = (w: World, pod: string, text: string) =>
    until(async () => (await kube(w, 'GET', `${PODS}/${pod}/log`)).text + (await kube(w, 'GET', `${PODS}/${pod}/log?previous=true`)).text, (t) => t.includes(text));

  it('8.6 (11.12.3): restores through /usr/local/zeebe/bin/restore with each pod\'s node ID', async () => {
    world = await startWorld({ fixture: { chartVersion: '11.12.3', scenario: 'backup-configured' }, ...SLOW_BACKOFF });
    const w = world;
    w.sims.zeebe?.take(21);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await runRestore(w, 'zeebe', [{ name: 'ZEEBE_RESTORE', value: 'true' }, { name: 'ZEEBE_RESTORE_FROM_BACKUP_ID', value: '21' }]);
    await Promise.all(['camunda-zeebe-0', 'camunda-zeebe-1', 'camunda-zeebe-2'].map((pod) => successOf(w, pod, 'Successfully restored broker from backup 21')));
    await until(() => w.workloads.volumeData(NS, 'data-camunda-zeebe-2'), (d) => d?.['nodeId'] === 2);
  });

  it('8.9 (14.8.4): restores by backup id through `exec restore --backupId=…`', async () => {
    world = await startWorld({ fixture: { chartVersion: '14.8.4', scenario: 'backup-configured' }, ...SLOW_BACKOFF });
    const w = world;
    w.sims.zeebe?.take(22);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await runRestore(w, 'orchestration', [{ name: 'ZEEBE_RESTORE', value: 'true' }, { name: 'ZEEBE_RESTORE_FROM_BACKUP_ID', value: '22' }, { name: 'SPRING_PROFILES_ACTIVE', value: 'restore' }]);
    await Promise.all(['camunda-zeebe-0', 'camunda-zeebe-1', 'camunda-zeebe-2'].map((pod) => successOf(w, pod, 'Successfully restored broker from backup [22]')));
  });

  it.skipIf(!existsSync(join(fixturesDir(), '15.0.0-alpha4')))(`8.10 (15.0.0-alpha4): the legacy restore application through the same startup.sh${existsSync(join(fixturesDir(), '15.0.0-alpha4')) ? '' : ` [SKIPPED: no chart 15.0.0-alpha4 in ${fixturesDir()}]`}`, async () => {
    world = await startWorld({ fixture: { chartVersion: '15.0.0-alpha4', scenario: 'backup-configured' }, ...SLOW_BACKOFF });
    const w = world;
    w.sims.zeebe?.take(23);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await runRestore(w, 'orchestration', [{ name: 'ZEEBE_RESTORE', value: 'true' }, { name: 'ZEEBE_RESTORE_FROM_BACKUP_ID', value: '23' }, { name: 'SPRING_PROFILES_ACTIVE', value: 'restore' }]);
    await Promise.all(['camunda-zeebe-0', 'camunda-zeebe-1', 'camunda-zeebe-2'].map((pod) => successOf(w, pod, 'Successfully restored broker from backup [23]')));
  });

  it('8.9 RDBMS (14.8.4): ZEEBE_RESTORE=true alone runs the default mode, which picks the newest completed backup', async () => {
    world = await startWorld({ fixture: { chartVersion: '14.8.4', scenario: 'rdbms-backup-continuous' }, ...SLOW_BACKOFF });
    const w = world;
    const first = w.sims.zeebe?.take(undefined) ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const newest = w.sims.zeebe?.take(undefined) ?? 0;
    expect(newest).toBeGreaterThan(first);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await runRestore(w, 'orchestration', [{ name: 'ZEEBE_RESTORE', value: 'true' }, { name: 'SPRING_PROFILES_ACTIVE', value: 'restore' }]);
    await successOf(w, 'camunda-zeebe-0', 'Successfully restored broker from backups in time range [null, null]');
    await until(() => w.workloads.volumeData(NS, 'data-camunda-zeebe-0'), (d) => JSON.stringify(d?.['restoredFrom']) === JSON.stringify([newest]));
  });
});
