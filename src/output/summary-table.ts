import type { BackupReport, ExportingReport } from '../backup/take/report.js';
import { renderBorderlessTable, type TableView } from './borderless-table.js';
import { formatDuration } from '../format-duration.js';
import { redactSecrets } from './redact.js';

/** Longest MESSAGE cell; the JSON output keeps the full text. */
const MAX_MESSAGE_LENGTH = 200;

/**
 * The text result of `create` for stdout: a header (backup id, release, versions, access, outcome, exporting window)
 * and one row per part, or, for a dry run, the calls the run would make in order. -o wide adds the pod each part
 * was reached through.
 */
export function renderSummaryTable(report: BackupReport, view: Pick<TableView, 'wide'>): string {
  const text = report.state === 'PLANNED' ? renderPlan(report, view.wide) : renderOutcome(report, view.wide);
  return redactSecrets(text);
}

function renderOutcome(report: BackupReport, wide: boolean): string {
  const lines = [
    `Backup ${report.backupId ?? '-'} of release ${report.release} in namespace ${report.namespace}: ${report.state} in ${formatDuration(report.durationMs)}`,
    `Camunda ${report.camundaVersion} (chart ${report.chartVersion}), access ${report.access}`,
    describeExporting(report.exporting),
  ];
  const duration = (ms: number | undefined): string => (ms === undefined ? '-' : formatDuration(ms));
  const table = wide
    ? renderBorderlessTable(
        ['part', 'state', 'target', 'duration', 'message'],
        report.parts.map((part) => [part.part, part.state, part.target ?? '-', duration(part.durationMs), truncate(part.message ?? '')]),
      )
    : renderBorderlessTable(
        ['part', 'state', 'duration', 'message'],
        report.parts.map((part) => [part.part, part.state, duration(part.durationMs), part.message ?? '']),
        'truncate',
      );
  return `${lines.join('\n')}\n\n${table}${renderFooter(report)}`;
}

function renderPlan(report: BackupReport, wide: boolean): string {
  const lines = [
    `Dry run: backup ${report.backupId ?? '-'} of release ${report.release} in namespace ${report.namespace} would make these calls, in order (calls with the same ORDER run concurrently). Nothing was changed.`,
    `Camunda ${report.camundaVersion} (chart ${report.chartVersion}), access ${report.access}`,
  ];
  const table = renderBorderlessTable(
    ['order', 'step', 'method', 'path', ...(wide ? ['target'] : []), 'note'],
    (report.plan ?? []).map((call) => [String(call.order), call.step, call.method, call.path, ...(wide ? [call.target] : []), call.note ?? '']),
    wide ? undefined : 'wrap',
  );
  const skipped = report.parts.filter((part) => part.state === 'SKIPPED').map((part) => `skipped: ${part.part}${part.message ? ` (${part.message})` : ''}`);
  const skippedText = skipped.length > 0 ? `\n${skipped.join('\n')}\n` : '';
  return `${lines.join('\n')}\n\n${table}${skippedText}${renderFooter(report)}`;
}

function renderFooter(report: BackupReport): string {
  const lines: string[] = [];
  // A part's failure is said by its row; the footer names only what no row says (a failed pause, an interrupt).
  if (report.error && !isSaidByARow(report)) lines.push(`Error: ${report.error.message}`);
  lines.push(...describeLeftBehind(report));
  for (const warning of report.warnings) lines.push(`Warning: ${warning}`);
  return lines.length > 0 ? `\n${lines.join('\n')}\n` : '';
}

/** What a run that did not complete left of its ID, and the command that deletes it. */
function describeLeftBehind(report: BackupReport): string[] {
  const left = report.leftBehind;
  if (!left) return [];
  if (left.parts.length === 0) return [`Left behind: nothing of backup ${left.backupId} (no part had started).`];
  const parts = left.parts.map((p) => `${p.part} (${p.state})`).join(', ');
  const running = left.parts.some((p) => p.state === 'IN_PROGRESS' || p.state === 'INTERRUPTED' || p.state === 'TIMED_OUT');
  return [
    `Left behind: ${parts}: parts of backup ${left.backupId}, which is not restorable${running ? ' (a part that was still running may finish on its own; it stays unrestorable)' : ''}.`,
    `Delete them with: ${left.deleteCommand ?? '-'}`,
  ];
}

/** One sentence on the exporting pause, the fact an operator checks first after a failed run. */
export function describeExporting(exporting: ExportingReport): string {
  if (!exporting.paused) return 'Exporting: not paused by this run.';
  const window = exporting.pausedMs === null ? '' : ` for ${formatDuration(exporting.pausedMs)}`;
  if (exporting.resumed === true) return `Exporting: paused${window}, resumed.`;
  const command = exporting.resumeCommand?.trim();
  const how = !command ? '' : command.includes('\n') ? ` Resume it with:\n${command.split('\n').map((line) => `    ${line}`).join('\n')}` : ` Resume it with: ${command}`;
  return `Exporting: STILL PAUSED (paused${window}, resume failed).${how}`;
}

function isSaidByARow(report: BackupReport): boolean {
  const message = report.error?.message;
  return report.parts.some((part) => part.message !== undefined && message === `${part.part}: ${part.message}` && truncate(part.message) === part.message);
}

function truncate(message: string): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_MESSAGE_LENGTH ? `${flat.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : flat;
}

