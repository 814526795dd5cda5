/** `kubectl camunda-backup check`: the pre-upgrade preflight. Changes nothing; exit 0 unless a check fails. */
import type { CommandModule } from 'yargs';
import type { CliDeps } from '../cli-deps.js';
import type { GlobalArgs } from '../global-options.js';
import type { CheckArgs } from './lifecycle-options.js';
import { epilog } from './lifecycle-help.js';

export function checkCommand(deps: CliDeps): CommandModule<GlobalArgs, CheckArgs> {
  return {
    command: 'check',
    describe: 'Pre-upgrade preflight: access and RBAC, release and version, component health, snapshot repository, exporting state, newest backup',
    builder: (yargs) =>
      yargs
        .option('max-age', { type: 'string', default: '7d', requiresArg: true, describe: 'Warn when the newest complete backup is older than this' })
        .epilog(
          epilog(
            [
              ['Before an upgrade: is everything in place for a backup?', '$0 check -n camunda'],
              ['With exec access, as JSON for a pipeline', '$0 check -n camunda --access exec -o json'],
            ],
            [
              ['0', 'no check failed (warnings possible)'],
              ['2', 'bad input'],
              ['3', 'at least one check failed; the checklist says how to fix it'],
            ],
          ),
        ),
    handler: async (argv) => {
      const [{ parseCheckOptions }, { runCheckCommand }] = await Promise.all([import('./lifecycle-options.js'), import('./lifecycle-run.js')]);
      await runCheckCommand(parseCheckOptions(argv), deps);
    },
  };
}
