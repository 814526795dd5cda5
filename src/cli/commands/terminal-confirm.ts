/** Confirmation on the terminal for delete: a y/N question on stderr, the answer from stdin. */
import { createInterface } from 'node:readline/promises';
import { UsageError } from '../../errors.js';
import type { ConfirmIo } from './lifecycle-run.js';

export function terminalConfirm(): ConfirmIo {
  return {
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
    async confirm(question, signal) {
      const readline = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await readline.question(question, signal ? { signal } : {})).trim());
      } catch (error) {
        // A signal from outside (SIGTERM, the terminal closed): the caller reports the interrupt.
        if (signal?.aborted) throw signal.reason;
        // Ctrl-C or Ctrl-D at the prompt (readline rejects with "Aborted with Ctrl+D"), or stdin closed: no answer.
        throw new UsageError(`no answer at the prompt (${noAnswerKey(error)}): nothing was deleted`, {
          hint: 'answer y to delete, or pass --yes; --dry-run shows what would be deleted',
        });
      } finally {
        readline.close();
      }
    },
  };
}

function noAnswerKey(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (/ctrl\+c/i.test(message)) return 'Ctrl-C';
  if (/ctrl\+d/i.test(message)) return 'Ctrl-D';
  return 'input closed';
}
