import type { CheckReport, DeleteReport, ListReport, ResumeReport, StatusReport } from '../backup/operate/lifecycle-report.js';
import { renderDocument, type DocumentFormat } from './document.js';

/**
 * The `-o json` / `-o yaml` document of status, list, delete, check and resume: the report as is, one object on
 * stdout, every string redacted. Contract (README "JSON output"), schemaVersion 1:
 *
 * - every document: schemaVersion, command, namespace, access, warnings[]; release, camundaVersion, chartVersion
 *   (check: absent when no release was found)
 * - status: backupId, idTime?, verdict (COMPLETE | IN_PROGRESS | INCOMPLETE | FAILED | NOT_FOUND | UNKNOWN),
 *   restorable, reasons[], parts[] { part, state, target?, startedAt?, message?, details? }
 * - list: parts[] { part, state (LISTED | SKIPPED | ERROR), target?, count?, message? }, backups[] { backupId,
 *   time?, verdict, restorable, reasons[], parts { <part>: state } } newest first, total, limit?
 * - delete: dryRun, selection { ids? | keep?, olderThan? }, state (PLANNED | COMPLETED | FAILED |
 *   NOTHING_TO_DELETE | CANCELLED), backups[] { backupId, time?, verdict, reason, parts[] { part, state, target?,
 *   message? } }, kept[] { backupId, time?, verdict, reason }, notes[]
 * - check: result (PASS | WARN | FAIL), summary { pass, warn, fail, skip }, checks[] { id, title, status, message, fix? }
 * - resume: resumed, target, attempts, durationMs, message?, resumeCommand?, partitions[]? { broker, partitionId,
 *   exporterPhase }
 *
 * Part states: COMPLETED, IN_PROGRESS, FAILED, INCOMPLETE, INCOMPATIBLE, DELETED, NOT_FOUND (the part has no such
 * backup), ERROR (the part could not be asked; message says why), SKIPPED (not part of this installation).
 */
export function renderLifecycleDocument(report: StatusReport | ListReport | DeleteReport | CheckReport | ResumeReport, format: DocumentFormat): string {
  return renderDocument(report, format);
}
