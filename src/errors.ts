import { constants } from 'node:os';

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
/** The named codes, or 128 + a signal's number for a run stopped by a signal (see signalExitCode). */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode] | number;

/**
 * 128 + the signal's number on this OS, as a shell reports a process killed by it (SIGHUP 129, SIGINT 130,
 * SIGQUIT 131, SIGTERM 143; SIGUSR2 is 140 on Linux, 159 on macOS). 130 for a name the OS does not know.
 */
export function signalExitCode(signal: string): number {
  const number = (constants.signals as Readonly<Record<string, number | undefined>>)[signal];
  return number === undefined ? ExitCode.Interrupted : 128 + number;
}

/** Whether an abort reason is a signal name ('SIGINT', 'SIGHUP', …): the run was interrupted, not timed out. */
export function isSignalName(reason: unknown): reason is string {
  return typeof reason === 'string' && /^SIG[A-Z0-9]+$/.test(reason);
}

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

export interface UsageErrorOptions extends CliErrorOptions {
  /** The command whose --help explains the usage ('' for the tool itself); printed as kubectl does. */
  readonly usage?: string | undefined;
}

/** Bad flags, IDs or names: nothing was changed. */
export class UsageError extends CliError {
  override readonly exitCode = ExitCode.Usage;
  readonly usage: string | undefined;
  constructor(message: string, options: UsageErrorOptions = {}) {
    super(message, options);
    this.usage = options.usage;
  }
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

/** Stopped by a signal (SIGINT, SIGTERM, SIGHUP, …) after cleanup ran; exits 128 + the signal's number. */
export class InterruptedError extends CliError {
  override readonly exitCode: ExitCode;
  readonly signal: string;
  constructor(signal: string, options: CliErrorOptions = {}) {
    super(`interrupted by ${signal}`, options);
    this.signal = signal;
    this.exitCode = signalExitCode(signal);
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
