import type { BackupReport } from '../../../src/backup/take/report.js';

/** A completed 8.7 backup as the runner reports it; override what a test is about. */
export function aBackupReport(overrides: Partial<BackupReport> = {}): BackupReport {
  return {
    schemaVersion: 1,
    command: 'create',
    backupId: 1748937221,
    release: 'camunda',
    namespace: 'camunda',
    camundaVersion: '8.7.37',
    chartVersion: '12.13.3',
    access: 'port-forward',
    state: 'COMPLETED',
    startedAt: '2026-11-27T06:00:00.000Z',
    durationMs: 72_400,
    parts: [
      { part: 'optimize', state: 'COMPLETED', target: 'pod/camunda-optimize-5d8f:8092', startedAt: '2026-11-27T06:00:01.000Z', durationMs: 12_100 },
      { part: 'operate', state: 'COMPLETED', target: 'pod/camunda-operate-7d9f:9600', durationMs: 9_800, details: { snapshots: ['camunda_operate_1748937221_8.7.37_part_1_of_6'] } },
      { part: 'tasklist', state: 'SKIPPED', message: 'disabled in the Helm values (tasklist.enabled: false)' },
      { part: 'zeebe-records', state: 'COMPLETED', target: 'http://camunda-elasticsearch:9200', durationMs: 2_300 },
      { part: 'zeebe', state: 'COMPLETED', target: 'pod/camunda-zeebe-gateway-6c7b:9600', durationMs: 4_100, details: { partitions: 3 } },
    ],
    exporting: { paused: true, resumed: true, pausedMs: 6_900 },
    warnings: [],
    ...overrides,
  };
}
