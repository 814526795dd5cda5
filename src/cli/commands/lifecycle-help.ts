import { TOOL } from '../../output/format-error.js';

/** The last line of every command's help: the global flags are listed once, by `options` (kubectl's habit). */
export const GLOBAL_OPTIONS_LINE = `Use '${TOOL} options' for a list of global command-line options (applies to all commands).`;

/** The help epilog of the operating commands, in create's style: kubectl-like examples, then exit codes. */
export function epilog(examples: readonly (readonly [string, string])[], exitCodes: readonly (readonly [string, string])[], note?: string): string {
  return [
    ...(note ? [note, ''] : []),
    'Examples:',
    ...examples.map(([what, command]) => `  # ${what}\n  ${command}\n`),
    'Exit codes:',
    ...exitCodes.map(([code, meaning]) => `  ${code.padEnd(8)} ${meaning}`),
    '',
    GLOBAL_OPTIONS_LINE,
  ].join('\n');
}
