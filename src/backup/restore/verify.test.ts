import { describe, expect, it } from 'vitest';
import { partitionHoldsBackup, snapshotProcessedPosition } from './verify.js';

describe('partitionHoldsBackup: a restored broker starts from the backup, an empty one from scratch', () => {
  const expected = { partitionId: 1, snapshotId: '3019-1-3021-3020', checkpointPosition: 3021 };

  it('reads the processed position out of a snapshot ID', () => {
    expect(snapshotProcessedPosition('3019-1-3021-3020')).toBe(3021);
    expect(snapshotProcessedPosition('2-1-3-2-1')).toBe(3);
    expect(snapshotProcessedPosition(null)).toBeUndefined();
    expect(snapshotProcessedPosition('garbage')).toBeUndefined();
  });

  it('holds the backup: the backup snapshot or a later one, or processed up to the checkpoint', () => {
    expect(partitionHoldsBackup({ snapshotId: '3019-1-3021-3020', processedPosition: 3021 }, expected)).toEqual({ ok: true });
    expect(partitionHoldsBackup({ snapshotId: '9000-2-9100-9000', processedPosition: 9200 }, expected)).toEqual({ ok: true });
    expect(partitionHoldsBackup({ snapshotId: null, processedPosition: 3100 }, expected)).toEqual({ ok: true });
  });

  it('started empty: no snapshot and positions from scratch, or an older snapshot than the backup', () => {
    expect(partitionHoldsBackup({ snapshotId: null, processedPosition: -1 }, expected)).toEqual({
      ok: false,
      why: "no snapshot, processed position -1 (the backup has the backup's snapshot 3019-1-3021-3020 and its checkpoint position 3021): it started without the backup's data",
    });
    expect(partitionHoldsBackup({ snapshotId: '10-1-12-11', processedPosition: 40 }, expected).ok).toBe(false);
    expect(partitionHoldsBackup({}, expected).ok).toBe(false);
  });

  it('without the backup details (RDBMS): any snapshot at all, never a partition without one', () => {
    expect(partitionHoldsBackup({ snapshotId: '10-1-12-11', processedPosition: 40 }, { partitionId: 2 })).toEqual({ ok: true });
    expect(partitionHoldsBackup({ snapshotId: null, processedPosition: 40 }, { partitionId: 2 }).ok).toBe(false);
  });
});
