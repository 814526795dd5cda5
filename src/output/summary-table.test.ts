import { describe, expect, it } from 'vitest';
import { aBackupReport } from '../../test/unit/builders/backup-report.js';
import { describeExporting, renderSummaryTable } from './summary-table.js';

describe('renderSummaryTable', () => {
  it('prints a header and one borderless row per part with every column with -o wide, kubectl style', () => {
    expect(renderSummaryTable(aBackupReport(), { wide: true })).toBe(
      [
        'Backup 1748937221 of release camunda in namespace camunda: COMPLETED in 1m12s',
        'Camunda 8.7.37 (chart 12.13.3), access port-forward',
        'Exporting: paused for 6.9s, resumed.',
        '',
        'PART            STATE       TARGET                                DURATION   MESSAGE',
        'optimize        COMPLETED   pod/camunda-optimize-5d8f:8092        12.1s',
        'operate         COMPLETED   pod/camunda-operate-7d9f:9600         9.8s',
        'tasklist        SKIPPED     -                                     -          disabled in the Helm values (tasklist.enabled: false)',
        'zeebe-records   COMPLETED   http://camunda-elasticsearch:9200     2.3s',
        'zeebe           COMPLETED   pod/camunda-zeebe-gateway-6c7b:9600   4.1s',
        '',
      ].join('\n'),
    );
  });

  it('leaves the target out of the default table, which fits 100 columns by shortening the message', () => {
    const text = renderSummaryTable(aBackupReport({ parts: [{ part: 'zeebe-records', state: 'FAILED', target: 'http://camunda-elasticsearch:9200', durationMs: 2300, message: 'y '.repeat(200) }] }), { wide: false });
    expect(text).toContain('PART            STATE    DURATION   MESSAGE\n');
    expect(text).toMatch(/^zeebe-records {3}FAILED {3}2\.3s {7}y y .*…$/m);
    expect(text).not.toContain('camunda-elasticsearch');
    const tableLines = text.slice(text.indexOf('PART')).split('\n');
    expect(Math.max(...tableLines.map((line) => line.length))).toBe(100);
  });

  it('shows the failure, the warnings, and keeps multi-line component messages on one row', () => {
    const text = renderSummaryTable(
      aBackupReport({
        state: 'FAILED',
        parts: [{ part: 'operate', state: 'FAILED', target: 'pod/op:9600', durationMs: 500, message: 'Failed to take snapshot:\n  repository missing' }],
        error: { message: 'operate: FAILED: Failed to take snapshot', step: 'backup-operate' },
        warnings: ['forced procedure 8.7 (--camunda-version)'],
      }),
      { wide: true },
    );
    expect(text).toContain('operate   FAILED   pod/op:9600   500ms      Failed to take snapshot: repository missing\n');
    expect(text).toContain('\nError: operate: FAILED: Failed to take snapshot\nWarning: forced procedure 8.7 (--camunda-version)\n');
  });

  it("says a part's failure once: in its row, with no Error line repeating it", () => {
    const text = renderSummaryTable(
      aBackupReport({
        state: 'FAILED',
        parts: [{ part: 'webapps', state: 'FAILED', message: 'There were failures with the following snapshots: s_part_1_of_5' }],
        error: { message: 'webapps: There were failures with the following snapshots: s_part_1_of_5', step: 'backup-webapps' },
      }),
      { wide: true },
    );
    expect(text.split('There were failures').length - 1).toBe(1);
    expect(text).not.toContain('Error');
    expect(text).not.toContain('backup-webapps');
  });

  it('the default table cuts a reason (here under the 200-character cell limit) to fit 100 columns, so the footer says it in full, once', () => {
    const message = `There were failures with the following snapshots: ${Array.from({ length: 3 }, (_, i) => `camunda_webapps_1_8.7.0_part_${i + 1}_of_3`).join(', ')}`;
    const text = renderSummaryTable(
      aBackupReport({ state: 'FAILED', parts: [{ part: 'webapps', state: 'FAILED', message }], error: { message: `webapps: ${message}`, step: 'backup-webapps' } }),
      { wide: false },
    );
    expect(text).toContain(`\nError: webapps: ${message}\n`);
    expect(text).toMatch(/\nwebapps +FAILED +- +see Error below\n/);
    expect(text.split(message).length - 1).toBe(1);
    expect(Math.max(...text.split('\n').filter((l) => l.startsWith('webapps')).map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('after a run that did not complete: which parts of the ID it left, and the delete command', () => {
    const deleteCommand = 'kubectl camunda-backup delete 1748937221 --context prod -n camunda --release camunda --access exec';
    const text = renderSummaryTable(
      aBackupReport({
        state: 'INTERRUPTED',
        error: { message: 'interrupted by SIGINT during the zeebe backup', step: 'backup-zeebe' },
        leftBehind: { backupId: 1748937221, parts: [{ part: 'operate', state: 'COMPLETED' }, { part: 'zeebe', state: 'INTERRUPTED' }], deleteCommand },
      }),
      { wide: false },
    );
    expect(text).toContain(
      '\nLeft behind: operate (COMPLETED), zeebe (INTERRUPTED): parts of backup 1748937221, which is not restorable (a part that was still running may finish on its own; it stays unrestorable).\n' +
        `Delete them with: ${deleteCommand}\n`,
    );
    expect(renderSummaryTable(aBackupReport({ state: 'FAILED', leftBehind: { backupId: 5, parts: [] } }), { wide: false })).toContain('Left behind: nothing of backup 5 (no part had started).');
  });

  it('shortens very long messages in the table (the JSON keeps them whole)', () => {
    const text = renderSummaryTable(aBackupReport({ parts: [{ part: 'zeebe', state: 'FAILED', message: 'x'.repeat(500) }] }), { wide: true });
    expect(text).toContain(`${'x'.repeat(199)}…`);
    expect(text).not.toContain('x'.repeat(200));
  });

  it('prints the dry-run plan: every call in order and the skipped parts', () => {
    const text = renderSummaryTable(
      aBackupReport({
        state: 'PLANNED',
        durationMs: 0,
        exporting: { paused: false, resumed: null, pausedMs: null },
        parts: [
          { part: 'operate', state: 'PLANNED', target: 'pod/op:9600' },
          { part: 'optimize', state: 'SKIPPED', message: 'disabled' },
        ],
        plan: [
          { order: 1, step: 'preflight', method: 'GET', path: '/actuator', target: 'pod/op:9600' },
          { order: 2, step: 'backup-operate', method: 'POST', path: '/actuator/backups', target: 'pod/op:9600', body: { backupId: 1 } },
          { order: 3, step: 'backup-operate', method: 'GET', path: '/actuator/backups/1', target: 'pod/op:9600', note: 'repeats until the state is final' },
        ],
      }),
      { wide: true },
    );
    expect(text).toBe(
      [
        'Dry run: backup 1748937221 of release camunda in namespace camunda would make these calls, in order (calls with the same ORDER run concurrently). Nothing was changed.',
        'Camunda 8.7.37 (chart 12.13.3), access port-forward',
        '',
        'ORDER   STEP             METHOD   PATH                  TARGET        NOTE',
        '1       preflight        GET      /actuator             pod/op:9600',
        '2       backup-operate   POST     /actuator/backups     pod/op:9600',
        '3       backup-operate   GET      /actuator/backups/1   pod/op:9600   repeats until the state is final',
        '',
        'skipped: optimize (disabled)',
        '',
      ].join('\n'),
    );
  });

  it('leaves the dry-run plan\'s note whole when its paths are too long to fit 100 columns anyway', () => {
    const path = `/_snapshot/camunda-backup/camunda_zeebe_records_backup_1748937221?wait_for_completion=true`;
    const text = renderSummaryTable(
      aBackupReport({
        state: 'PLANNED',
        exporting: { paused: false, resumed: null, pausedMs: null },
        plan: [
          { order: 1, step: 'backup-zeebe-records', method: 'PUT', path, target: 'http://es:9200', note: 'must end SUCCESS with 0 failed shards' },
          { order: 2, step: 'backup-operate', method: 'GET', path: '/actuator/backups/1', target: 'pod/op:9600', note: 'repeats until the state is final' },
        ],
      }),
      { wide: false },
    );
    expect(text).toMatch(new RegExp(`^1 +backup-zeebe-records +PUT +${path.replace(/[?.]/g, '\\$&')} +must end SUCCESS with 0 failed shards$`, 'm'));
    expect(text).toMatch(/^2 +backup-operate +GET +\/actuator\/backups\/1 +repeats until the state is final$/m);
  });

  it('redacts credentials that a component echoed into a message', () => {
    const text = renderSummaryTable(aBackupReport({ parts: [{ part: 'zeebe-records', state: 'FAILED', message: 'GET http://elastic:s3cr3t@es:9200 failed' }] }), { wide: false });
    expect(text).not.toContain('s3cr3t');
  });
});

describe('describeExporting', () => {
  it.each([
    [{ paused: false, resumed: null, pausedMs: null }, 'Exporting: not paused by this run.'],
    [{ paused: true, resumed: true, pausedMs: 1200 }, 'Exporting: paused for 1.2s, resumed.'],
    [
      { paused: true, resumed: false, pausedMs: 65_000, resumeCommand: 'kubectl camunda-backup resume -n camunda' },
      'Exporting: STILL PAUSED (paused for 1m05s, resume failed). Resume it with: kubectl camunda-backup resume -n camunda',
    ],
  ] as const)('%o → %s', (exporting, expected) => {
    expect(describeExporting(exporting)).toBe(expected);
  });
});
