import { describe, expect, it } from 'vitest';
import { parseVerbosity, verbosityOfArgv } from './global-options.js';

describe('verbosityOfArgv', () => {
  it.each([
    [['create'], 0],
    [['create', '-v', '4'], 4],
    [['create', '-v=6'], 6],
    [['create', '-v6'], 6],
    [['create', '--v=8'], 8],
    [['create', '--v', '2'], 2],
    [['-n', 'camunda', 'create', '-v', '4'], 4],
    [['create', '--verbose'], 6],
    [['create', '--verbose=true'], 6],
    [['create', '--verbose', '--no-verbose'], 0],
    [['create', '-v', 'x'], 0],
    [['create', '-v'], 0],
    [['create', '-v', '4', '-v', '6'], 6],
    [['create', '--', '-v', '6'], 0],
    [['create', '--exec-pod', 'dev'], 0],
  ])('%j → %s', (argv, level) => {
    expect(verbosityOfArgv(argv)).toBe(level);
  });
});

describe('parseVerbosity', () => {
  it.each([
    ['0', 0],
    ['4', 4],
    [' 6 ', 6],
    ['10', 10],
    ['-1', undefined],
    ['4.5', undefined],
    ['high', undefined],
    ['', undefined],
    ['1748937221', undefined],
  ])('%j → %s', (text, level) => {
    expect(parseVerbosity(text)).toBe(level);
  });
});
