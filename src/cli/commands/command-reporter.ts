/**
 * The progress reporter of a command, as its global flags ask: -v N decides which request lines show, --quiet
 * leaves only what needs a person now. Kept outside the reporter so that it stays a renderer of events.
 */
import type { RunEvent } from '../../events.js';
import type { ApiRequestLog } from '../../kube/api-http-library.js';
import { createReporter, type ProgressReporter } from '../../output/reporter.js';
import type { CliDeps } from '../cli-deps.js';
import { VERBOSITY, type GlobalOptions } from '../global-options.js';

/**
 * What --quiet still shows on stderr besides the final error: a cleanup that failed, the one line that says
 * exporting (or another change) may be left behind while the command still runs.
 */
const QUIET_KEEPS: ReadonlySet<RunEvent['kind']> = new Set(['cleanup-failed']);

export function createCommandReporter(options: Pick<GlobalOptions, 'color' | 'verbosity' | 'quiet'>, deps: Pick<CliDeps, 'stderr' | 'env'>): ProgressReporter {
  const reporter = createReporter({ stream: deps.stderr, env: deps.env, color: options.color, verbose: options.verbosity >= VERBOSITY.componentCalls });
  if (!options.quiet) return reporter;
  return { emit: (event) => (QUIET_KEEPS.has(event.kind) ? reporter.emit(event) : undefined), close: () => reporter.close() };
}

/** -v 6: each Kubernetes API request as one line, through the same reporter as the component calls. */
export function apiRequestLogger(options: Pick<GlobalOptions, 'verbosity'>, emit: (event: RunEvent) => void): ((request: ApiRequestLog) => void) | undefined {
  if (options.verbosity < VERBOSITY.apiRequests) return undefined;
  return (request) => emit({ kind: 'http', ...request, via: 'Kubernetes API' });
}
