import type { ResumeReport } from '../backup/operate/lifecycle-report.js';
import { formatDuration } from '../format-duration.js';
import { redactSecrets } from './redact.js';

/** `resume` on stdout: one sentence, the partitions read back, and, when it failed, the commands to run by hand. */
export function renderResumeText(report: ResumeReport): string {
  const lines: string[] = [];
  if (report.resumed) {
    lines.push(
      `Zeebe exporting of release ${report.release} in namespace ${report.namespace} is resumed (${report.target}, ${report.attempts} attempt(s), ${formatDuration(report.durationMs)}).`,
    );
  } else {
    const how = report.stopped ? 'was STOPPED' : 'FAILED';
    lines.push(`Resuming Zeebe exporting of release ${report.release} in namespace ${report.namespace} ${how} after ${report.attempts} attempt(s): ${report.message ?? 'no answer'}`);
    lines.push('Zeebe exporting may STILL BE PAUSED.');
    if (report.resumeCommand) lines.push('Resume it by hand with one of:', ...report.resumeCommand.split('\n').map((line) => `    ${line}`));
  }
  if (report.partitions && report.partitions.length > 0) {
    const brokers = new Set(report.partitions.map((p) => p.broker)).size;
    const notExporting = report.partitions.filter((p) => p.exporterPhase !== 'EXPORTING');
    lines.push(
      notExporting.length === 0
        ? `The brokers confirm it: every partition replica (${report.partitions.length} on ${brokers} broker(s)) is EXPORTING.`
        : `The brokers still report: ${notExporting.map((p) => `partition ${p.partitionId} on ${p.broker} ${p.exporterPhase}`).join(', ')}.`,
    );
  }
  for (const warning of report.warnings) lines.push(`Warning: ${warning}`);
  return redactSecrets(`${lines.join('\n')}\n`);
}
