/**
 * Flags every command takes: kubectl's (--kubeconfig, --context, -n, --request-timeout, -o, -v) so runbook
 * habits carry over, and how to find and reach the installation (--release, --access, --exec-pod, …).
 */
import type { Argv } from 'yargs';
import { SUPPORTED_LINES } from '../camunda/versions.js';
import type { AccessMode } from '../reach/component-http.js';

export type OutputFormat = 'text' | 'json';

/** What yargs hands over for the global flags (before validation). */
export interface GlobalArgs {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly namespace?: string | undefined;
  readonly 'request-timeout'?: string | undefined;
  readonly output: OutputFormat;
  readonly verbose: boolean;
  readonly color: boolean;
  readonly release?: string | undefined;
  readonly access: AccessMode;
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
  readonly verbose: boolean;
  readonly color: boolean;
  readonly release?: string | undefined;
  readonly access: AccessMode;
  readonly execPod?: string | undefined;
  readonly execContainer?: string | undefined;
  readonly snapshotRepository?: string | undefined;
  readonly camundaVersion?: string | undefined;
}

/** Adds the global flags to a yargs instance. */
export function withGlobalOptions<T>(yargs: Argv<T>): Argv<T & GlobalArgs> {
  return yargs
    .option('kubeconfig', { type: 'string', requiresArg: true, global: true, describe: 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config)' })
    .option('context', { type: 'string', requiresArg: true, global: true, describe: 'The kubeconfig context to use' })
    .option('namespace', { alias: 'n', type: 'string', requiresArg: true, global: true, describe: "Namespace of the Camunda release (default: the context's)" })
    .option('request-timeout', { type: 'string', requiresArg: true, global: true, describe: 'Deadline of each Kubernetes API request, e.g. 10s, 1m (0: none; Ctrl-C and create --timeout still stop the run)' })
    .option('output', { alias: 'o', choices: ['text', 'json'] as const, default: 'text' as OutputFormat, global: true, describe: 'Result format on stdout' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, global: true, describe: 'Show every HTTP call and error details' })
    .option('color', { type: 'boolean', default: true, global: true, describe: 'Colour progress on a terminal (--no-color or NO_COLOR turn it off)' })
    .option('release', { type: 'string', requiresArg: true, global: true, describe: 'Helm release name (default: the one Camunda release in the namespace)' })
    .option('access', { choices: ['port-forward', 'exec'] as const, default: 'port-forward' as AccessMode, global: true, describe: 'How to reach component APIs: port-forwards through the API server, or curl run in pods' })
    .option('exec-pod', { type: 'string', requiresArg: true, global: true, describe: 'Pod with curl to run calls from (exec access, external Elasticsearch/OpenSearch)' })
    .option('exec-container', { type: 'string', requiresArg: true, global: true, describe: 'Container of --exec-pod that has curl' })
    .option('snapshot-repository', { type: 'string', requiresArg: true, global: true, describe: 'Snapshot repository name, when the components do not say' })
    .option('camunda-version', { type: 'string', requiresArg: true, global: true, describe: `Use the procedure of this version instead of the detected one (${SUPPORTED_LINES.join(', ')}); at your own risk` })
    .group(['kubeconfig', 'context', 'namespace', 'request-timeout', 'output', 'verbose', 'color'], 'Kubernetes and output:')
    .group(['release', 'access', 'exec-pod', 'exec-container', 'snapshot-repository', 'camunda-version'], 'Camunda installation:') as unknown as Argv<T & GlobalArgs>;
}

/**
 * Whether -v/--verbose is on, read from the raw argv: main needs it to format an error even when yargs itself
 * failed before parsing finished.
 */
export function isVerboseArgv(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '-v' || arg === '--verbose' || arg === '--verbose=true') return true;
  }
  return false;
}
