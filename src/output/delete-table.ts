import type { DeleteReport } from '../backup/operate/lifecycle-report.js';
import { ageCell } from './age.js';
import { renderBorderlessTable, type TableView } from './borderless-table.js';
import { redactSecrets } from './redact.js';
import { truncate } from './status-table.js';

/**
 * `delete` on stdout: what goes (or went) per backup and part, with its AGE, what retention keeps and why. -o wide
 * adds the time and the pod each part was asked through.
 */
export function renderDeleteTable(report: DeleteReport, view: TableView): string {
  const wide = <T>(...cells: T[]): T[] => (view.wide ? cells : []);
  const selection = report.selection.ids
    ? `backup ID(s) ${report.selection.ids.join(', ')}`
    : [report.selection.keep !== undefined ? `--keep ${report.selection.keep}` : '', report.selection.olderThan ? `--older-than ${report.selection.olderThan}` : ''].filter(Boolean).join(' ');
  const outcome: Record<DeleteReport['state'], string> = {
    PLANNED: `Dry run: ${report.backups.length} backup(s) would be deleted. Nothing was changed.`,
    COMPLETED: `Deleted ${report.backups.length} backup(s).`,
    FAILED: 'Deletion FAILED for some parts (see below); the other parts were deleted.',
    NOTHING_TO_DELETE: 'Nothing to delete.',
    CANCELLED: 'Cancelled: nothing was deleted.',
  };
  const lines = [
    `Delete ${selection} in release ${report.release}, namespace ${report.namespace}: ${outcome[report.state]}`,
    `Camunda ${report.camundaVersion} (chart ${report.chartVersion}), access ${report.access}`,
  ];
  let text = `${lines.join('\n')}\n`;
  if (report.backups.length > 0) {
    text += `\n${renderBorderlessTable(
      ['backup id', ...wide('time'), 'age', 'verdict', 'part', 'state', ...wide('target'), 'message'],
      report.backups.flatMap((entry) =>
        entry.parts.map((part, index) => [
          index === 0 ? String(entry.backupId) : '',
          ...wide(index === 0 ? (entry.time ?? '-') : ''),
          index === 0 ? ageCell(entry.time, view.nowMs) : '',
          index === 0 ? entry.verdict : '',
          part.part,
          part.state,
          ...wide(part.target ?? '-'),
          view.wide ? truncate(part.message ?? '') : (part.message ?? ''),
        ]),
      ),
      view.wide ? undefined : 'truncate',
    )}`;
    const reasons = [...new Set(report.backups.map((entry) => entry.reason))];
    if (report.selection.ids === undefined) text += `\nChosen because: ${reasons.join('; ')}\n`;
  }
  if (report.kept.length > 0) {
    text += `\nKept:\n${renderBorderlessTable(
      ['backup id', ...wide('time'), 'age', 'verdict', 'why kept'],
      report.kept.map((entry) => [String(entry.backupId), ...wide(entry.time ?? '-'), ageCell(entry.time, view.nowMs), entry.verdict, entry.reason]),
      view.wide ? undefined : 'wrap',
    )}`;
  }
  const footer = [...report.notes.map((note) => `Note: ${note}`), ...report.warnings.map((warning) => `Warning: ${warning}`)];
  if (footer.length > 0) text += `\n${footer.join('\n')}\n`;
  return redactSecrets(text);
}
