/**
 * Validation of the global flags (zod). Kept apart from the yargs definitions so that `--help` does not load zod:
 * only a command that runs imports this.
 */
import { z } from 'zod';
import { SUPPORTED_LINES } from '../camunda/versions.js';
import { ACCESS_MODES, OUTPUT_FORMATS, VERBOSITY, parseVerbosity, type GlobalOptions } from './global-options.js';
import { parseDurationMs } from './parse-duration.js';

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

/** A value from a fixed list, with the list in the message (yargs' own "Invalid values" names no flag the user typed). */
const oneOf = <const T extends readonly [string, ...string[]]>(flag: string, what: string, values: T) =>
  z.string().refine((value): value is T[number] => (values as readonly string[]).includes(value), {
    error: (issue) => `${flag}: "${String(issue.input)}" is not an ${what}; use ${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`,
  }) as unknown as z.ZodType<T[number], string>;

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
    output: oneOf('-o/--output', 'output format', OUTPUT_FORMATS),
    v: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return undefined;
        const level = parseVerbosity(text);
        if (level === undefined) {
          ctx.addIssue({ code: 'custom', message: `-v: "${text}" is not a log level; use a whole number such as 0, ${VERBOSITY.componentCalls} or ${VERBOSITY.apiRequests}` });
          return z.NEVER;
        }
        return level;
      }),
    verbose: z.boolean(),
    quiet: z.boolean(),
    color: z.boolean(),
    release: name('--release', DNS_SUBDOMAIN, 53, 'Helm release name'),
    access: oneOf('--access', 'access mode', ACCESS_MODES),
    'exec-pod': name('--exec-pod', DNS_SUBDOMAIN, 253, 'pod name'),
    'exec-container': name('--exec-container', DNS_LABEL, 63, 'container name'),
    'snapshot-repository': z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        if (value !== undefined && !isUsableRepositoryName(value)) {
          ctx.addIssue({
            code: 'custom',
            message: `--snapshot-repository: "${value}" is not a usable repository name (none of \\ / * ? " < > | , # or spaces; not "." or ".."; not starting with "_")`,
          });
        }
      }),
    'camunda-version': z
      .string()
      .optional()
      .refine((value) => value === undefined || isSupportedVersion(value), {
        message: `--camunda-version: expected one of ${SUPPORTED_LINES.join(', ')} (a patch such as 8.7.3 is fine)`,
      }),
  })
  .superRefine((args, ctx) => {
    if (args.quiet && (args.verbose || (args.v ?? 0) > 0)) {
      ctx.addIssue({ code: 'custom', message: '--quiet and -v/--verbose ask for opposite things; give one of them' });
    }
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
      verbosity: Math.max(args.v ?? 0, args.verbose ? VERBOSITY.apiRequests : 0),
      quiet: args.quiet,
      color: args.color,
      release: args.release,
      access: args.access,
      execPod: args['exec-pod'],
      execContainer: args['exec-container'],
      snapshotRepository: args['snapshot-repository'],
      camundaVersion: args['camunda-version'],
    }),
  );

/**
 * Elasticsearch's and OpenSearch's rule for repository names (RepositoriesService: not empty, no "#", none of the
 * file-name characters \\ / * ? " < > | space ,), plus what breaks the URLs the tool builds: "." and ".." are path
 * segments (/_snapshot/.. is the root), a leading "_" names an API (_all, _status, _verify, _cleanup).
 */
function isUsableRepositoryName(value: string): boolean {
  return /^[^\s/\\*?"<>|,#]+$/.test(value) && value !== '.' && value !== '..' && !value.startsWith('_');
}

function isSupportedVersion(value: string): boolean {
  const match = /^(\d+\.\d+)(\.\d+)?$/.exec(value);
  return match !== null && (SUPPORTED_LINES as readonly string[]).includes(match[1] ?? '');
}
