/** `kubectl camunda-backup resume`: resume Zeebe exporting. Idempotent: harmless when exporting is not paused. */
import type { CommandModule } from 'yargs';
import type { CliDeps } from '../cli-deps.js';
import type { GlobalArgs } from '../global-options.js';
import type { ResumeArgs } from './lifecycle-options.js';
import { epilog } from './lifecycle-help.js';
import { RESUME_TIMEOUT_OPTION } from './resume-timeout-option.js';

export function resumeCommand(deps: CliDeps): CommandModule<GlobalArgs, ResumeArgs> {
  return {
    command: 'resume',
    describe: 'Resume Zeebe exporting (the recovery after create exited with 5); safe to run any time',
    builder: (yargs) =>
      yargs.option('resume-timeout', RESUME_TIMEOUT_OPTION).epilog(
        epilog(
          [
            ['Resume exporting of the release in namespace camunda', '$0 resume -n camunda'],
            ['Through curl in the pods, when port-forwards are blocked', '$0 resume -n camunda --access exec'],
          ],
          [
            ['0', 'exporting is resumed (or was not paused)'],
            ['2, 3', 'bad input, environment problem (nothing was sent)'],
            ['5', 'resuming failed for --resume-timeout, or brokers still report paused partitions: run the printed command'],
            ['128+n', 'stopped by signal n while retrying: exporting may still be paused; run the printed command'],
          ],
        ),
      ),
    handler: async (argv) => {
      const [{ parseResumeOptions }, { runResumeCommand }] = await Promise.all([import('./lifecycle-options.js'), import('./lifecycle-run.js')]);
      await runResumeCommand(parseResumeOptions(argv), deps);
    },
  };
}
