/**
 * `check` end to end: the pre-upgrade checklist against the simulated cluster. It must change nothing, pass on a
 * ready installation in both access modes, and fail (exit 3) with the fix for what is not ready.
 */
import { describe, expect, it } from 'vitest';
import { createWriteNeeds } from '../../src/backup/operate/check/access.js';
import { ruleAllows } from '../world/kube/rbac.js';
import { readmeRole } from './helpers/readme-roles.js';
import { describeRun, runCli } from './helpers/run-cli.js';
import { mutatingCalls } from './helpers/sim-log.js';
import { seedBackup, SEED_DURATIONS, settle } from './helpers/lifecycle-seed.js';
import { configuredCluster, itOnLine, withWorld } from './helpers/world-run.js';

type Item = { id: string; status: string; message: string; fix?: string };
const NOW = Math.floor(Date.now() / 1000);

describe('check', () => {
  for (const [line, access] of [
    ['8.7', 'port-forward'],
    ['8.7', 'exec'],
    ['8.8', 'port-forward'],
    ['8.9', 'exec'],
  ] as const) {
    itOnLine(line)(`${line} (${access}): a ready installation passes every check, exit 0, nothing changed`, async () => {
      await withWorld({ ...configuredCluster(line), durations: SEED_DURATIONS }, async (world) => {
        seedBackup(world, NOW - 3600);
        await settle(world);
        const result = await runCli(world, ['check', '-n', world.namespace, '--access', access, '-o', 'json']);
        expect(result.code, describeRun(result)).toBe(0);
        const report = result.json();
        expect(report.checks.filter((c: Item) => c.status !== 'PASS')).toEqual([]);
        expect(report).toMatchObject({ schemaVersion: 1, command: 'check', result: 'PASS', release: 'camunda', access });
        const ids = report.checks.map((c: Item) => c.id);
        expect(ids).toEqual(expect.arrayContaining(['kube-api', 'rbac', 'release', 'health:search', 'repository-config', 'search-repository', 'exporting', 'newest-backup']));
        expect(report.checks.find((c: Item) => c.id === 'rbac').message).toContain(access === 'exec' ? 'create pods/exec' : 'create pods/portforward');
        expect(report.checks.find((c: Item) => c.id === 'exporting').message).toMatch(/every partition \(3\) is EXPORTING on 3 broker\(s\)/);
        expect(mutatingCalls(world)).toEqual([]);
        // SelfSubjectAccessReviews are the only writes to the API server, and they change nothing
        const apiWrites = world.api.requests.filter((r) => r.kind === 'rest' && r.method !== 'GET');
        expect(new Set(apiWrites.map((r) => r.path))).toEqual(new Set(['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']));
      });
    });
  }

  it('exporting left paused by an earlier run fails with the resume command; exit 3', async () => {
    await withWorld({ resources: 'demo-8.8', durations: SEED_DURATIONS }, async (world) => {
      seedBackup(world, NOW - 3600);
      await settle(world);
      world.sims.zeebe!.pause(true);
      const result = await runCli(world, ['check', '-n', world.namespace]);
      expect(result.code, describeRun(result)).toBe(3);
      // The result column wraps to fit 100 columns.
      expect(result.stdout).toMatch(/^FAIL\s+Zeebe exporting not left paused\s+exporting is paused \(partition 1\s+SOFT_PAUSED/m);
      expect(result.stdout).toContain('fix: resume it: kubectl camunda-backup resume --context fake -n camunda --release camunda --access port-forward');
      expect(result.stderr).toMatch(/^error: check failed: Zeebe exporting not left paused/m);
      expect(world.sims.zeebe!.isPaused()).toBe(true);
    });
  });

  it('warns when there is no complete backup, fails when the repository is missing in Elasticsearch and a component is down', async () => {
    await withWorld({ resources: 'demo-8.7', searchRepositories: ['other-repo'] }, async (world) => {
      world.faults.http.push({ component: 'operate', path: '/actuator/health', status: 503, body: { status: 'DOWN' } });
      const result = await runCli(world, ['check', '-n', world.namespace, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(3);
      const checks: Item[] = result.json().checks;
      const byId = (id: string) => checks.find((c) => c.id === id);
      expect(byId('health:operate')).toMatchObject({ status: 'FAIL', message: expect.stringContaining('DOWN (HTTP 503)') });
      expect(byId('health:tasklist')?.status).toBe('PASS');
      expect(byId('search-repository')).toMatchObject({ status: 'FAIL', fix: expect.stringContaining('PUT /_snapshot/camunda-backup') });
      expect(byId('backup-api:operate')).toMatchObject({ status: 'FAIL', message: expect.stringContaining('No repository with name [camunda-backup]') });
      expect(byId('newest-backup')?.status).toBe('WARN');
    });
  });

  it("asks for create's writes (its Lease and the record of its runs, by name); the README's create Role grants exactly those", async () => {
    const needs = createWriteNeeds({ namespace: 'camunda', release: 'camunda' });
    const role = readmeRole('camunda-backup');
    const attributes = (n: (typeof needs)[number]) => ({ verb: n.check.verb, group: n.check.group ?? '', resource: n.check.resource, name: n.check.name, namespace: 'camunda' });
    for (const need of needs) expect(role.some((rule) => ruleAllows(rule, attributes(need))), JSON.stringify(need.check)).toBe(true);
    // Every write the Role grants on Leases and ConfigMaps is one check asks about: nothing more is granted.
    const granted = role
      .filter((rule) => rule.resources.includes('leases') || rule.resources.includes('configmaps'))
      .flatMap((rule) => rule.verbs.flatMap((verb) => (rule.resourceNames ?? [undefined]).map((name) => `${verb} ${rule.resources.join(',')}${name ? ` ${name}` : ''}`)));
    const asked = [...needs.map((n) => `${n.check.verb} ${n.check.resource}${n.check.name ? ` ${n.check.name}` : ''}`), 'get configmaps'];
    expect(granted.sort()).toEqual(asked.sort());

    await withWorld({ resources: 'demo-8.7', role }, async (world) => {
      const result = await runCli(world, ['check', '-n', world.namespace, '-o', 'json']);
      const rbac = (result.json().checks as Item[]).find((c) => c.id === 'rbac');
      expect(rbac?.status, describeRun(result)).toBe('PASS');
      for (const asked of ['create leases (coordination.k8s.io)', 'update leases camunda-backup-camunda (coordination.k8s.io)', 'delete leases camunda-backup-camunda', 'create configmaps', 'update configmaps camunda-backup-camunda-runs']) {
        expect(rbac?.message).toContain(asked);
      }
    });
  });

  it('without the Lease and ConfigMap writes create would warn about: WARN with what create cannot do, fixes that reach the same cluster', async () => {
    await withWorld(
      { resources: 'demo-8.7', rbacDeny: [{ verb: 'create', resource: 'leases', group: 'coordination.k8s.io' }, { verb: 'update', resource: 'configmaps' }] },
      async (world) => {
        const result = await runCli(world, ['check', '-n', world.namespace, '-o', 'json']);
        const rbac = (result.json().checks as Item[]).find((c) => c.id === 'rbac');
        expect(rbac).toMatchObject({
          status: 'WARN',
          message: expect.stringMatching(/denied in namespace camunda: create leases \(coordination\.k8s\.io\) .*update configmaps camunda-backup-camunda-runs .*two of them can overlap.*may later look complete/),
        });
        expect(rbac?.fix).toContain('kubectl auth can-i create leases.coordination.k8s.io --context fake -n camunda');
        expect(rbac?.fix).toContain('kubectl auth can-i update configmaps/camunda-backup-camunda-runs --context fake -n camunda');
        // A warning is not a failure: the rest of the checklist decides the exit code.
        expect(result.code, describeRun(result)).not.toBe(3);
        expect(mutatingCalls(world)).toEqual([]);
      },
    );
  });

  it('a token without the RBAC the access mode needs: exit 3 with the denied permissions and the Kubernetes message', async () => {
    await withWorld(
      { resources: 'demo-8.7', rbacDeny: [{ verb: 'list', resource: 'secrets' }, { verb: 'create', resource: 'pods', subresource: 'portforward' }] },
      async (world) => {
        const result = await runCli(world, ['check', '-n', world.namespace, '-o', 'json']);
        expect(result.code, describeRun(result)).toBe(3);
        const checks: Item[] = result.json().checks;
        expect(checks.find((c) => c.id === 'rbac')).toMatchObject({ status: 'FAIL', message: expect.stringMatching(/denied in namespace camunda: list secrets .*create pods\/portforward/) });
        expect(checks.find((c) => c.id === 'rbac')?.fix).toContain('kubectl auth can-i create pods --subresource=portforward --context fake -n camunda');
        expect(checks.find((c) => c.id === 'release')).toMatchObject({
          status: 'FAIL',
          message: expect.stringContaining('cannot list resource "secrets" in API group "" in the namespace "camunda"'),
        });
        expect(checks.filter((c) => c.status === 'SKIP').length).toBeGreaterThan(0);
        expect(world.log).toEqual([]);
      },
    );
  });
});
