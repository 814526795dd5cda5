/** The delete confirmation: asked on a terminal, refused without one, and declining changes nothing. */
import { describe, expect, it } from 'vitest';
import { anInstallation, fakeCluster, notFound, ok, webappBackup, zeebeBackup, type Route } from '../../../test/unit/create-test-kit.js';
import { UsageError } from '../../errors.js';
import type { KubeClient } from '../../kube/kube-client.js';
import { memoryLeaseApi } from '../../../test/unit/memory-lease-api.js';
import type { CliDeps, CreateBackupApi } from '../cli-deps.js';
import type { DeleteOptions } from './lifecycle-options.js';
import { runDeleteCommand, type ConfirmIo } from './lifecycle-run.js';

const ID = 1_748_937_221;

function routes(): Record<string, Route> {
  return {
    [`optimize-0 GET /actuator/backups/${ID}`]: ok(webappBackup(ID, 'COMPLETED', 'optimize')),
    [`operate-0 GET /actuator/backups/${ID}`]: ok(webappBackup(ID, 'COMPLETED', 'operate')),
    [`tasklist-0 GET /actuator/backups/${ID}`]: notFound(`No backup with id [${ID}] found.`),
    [`search-0 GET /_snapshot/camunda-backups/camunda_zeebe_records_backup_${ID}`]: ok({ snapshots: [{ snapshot: `camunda_zeebe_records_backup_${ID}`, state: 'SUCCESS' }] }),
    [`gateway-0 GET /actuator/backups/${ID}`]: ok(zeebeBackup(ID, 'COMPLETED')),
    [`optimize-0 DELETE /actuator/backups/${ID}`]: { status: 204 },
    [`operate-0 DELETE /actuator/backups/${ID}`]: { status: 204 },
    [`search-0 DELETE /_snapshot/camunda-backups/camunda_zeebe_records_backup_${ID}`]: ok({ acknowledged: true }),
    [`gateway-0 DELETE /actuator/backups/${ID}`]: { status: 204 },
  };
}

function harness() {
  const cluster = fakeCluster(routes());
  const out: string[] = [];
  const err: string[] = [];
  let kubes = 0;
  const deps: CliDeps = {
    stdout: { write: (chunk: string) => out.push(chunk) },
    stderr: { write: (chunk: string) => err.push(chunk), isTTY: false },
    env: {},
    signal: new AbortController().signal,
    now: () => Date.parse('2026-11-27T06:00:00Z'),
    createKubeClient: async () => {
      kubes++;
      const kube = { namespace: 'camunda', contextName: 'test', leases: memoryLeaseApi(), withSignal: () => kube } as unknown as KubeClient;
      return kube;
    },
    createConnector: () => cluster.connect,
    loadBackupApi: async () => ({ discoverInstallation: async () => anInstallation('8.7') }) as unknown as CreateBackupApi,
  };
  return { deps, cluster, stdout: () => out.join(''), stderr: () => err.join(''), kubes: () => kubes };
}

const options = (overrides: Partial<DeleteOptions> = {}): DeleteOptions => ({
  output: 'text',
  verbosity: 0,
  quiet: false,
  color: false,
  access: 'port-forward',
  ids: [ID],
  dryRun: false,
  yes: false,
  ...overrides,
});

const terminal = (answer: boolean, questions: string[] = []): ConfirmIo => ({
  interactive: true,
  confirm: async (question) => {
    questions.push(question);
    return answer;
  },
});

describe('delete confirmation', () => {
  it('asks on a terminal, showing what goes, and deletes after yes', async () => {
    const h = harness();
    const questions: string[] = [];
    const report = await runDeleteCommand(options(), h.deps, terminal(true, questions));
    expect(questions).toEqual([`Delete 1 backup(s) (${ID}) of release camunda in namespace camunda? [y/N] `]);
    expect(h.stderr()).toMatch(/would be deleted/);
    expect(report.state).toBe('COMPLETED');
    expect(h.cluster.mutations()).toHaveLength(4);
  });

  it('declining deletes nothing and says so', async () => {
    const h = harness();
    const report = await runDeleteCommand(options(), h.deps, terminal(false));
    expect(report.state).toBe('CANCELLED');
    expect(h.cluster.mutations()).toEqual([]);
    expect(h.stderr()).toContain('cancelled: nothing was deleted');
    expect(h.stdout()).toContain('Cancelled: nothing was deleted.');
  });

  it('--yes does not ask', async () => {
    const h = harness();
    const questions: string[] = [];
    await runDeleteCommand(options({ yes: true }), h.deps, terminal(false, questions));
    expect(questions).toEqual([]);
    expect(h.cluster.mutations()).toHaveLength(4);
  });

  it('without a terminal and without --yes: UsageError before the cluster is even contacted', async () => {
    const h = harness();
    await expect(runDeleteCommand(options(), h.deps, { interactive: false, confirm: async () => true })).rejects.toThrow(UsageError);
    expect(h.kubes()).toBe(0);
    expect(h.cluster.calls).toEqual([]);
  });

  it('--dry-run needs no terminal and changes nothing', async () => {
    const h = harness();
    const report = await runDeleteCommand(options({ dryRun: true }), h.deps, { interactive: false, confirm: async () => true });
    expect(report.state).toBe('PLANNED');
    expect(h.cluster.mutations()).toEqual([]);
  });
});
