import { describe, expect, it } from 'vitest';
import type { WebappBackup } from '../../camunda/responses.js';
import { describeWebapp } from './component-backup-step.js';

const snapshot = (n: number, of: number, state: string) => ({ snapshotName: `camunda_operate_7_8.7.3_part_${n}_of_${of}`, state });
const backup = (state: WebappBackup['state'], details: WebappBackup['details']): WebappBackup => ({ backupId: 7, state, failureReason: null, details });

describe('describeWebapp', () => {
  it('takes the total from the snapshot names, so it stays the same while the parts start one by one', () => {
    const polls = [
      backup('IN_PROGRESS', [snapshot(1, 6, 'IN_PROGRESS')]),
      backup('IN_PROGRESS', [snapshot(1, 6, 'SUCCESS'), snapshot(2, 6, 'IN_PROGRESS')]),
      backup('IN_PROGRESS', [snapshot(1, 6, 'SUCCESS'), snapshot(2, 6, 'SUCCESS'), snapshot(3, 6, 'IN_PROGRESS')]),
    ];
    expect(polls.map((poll) => describeWebapp(poll))).toEqual(['IN_PROGRESS (0 of 6 snapshots done)', 'IN_PROGRESS (1 of 6 snapshots done)', 'IN_PROGRESS (2 of 6 snapshots done)']);
  });

  it('knows the total from the POST answer before any snapshot is listed', () => {
    const scheduled = [1, 2, 3, 4, 5].map((n) => `camunda_webapps_7_8.8.0_part_${n}_of_5`);
    expect(describeWebapp(backup('IN_PROGRESS', []), scheduled)).toBe('IN_PROGRESS (0 of 5 snapshots done)');
  });

  it('names no total it cannot know (snapshot names without a count, no POST answer)', () => {
    expect(describeWebapp(backup('IN_PROGRESS', [{ snapshotName: 'a', state: 'SUCCESS' }, { snapshotName: 'b', state: 'IN_PROGRESS' }]))).toBe('IN_PROGRESS (1 snapshot done)');
    expect(describeWebapp(backup('IN_PROGRESS', null))).toBe('IN_PROGRESS');
  });
});
