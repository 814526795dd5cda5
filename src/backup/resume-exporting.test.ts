import { describe, expect, it } from 'vitest';
import { anInstallation, exportingFailed, exportingOk, fakeCluster, memoryReporter, ok, type Route } from '../../test/unit/create-test-kit.js';
import type { Pod, Service } from '../kube/kube-client.js';
import { openPool } from './connections.js';
import { layoutOf, partOf } from './layout.js';
import { resumeUntilConfirmed, type ResumeLoopDeps } from './resume-exporting.js';

const FAST = { timeoutMs: 80, firstDelayMs: 5, maxDelayMs: 10 };
const installation = anInstallation('8.7');
const target = { zeebe: partOf(layoutOf(installation), 'zeebe')!, resumePath: '/actuator/exporting/resume', namespace: 'camunda', release: 'camunda' };

function pod(name: string, labels: Record<string, string>, container: string, extra: Partial<Pod> = {}): Pod {
  return { name, namespace: 'camunda', labels, annotations: {}, phase: 'Running', ready: true, deleting: false, containers: [{ name: container, image: 'x', env: [], envFrom: [], ports: [] }], ...extra };
}
const gatewayLabels = { 'app.kubernetes.io/instance': 'camunda', 'app.kubernetes.io/component': 'zeebe-gateway' };
const brokerLabels = { 'app.kubernetes.io/instance': 'camunda', 'app.kubernetes.io/component': 'zeebe-broker' };
const service: Service = { name: 'camunda-zeebe-gateway', namespace: 'camunda', labels: {}, selector: gatewayLabels, ports: [] };

/** A cluster whose gateways are gateway-0 (chosen), gateway-1, gateway-2 and whose brokers are zeebe-0, zeebe-1. */
function kubeWith(pods: Pod[]): NonNullable<ResumeLoopDeps['kube']> & { selectors: string[] } {
  const selectors: string[] = [];
  return {
    selectors,
    readService: async (_namespace, name) => (name === service.name ? service : undefined),
    listPods: async (_namespace, selector) => {
      selectors.push(selector);
      const wanted = Object.fromEntries(selector.split(',').map((pair) => pair.split('=') as [string, string]));
      return pods.filter((p) => Object.entries(wanted).every(([k, v]) => p.labels[k] === v));
    },
  };
}

const brokers = [pod('zeebe-0', brokerLabels, 'zeebe'), pod('zeebe-1', brokerLabels, 'zeebe')];
const exporting = (phase: string) => ok({ '1': { role: 'LEADER', exporterPhase: phase } });

async function run(routes: Record<string, Route>, pods: Pod[], extra: Partial<ResumeLoopDeps> = {}, failConnect: Record<string, Error> = {}) {
  const cluster = fakeCluster(routes, { failConnect });
  const reporter = memoryReporter();
  const pool = openPool({ connect: cluster.connect, emit: reporter.emit });
  try {
    const outcome = await resumeUntilConfirmed(target, { pool, kube: kubeWith(pods), emit: reporter.emit, timing: FAST, ...extra });
    return { outcome, cluster, reporter };
  } finally {
    await pool.close();
  }
}

describe('resumeUntilConfirmed', () => {
  it('stays on the chosen pod while it answers, and confirms from the brokers', async () => {
    const { outcome, cluster } = await run(
      { 'gateway-0 POST /actuator/exporting/resume': exportingOk, 'zeebe-0 GET /actuator/partitions': exporting('EXPORTING'), 'zeebe-1 GET /actuator/partitions': exporting('EXPORTING') },
      [pod('gateway-0', gatewayLabels, 'zeebe-gateway'), pod('gateway-1', gatewayLabels, 'zeebe-gateway'), ...brokers],
    );
    expect(outcome).toMatchObject({ resumed: true, attempts: 1, target: 'pod/gateway-0:9600', stopped: false });
    expect(outcome.partitions).toHaveLength(2);
    expect(cluster.mutations()).toEqual(['gateway-0 POST /actuator/exporting/resume']);
  });

  it('fails over when the chosen pod does not answer: the other Ready pods by name, not the terminating one', async () => {
    const { outcome, cluster, reporter } = await run(
      {
        'gateway-0 POST /actuator/exporting/resume': { status: 0, fail: 'connection reset' },
        'gateway-2 POST /actuator/exporting/resume': exportingOk,
        'zeebe-0 GET /actuator/partitions': exporting('EXPORTING'),
      },
      [
        pod('gateway-0', gatewayLabels, 'zeebe-gateway', { deleting: true, ready: false }),
        pod('gateway-1', gatewayLabels, 'zeebe-gateway', { deleting: true }),
        pod('gateway-3', gatewayLabels, 'zeebe-gateway', { ready: false }),
        pod('gateway-2', gatewayLabels, 'zeebe-gateway'),
        brokers[0]!,
      ],
    );
    expect(outcome).toMatchObject({ resumed: true, attempts: 1, target: 'pod/gateway-2:9600' });
    expect(cluster.mutations()).toEqual(['gateway-0 POST /actuator/exporting/resume', 'gateway-2 POST /actuator/exporting/resume']);
    expect(reporter.of('step-progress').map((e) => e.message)).toEqual([
      'pod/gateway-0:9600 did not answer (connection reset); trying pod/gateway-2, another Ready pod behind Service camunda-zeebe-gateway',
    ]);
  });

  it('fails over when the chosen pod answers 503 (shutting down): that is the pod, not the cluster', async () => {
    const { outcome } = await run(
      { 'gateway-0 POST /actuator/exporting/resume': { status: 503, body: { message: 'shutting down' } }, 'gateway-1 POST /actuator/exporting/resume': exportingOk },
      [pod('gateway-0', gatewayLabels, 'zeebe-gateway'), pod('gateway-1', gatewayLabels, 'zeebe-gateway')],
    );
    expect(outcome).toMatchObject({ resumed: true, attempts: 1, target: 'pod/gateway-1:9600' });
  });

  it('does not fail over when the chosen pod answered with a refusal (another replica would say the same)', async () => {
    const { outcome, cluster } = await run(
      { 'gateway-0 POST /actuator/exporting/resume': exportingFailed('Expected 3 members of partition 1 but found 2'), 'gateway-1 POST /actuator/exporting/resume': exportingOk },
      [pod('gateway-0', gatewayLabels, 'zeebe-gateway'), pod('gateway-1', gatewayLabels, 'zeebe-gateway')],
    );
    expect(outcome.resumed).toBe(false);
    expect(outcome.message).toContain('Expected 3 members of partition 1 but found 2');
    expect(cluster.mutations().every((key) => key.startsWith('gateway-0 '))).toBe(true);
    expect(outcome.attempts).toBe(cluster.mutations().length);
  });

  it('a connection that cannot be opened is opened again on the next attempt (not the cached failure)', async () => {
    let failures = 1;
    const cluster = fakeCluster({ 'gateway-0 POST /actuator/exporting/resume': exportingOk });
    const reporter = memoryReporter();
    const pool = openPool({
      connect: async (t) => {
        if (failures-- > 0) throw new Error('the server is currently unable to handle the request');
        return cluster.connect(t);
      },
      emit: reporter.emit,
    });
    const outcome = await resumeUntilConfirmed(target, { pool, emit: reporter.emit, timing: FAST });
    await pool.close();
    expect(outcome).toMatchObject({ resumed: true, attempts: 2 });
  });

  it('a 204 that leaves a partition paused is a failed attempt: sent again until the brokers confirm', async () => {
    const { outcome, cluster, reporter } = await run(
      { 'gateway-0 POST /actuator/exporting/resume': exportingOk, 'zeebe-0 GET /actuator/partitions': [exporting('SOFT_PAUSED'), exporting('EXPORTING')] },
      [pod('gateway-0', gatewayLabels, 'zeebe-gateway'), brokers[0]!],
    );
    expect(outcome).toMatchObject({ resumed: true, attempts: 2 });
    expect(cluster.mutations()).toHaveLength(2);
    expect(reporter.of('step-progress')[0]?.message).toContain('the resume answered "status":204, but brokers still report paused partitions: 1@zeebe-0 SOFT_PAUSED');
  });

  it('gives up at the timeout with the last reason, and when stopped between attempts', async () => {
    const paused = { 'gateway-0 POST /actuator/exporting/resume': exportingOk, 'zeebe-0 GET /actuator/partitions': exporting('PAUSED') };
    const timedOut = await run(paused, [pod('gateway-0', gatewayLabels, 'zeebe-gateway'), brokers[0]!]);
    expect(timedOut.outcome).toMatchObject({ resumed: false, stopped: false });
    expect(timedOut.outcome.message).toContain('1@zeebe-0 PAUSED');

    const stop = new AbortController();
    const interrupt = new AbortController();
    interrupt.abort('SIGINT');
    setTimeout(() => stop.abort('SIGINT'), 20);
    const stopped = await run(paused, [pod('gateway-0', gatewayLabels, 'zeebe-gateway'), brokers[0]!], { stop: stop.signal, interrupt: interrupt.signal, timing: { ...FAST, timeoutMs: 60_000 } });
    expect(stopped.outcome).toMatchObject({ resumed: false, stopped: true });
    expect(stopped.reporter.of('warning').map((e) => e.message)).toEqual([expect.stringMatching(/^SIGINT: still resuming Zeebe exporting, which must not stay paused .*send it again to give up/)]);
  });

  it('given up before it began (two quick signals): the first attempt is still made', async () => {
    const stop = new AbortController();
    stop.abort('SIGINT');
    const { outcome, cluster } = await run({ 'gateway-0 POST /actuator/exporting/resume': exportingOk }, [pod('gateway-0', gatewayLabels, 'zeebe-gateway')], { stop: stop.signal });
    expect(outcome).toMatchObject({ resumed: true, attempts: 1 });
    expect(cluster.mutations()).toEqual(['gateway-0 POST /actuator/exporting/resume']);
  });

  it('a broker that cannot be read is a warning, not a failure; unreadable brokers do not block the resume', async () => {
    const { outcome } = await run(
      { 'gateway-0 POST /actuator/exporting/resume': exportingOk, 'zeebe-0 GET /actuator/partitions': { status: 0, fail: 'connection refused' }, 'zeebe-1 GET /actuator/partitions': exporting('EXPORTING') },
      [pod('gateway-0', gatewayLabels, 'zeebe-gateway'), ...brokers],
    );
    expect(outcome).toMatchObject({ resumed: true, attempts: 1 });
    expect(outcome.warnings).toEqual([expect.stringContaining('could not read broker zeebe-0 back after the resume: connection refused')]);
  });
});
