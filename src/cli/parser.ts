/**
 * The yargs definition: global kubectl-style flags (listed by `options`), an explicit command list, strict parsing,
 * and yargs' failures turned into UsageErrors (exit 2) in the tool's own words, naming the flag as the user typed
 * it and pointing at that command's help, instead of yargs printing help and exiting on its own.
 */
import yargs from 'yargs';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../errors.js';
import { TOOL } from '../output/format-error.js';
import type { CliDeps } from './cli-deps.js';
import { checkCommand } from './commands/check.js';
import { createCommand } from './commands/create.js';
import { deleteCommand } from './commands/delete.js';
import { listCommand } from './commands/list.js';
import { optionsCommand } from './commands/options.js';
import { restoreCommand } from './commands/restore.js';
import { resumeCommand } from './commands/resume.js';
import { statusCommand } from './commands/status.js';
import { GLOBAL_FLAGS, withGlobalOptions } from './global-options.js';
import type { GlobalArgs } from './global-options.js';

const MAX_HELP_WIDTH = 110;
/** How kubectl's completion shim (README "Shell completion") asks yargs for completions. */
const COMPLETION_FLAG = '--get-yargs-completions';

const ROOT_EPILOG = [
  `Use '${TOOL} <command> --help' for examples and exit codes of a command.`,
  `Use '${TOOL} options' for a list of global command-line options (applies to all commands).`,
].join('\n');

/** yargs' own parse failure, before it is put in the tool's words (which needs the argv). */
class ParseFailure extends Error {}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the commands differ in their argument types
type AnyCommand = CommandModule<GlobalArgs, any>;

function commandsOf(deps: CliDeps): readonly AnyCommand[] {
  return [createCommand(deps), statusCommand(deps), listCommand(deps), deleteCommand(deps), checkCommand(deps), resumeCommand(deps), restoreCommand(deps), optionsCommand(deps)];
}

/**
 * A parser over the given dependencies. It never exits the process; `--help`, `--version` and no command at all
 * just print help (to stdout, exit 0, as kubectl alone does). Parse failures reject with a bare Error: use
 * runCommandLine, which words them. `argv` only tells whether shell completion is asking.
 */
export function createParser(deps: CliDeps, version: string, argv: readonly string[] = []): Argv<GlobalArgs> {
  let parser = withGlobalOptions(yargs(), argv.includes(COMPLETION_FLAG))
    .scriptName(TOOL)
    .usage('$0 <command> [flags]\n\nConsistent backups of Camunda 8 Self-Managed on Kubernetes: web apps first, then Zeebe, and exporting always resumed.');
  for (const command of commandsOf(deps)) parser = parser.command(command);
  parser = parser
    // No command: the overview, like `kubectl` alone (help on stdout, exit 0).
    .command('$0', false, (y) => y, () => {
      parser.showHelp((text) => deps.stdout.write(`${text}\n`));
    })
    .epilog(ROOT_EPILOG)
    .strict()
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
      throw new ParseFailure(message ?? error?.message ?? 'invalid arguments');
    });
  // terminalWidth() is null when stdout is not a terminal; piped help still wraps at a readable width.
  return parser.wrap(Math.min(MAX_HELP_WIDTH, parser.terminalWidth() ?? MAX_HELP_WIDTH));
}

/** Parses and runs argv; a parse failure becomes one UsageError naming what the user typed. */
export async function runCommandLine(deps: CliDeps, version: string, argv: readonly string[]): Promise<void> {
  refuseSwitchValues(argv, commandsOf(deps));
  try {
    await createParser(deps, version, argv).parseAsync([...argv]);
  } catch (error) {
    if (!(error instanceof ParseFailure)) throw error;
    const commands = commandsOf(deps);
    const command = commandOf(argv, commands);
    throw new UsageError(describeParseFailure(error.message, argv, command, commands), { usage: command?.name ?? '' });
  }
}

const BOOLEAN_VALUES = new Set(['true', 'false']);

/** yargs has getOptions(); its type declarations do not. */
interface WithOptions {
  getOptions(): { readonly boolean: readonly string[] };
}

/**
 * `--dry-run=maybe` or `--verbose=4`: yargs would read a switch with any other value than true/false as false,
 * silently. kubectl (pflag) refuses it, and so does the tool.
 */
function refuseSwitchValues(argv: readonly string[], commands: readonly AnyCommand[]): void {
  const end = argv.indexOf('--');
  const given = (end < 0 ? argv : argv.slice(0, end)).map((arg) => /^--(?:no-)?([^=]+)=(.*)$/.exec(arg)).filter((m) => m !== null && !BOOLEAN_VALUES.has(m[2]!));
  if (given.length === 0) return;
  const command = commandOf(argv, commands);
  const own = commands.find((c) => nameOf(c) === command?.name);
  const switches = new Set([
    ...GLOBAL_FLAGS.filter((flag) => flag.type === 'boolean').map((flag) => flag.name),
    ...(typeof own?.builder === 'function' ? (own.builder(yargs() as never) as unknown as WithOptions).getOptions().boolean : []),
  ]);
  const bad = given.find((m) => switches.has(m![1]!));
  if (bad) {
    throw new UsageError(`invalid value "${bad[2]}" for ${bad[0].split('=')[0]}: it is a switch; give it alone, or =true / =false`, { usage: command?.name ?? '' });
  }
}

interface TypedCommand {
  readonly name: string;
  /** e.g. "status <backupId>" */
  readonly usage: string;
}

const VALUE_FLAGS = new Set(GLOBAL_FLAGS.filter((flag) => flag.type === 'string').flatMap((flag) => [`--${flag.name}`, ...(flag.alias ? [`-${flag.alias}`] : [])]));

/** The first word that is no flag and no flag's value, when it names a command. */
function commandOf(argv: readonly string[], commands: readonly AnyCommand[]): TypedCommand | undefined {
  const first = positionals(argv)[0];
  const match = commands.find((command) => nameOf(command) === first);
  return match ? { name: nameOf(match), usage: String(match.command) } : undefined;
}

function nameOf(command: AnyCommand): string {
  return String(command.command).split(' ')[0] ?? '';
}

/** The words of argv that are no flag and no value of a global flag (a command's own flags come after it). */
function positionals(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...words, ...argv.slice(i + 1)];
    if (arg.startsWith('-') && arg !== '-') {
      if (!arg.includes('=') && VALUE_FLAGS.has(arg)) i++;
      continue;
    }
    words.push(arg);
  }
  return words;
}

/** The flag as typed for a key yargs names ("frob" → "--frob", "x" → "-x"), or undefined when argv has none. */
function typedFlag(key: string, argv: readonly string[]): string | undefined {
  for (const arg of argv) {
    if (arg === '--') break;
    const flag = arg.split('=')[0]!;
    if (flag === `--${key}` || flag === `--no-${key}` || flag === `-${key}`) return flag;
    if (key.length === 1 && /^-[a-zA-Z]{2,}$/.test(flag) && flag.includes(key)) return `-${key}`;
  }
  return undefined;
}

/** yargs' messages in the tool's words: lower-case, one line, naming what the user typed. */
export function describeParseFailure(message: string, argv: readonly string[], command: TypedCommand | undefined, commands: readonly AnyCommand[]): string {
  const scope = command ? `${TOOL} ${command.name}` : TOOL;
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown) {
    const keys = (unknown[1] ?? '').split(', ');
    const flags = [...new Set(keys.map((key) => typedFlag(key, argv)).filter((flag): flag is string => flag !== undefined))];
    if (flags.length > 0) return `unknown flag${flags.length > 1 ? 's' : ''}: ${flags.join(', ')}`;
    const words = positionals(argv);
    const word = keys.find((key) => words.includes(key)) ?? keys[0] ?? '';
    if (!command) {
      const near = closestCommand(word, commands.map(nameOf));
      return `unknown command "${word}" for "${TOOL}"${near ? `; did you mean ${near}?` : ''}`;
    }
    return `unexpected argument "${word}": ${command.usage.includes('<') || command.usage.includes('[') ? `usage is ${TOOL} ${command.usage}` : `${scope} takes no arguments`}`;
  }
  const needsValue = /^Not enough arguments following: (.+)$/.exec(message);
  if (needsValue) {
    const key = needsValue[1] ?? '';
    return `flag needs an argument: ${typedFlag(key, argv) ?? (key.length === 1 ? `-${key}` : `--${key}`)}`;
  }
  if (/^Not enough non-option arguments/.test(message) && command) {
    const missing = /<([^>]+)>/.exec(command.usage)?.[1] ?? 'argument';
    return `missing <${missing}>: usage is ${TOOL} ${command.usage}`;
  }
  const suggestion = /^Did you mean (.+)\?$/.exec(message);
  if (suggestion) return `unknown command "${positionals(argv)[0] ?? ''}" for "${TOOL}"; did you mean ${suggestion[1]}?`;
  const known = commands.map(nameOf).join(', ');
  const text = message.charAt(0).toLowerCase() + message.slice(1);
  return command ? text : `${text} (commands: ${known})`;
}

/** The command a typo most likely meant: at most 2 edits away (yargs' recommendCommands does not see past `$0`). */
function closestCommand(word: string, names: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(word, name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
