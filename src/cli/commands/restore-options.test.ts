import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global-options.js';
import { parseRestoreOptions, type RestoreArgs } from './restore-options.js';
import { continueCommandFor } from './restore-run.js';

const globals: GlobalArgs = { output: 'text', verbose: false, quiet: false, color: true, access: 'port-forward' };
const args = (overrides: Partial<RestoreArgs>): RestoreArgs => ({
  ...globals,
  'dry-run': false,
  yes: false,
  status: false,
  'database-restored': false,
  'wait-timeout': '10m',
  'poll-interval': '2s',
  ...overrides,
});

describe('parseRestoreOptions', () => {
  it('takes a positive integer ID, and refuses anything else with exit 2', () => {
    expect(parseRestoreOptions(args({ backupId: '1748937221' })).backupId).toBe(1_748_937_221);
    for (const bad of ['latest', '0', '-5', '1.5', '99999999999999999999']) {
      expect(() => parseRestoreOptions(args({ backupId: bad }))).toThrow(UsageError);
    }
    expect(() => parseRestoreOptions(args({}))).toThrow(/a backup ID is required/);
  });

  it('RDBMS mode: --database-restored without an ID, --to as an ISO time with a zone', () => {
    const options = parseRestoreOptions(args({ 'database-restored': true, to: '2026-12-06T03:00:00+01:00' }));
    expect(options).toMatchObject({ backupId: undefined, databaseRestored: true, to: '2026-12-06T02:00:00.000Z' });
    expect(() => parseRestoreOptions(args({ 'database-restored': true, backupId: '5' }))).toThrow(/takes no backup ID/);
    expect(() => parseRestoreOptions(args({ backupId: '5', to: '2026-12-06T03:00:00Z' }))).toThrow(/--to is only for the RDBMS mode/);
    expect(() => parseRestoreOptions(args({ 'database-restored': true, to: 'yesterday' }))).toThrow(/--to: "yesterday" is not an ISO time/);
    expect(() => parseRestoreOptions(args({ 'database-restored': true, to: '2026-12-06T03:00:00' }))).toThrow(/with a zone/);
  });

  it('RDBMS, the first of two runs: --stop-for-database-restore takes no ID, no --to, and not --database-restored', () => {
    expect(parseRestoreOptions(args({ 'stop-for-database-restore': true }))).toMatchObject({ backupId: undefined, stopForDatabaseRestore: true, databaseRestored: false });
    expect(parseRestoreOptions(args({ backupId: '5' })).stopForDatabaseRestore).toBe(false);
    expect(() => parseRestoreOptions(args({ 'stop-for-database-restore': true, 'database-restored': true }))).toThrow(/the two runs of an RDBMS restore: give one/);
    expect(() => parseRestoreOptions(args({ 'stop-for-database-restore': true, backupId: '5' }))).toThrow(/--stop-for-database-restore takes no backup ID/);
    expect(() => parseRestoreOptions(args({ 'stop-for-database-restore': true, to: '2026-12-06T03:00:00Z' }))).toThrow(/--to is only for the RDBMS mode, with --database-restored/);
    expect(() => parseRestoreOptions(args({ status: true, 'stop-for-database-restore': true }))).toThrow(/--status/);
    const noId = (() => {
      try {
        parseRestoreOptions(args({}));
      } catch (error) {
        return error as UsageError;
      }
      return undefined;
    })();
    expect(noId?.hint).toMatch(/on an RDBMS installation run --stop-for-database-restore first, restore the database, then --database-restored/);
  });

  it('--web-modeler-timeout bounds the dump load on its own (default 1h, at most 24h), not --wait-timeout', () => {
    expect(parseRestoreOptions(args({ backupId: '5' })).webModelerTimeoutMs).toBe(3_600_000);
    expect(parseRestoreOptions(args({ backupId: '5', 'web-modeler-timeout': '3h', 'wait-timeout': '5m' }))).toMatchObject({ webModelerTimeoutMs: 3 * 3_600_000, waitTimeoutMs: 300_000 });
    expect(() => parseRestoreOptions(args({ backupId: '5', 'web-modeler-timeout': 'soon' }))).toThrow(/--web-modeler-timeout: "soon" is not a duration/);
    expect(() => parseRestoreOptions(args({ backupId: '5', 'web-modeler-timeout': '48h' }))).toThrow(/--web-modeler-timeout/);
  });

  it('--status takes nothing else; durations are checked; a missing dump file is bad input', () => {
    expect(parseRestoreOptions(args({ status: true })).status).toBe(true);
    expect(() => parseRestoreOptions(args({ status: true, backupId: '5' }))).toThrow(/--status/);
    expect(() => parseRestoreOptions(args({ backupId: '5', 'poll-interval': '10ms' }))).toThrow(/--poll-interval: at least 500ms/);
    expect(() => parseRestoreOptions(args({ backupId: '5', 'wait-timeout': 'soon' }))).toThrow(/--wait-timeout: "soon" is not a duration/);
    expect(() => parseRestoreOptions(args({ backupId: '5', 'web-modeler-dump': '/nonexistent/dump.sql' }))).toThrow(/--web-modeler-dump: \/nonexistent\/dump.sql is not a file/);
  });
});

describe('continueCommandFor', () => {
  it('carries the cluster flags, the release, the access mode and the mode', () => {
    const options = parseRestoreOptions(args({ backupId: '12', kubeconfig: '/k/my config', access: 'exec' }));
    expect(continueCommandFor(options, { mode: 'backup-id', backupId: 12, namespace: 'camunda', release: 'prod' }, 'ctx-a')).toBe(
      "kubectl camunda-backup restore 12 --kubeconfig '/k/my config' --context ctx-a -n camunda --release prod --access exec --yes",
    );
    const rdbms = parseRestoreOptions(args({ 'database-restored': true, context: 'c' }));
    expect(continueCommandFor(rdbms, { mode: 'rdbms', backupId: null, restoreTo: '2026-12-06T02:00:00.000Z', namespace: 'n', release: 'r' }, 'ignored')).toBe(
      'kubectl camunda-backup restore --context c -n n --release r --access port-forward --database-restored --to 2026-12-06T02:00:00.000Z --yes',
    );
    // Until every workload is stopped, the first run continues; it never carries --to.
    expect(continueCommandFor(rdbms, { mode: 'rdbms', backupId: null, restoreTo: '2026-12-06T02:00:00.000Z', namespace: 'n', release: 'r' }, 'ignored', 'stop-for-database-restore')).toBe(
      'kubectl camunda-backup restore --context c -n n --release r --access port-forward --stop-for-database-restore --yes',
    );
  });

  it('carries every flag that shapes the run: the exec relay, the repository, a forced version, the Web Modeler dump, waits that differ from the defaults', () => {
    const options = parseRestoreOptions(
      args({
        backupId: '12',
        access: 'exec',
        'exec-pod': 'curl-relay',
        'exec-container': 'curl',
        'snapshot-repository': 'camunda-backups',
        'camunda-version': '8.8',
        'wait-timeout': '30m',
        'poll-interval': '500ms',
      }),
    );
    expect(continueCommandFor(options, { mode: 'backup-id', backupId: 12, namespace: 'camunda', release: 'prod', webModelerDump: '/tmp/wm 12.sql' }, 'ctx')).toBe(
      "kubectl camunda-backup restore 12 --context ctx -n camunda --release prod --access exec --exec-pod curl-relay --exec-container curl --snapshot-repository camunda-backups " +
        "--camunda-version 8.8 --web-modeler-dump '/tmp/wm 12.sql' --wait-timeout 30m --poll-interval 500ms --yes",
    );
    // The defaults are not repeated; the dump of this run's flag is carried when the plan does not name one.
    const plain = parseRestoreOptions(args({ backupId: '12', 'wait-timeout': '10m', 'poll-interval': '2s' }));
    expect(continueCommandFor(plain, { mode: 'backup-id', backupId: 12, namespace: 'n', release: 'r' }, 'ctx')).toBe('kubectl camunda-backup restore 12 --context ctx -n n --release r --access port-forward --yes');
  });
});
