import { CliError, UsageError, messageOf } from '../errors.js';
import { redactSecrets } from './redact.js';

export interface FormatErrorOptions {
  /** Adds the cause chain and, for unexpected errors, the stack (-v 6). */
  readonly verbose: boolean;
}

/** The tool's name as a person types it. */
export const TOOL = 'kubectl camunda-backup';

/** kubectl's pointer under a usage error: `See 'kubectl camunda-backup create --help' for usage.` */
export function usageLine(command: string): string {
  return `See '${[TOOL, command, '--help'].filter(Boolean).join(' ')}' for usage.`;
}

/**
 * The stderr text for an error that ended the command: `error: <message>` and `hint: <hint>`, one line each, and
 * for a usage error kubectl's pointer to the command's help. Expected failures (CliError) never show a stack;
 * anything else is a bug and shows one only with -v 6.
 */
export function formatError(error: unknown, options: FormatErrorOptions): string {
  const lines = [`error: ${oneLine(messageOf(error))}`];
  if (error instanceof CliError) {
    if (error.hint) lines.push(`hint: ${oneLine(error.hint)}`);
    if (error instanceof UsageError && error.usage !== undefined) lines.push(usageLine(error.usage));
    if (options.verbose) lines.push(...causeLines(error.cause, options));
  } else if (options.verbose) {
    if (error instanceof Error && error.stack) lines.push(error.stack);
    lines.push(...causeLines(error instanceof Error ? error.cause : undefined, options));
  } else {
    lines.push('hint: this is unexpected; run again with -v 6 for details and report it as a bug');
  }
  return `${lines.map(redactSecrets).join('\n')}\n`;
}

function causeLines(cause: unknown, options: FormatErrorOptions, depth = 0): string[] {
  if (cause === undefined || cause === null || depth >= 5) return [];
  const line = `  caused by: ${oneLine(messageOf(cause))}`;
  const stack = options.verbose && cause instanceof Error && !(cause instanceof CliError) && cause.stack ? [indent(cause.stack)] : [];
  return [line, ...stack, ...causeLines(cause instanceof Error ? cause.cause : undefined, options, depth + 1)];
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function indent(text: string): string {
  return text.split('\n').map((line) => `    ${line}`).join('\n');
}
