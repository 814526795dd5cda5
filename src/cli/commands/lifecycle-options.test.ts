import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global-options.js';
import { parseAgeMs, parseCheckOptions, parseDeleteOptions, parseListOptions, parseResumeOptions, parseStatusOptions, type DeleteArgs } from './lifecycle-options.js';

const globals: GlobalArgs = { output: 'text', verbose: false, quiet: false, color: true, access: 'port-forward' };
const deleteArgs = (overrides: Partial<DeleteArgs>): DeleteArgs => ({ ...globals, 'dry-run': false, yes: false, ...overrides });

describe('parseAgeMs', () => {
  it.each([
    ['30d', 30 * 86_400_000],
    ['2w', 14 * 86_400_000],
    ['1d12h', 36 * 3_600_000],
    ['36h', 36 * 3_600_000],
    ['90m', 90 * 60_000],
  ])('%s', (text, ms) => expect(parseAgeMs(text)).toBe(ms));

  it.each([['30'], ['d'], ['30 days'], ['-1d'], ['']])('rejects %j', (text) => expect(parseAgeMs(text)).toBeUndefined());
});

describe('flags', () => {
  it('resume: --resume-timeout defaults to 5m, takes a duration between 1s and 1h', () => {
    expect(parseResumeOptions(globals).resumeTimeoutMs).toBe(300_000);
    expect(parseResumeOptions({ ...globals, 'resume-timeout': '90s' }).resumeTimeoutMs).toBe(90_000);
    expect(() => parseResumeOptions({ ...globals, 'resume-timeout': '10' })).toThrow(/--resume-timeout: "10" is not a duration/);
    expect(() => parseResumeOptions({ ...globals, 'resume-timeout': '2h' })).toThrow(UsageError);
    expect(() => parseResumeOptions({ ...globals, 'resume-timeout': '0s' })).toThrow(/between 1s and 1h/);
  });

  it('status: a non-numeric ID is a usage error naming it', () => {
    expect(() => parseStatusOptions({ ...globals, backupId: 'latest' })).toThrow(UsageError);
    expect(() => parseStatusOptions({ ...globals, backupId: 'latest' })).toThrow(/invalid backup ID "latest"/);
    expect(parseStatusOptions({ ...globals, backupId: '1748937221' }).backupId).toBe(1_748_937_221);
  });

  it('list: --limit must be at least 1', () => {
    expect(() => parseListOptions({ ...globals, limit: '0' })).toThrow(/--limit/);
    expect(parseListOptions({ ...globals, limit: '5' }).limit).toBe(5);
  });

  it('delete: --keep 0 is refused with the rule in the message', () => {
    expect(() => parseDeleteOptions(deleteArgs({ keep: '0' }))).toThrow(/--keep: "0" is not a whole number of at least 1/);
  });

  it('delete: IDs and retention do not mix; something must be chosen', () => {
    expect(() => parseDeleteOptions(deleteArgs({ backupIds: ['1'], keep: '3' }))).toThrow(/not both/);
    expect(() => parseDeleteOptions(deleteArgs({}))).toThrow(/say what to delete/);
    expect(() => parseDeleteOptions(deleteArgs({ backupIds: ['1', 'x'] }))).toThrow(/invalid backup ID "x"/);
  });

  it('delete: retention options are read', () => {
    expect(parseDeleteOptions(deleteArgs({ keep: '3', 'older-than': '30d', 'dry-run': true }))).toMatchObject({
      ids: [],
      keep: 3,
      olderThanMs: 30 * 86_400_000,
      olderThanText: '30d',
      dryRun: true,
    });
    expect(() => parseDeleteOptions(deleteArgs({ 'older-than': 'soon' }))).toThrow(/--older-than: "soon" is not a duration/);
  });

  it('check: --max-age', () => {
    expect(parseCheckOptions({ ...globals, 'max-age': '7d' }).maxBackupAgeMs).toBe(7 * 86_400_000);
    expect(() => parseCheckOptions({ ...globals, 'max-age': '7' })).toThrow(UsageError);
  });
});
