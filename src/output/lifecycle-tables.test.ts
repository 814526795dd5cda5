import { describe, expect, it } from 'vitest';
import type { CheckReport, DeleteReport, ListReport, StatusReport } from '../backup/operate/lifecycle-report.js';
import { TABLE_WIDTH } from './borderless-table.js';
import { renderCheckList } from './check-list.js';
import { renderDeleteTable } from './delete-table.js';
import { renderListTable } from './list-table.js';
import { renderStatusTable } from './status-table.js';

const NOW = Date.parse('2026-11-27T06:00:00Z');
const header = { release: 'camunda', namespace: 'camunda', camundaVersion: '8.7.37', chartVersion: '12.13.3', access: 'port-forward' as const };
const LONG = 'the snapshot repository camunda-backups answered 503 repository_verification_exception with a very long explanation '.repeat(3);

/** The lines of the table itself (from its header row), without the report's header and footer sentences. */
function tableLines(text: string, firstHeader: string): string[] {
  const start = text.indexOf(firstHeader);
  return text.slice(start).split('\n\n')[0]!.split('\n');
}

/** The widest list a 8.7 release gives: five parts, the longest state in each, ten-digit IDs. */
const list: ListReport = {
  schemaVersion: 1,
  command: 'list',
  ...header,
  parts: (['optimize', 'operate', 'tasklist', 'zeebe-records', 'zeebe'] as const).map((part) => ({ part, state: 'LISTED' as const, count: 2 })),
  backups: [
    {
      backupId: 1764215700,
      time: '2026-11-27T03:55:00.000Z',
      verdict: 'IN_PROGRESS',
      restorable: false,
      reasons: [LONG],
      parts: { optimize: 'INCOMPATIBLE', operate: 'IN_PROGRESS', tasklist: 'INCOMPLETE', 'zeebe-records': 'NOT_FOUND', zeebe: 'COMPLETED' },
    },
    {
      backupId: 1763179200,
      time: '2026-11-15T04:00:00.000Z',
      verdict: 'COMPLETE',
      restorable: true,
      reasons: [],
      parts: { optimize: 'COMPLETED', operate: 'COMPLETED', tasklist: 'COMPLETED', 'zeebe-records': 'COMPLETED', zeebe: 'COMPLETED' },
    },
  ],
  total: 2,
  warnings: [],
};

describe('renderListTable', () => {
  it('shows AGE and a column per part, fitting 100 columns, without the time and the reasons', () => {
    const text = renderListTable(list, { wide: false, nowMs: NOW });
    const lines = tableLines(text, 'BACKUP ID');
    expect(lines[0]).toMatch(/^BACKUP ID\s+AGE\s+OPTIMIZE\s+OPERATE\s+TASKLIST\s+ZEEBE-RECORDS\s+ZEEBE\s+RESTORABLE$/);
    expect(lines[1]).toMatch(/^1764215700\s+125m\s+INCOMPATIBLE\s+RUNNING\s+INCOMPLETE\s+-\s+COMPLETED\s+no \(RUNNING\)$/);
    expect(lines[2]).toMatch(/^1763179200\s+12d\s+COMPLETED\s+COMPLETED\s+COMPLETED\s+COMPLETED\s+COMPLETED\s+yes$/);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(TABLE_WIDTH);
    expect(text).not.toContain('2026-11-27T03:55');
  });

  it('adds the time and why a backup is not restorable with -o wide', () => {
    const lines = tableLines(renderListTable(list, { wide: true, nowMs: NOW }), 'BACKUP ID');
    expect(lines[0]).toMatch(/^BACKUP ID\s+TIME\s+AGE\s+OPTIMIZE\s+.*\s+RESTORABLE\s+WHY NOT$/);
    expect(lines[1]).toMatch(/^1764215700\s+2026-11-27T03:55:00.000Z\s+125m\s+.*no \(RUNNING\)\s+the snapshot repository/);
  });
});

const status: StatusReport = {
  schemaVersion: 1,
  command: 'status',
  ...header,
  backupId: 1764215700,
  idTime: '2026-11-27T03:55:00.000Z',
  verdict: 'FAILED',
  restorable: false,
  reasons: ['operate: FAILED'],
  parts: [
    { part: 'operate', state: 'FAILED', target: 'pod/camunda-operate-7c9d8f6b5-x2x4z:9600', startedAt: '2026-11-27T05:58:30.000Z', message: LONG },
    { part: 'zeebe', state: 'COMPLETED', target: 'pod/camunda-zeebe-gateway-6c7b9d4f5-abcde:9600', startedAt: '2026-11-27T05:59:15.000Z' },
    { part: 'optimize', state: 'NOT_FOUND', target: 'pod/camunda-optimize-5d8f:8092' },
  ],
  warnings: [],
};

describe('renderStatusTable', () => {
  it('shows each part with the AGE of its start and the message cut to fit 100 columns; no targets', () => {
    const text = renderStatusTable(status, { wide: false, nowMs: NOW });
    const lines = tableLines(text, 'PART');
    expect(lines[0]).toMatch(/^PART\s+STATE\s+AGE\s+MESSAGE$/);
    expect(lines[1]).toMatch(/^operate\s+FAILED\s+90s\s+the snapshot repository .*…$/);
    expect(lines[2]).toMatch(/^zeebe\s+COMPLETED\s+45s$/);
    expect(lines[3]).toMatch(/^optimize\s+NOT_FOUND\s+-$/);
    expect(Math.max(...lines.map((line) => line.length))).toBe(TABLE_WIDTH);
    expect(text).not.toContain('pod/camunda-operate');
  });

  it('adds the start time and the target with -o wide', () => {
    const lines = tableLines(renderStatusTable(status, { wide: true, nowMs: NOW }), 'PART');
    expect(lines[0]).toMatch(/^PART\s+STATE\s+STARTED\s+AGE\s+TARGET\s+MESSAGE$/);
    expect(lines[2]).toMatch(/^zeebe\s+COMPLETED\s+2026-11-27T05:59:15.000Z\s+45s\s+pod\/camunda-zeebe-gateway-6c7b9d4f5-abcde:9600$/);
  });
});

const deletion: DeleteReport = {
  schemaVersion: 1,
  command: 'delete',
  ...header,
  dryRun: true,
  selection: { keep: 1 },
  state: 'PLANNED',
  backups: [
    {
      backupId: 1763179200,
      time: '2026-11-15T04:00:00.000Z',
      verdict: 'COMPLETE',
      reason: 'older than the newest 1 complete backup(s)',
      parts: [
        { part: 'operate', state: 'PLANNED', target: 'pod/camunda-operate-7c9d8f6b5-x2x4z:9600', message: LONG },
        { part: 'zeebe', state: 'PLANNED', target: 'pod/camunda-zeebe-gateway-6c7b9d4f5-abcde:9600' },
      ],
    },
  ],
  kept: [{ backupId: 1764215700, time: '2026-11-27T03:55:00.000Z', verdict: 'COMPLETE', reason: `the newest complete backup; ${LONG}` }],
  notes: [],
  warnings: [],
};

describe('renderDeleteTable', () => {
  it('shows AGE instead of the time and fits 100 columns; wraps why a backup is kept', () => {
    const text = renderDeleteTable(deletion, { wide: false, nowMs: NOW });
    const lines = tableLines(text, 'BACKUP ID');
    expect(lines[0]).toMatch(/^BACKUP ID\s+AGE\s+VERDICT\s+PART\s+STATE\s+MESSAGE$/);
    expect(lines[1]).toMatch(/^1763179200\s+12d\s+COMPLETE\s+operate\s+PLANNED\s+the snapshot .*…$/);
    const kept = tableLines(text.slice(text.indexOf('Kept:')), 'BACKUP ID');
    expect(kept[0]).toMatch(/^BACKUP ID\s+AGE\s+VERDICT\s+WHY KEPT$/);
    expect(kept[1]).toMatch(/^1764215700\s+125m\s+COMPLETE\s+the newest complete backup;/);
    expect(kept.length).toBeGreaterThan(2);
    expect(Math.max(...[...lines, ...kept].map((line) => line.length))).toBeLessThanOrEqual(TABLE_WIDTH);
  });

  it('adds the time and the target with -o wide', () => {
    const lines = tableLines(renderDeleteTable(deletion, { wide: true, nowMs: NOW }), 'BACKUP ID');
    expect(lines[0]).toMatch(/^BACKUP ID\s+TIME\s+AGE\s+VERDICT\s+PART\s+STATE\s+TARGET\s+MESSAGE$/);
    expect(lines[2]).toMatch(/^\s+zeebe\s+PLANNED\s+pod\/camunda-zeebe-gateway-6c7b9d4f5-abcde:9600$/);
  });
});

const check: CheckReport = {
  schemaVersion: 1,
  command: 'check',
  ...header,
  result: 'WARN',
  summary: { pass: 1, warn: 1, fail: 0, skip: 0 },
  checks: [
    { id: 'rbac', title: 'Access and RBAC', status: 'PASS', message: 'every permission the commands need is granted' },
    { id: 'repository', title: 'Snapshot repository', status: 'WARN', message: LONG, fix: 'register it' },
  ],
  warnings: [],
};

describe('renderCheckList', () => {
  it('wraps a long result within 100 columns, losing nothing', () => {
    const text = renderCheckList(check, { wide: false });
    const lines = tableLines(text, 'STATUS');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(TABLE_WIDTH);
    expect(lines.join(' ').replace(/\s+/g, ' ')).toContain(LONG.trim());
  });

  it('keeps every result on one line with -o wide', () => {
    const lines = tableLines(renderCheckList(check, { wide: true }), 'STATUS');
    expect(lines).toHaveLength(3);
  });
});
