import { describe, expect, it } from 'vitest';
import type { Pod } from './kube-client.js';
import type { Workload, WorkloadClient } from './workload-client.js';
import { goalReached, waitForWorkload } from './workload-wait.js';

const workload = (replicas: number, extra: Partial<Workload> = {}): Workload => ({
  kind: 'StatefulSet',
  namespace: 'ns',
  name: 'zeebe',
  labels: {},
  replicas,
  currentReplicas: replicas,
  readyReplicas: replicas,
  updatedReplicas: replicas,
  observed: true,
  selector: 'app=z',
  containers: [],
  ...extra,
});
const pod = (name: string, ready: boolean, deleting = false): Pod => ({ name, namespace: 'ns', labels: {}, annotations: {}, phase: 'Running', ready, deleting, containers: [] });

describe('goalReached', () => {
  it('gone: no replicas asked and no pod left, terminating ones included', () => {
    expect(goalReached('gone', { workload: workload(0), pods: [] })).toBe(true);
    expect(goalReached('gone', { workload: workload(0), pods: [pod('zeebe-0', false, true)] })).toBe(false);
    expect(goalReached('gone', { workload: workload(3), pods: [] })).toBe(false);
  });
  it('ready: every asked pod ready, updated and observed', () => {
    expect(goalReached('ready', { workload: workload(2), pods: [pod('a', true), pod('b', true)] })).toBe(true);
    expect(goalReached('ready', { workload: workload(2), pods: [pod('a', true), pod('b', false)] })).toBe(false);
    expect(goalReached('ready', { workload: workload(2, { observed: false }), pods: [pod('a', true), pod('b', true)] })).toBe(false);
    expect(goalReached('ready', { workload: workload(2, { updatedReplicas: 1 }), pods: [pod('a', true), pod('b', true)] })).toBe(false);
  });
});

describe('waitForWorkload', () => {
  const clients = (pods: Pod[][]) => {
    let call = 0;
    return {
      workloads: { readWorkload: async () => workload(0) } as unknown as WorkloadClient,
      kube: { listPods: async () => pods[Math.min(call++, pods.length - 1)] ?? [] },
    };
  };
  it('polls until the pods are gone and reports progress', async () => {
    const progress: string[] = [];
    const state = await waitForWorkload(clients([[pod('zeebe-0', false, true)], [pod('zeebe-0', false, true)], []]), { kind: 'StatefulSet', namespace: 'ns', name: 'zeebe' }, 'gone', { timeoutMs: 2000, initialIntervalMs: 5, onProgress: (m) => progress.push(m) });
    expect(state.pods).toEqual([]);
    expect(progress).toEqual(['statefulset/zeebe: 0 asked, 1 pod(s): zeebe-0 (terminating)']);
  });
  it('names what is left when the time is up, and stops at once on abort', async () => {
    const stuck = clients([[pod('zeebe-0', false, true)]]);
    await expect(waitForWorkload(stuck, { kind: 'StatefulSet', namespace: 'ns', name: 'zeebe' }, 'gone', { timeoutMs: 30, initialIntervalMs: 5 })).rejects.toThrow(/pods still there after 0s: .*zeebe-0 \(terminating\)/);
    const controller = new AbortController();
    const waiting = waitForWorkload(stuck, { kind: 'StatefulSet', namespace: 'ns', name: 'zeebe' }, 'gone', { timeoutMs: 60_000, initialIntervalMs: 1000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await expect(waiting).rejects.toThrow('stop');
  });
});
