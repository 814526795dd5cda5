import type { CheckReport } from '../backup/operate/lifecycle-report.js';
import { renderBorderlessTable, type TableView } from './borderless-table.js';
import { redactSecrets } from './redact.js';

/**
 * `check` on stdout: a checklist, one row per check with its result (wrapped to fit; one line each with -o wide),
 * and the fix under every WARN and FAIL.
 */
export function renderCheckList(report: CheckReport, view: Pick<TableView, 'wide'>): string {
  const release = report.release
    ? `release ${report.release} in namespace ${report.namespace} (Camunda ${report.camundaVersion}, chart ${report.chartVersion})`
    : `namespace ${report.namespace}`;
  const head = `Pre-upgrade check of ${release}, access ${report.access}: ${report.result}`;
  const table = renderBorderlessTable(
    ['status', 'check', 'result'],
    report.checks.map((item) => [item.status, item.title, item.message]),
    view.wide ? undefined : 'wrap',
  );
  const fixes = report.checks
    .filter((item) => (item.status === 'FAIL' || item.status === 'WARN') && item.fix)
    .map((item) => `${item.status} ${item.title}:\n    fix: ${item.fix}`);
  const { pass, warn, fail, skip } = report.summary;
  const summary = `${pass} passed, ${warn} warning(s), ${fail} failed${skip > 0 ? `, ${skip} skipped` : ''}`;
  const warnings = report.warnings.map((warning) => `Warning: ${warning}`);
  const parts = [`${head}\n\n${table}`, fixes.length > 0 ? `What to do:\n${fixes.join('\n')}\n` : '', `${summary}\n`, warnings.length > 0 ? `${warnings.join('\n')}\n` : ''];
  return redactSecrets(parts.filter(Boolean).join('\n'));
}
