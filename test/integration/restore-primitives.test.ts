/**
 * The low-level restore primitives (src/kube WorkloadClient and waits, SSAR with API groups, src/camunda index
 * listing/deletion and snapshot restore) against the test world: real client-node on the fake API server, the
 * search simulator reached through both access modes. The restore command will be composed of these.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listIndicesByPrefix, deleteIndices, restoreSnapshot, SnapshotRestoreError } from '../../src/camunda/search-indices.js';
import { createKubeClient } from '../../src/kube/create-kube-client.js';
import { createWorkloadClient } from '../../src/kube/create-workload-client.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import { inverseChange, type ContainerChange, type WorkloadClient, type WorkloadRef } from '../../src/kube/workload-client.js';
import { waitForWorkload } from '../../src/kube/workload-wait.js';
import { createConnector } from '../../src/reach/connector.js';
import { startWorld, type World } from '../world/index.js';
import { indexStateOf } from '../world/sim/search-indices.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'restore-primitives-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

function clients(w: World): { kube: KubeClient; workloads: WorkloadClient } {
  const kubeconfig = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(kubeconfig, w.api.kubeconfig({ namespace: w.namespace }));
  const options = { kubeconfig, env: {} };
  return { kube: createKubeClient(options), workloads: createWorkloadClient(options) };
}

const FAST = { workloadTiming: { startMs: 10, readyMs: 20, terminateMs: 20, backoffMs: 300, maxBackoffMs: 300 }, durations: { zeebe: 20, restore: 50, snapshot: 20, webapps: 20 } };
const ZEEBE: WorkloadRef = { kind: 'StatefulSet', namespace: 'camunda', name: 'camunda-zeebe' };
const OPTIMIZE: WorkloadRef = { kind: 'Deployment', namespace: 'camunda', name: 'camunda-optimize' };

describe('WorkloadClient and waits (client-node against the fake API server)', () => {
  it('scales, waits for pods gone and ready, reads replicas, lists and deletes PVCs (pending while mounted)', async () => {
    // Pods take a while to terminate here, so the wait sees them go.
    world = await startWorld({ resources: 'demo-8.8', ...FAST, workloadTiming: { ...FAST.workloadTiming, terminateMs: 300 } });
    const c = clients(world);
    expect(await c.workloads.readReplicas(ZEEBE)).toBe(3);
    expect(await c.workloads.readWorkload({ ...ZEEBE, name: 'nope' })).toBeUndefined();

    expect(await c.workloads.deleteClaim('camunda', 'data-camunda-zeebe-0')).toBe('pending');
    expect((await c.workloads.readClaim('camunda', 'data-camunda-zeebe-0'))?.deleting).toBe(true);

    await c.workloads.scale(ZEEBE, 0);
    await c.workloads.scale(OPTIMIZE, 0);
    const progress: string[] = [];
    const gone = await waitForWorkload(c, ZEEBE, 'gone', { timeoutMs: 5000, initialIntervalMs: 10, onProgress: (m) => progress.push(m) });
    expect(gone.pods).toEqual([]);
    expect(progress[0]).toMatch(/^statefulset\/camunda-zeebe: 0 asked, 3 pod\(s\)/);
    await waitForWorkload(c, OPTIMIZE, 'gone', { timeoutMs: 5000, initialIntervalMs: 10 });
    expect(await c.workloads.readClaim('camunda', 'data-camunda-zeebe-0')).toBeUndefined();

    const claims = await c.workloads.listClaims('camunda', 'app.kubernetes.io/component=zeebe-broker');
    expect(claims.map((claim) => claim.name)).toEqual(['data-camunda-zeebe-1', 'data-camunda-zeebe-2']);
    for (const claim of claims) expect(await c.workloads.deleteClaim('camunda', claim.name)).toBe('deleted');
    expect(await c.workloads.deleteClaim('camunda', 'data-camunda-zeebe-1')).toBe('absent');

    await c.workloads.scale(ZEEBE, 3);
    await c.workloads.scale(OPTIMIZE, 1);
    const ready = await waitForWorkload(c, ZEEBE, 'ready', { timeoutMs: 5000, initialIntervalMs: 10 });
    expect(ready.pods.map((p) => p.name).sort()).toEqual(['camunda-zeebe-0', 'camunda-zeebe-1', 'camunda-zeebe-2']);
    await waitForWorkload(c, OPTIMIZE, 'ready', { timeoutMs: 5000, initialIntervalMs: 10 });
    await expect(c.workloads.scale(ZEEBE, -1)).rejects.toThrow(RangeError);
  });

  it('patches the restore env and probes, restores the broker, reads current and previous logs, and reverts the change exactly', async () => {
    world = await startWorld({ resources: 'demo-8.8', ...FAST });
    const w = world;
    const c = clients(w);
    w.sims.zeebe?.take(11);
    await c.workloads.scale(ZEEBE, 0);
    await waitForWorkload(c, ZEEBE, 'gone', { timeoutMs: 5000, initialIntervalMs: 10 });
    for (const claim of await c.workloads.listClaims('camunda', 'app.kubernetes.io/component=zeebe-broker')) await c.workloads.deleteClaim('camunda', claim.name);

    const before = (await c.workloads.readWorkload(ZEEBE))?.containers.find((x) => x.name === 'orchestration');
    if (!before) throw new Error('no orchestration container');
    const change: ContainerChange = {
      container: 'orchestration',
      setEnv: [
        { name: 'ZEEBE_RESTORE', value: 'true' },
        { name: 'ZEEBE_RESTORE_FROM_BACKUP_ID', value: '11' },
        { name: 'SPRING_PROFILES_ACTIVE', value: 'restore' },
      ],
      livenessProbe: null,
      startupProbe: null,
    };
    const patched = await c.workloads.patchContainer(ZEEBE, change);
    expect(patched.containers[0]?.env.filter((e) => e.name.startsWith('ZEEBE_RESTORE')).map((e) => `${e.name}=${e.value ?? ''}`)).toEqual(['ZEEBE_RESTORE=true', 'ZEEBE_RESTORE_FROM_BACKUP_ID=11']);
    await c.workloads.scale(ZEEBE, 3);

    expect(await c.workloads.podLog({ namespace: 'camunda', pod: 'camunda-zeebe-9', container: 'orchestration' })).toBeUndefined();
    const deadline = Date.now() + 5000;
    const seen = new Set<string>();
    while (seen.size < 3 && Date.now() < deadline) {
      for (const pod of ['camunda-zeebe-0', 'camunda-zeebe-1', 'camunda-zeebe-2']) {
        const current = await c.workloads.podLog({ namespace: 'camunda', pod, container: 'orchestration' });
        const previous = await c.workloads.podLog({ namespace: 'camunda', pod, container: 'orchestration', previous: true });
        if ([current, previous].some((text) => text?.includes('Successfully restored broker from backup [11]'))) seen.add(pod);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect([...seen].sort()).toEqual(['camunda-zeebe-0', 'camunda-zeebe-1', 'camunda-zeebe-2']);

    await c.workloads.scale(ZEEBE, 0);
    await waitForWorkload(c, ZEEBE, 'gone', { timeoutMs: 5000, initialIntervalMs: 10 });
    const reverted = await c.workloads.patchContainer(ZEEBE, inverseChange(before, change));
    const after = reverted.containers[0];
    expect(after?.env.map((e) => e.name).sort()).toEqual(before.env.map((e) => e.name).sort());
    expect(after?.livenessProbe).toEqual(before.livenessProbe);
    await c.workloads.scale(ZEEBE, 3);
    await waitForWorkload(c, ZEEBE, 'ready', { timeoutMs: 5000, initialIntervalMs: 10 });
  });

  it('checkAccess asks SelfSubjectAccessReviews with the API group and subresource (a Role without the restore verbs)', async () => {
    world = await startWorld({
      resources: 'demo-8.7',
      ...FAST,
      role: [
        { apiGroups: [''], resources: ['pods', 'secrets', 'services', 'configmaps'], verbs: ['get', 'list'] },
        { apiGroups: ['apps'], resources: ['statefulsets/scale', 'deployments/scale'], verbs: ['get', 'patch'] },
      ],
    });
    const c = clients(world);
    const results = await c.kube.checkAccess([
      { namespace: 'camunda', verb: 'patch', group: 'apps', resource: 'statefulsets', subresource: 'scale' },
      { namespace: 'camunda', verb: 'patch', group: 'apps', resource: 'statefulsets' },
      { namespace: 'camunda', verb: 'delete', resource: 'persistentvolumeclaims' },
      { namespace: 'camunda', verb: 'get', resource: 'pods', subresource: 'log' },
      { namespace: 'camunda', verb: 'list', resource: 'pods' },
    ]);
    expect(results.map((r) => r.allowed)).toEqual([true, false, false, false, true]);
    await expect(c.workloads.patchContainer(ZEEBE, { container: 'zeebe', setEnv: [{ name: 'A', value: '1' }] })).rejects.toThrow(
      'statefulsets.apps "camunda-zeebe" is forbidden: User "system:serviceaccount:camunda:backup" cannot patch resource "statefulsets" in API group "apps" in the namespace "camunda"',
    );
  });
});

describe.each(['port-forward', 'exec'] as const)('index deletion and snapshot restore through %s', (access) => {
  it('lists by prefix, deletes by exact names, restores a snapshot and verifies it', async () => {
    world = await startWorld({ resources: 'demo-8.8', ...FAST });
    const w = world;
    const c = clients(w);
    const es = w.sims.pods.find((p) => p.role === 'elasticsearch');
    if (!es || !w.sims.search) throw new Error('no search pod');
    const http = await createConnector(c.kube, access)({ kind: 'pod', pod: { namespace: 'camunda', pod: es.name, container: 'elasticsearch', port: 9200 } });
    try {
      const context = { http, emit: () => undefined };
      w.sims.search.indices.push('my-tasklist-notes');
      indexStateOf(w.sims.search).restoreDurationMs = 30;
      const listed = await listIndicesByPrefix(context, ['operate', 'tasklist']);
      expect(listed.map((r) => r.index)).toEqual(w.sims.search.indices.filter((i) => i.startsWith('operate') || i.startsWith('tasklist')).sort());
      expect(listed.map((r) => r.index)).not.toContain('my-tasklist-notes');

      const snapshot = { repository: 'camunda-backup', snapshot: 'camunda_webapps_7_8.8.35_part_1_of_1', indices: listed.map((r) => r.index) };
      w.sims.search.createSnapshot('camunda-backup', snapshot.snapshot, { indices: snapshot.indices, durationMs: 0, finalState: 'SUCCESS', startMs: Date.now() - 1 });
      await expect(restoreSnapshot(context, snapshot, 10_000)).rejects.toBeInstanceOf(SnapshotRestoreError);
      await expect(deleteIndices(context, ['operate-*'])).rejects.toThrow(/wildcard/);
      expect(await deleteIndices(context, listed.map((row) => row.index))).toBe(1);
      // Again: every name is gone now, and the request is still acknowledged (ignore_unavailable).
      expect(await deleteIndices(context, listed.map((row) => row.index))).toBe(1);
      expect(await listIndicesByPrefix(context, ['operate', 'tasklist'])).toEqual([]);

      const restored = await restoreSnapshot(context, snapshot, 10_000);
      expect(restored.indices).toEqual(listed.map((r) => r.index));
      expect(restored.shards.failed).toBe(0);
      expect(indexStateOf(w.sims.search).restores.at(-1)).toMatchObject({ includeGlobalState: false, waitForCompletion: true });
      expect(w.sims.search.indices).toContain('my-tasklist-notes');
    } finally {
      await http.close();
    }
  });
});
