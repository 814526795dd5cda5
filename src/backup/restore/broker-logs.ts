/**
 * Judging the restore application from the brokers' logs (camunda-restore.md §2 step 8, §6, §10): it logs one
 * success line and exits, and the kubelet restarts it — with the restore env still set the next run fails on the
 * non-empty data directory and the pod crash-loops, the docs' "expected" CrashLoopBackOff. So each pod is judged
 * from its current and previous container together: a success line in either wins; a known failure line fails
 * fast only while no success was seen.
 */

export const RESTORE_SUCCESS = /Successfully restored broker from backup/;

const GENERIC_FAILURE = /Application run failed/;

/** The failure lines of the restore application and its Spring start, most telling first. */
const FAILURES: readonly RegExp[] = [
  /BackupNotFoundException[^\n]*/,
  /Backup is not valid[^\n]*/,
  /Cannot find a record at checkpoint position[^\n]*/,
  /data directory [^\n]* is not empty[^\n]*/,
  /Either --backupId or both[^\n]*/,
  /APPLICATION FAILED TO START/,
  GENERIC_FAILURE,
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
        if (match[0].includes('APPLICATION FAILED TO START') && explanation) return { state: 'failed', line: `APPLICATION FAILED TO START: ${explanation.trim()}` };
        // Spring's "Application run failed" says nothing by itself: the root cause is the last "Caused by:" after it
        // (the RDBMS mode's "no backup in the range", a gap, a missing exporter position, …).
        if (pattern === GENERIC_FAILURE) {
          const cause = rootCauseAfter(text, match.index);
          if (cause) return { state: 'failed', line: cause };
        }
        return { state: 'failed', line: lineAround(text, match.index) };
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

/** The last "Caused by:" line after `index` (the exception chain's root), without the prefix. */
function rootCauseAfter(text: string, index: number): string | undefined {
  const causes = text
    .slice(index)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('Caused by: '));
  return causes.at(-1)?.slice('Caused by: '.length);
}
