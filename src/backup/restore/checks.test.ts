import { describe, expect, it } from 'vitest';
import { PreconditionError, UsageError } from '../../errors.js';
import {
  accessRule,
  backupCompleteRule,
  chartRule,
  judgeRestore,
  partitionRule,
  repositoryRule,
  restoreRefusal,
  snapshotVersion,
  versionProblem,
  versionRule,
  zeebeStoreRule,
  type BackupPartFact,
  type RestoreCheckFacts,
} from './checks.js';

const webapp = (part: string, id: number, version: string, count = 2): BackupPartFact => ({
  part,
  state: 'COMPLETED',
  details: { snapshots: Array.from({ length: count }, (_, i) => ({ snapshotName: `camunda_${part}_${id}_${version}_part_${i + 1}_of_${count}`, state: 'SUCCESS' })) },
});
const zeebe = (partitions: number, version: string): BackupPartFact => ({
  part: 'zeebe',
  state: 'COMPLETED',
  details: { partitions: Array.from({ length: partitions }, (_, i) => ({ partitionId: i + 1, state: 'COMPLETED', brokerVersion: version })) },
});

const ID = 1_700_000_000;

/** A restorable 8.7 backup on a release that can restore it. */
function facts87(change: Partial<RestoreCheckFacts> = {}): RestoreCheckFacts {
  return {
    release: 'camunda',
    namespace: 'camunda',
    line: '8.7',
    chartVersion: '12.13.3',
    camundaVersion: '8.7.37',
    mode: 'backup-id',
    backup: {
      backupId: ID,
      verdict: 'COMPLETE',
      reasons: [],
      parts: [webapp('optimize', ID, '8.7.26'), webapp('operate', ID, '8.7.37', 6), webapp('tasklist', ID, '8.7.37'), { part: 'zeebe-records', state: 'COMPLETED' }, zeebe(3, '8.7.37')],
    },
    running: [
      { component: 'operate', version: '8.7.37', from: 'pod/camunda-operate-1' },
      { component: 'tasklist', version: '8.7.37', from: 'pod/camunda-tasklist-1' },
      { component: 'optimize', version: '8.7.26', from: 'pod/camunda-optimize-1' },
      { component: 'zeebe', version: '8.7.37', from: 'pod/camunda-zeebe-0' },
    ],
    partitionCount: 3,
    repository: { name: 'camunda', registered: true, readable: true, engine: 'Elasticsearch' },
    brokers: { name: 'camunda-zeebe', found: true, store: 'S3', storeFrom: 'env ZEEBE_BROKER_DATA_BACKUP_STORE' },
    startupScript: { source: 'ConfigMap camunda-zeebe-configuration (startup.sh)', restoreBranch: true },
    access: [{ check: { namespace: 'camunda', verb: 'patch', group: 'apps', resource: 'statefulsets', subresource: 'scale' }, why: 'scale the brokers', allowed: true }],
    ...change,
  };
}

/** An 8.9 RDBMS release whose newest Zeebe backup was taken with 8.9.2. */
function factsRdbms(running: string, change: Partial<RestoreCheckFacts> = {}): RestoreCheckFacts {
  return facts87({
    line: '8.9',
    chartVersion: '14.8.4',
    camundaVersion: running,
    mode: 'rdbms',
    backup: undefined,
    rdbmsBackup: { newest: { backupId: 1_770_000_000_000, partitions: [1, 2, 3].map((partitionId) => ({ partitionId, brokerVersion: '8.9.2' })) } },
    running: [{ component: 'orchestration', version: running, from: 'pod/camunda-zeebe-0' }],
    repository: undefined,
    brokers: { name: 'camunda-zeebe', found: true, store: 'S3', storeFrom: 'env CAMUNDA_DATA_PRIMARYSTORAGE_BACKUP_STORE', command: ['bash', '/usr/local/bin/startup.sh'] },
    ...change,
  });
}

const statusOf = (rule: (f: RestoreCheckFacts) => readonly { status: string }[], facts: RestoreCheckFacts): string[] => rule(facts).map((c) => c.status);

describe('restore checks', () => {
  it('a complete backup on a matching release passes every check', () => {
    const result = judgeRestore(facts87());
    expect(result.checks.filter((c) => c.status !== 'PASS')).toEqual([]);
    expect(result.passed).toBe(true);
    expect(result.checks.map((c) => c.id)).toEqual(['backup-complete', 'versions', 'partitions', 'snapshot-repository', 'zeebe-store', 'chart-restore-support', 'rbac']);
    expect(restoreRefusal(facts87(), result)).toBeUndefined();
  });

  it('a run that continues an unfinished restore judges only what it needs itself (the applications may be stopped)', () => {
    const facts = facts87({ continuing: true, backup: undefined, running: [], repository: undefined });
    const result = judgeRestore(facts);
    expect(result.checks.map((c) => c.id)).toEqual(['zeebe-store', 'chart-restore-support', 'rbac']);
    expect(result.passed).toBe(true);
  });

  it('snapshot names carry the version; the zeebe-record snapshot does not', () => {
    expect(snapshotVersion('camunda_operate_1700000000_8.7.37_part_3_of_6')).toBe('8.7.37');
    expect(snapshotVersion('camunda_webapps_1700000000_8.8.0-alpha2_part_1_of_4')).toBe('8.8.0-alpha2');
    expect(snapshotVersion('camunda_zeebe_records_backup_1700000000')).toBeUndefined();
  });

  describe('backup complete in every part (the verdict of status)', () => {
    it('an incomplete backup fails with the reasons and the list command', () => {
      const facts = facts87({ backup: { backupId: ID, verdict: 'INCOMPLETE', reasons: ['tasklist: missing (the component has no backup with this ID)'], parts: [] } });
      const [check] = backupCompleteRule(facts);
      expect(check).toMatchObject({ status: 'FAIL', message: `backup ${ID} is INCOMPLETE: tasklist: missing (the component has no backup with this ID)` });
      expect(check?.fix).toContain('kubectl camunda-backup list -n camunda');
    });

    it('a failed or still running backup fails', () => {
      expect(statusOf(backupCompleteRule, facts87({ backup: { backupId: ID, verdict: 'FAILED', reasons: ['zeebe: FAILED'], parts: [] } }))).toEqual(['FAIL']);
      const running = backupCompleteRule(facts87({ backup: { backupId: ID, verdict: 'IN_PROGRESS', reasons: ['zeebe: still in progress'], parts: [] } }));
      expect(running[0]?.fix).toMatch(/wait until the backup finished/);
    });

    it('an ID no part knows is bad input (exit 2), not a precondition', () => {
      const facts = facts87({ backup: { backupId: ID, verdict: 'NOT_FOUND', reasons: ['no component knows this backup ID'], parts: [] } });
      const refusal = restoreRefusal(facts, judgeRestore(facts));
      expect(refusal).toBeInstanceOf(UsageError);
      expect(refusal?.message).toMatch(`unknown backup ID ${ID}`);
    });

    it('RDBMS: no completed Zeebe backup fails; an unreadable store says why', () => {
      expect(statusOf(backupCompleteRule, factsRdbms('8.9.2'))).toEqual(['PASS']);
      expect(backupCompleteRule(factsRdbms('8.9.2', { rdbmsBackup: {} }))[0]?.message).toMatch(/no completed Zeebe backup/);
      expect(backupCompleteRule(factsRdbms('8.9.2', { rdbmsBackup: { error: 'HTTP 503' } }))[0]?.message).toMatch(/could not be listed: HTTP 503/);
    });
  });

  describe('versions', () => {
    it('the exact version on Elasticsearch/OpenSearch, per component', () => {
      expect(versionProblem('8.7.37', '8.7.37', 'backup-id')).toBeUndefined();
      expect(versionProblem('8.7.36', '8.7.37', 'backup-id')).toMatch(/must be equal/);
      expect(versionProblem('8.8.0', '8.7.37', 'backup-id')).toMatch(/must be equal/);
    });

    it('RDBMS: the same or one minor newer, never older', () => {
      expect(versionProblem('8.9.2', '8.9.2', 'rdbms')).toBeUndefined();
      expect(versionProblem('8.9.2', '8.9.4', 'rdbms')).toBeUndefined();
      expect(versionProblem('8.9.2', '8.10.0', 'rdbms')).toBeUndefined();
      expect(versionProblem('8.9.2', '8.11.0', 'rdbms')).toMatch(/one minor newer/);
      expect(versionProblem('8.9.2', '8.9.1', 'rdbms')).toMatch(/one minor newer/);
      expect(versionProblem('8.9.2', '9.0.0', 'rdbms')).toMatch(/one minor newer/);
    });

    it('pre-releases (8.10.0-alpha4): exact on Elasticsearch/OpenSearch; on an RDBMS a pre-release is older than its release', () => {
      expect(versionProblem('8.10.0-alpha4', '8.10.0-alpha4', 'backup-id')).toBeUndefined();
      expect(versionProblem('8.10.0-alpha3', '8.10.0-alpha4', 'backup-id')).toMatch(/must be equal/);
      expect(versionProblem('8.10.0', '8.10.0-alpha4', 'backup-id')).toMatch(/must be equal/);
      expect(versionProblem('8.10.0-alpha4', '8.10.0-alpha4', 'rdbms')).toBeUndefined();
      expect(versionProblem('8.10.0-alpha4', '8.10.0', 'rdbms')).toBeUndefined();
      expect(versionProblem('8.10.0-alpha3', '8.10.0-alpha4', 'rdbms')).toBeUndefined();
      expect(versionProblem('8.10.0-alpha4', '8.10.0-alpha10', 'rdbms')).toBeUndefined();
      expect(versionProblem('8.9.16', '8.10.0-alpha4', 'rdbms')).toBeUndefined();
      // Downgrades: the release's backup onto its pre-release, a later pre-release onto an earlier one.
      expect(versionProblem('8.10.0', '8.10.0-alpha4', 'rdbms')).toMatch(/taken with 8\.10\.0, 8\.10\.0-alpha4 runs \(RDBMS allows the same version or one minor newer\)/);
      expect(versionProblem('8.10.0-alpha4', '8.10.0-alpha3', 'rdbms')).toMatch(/one minor newer/);
      expect(versionProblem('8.10.0-alpha10', '8.10.0-alpha4', 'rdbms')).toMatch(/one minor newer/);
      expect(versionProblem('8.10.0-rc1', '8.10.0-alpha4', 'rdbms')).toMatch(/one minor newer/);
      expect(statusOf(versionRule, factsRdbms('8.10.1'))).toEqual(['PASS']);
      expect(versionRule(factsRdbms('8.11.0'))[0]?.message).toMatch(/zeebe \(Zeebe partition 1\) taken with 8\.9\.2, 8\.11\.0 runs/);
    });

    it('Optimize is compared with Optimize (its own version), Operate with Operate', () => {
      expect(statusOf(versionRule, facts87())).toEqual(['PASS']);
      const running = facts87().running.map((r) => (r.component === 'operate' ? { ...r, version: '8.7.38' } : r));
      const [check] = versionRule(facts87({ running }));
      expect(check?.status).toBe('FAIL');
      expect(check?.message).toBe('operate (camunda_operate_1700000000_8.7.37_part_1_of_6) taken with 8.7.37, 8.7.38 runs (the versions must be equal)');
      expect(check?.fix).toMatch(/install the chart whose Camunda version the backup was taken with/);
    });

    it("the brokers' version in the Zeebe backup counts too", () => {
      const backup = facts87().backup!;
      const parts = backup.parts.map((p) => (p.part === 'zeebe' ? zeebe(3, '8.7.36') : p));
      const [check] = versionRule(facts87({ backup: { ...backup, parts } }));
      expect(check?.message).toMatch(/^zeebe \(Zeebe partition 1\) taken with 8\.7\.36, 8\.7\.37 runs/);
    });

    it('a backup that names no version cannot be checked: fail', () => {
      expect(statusOf(versionRule, facts87({ backup: { backupId: ID, verdict: 'COMPLETE', reasons: [], parts: [{ part: 'zeebe', state: 'COMPLETED' }] } }))).toEqual(['FAIL']);
    });
  });

  describe('partition count', () => {
    it("equal passes; the backup's count against the release's fails", () => {
      expect(statusOf(partitionRule, facts87())).toEqual(['PASS']);
      expect(partitionRule(facts87({ partitionCount: 4 }))[0]?.message).toBe('the backup has 3 partition(s), release camunda is configured with 4');
      expect(partitionRule(factsRdbms('8.9.2', { partitionCount: 2 }))[0]?.status).toBe('FAIL');
    });

    it('a release whose count cannot be read fails rather than guessing', () => {
      expect(partitionRule(facts87({ partitionCount: undefined }))[0]).toMatchObject({ status: 'FAIL', message: expect.stringMatching(/not readable/) });
    });
  });

  describe('snapshot repository', () => {
    it('not registered, not readable, not configured: each fails with its fix; RDBMS does not ask', () => {
      expect(repositoryRule(facts87({ repository: { name: 'camunda', registered: false, readable: false, engine: 'Elasticsearch', message: 'repository_missing_exception' } }))[0]).toMatchObject({
        status: 'FAIL',
        message: '"camunda" is not registered in Elasticsearch: repository_missing_exception',
        fix: expect.stringMatching(/PUT \/_snapshot\/camunda/),
      });
      expect(repositoryRule(facts87({ repository: { name: 'camunda', registered: true, readable: false, engine: 'OpenSearch', message: 'access denied' } }))[0]?.fix).toMatch(/_verify/);
      expect(repositoryRule(facts87({ repository: { registered: false, readable: false, engine: 'Elasticsearch' } }))[0]?.message).toMatch(/no snapshot repository name/);
      expect(repositoryRule(factsRdbms('8.9.2'))).toEqual([]);
    });
  });

  describe('Zeebe backup store on the StatefulSet', () => {
    it('missing, NONE or no StatefulSet fail', () => {
      expect(statusOf(zeebeStoreRule, facts87({ brokers: { name: 'camunda-zeebe', found: true } }))).toEqual(['FAIL']);
      expect(zeebeStoreRule(facts87({ brokers: { name: 'camunda-zeebe', found: true, store: 'NONE' } }))[0]?.message).toMatch(/is NONE/);
      expect(zeebeStoreRule(facts87({ brokers: { name: 'camunda-zeebe', found: false } }))[0]?.message).toMatch(/not found/);
    });
  });

  describe('chart support for ZEEBE_RESTORE', () => {
    it('charts older than 11.5.0 / 12.1.0 are refused and say why', () => {
      const [old87] = chartRule(facts87({ chartVersion: '12.0.2' }));
      expect(old87).toMatchObject({ status: 'FAIL', message: expect.stringMatching(/chart 12\.0\.2 is older than 12\.1\.0: its startup\.sh ignores ZEEBE_RESTORE/) });
      expect(chartRule(facts87({ line: '8.6', chartVersion: '11.4.9' }))[0]?.message).toMatch(/older than 11\.5\.0/);
      expect(statusOf(chartRule, facts87({ line: '8.6', chartVersion: '11.5.0' }))).toEqual(['PASS']);
      expect(statusOf(chartRule, facts87({ chartVersion: '12.1.0' }))).toEqual(['PASS']);
    });

    it('a start script without the restore branch, or a command that bypasses it, is refused', () => {
      expect(chartRule(facts87({ startupScript: { source: 'ConfigMap x (startup.sh)', restoreBranch: false } }))[0]?.message).toMatch(/no ZEEBE_RESTORE branch/);
      const brokers = { ...facts87().brokers, command: ['/usr/local/zeebe/bin/broker'] };
      expect(chartRule(facts87({ brokers }))[0]?.message).toMatch(/bypasses the chart's startup\.sh/);
      expect(statusOf(chartRule, factsRdbms('8.9.2'))).toEqual(['PASS']);
    });
  });

  describe('RBAC', () => {
    it('lists every denied verb once, with what it is for', () => {
      const denied = (verb: string, resource: string, subresource?: string, group = '') => ({ check: { namespace: 'camunda', verb, group, resource, subresource }, why: `do ${verb}`, allowed: false });
      const [check] = accessRule(
        facts87({
          access: [
            denied('patch', 'statefulsets', 'scale', 'apps'),
            denied('patch', 'statefulsets', 'scale', 'apps'),
            denied('delete', 'persistentvolumeclaims'),
            denied('get', 'pods', 'log'),
            { check: { namespace: 'camunda', verb: 'list', resource: 'pods' }, why: 'x', allowed: true },
          ],
        }),
      );
      expect(check?.status).toBe('FAIL');
      expect(check?.message).toBe('denied in namespace camunda: patch statefulsets/scale (apps) (to do patch); delete persistentvolumeclaims (to do delete); get pods/log (to do get)');
      expect(check?.fix).toMatch(/restore Role from the README/);
    });
  });

  it('the refusal lists every failed check with its fix (exit 3)', () => {
    const facts = facts87({ partitionCount: 4, chartVersion: '12.0.0' });
    const refusal = restoreRefusal(facts, judgeRestore(facts));
    expect(refusal).toBeInstanceOf(PreconditionError);
    expect(refusal?.message).toMatch(/^restore refused, nothing was changed: 2 check\(s\) failed: /);
    expect(refusal?.message).toContain('Partition count');
    expect(refusal?.hint).toMatch(/^restore into a release with partitionCount 3.* \| upgrade the release to chart 12\.1\.0 or newer.*; then run the same command again$/);
  });
});
