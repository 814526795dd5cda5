import type { ListReport } from '../backup/operate/lifecycle-report.js';
import { ageCell } from './age.js';
import { renderBorderlessTable, type TableView } from './borderless-table.js';
import { redactSecrets } from './redact.js';
import { truncate } from './status-table.js';

/** Short cell names, so the table fits a terminal: NOT_FOUND is shown as "-" (that part has no such backup). */
const CELL: Readonly<Record<string, string>> = { NOT_FOUND: '-', IN_PROGRESS: 'RUNNING' };

/**
 * `list` on stdout: one row per backup ID, newest first, its AGE, a column per part and whether it is restorable;
 * -o wide adds the time and why a backup is not restorable.
 */
export function renderListTable(report: ListReport, view: TableView): string {
  const columns = report.parts.filter((part) => part.state !== 'SKIPPED').map((part) => part.part);
  const shown = report.backups.length;
  const head = [
    `${report.total} backup(s) of release ${report.release} in namespace ${report.namespace}${shown < report.total ? `, newest ${shown} shown (--limit)` : ''}`,
    `Camunda ${report.camundaVersion} (chart ${report.chartVersion}), access ${report.access}`,
  ];
  const body =
    shown === 0
      ? 'No backups found.\n'
      : renderBorderlessTable(
          ['backup id', ...(view.wide ? ['time'] : []), 'age', ...columns, 'restorable', ...(view.wide ? ['why not'] : [])],
          report.backups.map((entry) => [
            String(entry.backupId),
            ...(view.wide ? [entry.time ?? '-'] : []),
            ageCell(entry.time, view.nowMs),
            ...columns.map((part) => {
              const state = entry.parts[part] ?? '-';
              return CELL[state] ?? state;
            }),
            entry.restorable ? 'yes' : `no (${CELL[entry.verdict] ?? entry.verdict})`,
            ...(view.wide ? [truncate(entry.reasons.join('; '), 100)] : []),
          ]),
        );
  const skipped = report.parts.filter((part) => part.state === 'SKIPPED').map((part) => `Skipped: ${part.part} (${part.message ?? 'not part of this installation'})`);
  const footer = [...skipped, ...report.warnings.map((warning) => `Warning: ${warning}`)];
  return redactSecrets(`${head.join('\n')}\n\n${body}${footer.length > 0 ? `\n${footer.join('\n')}\n` : ''}`);
}
