import type { CreatePlan } from '../../backup/take/create.js';
import type { BackupReport, PlannedCall } from '../../backup/take/report.js';

/** The --dry-run result: state PLANNED, the parts that would run or be skipped, and every call in order. */
export function buildPlannedReport(plan: CreatePlan, calls: readonly PlannedCall[], startedAt: string): BackupReport {
  return {
    schemaVersion: 1,
    command: 'create',
    backupId: plan.backupId,
    release: plan.release,
    namespace: plan.namespace,
    camundaVersion: plan.camundaVersion,
    chartVersion: plan.chartVersion,
    access: plan.access,
    state: 'PLANNED',
    startedAt,
    durationMs: 0,
    parts: plan.parts.map((part) => ({
      part: part.part,
      state: part.state,
      ...(part.target === undefined ? {} : { target: part.target }),
      ...(part.reason === undefined ? {} : { message: part.reason }),
    })),
    exporting: { paused: false, resumed: null, pausedMs: null },
    plan: calls,
    warnings: plan.warnings,
  };
}
