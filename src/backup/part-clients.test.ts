import { describe, expect, it } from 'vitest';
import { observeSnapshot, observeWebappBackup, observeZeebeBackup, parseComponentTime } from './part-clients.js';

describe('observations', () => {
  it('reads the web apps\' +0000 and Zeebe\'s nanosecond timestamps', () => {
    expect(parseComponentTime('2025-06-03T07:55:15.685+0000')).toBe(Date.parse('2025-06-03T07:55:15.685Z'));
    expect(parseComponentTime('2025-06-03T08:06:06.246997293Z')).toBe(Date.parse('2025-06-03T08:06:06.246Z'));
    expect(parseComponentTime('garbage')).toBeUndefined();
  });

  it('web-app backups keep their failure reason and snapshot names', () => {
    const observed = observeWebappBackup({
      backupId: 5,
      state: 'FAILED',
      failureReason: 'There were failures with the following snapshots: camunda_operate_5_part_1',
      details: [{ snapshotName: 'camunda_operate_5_part_1', state: 'FAILED', startTime: '2025-06-03T07:55:15.685+0000', failures: ['disk'] }],
    });
    expect(observed).toMatchObject({ state: 'FAILED', message: expect.stringContaining('failures'), startedMs: Date.parse('2025-06-03T07:55:15.685Z') });
  });

  it('Zeebe: DOES_NOT_EXIST is NOT_FOUND; partition reasons and missing partitions explain the state', () => {
    expect(observeZeebeBackup({ backupId: 5, state: 'DOES_NOT_EXIST', details: [] }).state).toBe('NOT_FOUND');
    const incomplete = observeZeebeBackup({
      backupId: 5,
      state: 'INCOMPLETE',
      details: [
        { partitionId: 1, state: 'COMPLETED' },
        { partitionId: 2, state: 'DOES_NOT_EXIST' },
      ],
    });
    expect(incomplete).toMatchObject({ state: 'INCOMPLETE', message: 'no backup on partition(s) 2' });
    const failed = observeZeebeBackup({ backupId: 5, state: 'FAILED', details: [{ partitionId: 3, state: 'FAILED', failureReason: 'S3 down' }] });
    expect(failed.message).toBe('partition 3: S3 down');
  });

  it('snapshots: SUCCESS without failed shards completes; PARTIAL or failed shards fail', () => {
    expect(observeSnapshot({ snapshot: 's', state: 'SUCCESS', shards: { total: 2, failed: 0 } }, 'r').state).toBe('COMPLETED');
    expect(observeSnapshot({ snapshot: 's', state: 'SUCCESS', shards: { total: 2, failed: 1 } }, 'r').state).toBe('FAILED');
    expect(observeSnapshot({ snapshot: 's', state: 'PARTIAL' }, 'r')).toMatchObject({ state: 'FAILED', message: expect.stringContaining('PARTIAL') });
    expect(observeSnapshot({ snapshot: 's', state: 'IN_PROGRESS' }, 'r').state).toBe('IN_PROGRESS');
    expect(observeSnapshot({ snapshot: 's', state: 'INCOMPATIBLE' }, 'r').state).toBe('INCOMPATIBLE');
  });
});
