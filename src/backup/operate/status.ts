/**
 * `status <backupId>`: the state of one backup in every part, and whether it is restorable. Read-only: one GET per
 * part, all parts concurrently; a part that cannot be asked is reported (ERROR) instead of failing the others.
 */
import type { Installation } from '../../camunda/installation.js';
import { openPool, type ConnectionPool, type PoolDeps } from '../connections.js';
import { layoutOf, type BackupLayout } from '../layout.js';
import { observePart, type PartObservation } from '../part-clients.js';
import { createOutcomeOf, type RunBookRead } from '../run-record.js';
import type { InstallationHeader, StatusPartReport, StatusReport } from './lifecycle-report.js';
import { backupIdTime } from './retention.js';
import { judgeBackup } from './verdict.js';
import type { AccessMode } from '../../reach/component-http.js';

export interface LifecycleDeps extends PoolDeps {
  readonly access: AccessMode;
  /** Reads the record of create runs (run-record-store.ts); without it verdicts rest on the parts alone. */
  readonly runs?: (() => Promise<RunBookRead>) | undefined;
  readonly now?: (() => number) | undefined;
}

/** Said by status and list on RDBMS, where the verdict cannot tie the parts' IDs together. */
export const RDBMS_PARTS_WARNING =
  "RDBMS secondary storage: Zeebe and Optimize are backed up independently, each with its own IDs; the Camunda database itself is backed up with the vendor's tools.";

export function headerOf(installation: Installation, access: AccessMode): InstallationHeader {
  return {
    release: installation.release,
    namespace: installation.namespace,
    camundaVersion: installation.camundaVersion,
    chartVersion: installation.chartVersion,
    access,
  };
}

export async function runStatus(installation: Installation, backupId: number, deps: LifecycleDeps): Promise<StatusReport> {
  const pool = openPool(deps);
  try {
    const layout = layoutOf(installation);
    const [observed, runs] = await Promise.all([observeAll(pool, layout, backupId), deps.runs?.() ?? {}]);
    return statusReport(installation, deps.access, backupId, layout, observed, runs, deps.now?.() ?? Date.now());
  } finally {
    await pool.close();
  }
}

/** Every present part's observation of one ID, in part order. */
export async function observeAll(pool: ConnectionPool, layout: BackupLayout, backupId: number): Promise<PartObservation[]> {
  return Promise.all(layout.present.map((endpoint) => observePart(pool, endpoint, backupId)));
}

/** Pure: the report from what each part said. */
function statusReport(
  installation: Installation,
  access: AccessMode,
  backupId: number,
  parts: BackupLayout,
  observed: readonly PartObservation[],
  runs: RunBookRead,
  nowMs: number,
): StatusReport {
  const rows: StatusPartReport[] = [
    ...parts.present.map((endpoint, index): StatusPartReport => {
      const observation = observed[index] ?? { state: 'ERROR', message: 'not asked' };
      return {
        part: endpoint.part,
        state: observation.state,
        target: endpoint.where,
        startedAt: observation.startedMs === undefined ? undefined : new Date(observation.startedMs).toISOString(),
        message: observation.message,
        details: observation.details,
      };
    }),
    ...parts.skipped.map((skip): StatusPartReport => ({ part: skip.part, state: 'SKIPPED', message: skip.reason })),
  ];
  const createOutcome = createOutcomeOf(runs.book, backupId, nowMs);
  const judgement = judgeBackup(rows, { independentParts: parts.procedure === 'rdbms', createOutcome });
  const time = backupIdTime(backupId);
  const warnings = [...installation.warnings];
  if (parts.procedure === 'rdbms') {
    warnings.push(RDBMS_PARTS_WARNING);
  }
  if (runs.warning) warnings.push(runs.warning);
  return {
    schemaVersion: 1,
    command: 'status',
    ...headerOf(installation, access),
    backupId,
    idTime: time ? new Date(time.ms).toISOString() : undefined,
    verdict: judgement.verdict,
    restorable: judgement.restorable,
    reasons: judgement.reasons,
    ...(createOutcome ? { createOutcome } : {}),
    parts: rows,
    warnings,
  };
}
