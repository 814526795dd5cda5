import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { DEFAULT_HEARTBEAT_MS } from '../output/reporter.js';
import { heartbeatMsOf } from './progress-reporter.js';

describe('heartbeatMsOf (CAMUNDA_BACKUP_HEARTBEAT)', () => {
  it.each([
    [undefined, DEFAULT_HEARTBEAT_MS],
    ['', DEFAULT_HEARTBEAT_MS],
    ['0', 0],
    ['500ms', 500],
    ['1m', 60_000],
  ])('%j → %i ms', (value, ms) => {
    expect(heartbeatMsOf(value)).toBe(ms);
  });

  it('refuses a value that is no duration with a usage error (exit 2) naming the variable', () => {
    expect(() => heartbeatMsOf('often')).toThrow(UsageError);
    expect(() => heartbeatMsOf('often')).toThrow('CAMUNDA_BACKUP_HEARTBEAT="often" is not a duration');
  });
});
