import { describe, expect, it } from 'vitest';
import type { CreateOutcome } from '../run-record.js';
import { backupIdTime, selectForRetention, type RetentionCandidate } from './retention.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-27T00:00:00Z');
const daysAgo = (days: number): number => Math.floor((NOW - days * DAY) / 1000);

const complete = (backupId: number): RetentionCandidate => ({ backupId, restorable: true, verdict: 'COMPLETE' });
const failed = (backupId: number): RetentionCandidate => ({ backupId, restorable: false, verdict: 'FAILED' });
const running = (backupId: number): RetentionCandidate => ({ backupId, restorable: false, verdict: 'IN_PROGRESS' });

const deleted = (result: ReturnType<typeof selectForRetention>): number[] => result.decisions.filter((d) => d.action === 'delete').map((d) => d.backupId);

describe('backupIdTime', () => {
  it('reads IDs as unix seconds, huge ones as milliseconds, small ones as no timestamp', () => {
    expect(backupIdTime(1_748_937_221)).toEqual({ ms: 1_748_937_221_000, unit: 'seconds' });
    expect(backupIdTime(1_767_225_600_123)).toEqual({ ms: 1_767_225_600_123, unit: 'milliseconds' });
    expect(backupIdTime(42)).toBeUndefined();
  });
});

describe('selectForRetention --keep', () => {
  it('keeps the N newest complete backups and deletes everything older than the N-th, whatever its state', () => {
    const candidates = [complete(daysAgo(1)), failed(daysAgo(2)), complete(daysAgo(3)), complete(daysAgo(4)), failed(daysAgo(5)), complete(daysAgo(6))];
    const result = selectForRetention(candidates, { keep: 2, nowMs: NOW });
    expect(deleted(result)).toEqual([daysAgo(4), daysAgo(5), daysAgo(6)]);
    const kept = result.decisions.filter((d) => d.action === 'keep');
    expect(kept.map((d) => d.backupId)).toEqual([daysAgo(1), daysAgo(2), daysAgo(3)]);
    expect(kept[1]?.reason).toMatch(/newer than the 2nd newest complete backup/);
  });

  it('keeps failed and running backups that are newer than the N-th complete one', () => {
    const candidates = [running(daysAgo(0)), failed(daysAgo(1)), complete(daysAgo(2)), complete(daysAgo(3))];
    expect(deleted(selectForRetention(candidates, { keep: 1, nowMs: NOW }))).toEqual([daysAgo(3)]);
  });

  it('deletes nothing with fewer complete backups than N, and says why', () => {
    const result = selectForRetention([complete(daysAgo(1)), failed(daysAgo(2)), failed(daysAgo(3))], { keep: 3, nowMs: NOW });
    expect(deleted(result)).toEqual([]);
    expect(result.notes.join(' ')).toMatch(/only 1 complete backup\(s\) exist, fewer than --keep 3/);
  });

  it('deletes nothing when no backup is complete (there is no boundary)', () => {
    expect(deleted(selectForRetention([failed(daysAgo(1)), failed(daysAgo(20))], { keep: 1, nowMs: NOW }))).toEqual([]);
  });

  it('rejects keep below 1 (the CLI turns --keep 0 into exit 2 before this)', () => {
    expect(() => selectForRetention([complete(1)], { keep: 0, nowMs: NOW })).toThrow(/positive integer/);
  });
});

describe('selectForRetention --older-than', () => {
  it('deletes backups older than the age but never the newest complete one', () => {
    const candidates = [complete(daysAgo(40)), failed(daysAgo(45)), complete(daysAgo(50))];
    const result = selectForRetention(candidates, { olderThanMs: 30 * DAY, nowMs: NOW });
    // the newest complete backup (40 days) stays although it is old
    expect(deleted(result)).toEqual([daysAgo(45), daysAgo(50)]);
    expect(result.decisions.find((d) => d.backupId === daysAgo(40))?.reason).toMatch(/newest complete backup/);
  });

  it('keeps what is newer than the newest complete backup and not complete (a create may be taking it), as --keep does', () => {
    // create --backup-id with an old timestamp: the running backup looks 35 days old, but Zeebe IDs only grow.
    const candidates = [failed(daysAgo(35)), complete(daysAgo(40)), failed(daysAgo(45))];
    const result = selectForRetention(candidates, { olderThanMs: 30 * DAY, nowMs: NOW });
    expect(deleted(result)).toEqual([daysAgo(45)]);
    expect(result.decisions.find((d) => d.backupId === daysAgo(35))?.reason).toMatch(/newer than the newest complete backup .*may still be running/);
    const keep = selectForRetention(candidates, { keep: 1, nowMs: NOW });
    expect(deleted(keep)).toEqual([daysAgo(45)]);
  });

  it('with no complete backup at all, --older-than deletes nothing (like --keep with too few complete backups)', () => {
    const result = selectForRetention([failed(daysAgo(35)), failed(daysAgo(45))], { olderThanMs: 30 * DAY, nowMs: NOW });
    expect(deleted(result)).toEqual([]);
    expect(result.decisions.map((d) => d.reason).join(' ')).toMatch(/no complete backup exists/);
  });

  it('keeps recent backups', () => {
    const result = selectForRetention([complete(daysAgo(1)), failed(daysAgo(2)), complete(daysAgo(40))], { olderThanMs: 30 * DAY, nowMs: NOW });
    expect(deleted(result)).toEqual([daysAgo(40)]);
  });

  it('reads millisecond IDs as milliseconds and explains it', () => {
    const msOld = (NOW - 40 * DAY) + 123;
    const msNew = (NOW - 1 * DAY) + 456;
    const result = selectForRetention([complete(msNew), complete(msOld)], { olderThanMs: 30 * DAY, nowMs: NOW });
    expect(deleted(result)).toEqual([msOld]);
    expect(result.notes.join(' ')).toMatch(/look like unix milliseconds/);
  });

  it('keeps IDs that are not timestamps and says so', () => {
    const result = selectForRetention([complete(5), complete(3), failed(2)], { olderThanMs: DAY, nowMs: NOW });
    expect(deleted(result)).toEqual([]);
    expect(result.notes.join(' ')).toMatch(/not unix timestamps/);
  });
});

describe('selectForRetention with both rules', () => {
  it('deletes only what both rules choose', () => {
    const candidates = [complete(daysAgo(1)), complete(daysAgo(2)), complete(daysAgo(3)), complete(daysAgo(40)), complete(daysAgo(50))];
    // keep 2 alone would delete 3, 40, 50; older-than 30d alone would delete 40, 50
    expect(deleted(selectForRetention(candidates, { keep: 2, olderThanMs: 30 * DAY, nowMs: NOW }))).toEqual([daysAgo(40), daysAgo(50)]);
  });
});

describe('selectForRetention with the create run record', () => {
  const outcome = (state: CreateOutcome['state']): CreateOutcome => ({ state, startedAt: '2026-11-01T00:00:00.000Z', by: 'alice' });
  const leftover = (backupId: number, state: CreateOutcome['state'] = 'INTERRUPTED'): RetentionCandidate => ({ backupId, restorable: false, verdict: 'INCOMPLETE', createOutcome: outcome(state) });

  it('an ID whose create did not complete is never counted as a kept complete backup', () => {
    // Its parts all say COMPLETED, but the verdict (verdict.ts) made it INCOMPLETE: --keep 1 keeps the older good one.
    const result = selectForRetention([leftover(daysAgo(1)), complete(daysAgo(2)), complete(daysAgo(3))], { keep: 1, nowMs: NOW });
    expect(result.decisions.find((d) => d.backupId === daysAgo(2))?.reason).toMatch(/newest complete backup/);
    expect(deleted(result)).toEqual([daysAgo(3)]);
    expect(result.decisions.find((d) => d.backupId === daysAgo(1))?.reason).toMatch(/INCOMPLETE: its create did not complete/);
  });

  it('--older-than deletes an ended run\'s leftovers by age, even newer than the newest complete backup (no create is on them)', () => {
    const candidates = [leftover(daysAgo(40)), leftover(daysAgo(45), 'DID_NOT_FINISH'), complete(daysAgo(50)), leftover(daysAgo(2))];
    expect(deleted(selectForRetention(candidates, { olderThanMs: 30 * DAY, nowMs: NOW }))).toEqual([daysAgo(40), daysAgo(45)]);
  });

  it('--older-than still keeps a not-complete ID without a record that is newer than the newest complete one (may be running)', () => {
    expect(deleted(selectForRetention([running(daysAgo(40)), complete(daysAgo(50))], { olderThanMs: 30 * DAY, nowMs: NOW }))).toEqual([]);
  });

  it.each(['RUNNING', 'RUNNING_UNCONFIRMED'] as const)('%s newer than the newest complete backup: kept as a running create, as without a record', (state) => {
    const result = selectForRetention([{ ...leftover(daysAgo(40), state), verdict: 'IN_PROGRESS' as const }, complete(daysAgo(50))], { olderThanMs: 30 * DAY, nowMs: NOW });
    expect(deleted(result)).toEqual([]);
    expect(result.decisions[0]?.reason).toMatch(/newer than the newest complete backup .*\(IN_PROGRESS; may still be running\)/);
  });

  it.each(['RUNNING', 'RUNNING_UNCONFIRMED'] as const)('%s: kept whatever the rules say', (state) => {
    const candidates = [complete(daysAgo(1)), complete(daysAgo(2)), { ...leftover(daysAgo(40), state), verdict: 'IN_PROGRESS' as const }];
    const result = selectForRetention(candidates, { keep: 1, olderThanMs: 30 * DAY, nowMs: NOW });
    expect(deleted(result)).toEqual([]);
    expect(result.decisions.at(-1)?.reason).toBe(`its create may still be running (${state})`);
  });
});
