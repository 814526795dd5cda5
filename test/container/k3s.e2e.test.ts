/**
 * Opt-in tier (K8S_E2E=1): the whole tool against a real API server and kubelet. A k3s cluster runs in Docker
 * (@testcontainers/k3s), the simulator images built for the container tier are loaded into it (k3s imports image
 * tarballs from its agent/images directory at start, so nothing is pulled but k3s itself), the simulators run in
 * one pod and every pod of the installation runs as a real pod from the same images, with its labels, env,
 * Services and the Helm release Secret applied as a cluster would hold them. The CLI then runs with the cluster's
 * kubeconfig: port-forwards and exec go through k3s's API server and kubelet, and curl runs in real pods.
 *
 * This file has not run on the machines this project is developed on: they cannot pull rancher/k3s, and
 * @testcontainers/k3s is not a dependency. See docs/testing.md, "Validating against real Kubernetes".
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPause, isSnapshotPut, isWebappTake, isZeebeTake } from '../integration/helpers/sim-log.js';
import { resourcesDir } from '../world/index.js';
import { forwardRulesByPod, installationManifests, WORLD_POD, worldManifests } from './k8s-manifests.js';
import { assertCliBuilt } from './run-cli.js';
import { expectResumedAfterPause, explain, indexOf, json, recordRun } from './run-record.js';
import type { RunWorld } from './run-record.js';
import { CONTROL_PORT } from './sim-protocol.js';
import type { LogPage, Topology, ZeebeState } from './sim-protocol.js';
import { ensureSimImages } from './sim-images.js';

const ENABLED = process.env['K8S_E2E'] === '1';
const K3S_IMAGE = process.env['K8S_E2E_K3S_IMAGE'] ?? 'rancher/k3s:v1.31.4-k3s1';
const K3S_MODULE = '@testcontainers/k3s';
const NAMESPACE = 'camunda';

export const K8S_E2E_HOWTO =
  `set K8S_E2E=1 on a machine that can pull ${K3S_IMAGE}, after \`npm install --no-save @testcontainers/k3s@^11\` ` +
  '(same major as testcontainers), with Docker and kubectl; the simulator images are built and loaded into k3s, ' +
  'the simulators are deployed as pods from them (docs/testing.md: "Validating against real Kubernetes")';

/** The part of @testcontainers/k3s this file uses (it is loaded only when the tier is enabled). */
interface K3sModule {
  K3sContainer: new (image: string) => K3sBuilder;
}
interface K3sBuilder {
  withCopyFilesToContainer(files: Array<{ source: string; target: string }>): K3sBuilder;
  withStartupTimeout(ms: number): K3sBuilder;
  start(): Promise<StartedK3s>;
}
interface StartedK3s {
  getKubeConfig(): string;
  stop(): Promise<unknown>;
}

function command(file: string, args: readonly string[], env: Record<string, string>, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, [...args], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')}: ${stderr || error.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** `kubectl port-forward` to a random local port; resolves with that port once kubectl says it listens. */
function portForward(env: Record<string, string>, target: string, port: number): Promise<{ port: number; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', ['port-forward', '-n', NAMESPACE, target, `:${port}`], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      const local = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (local) resolve({ port: Number(local), child });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`kubectl port-forward ended (exit ${String(code)}): ${out}`)));
  });
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

if (!ENABLED) {
  console.info(`k3s end-to-end tier skipped: ${K8S_E2E_HOWTO}`);
  describe.skip(`real Kubernetes (k3s) end to end — skipped: ${K8S_E2E_HOWTO}`, () => {
    it('runs create against k3s', () => undefined);
  });
} else {
  describe('real Kubernetes (k3s) end to end', () => {
    let k3s: StartedK3s | undefined;
    let forward: ChildProcess | undefined;
    let world: RunWorld & { setFaults(patch: object): Promise<unknown> };
    const tmp = mkdtempSync(join(tmpdir(), 'camunda-k3s-'));

    beforeAll(async () => {
      assertCliBuilt();
      let k3sModule: K3sModule;
      try {
        k3sModule = (await import(K3S_MODULE)) as K3sModule;
      } catch (error) {
        throw new Error(`K8S_E2E=1 needs ${K3S_MODULE}: ${K8S_E2E_HOWTO}`, { cause: error });
      }
      const images = await ensureSimImages();
      const tarball = join(tmp, 'camunda-backup-sim.tar');
      await command('docker', ['save', '-o', tarball, images.base, images.curl], {});
      k3s = await new k3sModule.K3sContainer(K3S_IMAGE)
        .withCopyFilesToContainer([{ source: tarball, target: '/var/lib/rancher/k3s/agent/images/camunda-backup-sim.tar' }])
        .withStartupTimeout(300_000)
        .start();
      const kubeconfigPath = join(tmp, 'kubeconfig');
      writeFileSync(kubeconfigPath, k3s.getKubeConfig(), { mode: 0o600 });
      const env = { KUBECONFIG: kubeconfigPath };
      const kubectl = (args: string[], input?: string): Promise<string> => command('kubectl', args, env, input);

      // The simulators first: their topology (objects, published ports) shapes the installation's pods.
      const resources = Object.fromEntries(readdirSync(resourcesDir()).filter((f) => f.startsWith('demo-8.7')).map((f) => [f, readFileSync(join(resourcesDir(), f), 'utf8')]));
      const worldObjects = worldManifests(NAMESPACE, images.base, { resources: 'demo-8.7', namespace: NAMESPACE }, resources);
      await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: worldObjects }));
      await kubectl(['wait', '-n', NAMESPACE, '--for=condition=Ready', `pod/${WORLD_POD}`, '--timeout=180s']);
      const worldIp = (await kubectl(['get', 'pod', '-n', NAMESPACE, WORLD_POD, '-o', 'jsonpath={.status.podIP}'])).trim();
      const control = await portForward(env, `pod/${WORLD_POD}`, CONTROL_PORT);
      forward = control.child;
      const base = `http://127.0.0.1:${control.port}`;
      const topology = await getJson<Topology>(`${base}/topology`);

      const rules = forwardRulesByPod(topology, worldIp);
      const installation = installationManifests(topology.objects, { image: () => images.curl, forwardRules: (name) => rules.get(name) ?? [] });
      await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: installation }));
      await kubectl(['wait', '-n', NAMESPACE, '--for=condition=Ready', 'pod', '--all', '--timeout=300s']);

      world = {
        env,
        log: (from = 0) => getJson<LogPage>(`${base}/log?from=${from}`),
        zeebe: () => getJson<ZeebeState>(`${base}/zeebe`),
        setFaults: (patch) => getJson(`${base}/faults`, { method: 'PUT', body: JSON.stringify(patch) }),
      };
    }, 900_000);

    afterAll(async () => {
      forward?.kill();
      await k3s?.stop();
      rmSync(tmp, { recursive: true, force: true });
    });

    for (const [access, id] of [
      ['port-forward', '11'],
      ['exec', '12'],
    ] as const) {
      it(`create over ${access} through a real API server and kubelet`, async () => {
        const run = await recordRun(world, ['create', '-n', NAMESPACE, '--access', access, '--backup-id', id, '-o', 'json']);
        expect(run.result.code, explain(run)).toBe(0);
        expect(json(run)).toMatchObject({ state: 'COMPLETED', access, exporting: { paused: true, resumed: true } });
        const pause = indexOf(run.log, isPause);
        for (const component of ['operate', 'tasklist', 'optimize']) expect(indexOf(run.log, isWebappTake(component))).toBeLessThan(pause);
        expect(pause).toBeLessThan(indexOf(run.log, isSnapshotPut));
        expect(indexOf(run.log, isSnapshotPut)).toBeLessThan(indexOf(run.log, isZeebeTake));
        await expectResumedAfterPause(world, run);
      });
    }

    it('a Zeebe backup FAILED after the pause: exit 4, exporting resumed', async () => {
      await world.setFaults({ outcome: { zeebe: { state: 'FAILED', failureReason: 'injected: S3 bucket unreachable', count: 1 } } });
      const run = await recordRun(world, ['create', '-n', NAMESPACE, '--access', 'exec', '--backup-id', '13', '-o', 'json']);
      expect(run.result.code, explain(run)).toBe(4);
      await expectResumedAfterPause(world, run);
    });
  });
}
