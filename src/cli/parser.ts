/**
 * The yargs definition: global kubectl-style flags, an explicit command list, strict parsing, and usage failures
 * turned into UsageError (exit 2) instead of yargs printing help and exiting on its own.
 */
import yargs from 'yargs';
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import type { CliDeps } from './cli-deps.js';
import { checkCommand } from './commands/check.js';
import { createCommand } from './commands/create.js';
import { deleteCommand } from './commands/delete.js';
import { listCommand } from './commands/list.js';
import { restoreCommand } from './commands/restore.js';
import { resumeCommand } from './commands/resume.js';
import { statusCommand } from './commands/status.js';
import { withGlobalOptions } from './global-options.js';
import type { GlobalArgs } from './global-options.js';

const SCRIPT_NAME = 'kubectl camunda-backup';
const MAX_HELP_WIDTH = 110;

/** A parser over the given dependencies. It never exits the process; `--help` and `--version` just print. */
export function createParser(deps: CliDeps, version: string): Argv<GlobalArgs> {
  const parser = withGlobalOptions(yargs())
    .scriptName(SCRIPT_NAME)
    .usage('$0 <command> [flags]\n\nConsistent backups of Camunda 8 Self-Managed on Kubernetes: web apps first, then Zeebe, and exporting always resumed.')
    .command(createCommand(deps))
    .command(statusCommand(deps))
    .command(listCommand(deps))
    .command(deleteCommand(deps))
    .command(checkCommand(deps))
    .command(resumeCommand(deps))
    .command(restoreCommand(deps))
    .epilog(`Run '${SCRIPT_NAME} <command> --help' for examples and exit codes.`)
    .demandCommand(1, 'a command is required (try create)')
    .strict()
    .recommendCommands()
    .showHelpOnFail(false)
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .help('help')
    .alias('help', 'h')
    .version('version', 'Show the version', version)
    .exitProcess(false)
    .fail((message, error) => {
      // Errors from a command's own handler pass through unchanged (yargs routes them here too, yargs#2394);
      // yargs' own parse errors (YError: "Not enough arguments following: backup-id") are usage errors.
      if (error && error.name !== 'YError') throw error;
      throw new UsageError(describeUsageFailure(message ?? error?.message), { hint: `see '${SCRIPT_NAME} --help'` });
    });
  // terminalWidth() is null when stdout is not a terminal; piped help still wraps at a readable width.
  return parser.wrap(Math.min(MAX_HELP_WIDTH, parser.terminalWidth() ?? MAX_HELP_WIDTH));
}

/** yargs' messages, in the tool's voice: lower-case, and saying what was wrong. */
function describeUsageFailure(message: string | undefined): string {
  if (!message) return 'invalid arguments';
  const suggestion = /^Did you mean (.+)\?$/.exec(message);
  if (suggestion) return `unknown command; did you mean ${suggestion[1]}?`;
  return message.charAt(0).toLowerCase() + message.slice(1);
}
