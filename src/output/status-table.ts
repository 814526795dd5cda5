import type { StatusReport } from '../backup/operate/lifecycle-report.js';
import { ageCell } from './age.js';
import { renderBorderlessTable, type TableView } from './borderless-table.js';
import { redactSecrets } from './redact.js';

const MAX_MESSAGE_LENGTH = 160;

/**
 * `status` on stdout: the verdict first (what a runbook reader wants), then one row per part with the AGE of its
 * start, then why not. -o wide adds the start time and the pod each part was asked through.
 */
export function renderStatusTable(report: StatusReport, view: TableView): string {
  const when = report.idTime ? ` (ID time ${report.idTime})` : '';
  const head = [
    `Backup ${report.backupId}${when} of release ${report.release} in namespace ${report.namespace}: ${report.verdict}${report.restorable ? ' (restorable)' : ' (not restorable)'}`,
    `Camunda ${report.camundaVersion} (chart ${report.chartVersion}), access ${report.access}`,
  ];
  const table = view.wide
    ? renderBorderlessTable(
        ['part', 'state', 'started', 'age', 'target', 'message'],
        report.parts.map((part) => [part.part, part.state, part.startedAt ?? '-', ageCell(part.startedAt, view.nowMs), part.target ?? '-', truncate(part.message ?? '')]),
      )
    : renderBorderlessTable(
        ['part', 'state', 'age', 'message'],
        report.parts.map((part) => [part.part, part.state, ageCell(part.startedAt, view.nowMs), part.message ?? '']),
        'truncate',
      );
  const footer = [...report.reasons.map((reason) => `Not restorable: ${reason}`), ...report.warnings.map((warning) => `Warning: ${warning}`)];
  return redactSecrets(`${head.join('\n')}\n\n${table}${footer.length > 0 ? `\n${footer.join('\n')}\n` : ''}`);
}

export function truncate(message: string, max = MAX_MESSAGE_LENGTH): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
