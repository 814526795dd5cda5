/**
 * `create` against environments that are not as needed: pods without curl, RBAC, credentials, versions the tool
 * does not know, and --dry-run. Each either works through a fallback or stops with exit 2/3 before any change.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { itWithFixtures } from '../fixtures-available.js';
import { describeRun, runCli, STACK_FRAME } from './helpers/run-cli.js';
import { count, dumpLog, expectNoMutation, expectOnePodPerComponent, expectResumedAfterPause, isMutating, isSnapshotPut } from './helpers/sim-log.js';
import { setChartVersion, setImageTag } from './helpers/tamper.js';
import { fixture, withWorld } from './helpers/world-run.js';

const ID = '1700000700';

describe('create --access exec: pods without curl', () => {
  it('8.7: Camunda images without curl → calls relayed through the Elasticsearch pod, backup completes', async () => {
    await withWorld({ resources: 'demo-8.7', binaries: { camunda: ['bash', 'sh'] } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(result.stderr).toMatch(/pod\/camunda-operate-\S+ \(container operate\) has no curl; calling it through pod\/camunda-elasticsearch-master-0 \(curl → pod\/camunda-operate-/);
      // Each Camunda pod was only probed for curl and wget (concurrent first calls may probe twice); the calls ran in
      // the Elasticsearch pod.
      const execs = world.api.requests.filter((r) => r.kind === 'exec');
      const inCamundaPods = execs.filter((r) => r.pod !== 'camunda-elasticsearch-master-0');
      const probes = new Map<string, string[]>();
      for (const r of inCamundaPods) probes.set(r.pod!, [...(probes.get(r.pod!) ?? []), r.argv?.[0] ?? '']);
      // The four component pods, and the three brokers whose exporter state create reads before it starts.
      expect([...probes.keys()].filter((pod) => !/^camunda-zeebe-\d$/.test(pod))).toHaveLength(4);
      expect([...probes.keys()].filter((pod) => /^camunda-zeebe-\d$/.test(pod)).sort()).toEqual(['camunda-zeebe-0', 'camunda-zeebe-1', 'camunda-zeebe-2']);
      for (const [pod, tools] of probes) {
        expect(new Set(tools), pod).toEqual(new Set(['curl', 'wget']));
        expect(tools.length, pod).toBeLessThanOrEqual(4);
      }
      expect(execs.length - inCamundaPods.length).toBeGreaterThan(20);
      expectOnePodPerComponent(world);
      expectOnePodPerComponent(world);
      expectResumedAfterPause(world);
    });
  });

  it('8.8: orchestration image without curl → relayed, backup completes', async () => {
    await withWorld({ resources: 'demo-8.8', binaries: { camunda: ['sh'] } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec', '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(result.json().state).toBe('COMPLETED');
      expectOnePodPerComponent(world);
      expectResumedAfterPause(world);
    });
  });

  it('8.7 with the images as shipped (helm-layout §7): Zeebe without curl or wget, Operate/Tasklist with busybox wget only, Optimize and Elasticsearch with curl', async () => {
    const byPod: Record<string, string[]> = {};
    await withWorld({ resources: 'demo-8.7', binaries: { byPod } }, async (world) => {
      // binariesFor reads byPod on every exec, so the pods of this world can be filled in after start.
      for (const pod of world.sims.pods) {
        byPod[pod.name] = pod.role === 'operate' || pod.role === 'tasklist' ? ['sh', 'wget'] : pod.role === 'optimize' || pod.role === 'elasticsearch' ? ['sh', 'curl'] : ['bash'];
      }
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec', '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(result.stderr).toMatch(/pod\/camunda-operate-\S+ \(container operate\) has no curl; calling it through pod\/camunda-operate-\S+ \(wget\)/);
      expect(result.stderr).toMatch(/pod\/camunda-zeebe-gateway-\S+ \(container zeebe-gateway\) has no curl; calling it through pod\/camunda-(elasticsearch|optimize)-\S+ \(curl → pod\/camunda-zeebe-gateway-/);
      // busybox wget delivered the JSON body of the POST.
      for (const component of ['operate', 'tasklist']) {
        const post = world.log.find((e) => e.component === component && e.method === 'POST')!;
        expect(JSON.parse(post.body), component).toEqual({ backupId: Number(ID) });
      }
      expectOnePodPerComponent(world);
      expectResumedAfterPause(world);
    });
  });

  it('8.7: no curl or wget anywhere → exit 3 naming --exec-pod, nothing changed', async () => {
    await withWorld({ resources: 'demo-8.7', binaries: { camunda: ['sh'], search: ['sh'] } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec']);
      expect(result.code, describeRun(result)).toBe(3);
      expect(result.stderr).toMatch(/has no curl or wget, and no other pod with curl could reach it/);
      expect(result.stderr).toMatch(/--exec-pod/);
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expectNoMutation(world);
    });
  });

  itWithFixtures('8.7: no curl in any Camunda or Elasticsearch pod, --exec-pod names one that has it → every call runs there, backup completes', async () => {
    const { clusterFromFixture } = await import('../world/index.js');
    const curlPod = (clusterFromFixture('12.13.3', 'backup-configured').pods as Array<{ metadata: { name: string } }>).map((p) => p.metadata.name).find((n) => n.includes('connectors'))!;
    await withWorld({ fixture: fixture('8.7', 'backup-configured'), binaries: { camunda: ['sh'], search: ['sh'], byPod: { [curlPod]: ['curl', 'sh'] } } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec', '--exec-pod', curlPod]);
      expect(result.code, describeRun(result)).toBe(0);
      expect(new Set(world.api.requests.filter((r) => r.kind === 'exec').map((r) => r.pod))).toEqual(new Set([curlPod]));
      expectOnePodPerComponent(world);
      expectResumedAfterPause(world);
    });
  });

  it('8.7: only wget in every pod → the snapshot PUT cannot be sent: exit 4 at once, exporting resumed quickly', async () => {
    await withWorld({ resources: 'demo-8.7', binaries: { camunda: ['sh', 'wget'], search: ['sh', 'wget'] } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec', '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(4);
      const report = result.json();
      expect(report.error.message).toMatch(/has no curl, and its wget cannot send PUT requests/);
      // No PUT ever reached Elasticsearch, so there is nothing to wait for while exporting is paused.
      expect(count(world, isSnapshotPut)).toBe(0);
      expect(report.exporting.pausedMs).toBeLessThan(5_000);
      expectResumedAfterPause(world);
    });
  });
});

describe('create: Kubernetes access refused', () => {
  it('exec forbidden by RBAC → exit 3 with the Kubernetes message, no stack trace, nothing changed', async () => {
    await withWorld({ resources: 'demo-8.7', rbacDeny: [{ verb: 'create', resource: 'pods', subresource: 'exec' }] }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec']);
      expect(result.code, describeRun(result)).toBe(3);
      expect(result.stderr).toMatch(/pods "camunda-\S+" is forbidden: User "system:serviceaccount:camunda:backup" cannot create resource "pods\/exec" in API group "" in the namespace "camunda"/);
      // A call that got no answer is not reported as a component listing no endpoints.
      expect(result.stderr).not.toMatch(/lists no endpoints/);
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expectNoMutation(world);
    });
  });

  it('port-forward forbidden by RBAC → exit 3 with the Kubernetes message, nothing changed', async () => {
    await withWorld(
      { resources: 'demo-8.7', rbacDeny: [{ verb: 'get', resource: 'pods', subresource: 'portforward' }, { verb: 'create', resource: 'pods', subresource: 'portforward' }] },
      async (world) => {
        const result = await runCli(world, ['create', '--backup-id', ID]);
        expect(result.code, describeRun(result)).toBe(3);
        expect(result.stderr).toMatch(/is forbidden: User "system:serviceaccount:camunda:backup" cannot \w+ resource "pods\/portforward"/);
        expect(result.stderr).not.toMatch(STACK_FRAME);
        expectNoMutation(world);
      },
    );
  });

  it('a wrong token → exit 3 naming the rejected credentials, never printing the token', async () => {
    await withWorld({ resources: 'demo-8.7' }, async (world) => {
      const kubeconfig = `${world.kubeconfigPath}.wrong`;
      writeFileSync(kubeconfig, world.api.kubeconfig({ namespace: world.namespace, token: 'not-the-token-4711' }), { mode: 0o600 });
      const result = await runCli(world, ['create', '--backup-id', ID], { env: { KUBECONFIG: kubeconfig } });
      expect(result.code, describeRun(result)).toBe(3);
      expect(result.stderr).toMatch(/rejected the credentials \(401 Unauthorized\)/);
      expect(result.stderr + result.stdout).not.toContain('not-the-token-4711');
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expect(world.log).toEqual([]);
    });
  });
});

describe('create: backup storage not set up', () => {
  it('8.7: the snapshot repository is not registered in Elasticsearch → exit 3 with the component\'s words, nothing changed', async () => {
    await withWorld({ resources: 'demo-8.7', searchRepositories: [] }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID]);
      expect(result.code, describeRun(result)).toBe(3);
      expect(result.stderr).toContain('No repository with name [camunda-backup] could be found.');
      expectNoMutation(world);
    });
  });

  it('8.8: Zeebe has no backup store → exit 3 with Zeebe\'s message and what to configure, nothing changed', async () => {
    await withWorld({ resources: 'demo-8.8', zeebe: { store: 'NONE' } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec']);
      expect(result.code, describeRun(result)).toBe(3);
      expect(result.stderr).toContain('No backup store is configured');
      expect(result.stderr).toMatch(/hint: configure a backup store for Zeebe/);
      expectNoMutation(world);
    });
  });
});

describe('create: Camunda versions the tool does not know', () => {
  itWithFixtures('chart 16.0.0 (Camunda 8.11) → exit 3 naming the detected and the supported versions, nothing touched', async () => {
    await withWorld({ fixture: fixture('8.9', 'backup-configured') }, async (world) => {
      setChartVersion(world, '16.0.0', '8.11.0');
      expect(setImageTag(world, 'camunda/camunda', '8.11.0')).toBeGreaterThan(0);
      const result = await runCli(world, ['create', '--backup-id', ID]);
      expect(result.code, describeRun(result)).toBe(3);
      expect(result.stderr).toContain('Camunda Helm chart 16.0.0 (Camunda 8.11.0) is not supported');
      expect(result.stderr).toContain('8.6 (chart 11.x), 8.7 (chart 12.x), 8.8 (chart 13.x), 8.9 (chart 14.x), 8.10 (chart 15.x)');
      expect(result.stderr).toContain('--camunda-version');
      expect(world.log).toEqual([]);
    });
  });

  itWithFixtures('chart 10.4.0 (Camunda 8.5) → exit 3', async () => {
    await withWorld({ fixture: fixture('8.6', 'backup-configured') }, async (world) => {
      setChartVersion(world, '10.4.0', '8.5.0');
      const result = await runCli(world, ['create', '--backup-id', ID]);
      expect(result.code, describeRun(result)).toBe(3);
      expect(result.stderr).toMatch(/Camunda Helm chart 10\.4\.0 .* is not supported/);
      expect(world.log).toEqual([]);
    });
  });

  itWithFixtures('chart 16.0.0 with --camunda-version 8.10 → the 8.10 procedure runs, the risk is stated on stderr and in the JSON', async () => {
    await withWorld({ fixture: fixture('8.9', 'backup-configured') }, async (world) => {
      setChartVersion(world, '16.0.0', '8.11.0');
      setImageTag(world, 'camunda/camunda', '8.11.0');
      const result = await runCli(world, ['create', '--backup-id', ID, '--camunda-version', '8.10', '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(0);
      const warning = '--camunda-version 8.10: using the Camunda 8.10 procedure for chart 16.0.0 (Camunda 8.11.0) at your own risk.';
      expect(result.stderr).toContain(warning);
      const report = result.json();
      expect(report.warnings).toContain(warning);
      expect(report).toMatchObject({ state: 'COMPLETED', chartVersion: '16.0.0', camundaVersion: '8.11.0' });
      expect(count(world, (e) => e.method === 'POST' && e.path === '/actuator/backupHistory')).toBe(1);
      expectResumedAfterPause(world);
    });
  });

  itWithFixtures('--camunda-version 8.5 → exit 2 before any cluster call', async () => {
    await withWorld({ fixture: fixture('8.9', 'backup-configured') }, async (world) => {
      const result = await runCli(world, ['create', '--camunda-version', '8.5']);
      expect(result.code, describeRun(result)).toBe(2);
      expect(result.stderr).toMatch(/--camunda-version: expected one of 8\.6, 8\.7, 8\.8, 8\.9, 8\.10/);
      expect(world.api.requests).toEqual([]);
    });
  });
});

describe('create --dry-run', () => {
  it('8.7 text: exit 0, every call in order, nothing sent to any component', async () => {
    await withWorld({ resources: 'demo-8.7' }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--dry-run']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(result.stdout).toContain('Nothing was changed');
      const lines = result.stdout.split('\n');
      const at = (pattern: RegExp): number => lines.findIndex((line) => pattern.test(line));
      // The default table has no TARGET column: a path may end its line.
      const operatePost = at(/backup-operate\s+POST\s+\/actuator\/backups(\s|$)/);
      const pause = at(/pause-exporting\s+POST\s+\/actuator\/exporting\/pause\?soft=true/);
      const snapshot = at(new RegExp(`backup-zeebe-records\\s+PUT\\s+/_snapshot/camunda-backup/camunda_zeebe_records_backup_${ID}`));
      const zeebe = at(/backup-zeebe\s+POST\s+\/actuator\/backups(\s|$)/);
      const resume = at(/resume-exporting\s+POST\s+\/actuator\/exporting\/resume/);
      expect([operatePost, pause, snapshot, zeebe, resume].every((i) => i > 0), result.stdout).toBe(true);
      expect(operatePost).toBeLessThan(pause);
      expect(pause).toBeLessThan(snapshot);
      expect(snapshot).toBeLessThan(zeebe);
      expect(zeebe).toBeLessThan(resume);
      expect(world.log.filter(isMutating), dumpLog(world)).toEqual([]);
      expect(world.api.requests.filter((r) => r.kind !== 'rest')).toEqual([]);
    });
  });

  it('8.8 -o json: state PLANNED with the plan, pause first, no component call', async () => {
    await withWorld({ resources: 'demo-8.8' }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--dry-run', '-o', 'json', '--access', 'exec']);
      expect(result.code, describeRun(result)).toBe(0);
      const report = result.json();
      expect(report).toMatchObject({ state: 'PLANNED', backupId: Number(ID), access: 'exec' });
      const steps = (report.plan as Array<{ step: string; method: string }>).filter((c) => c.method !== 'GET').map((c) => c.step);
      expect(steps[0]).toBe('pause-exporting');
      expect(steps.at(-1)).toBe('resume-exporting');
      expect(steps.indexOf('backup-webapps')).toBeLessThan(steps.indexOf('backup-zeebe-records'));
      expect(steps.indexOf('backup-zeebe-records')).toBeLessThan(steps.indexOf('backup-zeebe'));
      expect(world.log).toEqual([]);
    });
  });
});
