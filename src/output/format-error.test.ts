import { describe, expect, it } from 'vitest';
import { CleanupFailedError, PreconditionError, UsageError } from '../errors.js';
import { formatError } from './format-error.js';

describe('formatError', () => {
  it('prints a CliError as one error line and one hint line, never a stack', () => {
    const error = new PreconditionError('no Camunda release in namespace "camunda"', { hint: 'pass --release or -n' });
    expect(formatError(error, { verbose: false })).toBe('error: no Camunda release in namespace "camunda"\nhint: pass --release or -n\n');
  });

  it('keeps a multi-line message on one line', () => {
    expect(formatError(new UsageError('bad\n  flag'), { verbose: false })).toBe('error: bad flag\n');
  });

  it('shows the cause chain of a CliError only with --verbose, still without a stack for CliErrors', () => {
    const error = new CleanupFailedError('resume failed', { cause: new PreconditionError('cannot reach zeebe', { cause: 'ECONNREFUSED' }) });
    expect(formatError(error, { verbose: false })).toBe('error: resume failed\n');
    expect(formatError(error, { verbose: true })).toBe('error: resume failed\n  caused by: cannot reach zeebe\n  caused by: ECONNREFUSED\n');
  });

  it('calls an unexpected error a bug and shows its stack only with --verbose', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'pod')");
    const quiet = formatError(bug, { verbose: false });
    expect(quiet).toBe("error: Cannot read properties of undefined (reading 'pod')\nhint: this is unexpected; run again with -v 6 for details and report it as a bug\n");
    expect(quiet).not.toContain(' at ');
    expect(formatError(bug, { verbose: true })).toMatch(/TypeError: Cannot read properties[\s\S]*\n\s+at /);
  });

  it('formats thrown non-errors', () => {
    expect(formatError('boom', { verbose: false })).toMatch(/^error: boom\n/);
  });

  it('redacts tokens in messages and hints', () => {
    const text = formatError(new PreconditionError('GET failed: Authorization: Bearer eyJhbGciOi.eyJzdWIiOi.sig', { hint: 'password=hunter2' }), { verbose: true });
    expect(text).not.toMatch(/eyJhbGciOi|hunter2/);
  });
});
