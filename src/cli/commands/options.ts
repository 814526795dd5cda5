/** `kubectl camunda-backup options`: the flags every command takes, listed once (like `kubectl options`). */
import type { CommandModule } from 'yargs';
import type { CliDeps } from '../cli-deps.js';
import { GLOBAL_FLAGS, type GlobalArgs, type GlobalFlag } from '../global-options.js';
import { TABLE_WIDTH as LINE_WIDTH, wrapWords as wrap } from '../../output/wrap-words.js';

export function optionsCommand(deps: CliDeps): CommandModule<GlobalArgs, GlobalArgs> {
  return {
    command: 'options',
    describe: 'Print the list of flags inherited by all commands',
    builder: (yargs) => yargs,
    handler: () => {
      deps.stdout.write(renderGlobalOptions());
    },
  };
}

/** The global flags by group, aligned, each with its default. */
export function renderGlobalOptions(flags: readonly GlobalFlag[] = GLOBAL_FLAGS): string {
  const spelled = flags.map((flag) => ({ flag, text: spell(flag) }));
  const width = Math.max(...spelled.map((entry) => entry.text.length)) + 3;
  const groups = [...new Set(flags.map((flag) => flag.group))];
  const sections = groups.map((group) => {
    const lines = spelled
      .filter((entry) => entry.flag.group === group)
      .map(({ flag, text }) => {
        const describe = `${flag.describe}${flag.default !== undefined && flag.type === 'string' ? ` (default: ${String(flag.default)})` : ''}`;
        return `${text.padEnd(width)}${wrap(describe, LINE_WIDTH - width).join(`\n${' '.repeat(width)}`)}`;
      });
    return `${group}:\n${lines.join('\n')}`;
  });
  return `The following options can be passed to any command:\n\n${sections.join('\n\n')}\n`;
}

/** "  -n, --namespace <name>", "      --verbose"; -v is kubectl's -v, which is also spelled --v. */
function spell(flag: GlobalFlag): string {
  const long = flag.name.length === 1 ? `-${flag.name}, --${flag.name}` : `--${flag.name}`;
  const names = flag.alias ? `-${flag.alias}, ${long}` : flag.name.length === 1 ? long : `    ${long}`;
  return `  ${names}${flag.value ? ` <${flag.value}>` : ''}`;
}
