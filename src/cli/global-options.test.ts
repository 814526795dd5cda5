import { describe, expect, it } from 'vitest';
import { isVerboseArgv } from './global-options.js';

describe('isVerboseArgv', () => {
  it.each([
    [['create', '-v'], true],
    [['create', '--verbose'], true],
    [['create', '--verbose=true'], true],
    [['-n', 'camunda', 'create', '-v'], true],
    [['create', '--no-verbose'], false],
    [['create', '--verbose=false'], false],
    [['create', '--', '-v'], false],
    [['create', '--exec-pod', 'dev'], false],
  ])('%j → %s', (argv, verbose) => {
    expect(isVerboseArgv(argv)).toBe(verbose);
  });
});
