/**
 * `restore` flags → RestoreCommandOptions, validated before any cluster call; every problem is one UsageError
 * (exit 2): a backup ID that is not a positive integer, a --to that is not a time, flags that do not go together.
 */
import { z } from 'zod';
import { assertWebModelerDump } from '../../backup/restore/web-modeler.js';
import { UsageError } from '../../errors.js';
import { shellWord } from '../../kube/cluster-flags.js';
import { GlobalOptionsSchema } from '../global-options-schema.js';
import type { GlobalArgs, GlobalOptions } from '../global-options.js';
import { backupIdFlag, durationFlag, MAX_TIMEOUT_MS, MIN_POLL_INTERVAL_MS } from './create-options.js';

export interface RestoreArgs extends GlobalArgs {
  readonly backupId?: string | undefined;
  readonly 'dry-run': boolean;
  readonly yes: boolean;
  readonly status: boolean;
  readonly abandon?: boolean | undefined;
  readonly 'database-restored': boolean;
  readonly 'stop-for-database-restore'?: boolean | undefined;
  readonly to?: string | undefined;
  readonly 'web-modeler-dump'?: string | undefined;
  readonly 'web-modeler-timeout'?: string | undefined;
  readonly 'wait-timeout': string;
  readonly 'poll-interval': string;
}

export interface RestoreCommandOptions extends GlobalOptions {
  /** undefined: --status, or the RDBMS-aware mode (--database-restored without an ID). */
  readonly backupId: number | undefined;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly status: boolean;
  /** --abandon: give up the release's unfinished restore (start the applications again, close the journal). */
  readonly abandon: boolean;
  readonly databaseRestored: boolean;
  /** RDBMS, the first of two runs: check, stop every Camunda workload (replicas recorded), then wait for the database. */
  readonly stopForDatabaseRestore: boolean;
  /** --to as an ISO instant. */
  readonly to?: string | undefined;
  readonly webModelerDump?: string | undefined;
  /** Longest load of the Web Modeler dump (psql until it committed): a dump of gigabytes outlasts --wait-timeout. */
  readonly webModelerTimeoutMs: number;
  /** Longest wait for pods (gone, Ready) and for PVCs. */
  readonly waitTimeoutMs: number;
  readonly pollIntervalMs: number;
}

/** --web-modeler-timeout's default: a dump of several gigabytes, and its indexes built, within the hour. */
export const DEFAULT_WEB_MODELER_TIMEOUT_MS = 3_600_000;

const RestoreSchema = z.object({
  backupId: backupIdFlag(),
  'dry-run': z.boolean(),
  yes: z.boolean(),
  status: z.boolean(),
  abandon: z.boolean().optional(),
  'database-restored': z.boolean(),
  'stop-for-database-restore': z.boolean().optional().default(false),
  to: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      const ms = Date.parse(text);
      // An ISO instant with a zone: the restore app reads it as java.time.Instant.
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) || !Number.isFinite(ms)) {
        ctx.addIssue({ code: 'custom', message: `--to: "${text}" is not an ISO time with a zone, e.g. 2026-12-06T03:00:00Z` });
        return z.NEVER;
      }
      return new Date(ms).toISOString();
    }),
  'web-modeler-dump': z.string().min(1, '--web-modeler-dump: empty path').optional(),
  'web-modeler-timeout': durationFlag('--web-modeler-timeout', { max: [MAX_TIMEOUT_MS, '24h'] }).optional(),
  'wait-timeout': durationFlag('--wait-timeout', { max: [MAX_TIMEOUT_MS, '24h'] }),
  'poll-interval': durationFlag('--poll-interval', { min: [MIN_POLL_INTERVAL_MS, '500ms'], max: [60_000, '1m'] }),
});

export function parseRestoreOptions(argv: RestoreArgs): RestoreCommandOptions {
  const global = GlobalOptionsSchema.safeParse(argv);
  const restore = RestoreSchema.safeParse(argv);
  if (!global.success || !restore.success) {
    const issues = [...(global.error?.issues ?? []), ...(restore.error?.issues ?? [])];
    throw new UsageError(issues.map((issue) => issue.message).join('; '), { usage: 'restore' });
  }
  const r = restore.data;
  const usage = (message: string, hint?: string): never => {
    throw new UsageError(message, { hint, usage: 'restore' });
  };
  const stopFirst = r['stop-for-database-restore'];
  if (r.status && (r.backupId !== undefined || r['dry-run'] || r['database-restored'] || stopFirst || r.to !== undefined || r['web-modeler-dump'] !== undefined)) {
    usage('--status shows the journal of the release and takes no backup ID or restore flags');
  }
  if (r.abandon && (r.status || r.backupId !== undefined || r['dry-run'] || r['database-restored'] || stopFirst || r.to !== undefined || r['web-modeler-dump'] !== undefined)) {
    usage('--abandon gives up the unfinished restore of the release and takes no backup ID, --status, --dry-run or restore flags', 'see what it would give up with restore --status');
  }
  if (!r.status && !r.abandon && r.backupId === undefined && !r['database-restored'] && !stopFirst) {
    // Nothing is resolved yet (no kubeconfig read): the list command carries the cluster flags exactly as typed.
    const typed = [
      ...(argv.kubeconfig !== undefined ? [`--kubeconfig ${shellWord(argv.kubeconfig)}`] : []),
      ...(argv.context !== undefined ? [`--context ${shellWord(argv.context)}`] : []),
      ...(argv.namespace !== undefined ? [`-n ${shellWord(argv.namespace)}`] : []),
      ...(argv.release !== undefined ? [`--release ${shellWord(argv.release)}`] : []),
    ];
    usage('a backup ID is required, e.g. restore 1748937221', `list the backups with '${['kubectl camunda-backup list', ...typed].join(' ')}'; on an RDBMS installation run --stop-for-database-restore first, restore the database, then --database-restored`);
  }
  if (stopFirst && r['database-restored']) {
    usage('--stop-for-database-restore and --database-restored are the two runs of an RDBMS restore: give one', 'first --stop-for-database-restore (stops Camunda), then restore the database, then --database-restored');
  }
  if (stopFirst && r.backupId !== undefined) usage('--stop-for-database-restore takes no backup ID: on an RDBMS the restore follows the database');
  if (r.to !== undefined && !r['database-restored']) usage('--to is only for the RDBMS mode, with --database-restored (the run after the database was restored)');
  if (r['database-restored'] && r.backupId !== undefined) {
    usage('--database-restored takes no backup ID: the restore application picks the Zeebe backups that match the restored database', 'bound it with --to <time> if needed');
  }
  const dump = r['web-modeler-dump'];
  // A file that is no complete pg_dump is bad input: exit 2 before discovery, the checks or any change.
  if (dump !== undefined) assertWebModelerDump(dump, undefined);
  return {
    ...global.data,
    backupId: r.backupId,
    dryRun: r['dry-run'],
    yes: r.yes,
    status: r.status,
    abandon: r.abandon === true,
    databaseRestored: r['database-restored'],
    stopForDatabaseRestore: stopFirst,
    ...(r.to !== undefined ? { to: r.to } : {}),
    ...(dump !== undefined ? { webModelerDump: dump } : {}),
    webModelerTimeoutMs: r['web-modeler-timeout'] ?? DEFAULT_WEB_MODELER_TIMEOUT_MS,
    waitTimeoutMs: r['wait-timeout'],
    pollIntervalMs: r['poll-interval'],
  };
}
