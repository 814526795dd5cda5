/**
 * Judging the restore application from the brokers' logs (camunda-restore.md §2 step 8, §6, §10): it logs one
 * success line and exits, and the kubelet restarts it — with the restore env still set the next run fails on the
 * non-empty data directory and the pod crash-loops, the docs' "expected" CrashLoopBackOff. So each pod is judged
 * from its current and previous container together: a success line in either wins; a known failure line fails
 * fast only while no success was seen.
 */

export const RESTORE_SUCCESS = /Successfully restored broker from backup/;

/** The failure lines of the restore application and its Spring start, most telling first. */
const FAILURES: readonly RegExp[] = [
  /BackupNotFoundException[^\n]*/,
  /Backup is not valid[^\n]*/,
  /Cannot find a record at checkpoint position[^\n]*/,
  /data directory [^\n]* is not empty[^\n]*/,
  /Either --backupId or both[^\n]*/,
  /APPLICATION FAILED TO START/,
  /Application run failed/,
];

export type BrokerRestoreVerdict = { readonly state: 'restored'; readonly line: string } | { readonly state: 'failed'; readonly line: string } | { readonly state: 'running' };

/** One pod's verdict from its current and previous container logs (undefined: no such run yet). */
export function judgeBrokerLogs(current: string | undefined, previous: string | undefined): BrokerRestoreVerdict {
  for (const text of [current, previous]) {
    const success = text?.split('\n').find((l) => RESTORE_SUCCESS.test(l));
    if (success !== undefined) return { state: 'restored', line: success.trim() };
  }
  for (const text of [current, previous]) {
    if (text === undefined) continue;
    for (const pattern of FAILURES) {
      const match = pattern.exec(text);
      if (match) {
        // The line that explains best: the matching line, with the APPLICATION FAILED TO START description after it.
        const explanation = /Description:\s*\n\s*\n?([^\n]+)/.exec(text)?.[1];
        return { state: 'failed', line: match[0].includes('APPLICATION FAILED TO START') && explanation ? `APPLICATION FAILED TO START: ${explanation.trim()}` : lineAround(text, match.index) };
      }
    }
  }
  return { state: 'running' };
}

function lineAround(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end === -1 ? undefined : end).trim();
}
