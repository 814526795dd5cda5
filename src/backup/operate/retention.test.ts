import { describe, expect, it } from 'vitest';
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
    const candidates = [failed(daysAgo(40)), complete(daysAgo(45)), complete(daysAgo(50))];
    const result = selectForRetention(candidates, { olderThanMs: 30 * DAY, nowMs: NOW });
    // the newest complete backup (45 days) stays although it is old
    expect(deleted(result)).toEqual([daysAgo(40), daysAgo(50)]);
    expect(result.decisions.find((d) => d.backupId === daysAgo(45))?.reason).toMatch(/newest complete backup/);
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
