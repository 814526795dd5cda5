/** Exit codes are part of the CLI contract (README "Exit codes"); scripts and runbooks branch on them. */
export const ExitCode = {
  Ok: 0,
  Internal: 1,
  Usage: 2,
  Precondition: 3,
  BackupFailed: 4,
  CleanupFailed: 5,
  Interrupted: 130,
  Terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface CliErrorOptions {
  readonly hint?: string | undefined;
  readonly cause?: unknown;
}

/** An expected failure: it carries the exit code and a hint, and is shown without a stack trace. */
export abstract class CliError extends Error {
  abstract readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Bad flags, IDs or names: nothing was changed. */
export class UsageError extends CliError {
  override readonly exitCode = ExitCode.Usage;
}

/** The environment is not as needed (no release, no access, component unreachable): nothing was changed. */
export class PreconditionError extends CliError {
  override readonly exitCode = ExitCode.Precondition;
}

/** The operation ran and failed; anything the tool paused has been resumed. */
export class BackupFailedError extends CliError {
  override readonly exitCode = ExitCode.BackupFailed;
}

/** Undoing a change failed: exporting may still be paused. Needs a human. */
export class CleanupFailedError extends CliError {
  override readonly exitCode = ExitCode.CleanupFailed;
}

/** Stopped by SIGINT or SIGTERM after cleanup ran. */
export class InterruptedError extends CliError {
  override readonly exitCode: ExitCode;
  constructor(signal: 'SIGINT' | 'SIGTERM', options: CliErrorOptions = {}) {
    super(`interrupted by ${signal}`, options);
    this.exitCode = signal === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted;
  }
}

export function exitCodeFor(error: unknown): ExitCode {
  return error instanceof CliError ? error.exitCode : ExitCode.Internal;
}

/** The message of anything thrown, without assuming it is an Error. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
