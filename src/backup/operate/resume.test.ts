import { describe, expect, it } from 'vitest';
import { resumeCommandFor } from '../exporting.js';
import { runResume } from './resume.js';
import { anInstallation, exportingFailed, exportingOk, fakeCluster, memoryReporter } from '../../../test/unit/create-test-kit.js';
import { PreconditionError } from '../../errors.js';

const deps = (cluster: ReturnType<typeof fakeCluster>, reporter = memoryReporter()) => ({
  connect: cluster.connect,
  emit: reporter.emit,
  signal: new AbortController().signal,
});

/** Retries every few ms for 60 ms. */
const FAST = { timeoutMs: 60, firstDelayMs: 5, maxDelayMs: 10 };

describe('runResume', () => {
  it('resumes through the Zeebe endpoint, confirmed by status 204, and closes the connection', async () => {
    const cluster = fakeCluster({ 'zeebe-0 POST /actuator/exporting/resume': exportingOk });
    const result = await runResume(anInstallation('8.8'), deps(cluster));
    expect(result).toMatchObject({ resumed: true, attempts: 1, target: 'pod/zeebe-0:9600' });
    expect(cluster.closed).toEqual(['zeebe-0']);
  });

  it('retries and then reports failure with the manual command', async () => {
    const cluster = fakeCluster({ 'gateway-0 POST /actuator/exporting/resume': exportingFailed('Expected 3 members of partition 1 but found 2') });
    const reporter = memoryReporter();
    const result = await runResume(anInstallation('8.7'), deps(cluster, reporter), { timing: FAST, access: 'exec' });
    expect(result.resumed).toBe(false);
    expect(result.attempts).toBeGreaterThan(1);
    expect(cluster.keys().filter((key) => key === 'gateway-0 POST /actuator/exporting/resume')).toHaveLength(result.attempts);
    expect(result.message).toContain('Expected 3 members of partition 1 but found 2');
    expect(result.resumeCommand).toContain('kubectl exec -n camunda gateway-0 -c zeebe-gateway -- curl');
    // One line per failed attempt that is followed by another: what failed and when the next try comes.
    expect(reporter.of('step-progress')).toHaveLength(result.attempts - 1);
    expect(reporter.of('step-progress')[0]?.message).toMatch(/^attempt 1 failed \(pod\/gateway-0:9600\): exporting resume failed: Expected 3 members.*; next try in \S+, giving up in \S+$/);
    expect(reporter.of('step-failed')).toHaveLength(1);
  });

  it('treats an HTTP 200 with body status 500 as not resumed', async () => {
    const cluster = fakeCluster({ 'gateway-0 POST /actuator/exporting/resume': [exportingFailed('nope'), exportingOk] });
    const result = await runResume(anInstallation('8.7'), deps(cluster), { timing: FAST });
    expect(result).toMatchObject({ resumed: true, attempts: 2 });
  });

  it('a connection that cannot be opened is retried like a refused resume (an API server restarting), then reported', async () => {
    const failure = new PreconditionError('cannot reach');
    const cluster = fakeCluster({}, { failConnect: { 'zeebe-0': failure } });
    const result = await runResume(anInstallation('8.8'), deps(cluster), { timing: FAST, access: 'port-forward' });
    expect(result).toMatchObject({ resumed: false, stopped: false, message: expect.stringContaining('cannot reach') });
    expect(result.attempts).toBeGreaterThan(1);
    expect(result.resumeCommand).toContain('kubectl camunda-backup resume');
  });
});

describe('resumeCommandFor', () => {
  it('names the tool and the raw call through the same access mode, context path included', () => {
    const installation = anInstallation('8.7');
    const withPath = { ...installation, components: installation.components.map((c) => (c.part === 'zeebe' ? { ...c, basePath: '/zeebe' } : c)) };
    expect(resumeCommandFor(withPath, 'exec', {}).split('\n')).toEqual([
      'kubectl camunda-backup resume -n camunda --release camunda --access exec',
      'kubectl exec -n camunda gateway-0 -c zeebe-gateway -- curl -sS -X POST http://localhost:9600/zeebe/actuator/exporting/resume',
    ]);
    const portForward = resumeCommandFor(anInstallation('8.8'), 'port-forward', {});
    expect(portForward).toContain('kubectl port-forward -n camunda pod/zeebe-0 9600:9600');
    expect(portForward).toContain('curl -sS -X POST http://127.0.0.1:9600/actuator/exporting/resume');
  });
});

describe('resumeCommandFor on a machine with several clusters', () => {
  it('carries the run\'s --kubeconfig and context into every line, quoted for a shell', () => {
    const lines = resumeCommandFor(anInstallation('8.8'), 'exec', { kubeconfig: '/home/ops/prod cluster.yaml', context: 'prod-eu' }).split('\n');
    const target = "--kubeconfig '/home/ops/prod cluster.yaml' --context prod-eu -n camunda";
    expect(lines[0]).toBe(`kubectl camunda-backup resume ${target} --release camunda --access exec`);
    expect(lines[1]).toMatch(new RegExp(`^kubectl exec ${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} zeebe-0 `));
    const portForward = resumeCommandFor(anInstallation('8.8'), 'port-forward', { context: 'prod-eu' });
    expect(portForward).toContain('kubectl camunda-backup resume --context prod-eu -n camunda');
    expect(portForward).toContain('kubectl port-forward --context prod-eu -n camunda pod/zeebe-0 9600:9600');
  });
});
