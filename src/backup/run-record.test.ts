import { describe, expect, it } from 'vitest';
import {
  createMayStillRun,
  createOutcomeOf,
  deleteToolCommand,
  endedEntry,
  idsToPrune,
  KEEP_NEWEST,
  MAX_ENTRIES,
  parseRunRecord,
  RUN_END_GRACE_MS,
  runRecordName,
  startedEntry,
  withEntry,
  withoutEntries,
  type RunBook,
  type RunEntry,
} from './run-record.js';

const T0 = Date.parse('2026-12-06T08:00:00Z');
const BY = 'alice@laptop pid 42 (create)';
const start = (backupId: number, extra: { locked?: boolean; timeoutMs?: number } = {}): RunEntry =>
  startedEntry({ backupId, startedMs: T0, by: BY, timeoutMs: extra.timeoutMs ?? 30 * 60_000, locked: extra.locked ?? true });
const book = (entries: RunEntry[], holder: RunBook['holder'] = { kind: 'read' }): RunBook => ({ entries: new Map(entries.map((e) => [e.backupId, e])), holder });

describe('run record content', () => {
  it('is named after the release', () => {
    expect(runRecordName('camunda')).toBe('camunda-backup-camunda-runs');
  });

  it('writes one readable key per backup ID and reads back what it wrote', () => {
    const running = start(1_700_000_500);
    const data = withEntry({}, running);
    expect(Object.keys(data)).toEqual(['backup-1700000500']);
    expect(JSON.parse(data['backup-1700000500']!)).toEqual({ state: 'RUNNING', startedAt: '2026-12-06T08:00:00.000Z', by: BY, deadlineAt: '2026-12-06T08:30:00.000Z' });
    expect(parseRunRecord(data).get(1_700_000_500)).toEqual(running);

    const ended = endedEntry(running, { state: 'INTERRUPTED', reason: 'interrupted by SIGINT during backup-zeebe', leftBehind: ['operate', 'zeebe'] }, T0 + 5_000);
    const after = withEntry(data, ended);
    expect(parseRunRecord(after).get(1_700_000_500)).toEqual({
      backupId: 1_700_000_500,
      state: 'INTERRUPTED',
      startedAt: '2026-12-06T08:00:00.000Z',
      endedAt: '2026-12-06T08:00:05.000Z',
      by: BY,
      reason: 'interrupted by SIGINT during backup-zeebe',
      leftBehind: ['operate', 'zeebe'],
    });
  });

  it('a completed entry carries no reason and no leftovers', () => {
    const ended = endedEntry(start(5), { state: 'COMPLETED', reason: 'ignored', leftBehind: ['zeebe'] }, T0 + 1);
    expect(ended).toEqual({ backupId: 5, state: 'COMPLETED', startedAt: '2026-12-06T08:00:00.000Z', endedAt: '2026-12-06T08:00:00.001Z', by: BY });
  });

  it('skips keys and values it cannot read, and keeps them when it writes', () => {
    const data = { 'backup-7': '{not json', 'other-key': 'x', 'backup-x': '{}', 'backup-8': JSON.stringify({ state: 'WHATEVER', startedAt: 'a' }) };
    expect(parseRunRecord(data).size).toBe(0);
    expect(Object.keys(withEntry(data, start(9)))).toEqual(expect.arrayContaining(['backup-7', 'other-key', 'backup-9']));
  });

  it('delete prunes the IDs it removed', () => {
    const data = withEntry(withEntry({}, start(1)), start(2));
    expect(Object.keys(withoutEntries(data, [1]))).toEqual(['backup-2']);
  });
});

describe('bounded size', () => {
  const completed = (id: number): RunEntry => endedEntry(start(id), { state: 'COMPLETED', leftBehind: [] }, T0);
  const failed = (id: number, leftBehind: string[]): RunEntry => endedEntry(start(id), { state: 'FAILED', reason: 'x', leftBehind }, T0);

  it(`keeps the newest ${KEEP_NEWEST}, and beyond them every unfinished ID that may still have parts`, () => {
    const entries = [
      ...Array.from({ length: KEEP_NEWEST }, (_, i) => completed(1000 + i)),
      completed(10),
      failed(11, ['zeebe']),
      failed(12, []),
      start(13),
    ];
    expect(idsToPrune(entries).sort((a, b) => a - b)).toEqual([10, 12]);
  });

  it(`never holds more than ${MAX_ENTRIES}: the oldest unfinished go last`, () => {
    const entries = Array.from({ length: MAX_ENTRIES + 3 }, (_, i) => failed(i + 1, ['zeebe']));
    expect(idsToPrune(entries)).toEqual([3, 2, 1]);
  });

  it('withEntry applies the bound', () => {
    let data: Record<string, string> = {};
    for (let id = 1; id <= KEEP_NEWEST + 5; id++) data = withEntry(data, completed(id));
    expect(Object.keys(data)).toHaveLength(KEEP_NEWEST);
    expect(data['backup-1']).toBeUndefined();
  });
});

describe('createOutcomeOf', () => {
  const ID = 1_700_000_500;
  const soon = T0 + 60_000;

  it('no entry: undefined (a backup taken before the record existed keeps its verdict)', () => {
    expect(createOutcomeOf(book([]), ID, soon)).toBeUndefined();
    expect(createOutcomeOf(undefined, ID, soon)).toBeUndefined();
  });

  it('an ended entry says how it ended', () => {
    const ended = endedEntry(start(ID), { state: 'TIMED_OUT', reason: 'timed out after 1m (--timeout)', leftBehind: ['zeebe'] }, soon);
    expect(createOutcomeOf(book([ended]), ID, soon)).toMatchObject({ state: 'TIMED_OUT', reason: 'timed out after 1m (--timeout)', leftBehind: ['zeebe'] });
  });

  it('RUNNING while the Lease holder names this ID', () => {
    expect(createOutcomeOf(book([start(ID)], { kind: 'read', backupId: ID, holder: BY }), ID, soon)).toMatchObject({ state: 'RUNNING', reason: expect.stringContaining('still running') });
  });

  it('DID_NOT_FINISH when nobody, or a run on another ID, holds the release (a create killed with SIGKILL)', () => {
    expect(createOutcomeOf(book([start(ID)]), ID, soon)?.state).toBe('DID_NOT_FINISH');
    expect(createOutcomeOf(book([start(ID)], { kind: 'read', backupId: ID + 1, holder: 'bob' }), ID, soon)).toMatchObject({ state: 'DID_NOT_FINISH', reason: expect.stringMatching(/create did not finish: started .* by alice@laptop/) });
  });

  it('RUNNING_UNCONFIRMED when the Lease cannot be read, or the run held none', () => {
    expect(createOutcomeOf(book([start(ID)], { kind: 'unreadable', message: 'leases is forbidden' }), ID, soon)).toMatchObject({ state: 'RUNNING_UNCONFIRMED', reason: expect.stringContaining('leases is forbidden') });
    expect(createOutcomeOf(book([start(ID, { locked: false })]), ID, soon)?.state).toBe('RUNNING_UNCONFIRMED');
  });

  it('past the run deadline and its grace, a RUNNING entry did not finish whatever the Lease says', () => {
    const late = T0 + 30 * 60_000 + RUN_END_GRACE_MS + 1;
    expect(createOutcomeOf(book([start(ID)], { kind: 'unreadable', message: 'forbidden' }), ID, late)?.state).toBe('DID_NOT_FINISH');
    expect(createOutcomeOf(book([start(ID, { locked: false })]), ID, late)?.state).toBe('DID_NOT_FINISH');
    expect(createOutcomeOf(book([start(ID)], { kind: 'unreadable', message: 'forbidden' }), ID, late - 2)?.state).toBe('RUNNING_UNCONFIRMED');
  });

  it('createMayStillRun: no record or a run that may be on it', () => {
    expect(createMayStillRun(undefined)).toBe(true);
    expect(createMayStillRun({ state: 'RUNNING', startedAt: '', by: '' })).toBe(true);
    expect(createMayStillRun({ state: 'RUNNING_UNCONFIRMED', startedAt: '', by: '' })).toBe(true);
    for (const state of ['COMPLETED', 'FAILED', 'INTERRUPTED', 'TIMED_OUT', 'DID_NOT_FINISH'] as const) expect(createMayStillRun({ state, startedAt: '', by: '' })).toBe(false);
  });
});

describe('deleteToolCommand', () => {
  it('carries the run cluster flags, release and access', () => {
    expect(deleteToolCommand({ namespace: 'camunda', release: 'camunda' }, 1_700_000_500, 'exec', { kubeconfig: '/tmp/my config', context: 'prod' })).toBe(
      "kubectl camunda-backup delete 1700000500 --kubeconfig '/tmp/my config' --context prod -n camunda --release camunda --access exec",
    );
  });
});
