/**
 * Flags every command takes: kubectl's (--kubeconfig, --context, -n, --request-timeout, -o, -v) so runbook
 * habits carry over, and how to find and reach the installation (--release, --access, --exec-pod, …). Like
 * kubectl's, they are listed once, by `kubectl camunda-backup options`, not in every command's help.
 */
import type { Argv } from 'yargs';
import { SUPPORTED_LINES } from '../camunda/versions.js';
import type { AccessMode } from '../reach/component-http.js';

/** -o: text is the default table; wide adds columns; json and yaml are the same documented document. */
export const OUTPUT_FORMATS = ['text', 'wide', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export const ACCESS_MODES = ['port-forward', 'exec'] as const;

/**
 * -v levels, as kubectl counts them (0 is the default; every level shows what the lower ones do). Levels in between
 * (1–3, 5, 7–9 and above) are accepted and show what the level below them shows: headers and bodies are never
 * printed, they carry credentials.
 */
export const VERBOSITY = {
  /** One line per call to a Camunda component or search engine: method, path, status, time, how it was reached. */
  componentCalls: 4,
  /** Also one line per Kubernetes API request, and the causes (and, for a bug, the stack) of an error. */
  apiRequests: 6,
} as const;

/** What yargs hands over for the global flags (before validation). */
export interface GlobalArgs {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly namespace?: string | undefined;
  readonly 'request-timeout'?: string | undefined;
  readonly output: string;
  /** -v N, -v=N, --v=N: the level as typed. */
  readonly v?: string | undefined;
  /** --verbose: -v 6. */
  readonly verbose: boolean;
  readonly quiet: boolean;
  readonly color: boolean;
  readonly release?: string | undefined;
  readonly access: string;
  readonly 'exec-pod'?: string | undefined;
  readonly 'exec-container'?: string | undefined;
  readonly 'snapshot-repository'?: string | undefined;
  readonly 'camunda-version'?: string | undefined;
}

/** The global flags after validation. */
export interface GlobalOptions {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly namespace?: string | undefined;
  /** undefined: the Kubernetes client's default. */
  readonly requestTimeoutMs?: number | undefined;
  readonly output: OutputFormat;
  /** 0 by default; see VERBOSITY. */
  readonly verbosity: number;
  /** --quiet: only results (stdout) and errors (stderr). */
  readonly quiet: boolean;
  readonly color: boolean;
  readonly release?: string | undefined;
  readonly access: AccessMode;
  readonly execPod?: string | undefined;
  readonly execContainer?: string | undefined;
  readonly snapshotRepository?: string | undefined;
  readonly camundaVersion?: string | undefined;
}

/** One global flag: what yargs registers and what `options` prints. */
export interface GlobalFlag {
  readonly name: string;
  readonly alias?: string;
  /** The value's placeholder in `options`; none for a switch. */
  readonly value?: string;
  readonly type: 'string' | 'boolean';
  readonly default?: string | boolean;
  readonly describe: string;
  readonly group: 'Kubernetes' | 'Output' | 'Camunda installation';
  /** The values shell completion offers (validation is the schema's, in the tool's words). */
  readonly choices?: readonly string[];
}

/** Every global flag, in the order `options` lists them. */
export const GLOBAL_FLAGS: readonly GlobalFlag[] = [
  { name: 'kubeconfig', value: 'path', type: 'string', group: 'Kubernetes', describe: 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config)' },
  { name: 'context', value: 'name', type: 'string', group: 'Kubernetes', describe: 'The kubeconfig context to use' },
  { name: 'namespace', alias: 'n', value: 'name', type: 'string', group: 'Kubernetes', describe: "Namespace of the Camunda release (default: the context's)" },
  {
    name: 'request-timeout',
    value: 'duration',
    type: 'string',
    group: 'Kubernetes',
    describe: 'Deadline of each Kubernetes API request, e.g. 10s, 1m (0: none; Ctrl-C and create --timeout still stop the run)',
  },
  { name: 'output', alias: 'o', value: 'format', type: 'string', default: 'text', choices: OUTPUT_FORMATS, group: 'Output', describe: `Result format on stdout: ${OUTPUT_FORMATS.join(', ')} (wide: the tables with every column)` },
  {
    name: 'v',
    value: 'level',
    type: 'string',
    group: 'Output',
    describe: `Log level on stderr, as kubectl's -v: ${VERBOSITY.componentCalls} every call to a component, ${VERBOSITY.apiRequests} also every Kubernetes API request and error causes`,
  },
  { name: 'verbose', type: 'boolean', default: false, group: 'Output', describe: `Same as -v ${VERBOSITY.apiRequests}` },
  { name: 'quiet', alias: 'q', type: 'boolean', default: false, group: 'Output', describe: 'Print only results and errors: no progress, no warnings' },
  { name: 'color', type: 'boolean', default: true, group: 'Output', describe: 'Colour progress on a terminal (--no-color or NO_COLOR turn it off)' },
  { name: 'release', value: 'name', type: 'string', group: 'Camunda installation', describe: 'Helm release name (default: the one Camunda release in the namespace)' },
  {
    name: 'access',
    value: 'mode',
    type: 'string',
    default: 'port-forward',
    choices: ACCESS_MODES,
    group: 'Camunda installation',
    describe: 'How to reach component APIs: port-forward (through the API server) or exec (curl run in pods)',
  },
  { name: 'exec-pod', value: 'pod', type: 'string', group: 'Camunda installation', describe: 'Pod with curl to run calls from (exec access, external Elasticsearch/OpenSearch)' },
  { name: 'exec-container', value: 'container', type: 'string', group: 'Camunda installation', describe: 'Container of --exec-pod that has curl' },
  { name: 'snapshot-repository', value: 'name', type: 'string', group: 'Camunda installation', describe: 'Snapshot repository name, when the components do not say' },
  {
    name: 'camunda-version',
    value: 'version',
    type: 'string',
    group: 'Camunda installation',
    describe: `Use the procedure of this version instead of the detected one (${SUPPORTED_LINES.join(', ')}); at your own risk`,
  },
];

/**
 * Adds the global flags to a yargs instance, hidden from every command's help (`options` lists them). For shell
 * completion (`completing`) they are shown instead, with their values, because yargs completes no hidden flag.
 */
export function withGlobalOptions<T>(yargs: Argv<T>, completing = false): Argv<T & GlobalArgs> {
  let result: Argv<T> = yargs;
  for (const flag of GLOBAL_FLAGS) {
    result = result.option(flag.name, {
      ...(flag.alias ? { alias: flag.alias } : {}),
      type: flag.type,
      ...(flag.type === 'string' ? { requiresArg: true } : {}),
      ...(flag.default !== undefined ? { default: flag.default } : {}),
      ...(completing && flag.choices ? { choices: [...flag.choices] } : {}),
      global: true,
      hidden: !completing,
      describe: flag.describe,
    });
  }
  return result as unknown as Argv<T & GlobalArgs>;
}

/**
 * The -v level from the raw argv (-v N, -v=N, -vN, --v=N, --v N, --verbose), 0 when none or not a number: main
 * needs it to format an error even when yargs itself failed before parsing finished. The last one given wins.
 */
export function verbosityOfArgv(argv: readonly string[]): number {
  let level = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--verbose' || arg === '--verbose=true') level = VERBOSITY.apiRequests;
    else if (arg === '--verbose=false' || arg === '--no-verbose') level = 0;
    else if (arg === '-v' || arg === '--v') level = levelOf(argv[i + 1]);
    else {
      const attached = /^(?:-v=?|--v=)(.*)$/.exec(arg);
      if (attached) level = levelOf(attached[1]);
    }
  }
  return level;
}

/** A -v value as kubectl takes it: a whole number of 0 or more; undefined for anything else. */
export function parseVerbosity(text: string | undefined): number | undefined {
  const trimmed = text?.trim() ?? '';
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : undefined;
}

function levelOf(text: string | undefined): number {
  return parseVerbosity(text) ?? 0;
}
