import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { InterruptedError, isSignalName, signalExitCode } from './errors.js';

describe('signal exit codes', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2'] as const)('%s → 128 + its number on this OS', (signal) => {
    expect(signalExitCode(signal)).toBe(128 + constants.signals[signal]);
    expect(new InterruptedError(signal).exitCode).toBe(128 + constants.signals[signal]);
  });

  it('keeps the familiar codes: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP', () => {
    expect([signalExitCode('SIGINT'), signalExitCode('SIGTERM'), signalExitCode('SIGHUP')]).toEqual([130, 143, 129]);
  });

  it('a name the OS does not know is 130, and only signal names count as interrupts', () => {
    expect(signalExitCode('SIGNOPE')).toBe(130);
    expect(isSignalName('SIGHUP')).toBe(true);
    expect(isSignalName(new Error('timed out after 2s (--timeout)'))).toBe(false);
    expect(isSignalName('timeout')).toBe(false);
  });
});
