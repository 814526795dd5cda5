import type { BackupReport } from '../backup/take/report.js';
import { formatDuration } from '../format-duration.js';
import { redactSecrets } from './redact.js';

/**
 * The loud stderr block for a run that could not resume Zeebe exporting: a soft pause survives restarts and
 * the brokers' disks keep growing until someone resumes, so the exact command is printed verbatim.
 */
export function renderStillPausedWarning(report: BackupReport, fallbackCommand: string): string {
  const command = report.exporting.resumeCommand ?? fallbackCommand;
  const paused = report.exporting.pausedMs === null ? '' : ` (paused for ${formatDuration(report.exporting.pausedMs)} so far)`;
  const lines = [
    '',
    '!!! ZEEBE EXPORTING IS STILL PAUSED !!!',
    `Backup ${report.backupId ?? '-'} of release ${report.release} in namespace ${report.namespace}: resuming exporting failed${paused}.`,
    "While exporting is paused, the brokers' disks keep growing. Resume it now:",
    '',
    ...command.split('\n').map((line) => `    ${line}`),
    '',
    'Exporting is resumed only when the answer contains "status":204 (the HTTP code is 200 either way).',
    '',
  ];
  return redactSecrets(`${lines.join('\n')}\n`);
}
