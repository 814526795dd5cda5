/**
 * Preflight of a create run: read-only, all checks concurrently, first failure in plan order wins. A failure throws
 * a CliError (exit 2 or 3) and nothing has changed; what the checks learn (the newest checkpoint) goes to the steps
 * as PreflightFacts.
 */
import { ComponentHttpError } from '../camunda/management-api.js';
import type { RuntimeState, WebappBackup, ZeebeBackup } from '../camunda/responses.js';
import { searchApi } from '../camunda/search-api.js';
import { CliError, messageOf, PreconditionError, UsageError } from '../errors.js';
import type { Reporter } from '../events.js';
import { abortError, apiFor, contextFor, type Channels } from './open-channels.js';
import { endpointFor, type CreatePlan, type PreflightCheck } from './plan.js';

export interface PreflightFacts {
  runtimeBaselineId?: number | undefined;
}

export interface Phase {
  readonly emit: Reporter;
  readonly signal: AbortSignal;
  /** deps.signal: tells an interrupt from the run's timeout. */
  readonly interrupt: AbortSignal;
}

export async function preflight(plan: CreatePlan, channels: Channels, phase: Phase): Promise<PreflightFacts> {
  phase.emit({ kind: 'info', message: `checking ${plan.endpoints.map((e) => e.where).join(', ')}` });
  const facts: PreflightFacts = {};
  const results = await Promise.allSettled(plan.checks.map((check) => runCheck(plan, channels, phase, check, facts)));
  if (phase.signal.aborted) throw abortError(phase.signal);
  for (const [index, result] of results.entries()) {
    if (result.status === 'fulfilled') continue;
    const error: unknown = result.reason;
    if (error instanceof CliError) throw error;
    throw new PreconditionError(`preflight (${describeCheck(plan.checks[index]!)}): ${messageOf(error)}`, {
      hint: 'nothing was changed',
      cause: error,
    });
  }
  return facts;
}

function describeCheck(check: PreflightCheck): string {
  switch (check.kind) {
    case 'actuator-links':
      return `endpoints of the ${check.component}`;
    case 'search-repository':
      return `snapshot repository "${check.repository}"`;
    case 'snapshot-absent':
      return `snapshot ${check.snapshot}`;
    case 'zeebe-latest-id':
      return 'existing Zeebe backups';
    case 'backup-absent':
      return `existing ${check.part} backup`;
    case 'runtime-state':
      return 'Zeebe backup runtime state';
  }
}

async function runCheck(plan: CreatePlan, channels: Channels, phase: Phase, check: PreflightCheck, facts: PreflightFacts): Promise<void> {
  const endpoint = endpointFor(plan, check.endpoint);
  const id = plan.backupId;
  switch (check.kind) {
    case 'actuator-links': {
      const links = await apiFor(plan, channels, check.endpoint, phase).actuatorLinks();
      if (links === undefined) {
        phase.emit({ kind: 'info', message: `${check.component}: GET /actuator lists no endpoints; relying on the version table (${plan.line})` });
        return;
      }
      const missing = check.expectedLinks.filter((link) => !links.includes(link));
      if (missing.length > 0) {
        throw new PreconditionError(
          `the ${check.component} at ${endpoint.where} does not expose ${missing.map((m) => `/actuator/${m}`).join(' and ')} ` +
            `(it lists: ${links.join(', ') || 'nothing'}), which Camunda ${plan.line} needs for backups`,
          { hint: 'check the Camunda version really running there; --camunda-version forces a procedure at your own risk' },
        );
      }
      return;
    }
    case 'search-repository': {
      const search = searchApi(contextFor(plan, channels, check.endpoint, phase));
      try {
        await search.repository(check.repository);
      } catch (error) {
        if (error instanceof ComponentHttpError && (error.status === 404 || error.kind === 'no-repository')) {
          throw new PreconditionError(`snapshot repository "${check.repository}" does not exist in ${endpoint.where}`, {
            hint: `register it in Elasticsearch/OpenSearch (PUT /_snapshot/${check.repository}) or choose another with --snapshot-repository`,
            cause: error,
          });
        }
        throw new PreconditionError(`cannot read snapshot repository "${check.repository}" at ${endpoint.where}: ${messageOf(error)}`, { cause: error });
      }
      return;
    }
    case 'snapshot-absent': {
      const existing = await searchApi(contextFor(plan, channels, check.endpoint, phase)).snapshot(check.repository, check.snapshot);
      if (existing) {
        throw new UsageError(`backup ID ${id} is taken: snapshot ${check.snapshot} already exists in repository "${check.repository}"`, {
          hint: 'choose another --backup-id (or omit it to use the current unix time)',
        });
      }
      return;
    }
    case 'zeebe-latest-id': {
      let backups: readonly ZeebeBackup[];
      try {
        backups = await apiFor(plan, channels, check.endpoint, phase).zeebeBackups(check.path);
      } catch (error) {
        const hint =
          error instanceof ComponentHttpError && error.kind === 'no-backup-store'
            ? 'configure a backup store for Zeebe (S3, GCS, Azure or filesystem) in the release values'
            : undefined;
        throw new PreconditionError(`Zeebe cannot list its backups at ${endpoint.where}: ${messageOf(error)}`, { hint, cause: error });
      }
      const latest = backups.reduce<number | undefined>((max, backup) => (max === undefined || backup.backupId > max ? backup.backupId : max), undefined);
      if (latest !== undefined && latest >= id) {
        throw new UsageError(
          `backup ID ${id} is not higher than the latest Zeebe backup ${latest}: Zeebe only accepts higher IDs (failed and deleted ones count)`,
          { hint: `choose --backup-id ${latest + 1} or higher${latest > 1e11 && id < 1e11 ? ' (this cluster uses millisecond IDs)' : ''}` },
        );
      }
      return;
    }
    case 'backup-absent': {
      let existing: WebappBackup;
      try {
        existing = await apiFor(plan, channels, check.endpoint, phase).webappBackup(check.path, id);
      } catch (error) {
        if (error instanceof ComponentHttpError) {
          // Not-found answers differ per component and patch (400/404/500): only what is clearly a
          // configuration problem stops the run here; the rest is left to the backup call itself.
          if (error.kind === 'no-repository' || error.kind === 'endpoint-absent') {
            throw new PreconditionError(`${check.part} at ${endpoint.where}: ${error.componentMessage}`, {
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
      throw new UsageError(`backup ID ${id} is taken: ${check.part} already has a backup with that ID (${existing.state})`, {
        hint: 'choose another --backup-id (or omit it to use the current unix time)',
      });
    }
    case 'runtime-state': {
      const state = await apiFor(plan, channels, check.endpoint, phase).runtimeState(check.path);
      facts.runtimeBaselineId = newestCheckpoint(state);
      return;
    }
  }
}

/** The newest checkpoint the backup runtime state knows (markers aside). */
export function newestCheckpoint(state: RuntimeState): number | undefined {
  const ids = [
    ...(state.backupStates ?? []).map((entry) => entry.checkpointId),
    ...(state.checkpointStates ?? []).filter((entry) => entry.checkpointType !== 'MARKER').map((entry) => entry.checkpointId),
  ];
  return ids.length === 0 ? undefined : Math.max(...ids);
}
