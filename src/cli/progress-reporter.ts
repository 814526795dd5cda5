/**
 * The progress reporter of a command, from its global options and the environment. CAMUNDA_BACKUP_HEARTBEAT sets how
 * often a log (CI, a CronJob) gets its timestamped "still running" line: a duration such as 30s or 5m, 0 for none.
 */
import { UsageError } from '../errors.js';
import { createReporter, DEFAULT_HEARTBEAT_MS, type ProgressReporter } from '../output/reporter.js';
import type { CliDeps } from './cli-deps.js';
import { parseDurationMs } from './parse-duration.js';

export const HEARTBEAT_ENV = 'CAMUNDA_BACKUP_HEARTBEAT';

export function createProgressReporter(options: { readonly color: boolean; readonly verbose: boolean }, deps: Pick<CliDeps, 'stderr' | 'env' | 'signal'>): ProgressReporter {
  const reporter = createReporter({ stream: deps.stderr, env: deps.env, color: options.color, verbose: options.verbose, heartbeatMs: heartbeatMsOf(deps.env[HEARTBEAT_ENV]) });
  // The entry point prints its interrupt notice straight to stderr, then aborts: redrawing the live lines would erase it.
  deps.signal.addEventListener('abort', () => reporter.stopLiveLines(), { once: true });
  return reporter;
}

/** Milliseconds between heartbeat lines; a value that is no duration is refused before anything runs. */
export function heartbeatMsOf(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_HEARTBEAT_MS;
  if (value.trim() === '0') return 0;
  const ms = parseDurationMs(value);
  if (ms === undefined) throw new UsageError(`${HEARTBEAT_ENV}="${value}" is not a duration`, { hint: `set it to a duration such as 30s or 5m, or 0 for no heartbeat lines` });
  return ms;
}
