/** The help epilog of the operating commands, in create's style: kubectl-like examples, then exit codes. */
export function epilog(examples: readonly (readonly [string, string])[], exitCodes: readonly (readonly [string, string])[], note?: string): string {
  return [
    ...(note ? [note, ''] : []),
    'Examples:',
    ...examples.map(([what, command]) => `  # ${what}\n  ${command}\n`),
    'Exit codes:',
    ...exitCodes.map(([code, meaning]) => `  ${code.padEnd(8)} ${meaning}`),
  ].join('\n');
}
