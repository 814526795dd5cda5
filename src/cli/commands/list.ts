/** `kubectl camunda-backup list`: every backup ID any part knows, newest first, with the verdict per ID. */
import type { CommandModule } from 'yargs';
import type { CliDeps } from '../cli-deps.js';
import type { GlobalArgs } from '../global-options.js';
import type { ListArgs } from './lifecycle-options.js';
import { epilog } from './lifecycle-help.js';

export function listCommand(deps: CliDeps): CommandModule<GlobalArgs, ListArgs> {
  return {
    command: 'list',
    describe: 'List every backup known to any component, newest first, with each part\'s state and whether it is restorable',
    builder: (yargs) =>
      yargs
        .option('limit', { type: 'string', requiresArg: true, describe: 'Show only the newest N backups' })
        .epilog(
          epilog(
            [
              ['All backups of the release in namespace camunda', '$0 list -n camunda'],
              ['The newest five, as JSON', '$0 list -n camunda --limit 5 -o json'],
            ],
            [
              ['0', 'listed'],
              ['2', 'bad input'],
              ['3', 'environment problem, or a part could not be listed (the table shows ERROR in its column)'],
            ],
          ),
        ),
    handler: async (argv) => {
      const [{ parseListOptions }, { runListCommand }] = await Promise.all([import('./lifecycle-options.js'), import('./lifecycle-run.js')]);
      await runListCommand(parseListOptions(argv), deps);
    },
  };
}
