/**
 * `kubectl camunda-backup delete <backupId>... | --keep N | --older-than <age>`: delete backups in every part,
 * the zeebe-record snapshot included. Asks on a terminal unless --yes; refuses without one.
 */
import type { CommandModule } from 'yargs';
import type { CliDeps } from '../cli-deps.js';
import type { GlobalArgs } from '../global-options.js';
import type { DeleteArgs } from './lifecycle-options.js';
import type { ConfirmIo } from './lifecycle-run.js';
import { epilog } from './lifecycle-help.js';

export function deleteCommand(deps: CliDeps, io?: ConfirmIo): CommandModule<GlobalArgs, DeleteArgs> {
  return {
    command: 'delete [backupIds..]',
    describe: 'Delete backups in every part (by ID, or by retention with --keep / --older-than)',
    builder: (yargs) =>
      yargs
        .positional('backupIds', { type: 'string', array: true, describe: 'Backup IDs to delete' })
        .option('keep', { type: 'string', requiresArg: true, describe: 'Retention: keep the N newest COMPLETE backups, delete every backup older than the N-th of them' })
        .option('older-than', { type: 'string', requiresArg: true, describe: 'Retention: delete backups whose ID (unix time) is older than this, e.g. 30d, 2w, 36h' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Show what would be deleted and change nothing' })
        .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'Do not ask for confirmation (needed when stdin is not a terminal)' })
        .group(['keep', 'older-than', 'dry-run', 'yes'], 'Delete:')
        .epilog(
          epilog(
            [
              ['Delete two backups, asking first', '$0 delete 1748937221 1748850821 -n camunda'],
              ['What would a 30-day retention delete?', '$0 delete --older-than 30d -n camunda --dry-run'],
              ['Keep the 7 newest complete backups, in a CronJob', '$0 delete --keep 7 -n camunda --yes'],
            ],
            [
              ['0', 'deleted (or nothing to delete, or cancelled at the prompt)'],
              ['2', 'bad input: unknown or non-numeric ID, --keep 0, no --yes without a terminal, Ctrl-C/Ctrl-D at the prompt (nothing was deleted)'],
              ['3', 'environment problem, or retention could not list every part (nothing was deleted)'],
              ['4', 'some parts could not be deleted (the report says which; the others were)'],
            ],
            'Retention never deletes the newest complete backup. --keep N keeps the N newest backups that are complete in every part; ' +
              'backups that are newer than the N-th of them but not complete (failed or still running) are kept too, and --older-than ' +
              'keeps those newer than the newest complete one. ' +
              'IDs are read as unix seconds; IDs above 10^11 as milliseconds (Camunda 8.9 continuous backups).',
          ),
        ),
    handler: async (argv) => {
      const [{ parseDeleteOptions }, { runDeleteCommand }, terminal] = await Promise.all([
        import('./lifecycle-options.js'),
        import('./lifecycle-run.js'),
        io ? Promise.resolve(io) : import('./terminal-confirm.js').then((m) => m.terminalConfirm()),
      ]);
      await runDeleteCommand(parseDeleteOptions(argv), deps, terminal);
    },
  };
}
