import type { BackupReport } from '../backup/take/report.js';
import { renderDocument, type DocumentFormat } from './document.js';

/**
 * The `-o json` / `-o yaml` document: the BackupReport as is, one object on stdout. It is a contract
 * (fields are added, never renamed or removed without bumping schemaVersion):
 *
 * - schemaVersion: 1
 * - command: "create"
 * - backupId: number, or null when no ID applies (continuous backups)
 * - release, namespace, camundaVersion, chartVersion: what discovery found
 * - access: "port-forward" | "exec"
 * - state: "COMPLETED" | "FAILED" | "INTERRUPTED" | "CLEANUP_FAILED" | "PLANNED" (dry run)
 * - startedAt: ISO-8601 time; durationMs: whole run
 * - parts[]: { part, state, target?, startedAt?, durationMs?, message?, details? } per component
 *   (optimize, operate, tasklist, webapps, zeebe-records, zeebe, web-modeler)
 * - exporting: { paused, resumed (true | false | null), pausedMs, resumeCommand? }
 * - plan[]: dry run only, { order, step, method, path, target, body? } per call, in order
 * - error?: { message, step? } when the run did not complete
 * - leftBehind?: { backupId, parts[]: { part, state }, deleteCommand? } when the backup did not complete: the parts
 *   of its ID left in the cluster (not restorable) and `kubectl camunda-backup delete <id>` with the run's flags
 * - warnings[]: strings
 *
 * Credentials never appear: strings pass through the same redaction as every other printed line.
 */
export function renderSummaryDocument(report: BackupReport, format: DocumentFormat): string {
  return renderDocument(report, format);
}
