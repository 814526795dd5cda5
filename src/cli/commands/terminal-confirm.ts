/** Confirmation on the terminal for delete: a y/N question on stderr, the answer from stdin. */
import { createInterface } from 'node:readline/promises';
import type { ConfirmIo } from './lifecycle-run.js';

export function terminalConfirm(): ConfirmIo {
  return {
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
    async confirm(question) {
      const readline = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await readline.question(question)).trim());
      } finally {
        readline.close();
      }
    },
  };
}
