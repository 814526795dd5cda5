/**
 * Preflight of a create run: read-only, all checks concurrently, first failure in plan order wins. A failure throws
 * a CliError (exit 2 or 3) and nothing has changed; what the checks learn (the newest checkpoint) goes to the steps
 * as PreflightFacts. Each check kind has what --dry-run prints for it and what it does, side by side.
 */
import { ComponentHttpError } from '../../camunda/management-api.js';
import type { WebappBackup, ZeebeBackup } from '../../camunda/responses.js';
import { repositoryPath, searchApi, snapshotPath } from '../../camunda/search-api.js';
import { CliError, messageOf, PreconditionError, UsageError } from '../../errors.js';
import { abortError, type ConnectionPool } from '../connections.js';
import { newestCheckpoint } from './continuous-backup-step.js';
import type { CreatePlan, PreflightCheck } from './plan.js';
import type { CallWriter, Phase, PreflightFacts } from './step-context.js';
import { assertDumpTarget } from './web-modeler-dump.js';

interface CheckContext {
  readonly plan: CreatePlan;
  readonly pool: ConnectionPool;
  readonly phase: Phase;
  readonly facts: PreflightFacts;
}

interface CheckKind<C extends PreflightCheck> {
  /** In a few words, for the error when the check itself fails. */
  title(check: C): string;
  /** The read-only call(s) --dry-run prints; none for a local check. */
  describe(check: C, plan: CreatePlan, calls: CallWriter): void;
  run(check: C, context: CheckContext): Promise<void>;
}

type CheckKinds = { readonly [K in PreflightCheck['kind']]: CheckKind<Extract<PreflightCheck, { kind: K }>> };

const CHECKS: CheckKinds = {
  'dump-target-free': {
    title: (check) => `dump file ${check.path}`,
    describe: () => undefined,
    run: async (check) => assertDumpTarget(check.path),
  },
  'actuator-links': {
    title: (check) => `endpoints of the ${check.component}`,
    describe: (check, _plan, calls) => calls.call('preflight', 'GET', check.endpoint, '/actuator'),
    async run(check, { plan, pool, phase }) {
      const links = await (await pool.api(check.endpoint, phase)).actuatorLinks();
      if (links === undefined) {
        phase.emit({ kind: 'info', message: `${check.component}: GET /actuator lists no endpoints; relying on the version table (${plan.line})` });
        return;
      }
      const missing = check.expectedLinks.filter((link) => !links.includes(link));
      if (missing.length > 0) {
        throw new PreconditionError(
          `the ${check.component} at ${check.endpoint.where} does not expose ${missing.map((m) => `/actuator/${m}`).join(' and ')} ` +
            `(it lists: ${links.join(', ') || 'nothing'}), which Camunda ${plan.line} needs for backups`,
          { hint: 'check the Camunda version really running there; --camunda-version forces a procedure at your own risk' },
        );
      }
    },
  },
  'search-repository': {
    title: (check) => `snapshot repository "${check.repository}"`,
    describe: (check, _plan, calls) => calls.call('preflight', 'GET', check.endpoint, repositoryPath(check.repository)),
    async run(check, { pool, phase }) {
      const where = check.endpoint.where;
      try {
        await searchApi(await pool.context(check.endpoint, phase)).repository(check.repository);
      } catch (error) {
        if (error instanceof ComponentHttpError && (error.status === 404 || error.kind === 'no-repository')) {
          throw new PreconditionError(`snapshot repository "${check.repository}" does not exist in ${where}`, {
            hint: `register it in Elasticsearch/OpenSearch (PUT /_snapshot/${check.repository}) or choose another with --snapshot-repository`,
            cause: error,
          });
        }
        throw new PreconditionError(`cannot read snapshot repository "${check.repository}" at ${where}: ${messageOf(error)}`, { cause: error });
      }
    },
  },
  'snapshot-absent': {
    title: (check) => `snapshot ${check.snapshot}`,
    describe: (check, _plan, calls) => calls.call('preflight', 'GET', check.endpoint, snapshotPath(check.repository, check.snapshot)),
    async run(check, { plan, pool, phase }) {
      const existing = await searchApi(await pool.context(check.endpoint, phase)).snapshot(check.repository, check.snapshot);
      if (existing) {
        throw new UsageError(`backup ID ${plan.backupId} is taken: snapshot ${check.snapshot} already exists in repository "${check.repository}"`, {
          hint: 'choose another --backup-id (or omit it to use the current unix time)',
        });
      }
    },
  },
  'zeebe-latest-id': {
    title: () => 'existing Zeebe backups',
    describe: (check, _plan, calls) => calls.call('preflight', 'GET', check.endpoint, check.endpoint.path, { note: 'the backup ID must be higher than every Zeebe backup' }),
    async run(check, { plan, pool, phase }) {
      const id = plan.backupId;
      let backups: readonly ZeebeBackup[];
      try {
        backups = await (await pool.api(check.endpoint, phase)).zeebeBackups(check.endpoint.path);
      } catch (error) {
        const hint =
          error instanceof ComponentHttpError && error.kind === 'no-backup-store'
            ? 'configure a backup store for Zeebe (S3, GCS, Azure or filesystem) in the release values'
            : undefined;
        throw new PreconditionError(`Zeebe cannot list its backups at ${check.endpoint.where}: ${messageOf(error)}`, { hint, cause: error });
      }
      const latest = backups.reduce<number | undefined>((max, backup) => (max === undefined || backup.backupId > max ? backup.backupId : max), undefined);
      if (latest !== undefined && latest >= id) {
        throw new UsageError(
          `backup ID ${id} is not higher than the latest Zeebe backup ${latest}: Zeebe only accepts higher IDs (failed and deleted ones count)`,
          { hint: `choose --backup-id ${latest + 1} or higher${latest > 1e11 && id < 1e11 ? ' (this cluster uses millisecond IDs)' : ''}` },
        );
      }
    },
  },
  'backup-absent': {
    title: (check) => `existing ${check.part} backup`,
    describe: (check, plan, calls) => calls.call('preflight', 'GET', check.endpoint, `${check.endpoint.path}/${plan.backupId}`),
    async run(check, { plan, pool, phase }) {
      let existing: WebappBackup;
      try {
        existing = await (await pool.api(check.endpoint, phase)).webappBackup(check.endpoint.path, plan.backupId);
      } catch (error) {
        if (error instanceof ComponentHttpError) {
          // Not-found answers differ per component and patch (400/404/500): only what is clearly a
          // configuration problem stops the run here; the rest is left to the backup call itself.
          if (error.kind === 'no-repository' || error.kind === 'endpoint-absent') {
            throw new PreconditionError(`${check.part} at ${check.endpoint.where}: ${error.componentMessage}`, {
              hint: error.kind === 'no-repository' ? `configure the snapshot repository of ${check.part}` : 'check the Camunda version really running there',
              cause: error,
            });
          }
          return;
        }
        if (phase.signal.aborted) throw error;
        // An unparseable body is not evidence of a duplicate.
        if (error instanceof Error && error.name === 'UnexpectedResponseError') return;
        throw error;
      }
      throw new UsageError(`backup ID ${plan.backupId} is taken: ${check.part} already has a backup with that ID (${existing.state})`, {
        hint: 'choose another --backup-id (or omit it to use the current unix time)',
      });
    },
  },
  'runtime-state': {
    title: () => 'Zeebe backup runtime state',
    describe: (check, _plan, calls) => calls.call('preflight', 'GET', check.endpoint, `${check.endpoint.path}/state`),
    async run(check, { pool, phase, facts }) {
      const state = await (await pool.api(check.endpoint, phase)).runtimeState(check.endpoint.path);
      facts.runtimeBaselineId = newestCheckpoint(state);
    },
  },
};

function kindOf<C extends PreflightCheck>(check: C): CheckKind<C> {
  return CHECKS[check.kind] as unknown as CheckKind<C>;
}

/** The dry run's preflight calls, all of one order: they run concurrently. */
export function describeChecks(plan: CreatePlan, calls: CallWriter): void {
  for (const check of plan.checks) kindOf(check).describe(check, plan, calls);
}

export async function preflight(plan: CreatePlan, pool: ConnectionPool, phase: Phase, targets: readonly string[]): Promise<PreflightFacts> {
  phase.emit({ kind: 'info', message: `checking ${targets.join(', ')}` });
  const facts: PreflightFacts = {};
  const context: CheckContext = { plan, pool, phase, facts };
  const results = await Promise.allSettled(plan.checks.map((check) => kindOf(check).run(check, context)));
  if (phase.signal.aborted) throw abortError(phase.signal);
  for (const [index, result] of results.entries()) {
    if (result.status === 'fulfilled') continue;
    const error: unknown = result.reason;
    if (error instanceof CliError) throw error;
    const check = plan.checks[index]!;
    throw new PreconditionError(`preflight (${kindOf(check).title(check)}): ${messageOf(error)}`, { hint: 'nothing was changed', cause: error });
  }
  return facts;
}
