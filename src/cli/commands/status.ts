/** `kubectl camunda-backup status <backupId>`: is that backup complete in every part? Exit 0 only when it is. */
import type { CommandModule } from 'yargs';
import type { CliDeps } from '../cli-deps.js';
import type { GlobalArgs } from '../global-options.js';
import type { StatusArgs } from './lifecycle-options.js';
import { epilog } from './lifecycle-help.js';

export function statusCommand(deps: CliDeps): CommandModule<GlobalArgs, StatusArgs> {
  return {
    command: 'status <backupId>',
    describe: 'Show the state of one backup in every part (Optimize, Operate, Tasklist, Zeebe, zeebe-record snapshot) and whether it is restorable',
    builder: (yargs) =>
      yargs
        .positional('backupId', { type: 'string', describe: 'The backup ID, e.g. 1748937221' })
        .epilog(
          epilog(
            [
              ['Is backup 1748937221 complete everywhere?', '$0 status 1748937221 -n camunda'],
              ['Gate a runbook step on it, reading the verdict from JSON', '$0 status 1748937221 -n camunda -o json | jq -r .verdict'],
            ],
            [
              ['0', 'the backup is COMPLETE in every part (restorable)'],
              ['2', 'bad input, e.g. a backup ID that is not a number (nothing was asked)'],
              ['3', 'environment: no release, no access, or a part could not be read'],
              ['4', 'not restorable: FAILED, INCOMPLETE, IN_PROGRESS or NOT_FOUND (unknown ID)'],
            ],
          ),
        ),
    handler: async (argv) => {
      const [{ parseStatusOptions }, { runStatusCommand }] = await Promise.all([import('./lifecycle-options.js'), import('./lifecycle-run.js')]);
      await runStatusCommand(parseStatusOptions(argv), deps);
    },
  };
}
