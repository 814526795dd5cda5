import { describe, expect, it } from 'vitest';
import { newBackupId, parseBackupId } from './backup-id.js';
import { ExitCode, UsageError } from '../errors.js';

describe('backup ids', () => {
  it('defaults to unix seconds', () => {
    expect(newBackupId(1_748_937_221_999)).toBe(1_748_937_221);
  });

  it.each([['42', 42], [' 1748937221 ', 1748937221], ['9007199254740991', Number.MAX_SAFE_INTEGER]])('accepts %j', (text, id) => {
    expect(parseBackupId(text)).toBe(id);
  });

  it.each(['0', '-1', '1.5', 'abc', '', '1e9', '0x10', '9007199254740992'])('refuses %j with a one-line usage error', (text) => {
    const error = (() => {
      try {
        parseBackupId(text);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.Usage);
    expect((error as UsageError).message).not.toContain('\n');
    expect((error as UsageError).message).toContain(JSON.stringify(text).slice(1, -1));
  });
});
