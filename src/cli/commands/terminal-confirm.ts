/** Questions on the terminal (delete's y/N, restore's typed release name): asked on stderr, answered on stdin. */
import { createInterface } from 'node:readline/promises';
import { UsageError } from '../../errors.js';
import type { ConfirmIo } from './lifecycle-run.js';

/** stdin and stderr are terminals: a human can answer. */
export const terminalIsInteractive = (): boolean => process.stdin.isTTY === true && process.stderr.isTTY === true;

/**
 * One line typed at the prompt. Ctrl-C, Ctrl-D or a closed stdin give no answer: `noAnswer` says what that means
 * for the command (a UsageError, exit 2). A signal from outside (SIGTERM, the terminal closed) rejects with its reason.
 */
export async function askOnTerminal(question: string, signal: AbortSignal | undefined, noAnswer: (key: string) => Error): Promise<string> {
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await readline.question(question, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw noAnswer(noAnswerKey(error));
  } finally {
    readline.close();
  }
}

export function terminalConfirm(): ConfirmIo {
  return {
    interactive: terminalIsInteractive(),
    async confirm(question, signal) {
      const answer = await askOnTerminal(question, signal, (key) => new UsageError(`no answer at the prompt (${key}): nothing was deleted`, {
        hint: 'answer y to delete, or pass --yes; --dry-run shows what would be deleted',
      }));
      return /^y(es)?$/i.test(answer.trim());
    },
  };
}

function noAnswerKey(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  // readline rejects with "Aborted with Ctrl+C" / "Aborted with Ctrl+D".
  if (/ctrl\+c/i.test(message)) return 'Ctrl-C';
  if (/ctrl\+d/i.test(message)) return 'Ctrl-D';
  return 'input closed';
}
