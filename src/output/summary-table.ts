import type { BackupReport, ExportingReport } from '../backup/take/report.js';
import { lastColumnRoom, renderBorderlessTable, type TableView } from './borderless-table.js';
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
  const head = wide ? ['part', 'state', 'target', 'duration', 'message'] : ['part', 'state', 'duration', 'message'];
  const rowOf = (part: BackupReport['parts'][number], message: string): string[] =>
    wide ? [part.part, part.state, part.target ?? '-', duration(part.durationMs), message] : [part.part, part.state, duration(part.durationMs), message];
  const rows = report.parts.map((part) => rowOf(part, wide ? truncate(part.message ?? '') : (part.message ?? '')));
  // The reason of a failed part is said once: whole in its row when the row shows it whole, else in the footer,
  // with the row pointing there (a cut reason above a whole one would say it twice, and half of it once).
  const failed = partSayingTheError(report);
  const room = wide ? MAX_MESSAGE_LENGTH : lastColumnRoom(head, rows, 'truncate');
  const rowSaysIt = failed !== undefined && (room === undefined || oneLine(failed.message ?? '').length <= room);
  const shown = failed !== undefined && !rowSaysIt ? rows.map((row, i) => (report.parts[i] === failed ? rowOf(failed, 'see Error below') : row)) : rows;
  const table = renderBorderlessTable(head, shown, wide ? undefined : 'truncate');
  return `${lines.join('\n')}\n\n${table}${renderFooter(report, rowSaysIt)}`;
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
  return `${lines.join('\n')}\n\n${table}${skippedText}${renderFooter(report, false)}`;
}

function renderFooter(report: BackupReport, saidByARow: boolean): string {
  const lines: string[] = [];
  // The footer names what no row says whole: a failed pause, an interrupt, or a part's reason too long for its row.
  if (report.error && !saidByARow) lines.push(`Error: ${report.error.message}`);
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

/** The part whose failure is the run's error (`<part>: <message>`), if any. */
function partSayingTheError(report: BackupReport): BackupReport['parts'][number] | undefined {
  const message = report.error?.message;
  return report.parts.find((part) => part.message !== undefined && message === `${part.part}: ${part.message}`);
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

function truncate(message: string): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_MESSAGE_LENGTH ? `${flat.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : flat;
}

