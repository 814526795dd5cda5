/**
 * Camunda 8.10 (chart 15.x; the fixtures are the pre-release 15.0.0-alpha4) end to end: every command runs the
 * 8.8/8.9 procedure on a combined, single-tenant release; what the tool cannot back up as one (Physical Tenants,
 * split topologies) and a search engine no value names are refused before any change, in both access modes.
 */
import { expect, it } from 'vitest';
import { describeWithFixtures } from '../fixtures-available.js';
import type { World } from '../world/index.js';
import { describeRun, partOf, runCli, STACK_FRAME } from './helpers/run-cli.js';
import { count, dumpLog, expectNoMutation, expectResumedAfterPause, isPause, isZeebeTake } from './helpers/sim-log.js';
import { editConfigMapFile, editReleaseValues } from './helpers/tamper.js';
import { fixture, withWorld } from './helpers/world-run.js';

const ACCESS = ['port-forward', 'exec'] as const;
const ID = 1_700_000_810;

/** Nothing but reads reached the cluster's components. */
function expectUntouched(world: World): void {
  expectNoMutation(world);
  expect(count(world, isPause), dumpLog(world)).toBe(0);
}

describeWithFixtures('8.10: every command on a combined, single-tenant release (backup-configured)', () => {
  it.each(ACCESS)('%s: create, status, list, check, resume and delete', async (access) => {
    await withWorld({ fixture: fixture('8.10', 'backup-configured') }, async (world) => {
      const run = (args: string[]) => runCli(world, [...args, '-n', world.namespace, '--access', access]);

      const created = await run(['create', '--backup-id', String(ID), '-o', 'json']);
      expect(created.code, describeRun(created)).toBe(0);
      expect(created.json()).toMatchObject({ state: 'COMPLETED', chartVersion: '15.0.0-alpha4', camundaVersion: '8.10.0-alpha4' });
      // The 8.10 runtime answer carries backupIds; the tool reads it and goes on.
      expect(world.log.find(isZeebeTake)?.status).toBe(202);
      expectResumedAfterPause(world);

      const status = await run(['status', String(ID), '-o', 'json']);
      expect(status.code, describeRun(status)).toBe(0);
      expect(status.json()).toMatchObject({ command: 'status', backupId: ID, verdict: 'COMPLETE', restorable: true });

      const list = await run(['list', '-o', 'json']);
      expect(list.code, describeRun(list)).toBe(0);
      expect(JSON.stringify(list.json())).toContain(String(ID));

      const check = await run(['check', '-o', 'json']);
      const checkReport = check.json<{ result: string; checks: Array<{ id: string; status: string }> }>();
      expect(checkReport.checks.find((item) => item.id === 'release')).toMatchObject({ status: 'PASS' });
      expect(checkReport.checks.find((item) => item.id === 'topology')).toBeUndefined();
      expect(checkReport.checks.filter((item) => item.status === 'FAIL'), describeRun(check)).toEqual([]);

      const resume = await run(['resume', '-o', 'json']);
      expect(resume.code, describeRun(resume)).toBe(0);

      const deleted = await run(['delete', String(ID), '--yes', '-o', 'json']);
      expect(deleted.code, describeRun(deleted)).toBe(0);
      expect(world.sims.zeebe!.backups.get(ID)?.deleted).toBe(true);
      for (const result of [created, status, list, check, resume, deleted]) expect(result.stderr).not.toMatch(STACK_FRAME);
    });
  });
});

describeWithFixtures('8.10 Physical Tenants (physical-tenants: tenants default and tenanta, only in the orchestration ConfigMap)', () => {
  const TENANTS = /Physical Tenants default, tenanta \(camunda\.physical-tenants in camunda-zeebe-configuration\)/;

  it.each(ACCESS)('%s: create → exit 3 naming the tenants and why, before any call to a component', async (access) => {
    await withWorld({ fixture: fixture('8.10', 'physical-tenants') }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', String(ID), '--access', access]);
      expect(result.code, describeRun(result)).toBe(3);
      expect(result.stderr).toMatch(TENANTS);
      expect(result.stderr).toContain('one management-API call covers every tenant at once');
      expect(result.stderr).toContain('create refuses until multi-tenant backups are designed; nothing was changed');
      expect(result.stderr).toContain('?physicalTenant=<id>');
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expect(world.log, dumpLog(world)).toEqual([]);
    });
  });

  it.each(ACCESS)('%s: delete and resume → exit 3 before any change; list warns and answers', async (access) => {
    await withWorld({ fixture: fixture('8.10', 'physical-tenants') }, async (world) => {
      const deleted = await runCli(world, ['delete', String(ID), '--yes', '--access', access]);
      expect(deleted.code, describeRun(deleted)).toBe(3);
      expect(deleted.stderr).toMatch(TENANTS);
      expect(deleted.stderr).toContain('delete refuses: backup IDs are per tenant');
      const resumed = await runCli(world, ['resume', '--access', access]);
      expect(resumed.code, describeRun(resumed)).toBe(3);
      expect(resumed.stderr).toContain('resume refuses: without a tenant, resuming resumes exporting of every tenant');
      expectUntouched(world);

      const list = await runCli(world, ['list', '--access', access, '-o', 'json']);
      expect(list.code, describeRun(list)).toBe(0);
      expect(list.stderr).toMatch(TENANTS);
      expect(list.stderr).toContain('status, list and check read what the management API reports for every tenant at once');
      expect(list.json<{ warnings: string[] }>().warnings.join('\n')).toMatch(TENANTS);
    });
  });

  it.each(ACCESS)('%s: restore and its --dry-run plan → exit 3 naming the tenants, before any read of a component or change', async (access) => {
    await withWorld({ fixture: fixture('8.10', 'physical-tenants') }, async (world) => {
      const relay = world.sims.pods.find((p) => p.name.includes('identity'))?.name;
      if (!relay) throw new Error('no identity pod');
      for (const extra of [['--yes'], ['--dry-run', '-o', 'json']]) {
        const result = await runCli(world, ['restore', String(ID), '--access', access, '--exec-pod', relay, ...extra]);
        expect(result.code, describeRun(result)).toBe(3);
        expect(result.stderr).toMatch(TENANTS);
        expect(result.stderr).toContain('restore refuses: each tenant has its own indices, snapshot repository and Zeebe partitions');
        expect(result.stderr).toMatch(/nothing was changed\nhint: back up, restore, delete or resume one Physical Tenant/);
        expect(result.stderr).not.toMatch(STACK_FRAME);
        expect(result.stdout).toBe('');
      }
      expectUntouched(world);
      expect(world.api.requests.filter((r) => r.kind === 'rest' && r.method !== 'GET'), dumpLog(world)).toEqual([]);
    });
  });

  it.each(ACCESS)('%s: tenants declared where discovery cannot see them (a Secret-mounted file) → the runtime answer names them: exit 4, zeebe FAILED, exporting resumed', async (access) => {
    await withWorld({ fixture: fixture('8.10', 'backup-configured'), zeebe: { physicalTenants: ['default', 'tenanta'] } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', String(ID), '--access', access, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(4);
      const report = result.json();
      const zeebe = partOf(report, 'zeebe');
      expect(zeebe?.state).toBe('FAILED');
      expect(zeebe?.message).toContain('Zeebe backed up Physical Tenants default, tenanta');
      expect(zeebe?.details).toMatchObject({ backupIds: { default: ID, tenanta: ID } });
      expect(report.exporting).toMatchObject({ paused: true, resumed: true });
      expectResumedAfterPause(world);
    });
  });

  it('check → a failing topology item, exit 3', async () => {
    await withWorld({ fixture: fixture('8.10', 'physical-tenants') }, async (world) => {
      const result = await runCli(world, ['check', '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(3);
      const topology = result.json<{ checks: Array<{ id: string; status: string; message: string }> }>().checks.find((item) => item.id === 'topology');
      expect(topology).toMatchObject({ status: 'FAIL', message: expect.stringMatching(TENANTS) });
      expectUntouched(world);
    });
  });
});

describeWithFixtures('8.10 split topologies (global.topology.mode)', () => {
  it.each(ACCESS)('%s: an orchestration-only release → create exit 3 naming the mode, nothing touched', async (access) => {
    await withWorld({ fixture: fixture('8.10', 'backup-configured') }, async (world) => {
      editReleaseValues(world, (config) => {
        config['global'] = { ...config['global'], topology: { mode: 'orchestration' } };
      });
      const result = await runCli(world, ['create', '--backup-id', String(ID), '--access', access]);
      expect(result.code, describeRun(result)).toBe(3);
      expect(result.stderr).toContain('release camunda is part of a split topology (global.topology.mode: orchestration)');
      expect(result.stderr).toContain('create refuses until split-topology backups are designed; nothing was changed');
      expect(world.log, dumpLog(world)).toEqual([]);
      // This release is the whole orchestration cluster: resuming its exporting is safe and stays possible.
      const resumed = await runCli(world, ['resume', '--access', access]);
      expect(resumed.code, describeRun(resumed)).toBe(0);
      expect(resumed.stderr).toContain('status, list and check see only this release; create, delete and restore refuse this release.');
      // A restore would stop and overwrite only this release's part while the others keep running.
      const writesBefore = world.api.requests.filter((r) => r.kind === 'rest' && r.method !== 'GET').length;
      const restored = await runCli(world, ['restore', String(ID), '--access', access, '--yes']);
      expect(restored.code, describeRun(restored)).toBe(3);
      expect(restored.stderr).toContain('restore refuses: it would stop and restore only the parts that live in this release');
      expect(restored.stderr).not.toMatch(STACK_FRAME);
      expect(world.api.requests.filter((r) => r.kind === 'rest' && r.method !== 'GET').length).toBe(writesBefore);
    });
  });

  it('a hub release → every command exit 3: it runs no orchestration cluster', async () => {
    await withWorld({ fixture: fixture('8.10', 'backup-configured') }, async (world) => {
      editReleaseValues(world, (config) => {
        config['global'] = { ...config['global'], topology: { mode: 'hub' } };
      });
      for (const args of [['status', String(ID)], ['list'], ['create', '--backup-id', String(ID)]]) {
        const result = await runCli(world, args);
        expect(result.code, describeRun(result)).toBe(3);
        expect(result.stderr).toContain('release camunda is a Camunda Hub release (global.topology.mode: hub)');
      }
      expect(world.log, dumpLog(world)).toEqual([]);
    });
  });
});

describeWithFixtures('8.10 has no bundled Elasticsearch', () => {
  it.each(ACCESS)('%s: no URL in the configuration or the values → exit 3 saying where to set it, never camunda-elasticsearch:9200', async (access) => {
    await withWorld({ fixture: fixture('8.10', 'backup-configured') }, async (world) => {
      editConfigMapFile(world, 'camunda-zeebe-configuration', 'application.yaml', (text) => text.replace(/^(\s+url: )"https:\/\/elasticsearch\.example\.internal:9200"$/m, '$1""'));
      editReleaseValues(world, (config) => {
        delete config['orchestration']['data']['secondaryStorage']['elasticsearch']['url'];
      });
      const result = await runCli(world, ['create', '--backup-id', String(ID), '--access', access]);
      expect(result.code, describeRun(result)).toBe(3);
      expect(result.stderr).toContain('Could not find the Elasticsearch URL in the configuration or the Helm values.');
      expect(result.stderr).toContain('Chart 15.x bundles no Elasticsearch: set orchestration.data.secondaryStorage.elasticsearch.url');
      expect(result.stderr).not.toContain('camunda-elasticsearch');
      expect(world.log, dumpLog(world)).toEqual([]);
    });
  });
});
