/**
 * Flags every command takes: kubectl's (--kubeconfig, --context, -n, --request-timeout, -o, -v) so runbook
 * habits carry over, and how to find and reach the installation (--release, --access, --exec-pod, …).
 */
import type { Argv } from 'yargs';
import { z } from 'zod';
import { SUPPORTED_LINES } from '../camunda/versions.js';
import type { AccessMode } from '../reach/component-http.js';
import { parseDurationMs } from './parse-duration.js';

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
    .option('request-timeout', { type: 'string', requiresArg: true, global: true, describe: 'Deadline of each Kubernetes API request, e.g. 10s, 1m (0: none)' })
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

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Timers overflow above 2^31-1 ms; "no deadline" is that. */
const NO_DEADLINE_MS = 2 ** 31 - 1;

const name = (flag: string, pattern: RegExp, max: number, what: string) =>
  z
    .string()
    .optional()
    .refine((value) => value === undefined || (value.length <= max && pattern.test(value)), {
      message: `${flag}: not a valid ${what} (lower-case letters, digits and "-", at most ${max} characters)`,
    });

export const GlobalOptionsSchema = z
  .object({
    kubeconfig: z.string().min(1, '--kubeconfig: empty path').optional(),
    context: z.string().min(1, '--context: empty name').optional(),
    namespace: name('--namespace', DNS_LABEL, 63, 'namespace name'),
    'request-timeout': z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return undefined;
        // kubectl: a bare integer is seconds, 0 means no deadline.
        const ms = /^\d+$/.test(text.trim()) ? Number(text) * 1000 : parseDurationMs(text);
        if (ms === undefined) {
          ctx.addIssue({ code: 'custom', message: `--request-timeout: "${text}" is not a duration; use e.g. 10s or 1m` });
          return z.NEVER;
        }
        return ms === 0 ? NO_DEADLINE_MS : Math.min(ms, NO_DEADLINE_MS);
      }),
    output: z.enum(['text', 'json']),
    verbose: z.boolean(),
    color: z.boolean(),
    release: name('--release', DNS_SUBDOMAIN, 53, 'Helm release name'),
    access: z.enum(['port-forward', 'exec']),
    'exec-pod': name('--exec-pod', DNS_SUBDOMAIN, 253, 'pod name'),
    'exec-container': name('--exec-container', DNS_LABEL, 63, 'container name'),
    'snapshot-repository': z
      .string()
      .optional()
      .refine((value) => value === undefined || /^[^\s/\\*?"<>|,#]+$/.test(value), { message: '--snapshot-repository: not a valid repository name' }),
    'camunda-version': z
      .string()
      .optional()
      .refine((value) => value === undefined || isSupportedVersion(value), {
        message: `--camunda-version: expected one of ${SUPPORTED_LINES.join(', ')} (a patch such as 8.7.3 is fine)`,
      }),
  })
  .superRefine((args, ctx) => {
    if (args['exec-container'] !== undefined && args['exec-pod'] === undefined) {
      ctx.addIssue({ code: 'custom', message: '--exec-container needs --exec-pod (it names a container of that pod)' });
    }
  })
  .transform(
    (args): GlobalOptions => ({
      kubeconfig: args.kubeconfig,
      context: args.context,
      namespace: args.namespace,
      requestTimeoutMs: args['request-timeout'],
      output: args.output,
      verbose: args.verbose,
      color: args.color,
      release: args.release,
      access: args.access,
      execPod: args['exec-pod'],
      execContainer: args['exec-container'],
      snapshotRepository: args['snapshot-repository'],
      camundaVersion: args['camunda-version'],
    }),
  );

function isSupportedVersion(value: string): boolean {
  const match = /^(\d+\.\d+)(\.\d+)?$/.exec(value);
  return match !== null && (SUPPORTED_LINES as readonly string[]).includes(match[1] ?? '');
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
