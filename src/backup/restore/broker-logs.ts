/**
 * Judging the restore application and the brokers from their logs (camunda-restore.md §2 step 8, §6, §8.2, §10).
 *
 * The restore application logs one success line and exits, and the kubelet restarts it. With the restore env still
 * set, the next run either fails on the non-empty data directory (the docs' "expected" CrashLoopBackOff, harmless)
 * or, on the Camunda patches with the succeed-restart-delete bug (camunda/camunda#48199, 8.9 backport #48257), a
 * partition-level emptiness check throws inside the restore and RestoreManager deletes the whole data directory —
 * the data it had just restored. So a pod is judged from its runs in order (previous container, then current): the
 * latest decisive line wins, a "not empty" failure after a success is the harmless crash loop, and a deletion of a
 * non-empty data directory is the wipe: the pod does not hold the backup (until a later run restores it again).
 *
 * Once the brokers run again, a partition whose directory is empty logs "Root directory … is empty or does not
 * exist. The partition … is starting with no pre-existing data." (RaftPartitionFactory, camunda/camunda#21589): on a
 * broker that was just restored that line means it came up without the backup's data.
 */

export const RESTORE_SUCCESS = /Successfully restored broker from backup/;

/** RestoreManager on a failed restore: "Failed to restore broker. Deleting data directory <dir>". */
const DATA_DELETED = /Deleting data directory[^\n]*/;
/** The emptiness checks (RestoreManager, and PartitionRestoreService on the affected patches). */
const NOT_EMPTY = /is not empty|DirectoryNotEmptyException/;

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

export type BrokerRestoreVerdict =
  | { readonly state: 'restored'; readonly line: string }
  | { readonly state: 'failed'; readonly line: string }
  /** The restore application deleted the data it had restored (a restart with the restore env still set). */
  | { readonly state: 'wiped'; readonly line: string }
  | { readonly state: 'running' };

/**
 * One pod's verdict from its previous and current container logs (undefined: no such run yet). `restoredBefore`:
 * this pod was seen restored by an earlier poll, whose log may have scrolled out of the two runs Kubernetes keeps.
 */
export function judgeBrokerLogs(current: string | undefined, previous: string | undefined, restoredBefore = false): BrokerRestoreVerdict {
  let verdict: BrokerRestoreVerdict = { state: 'running' };
  let restored = restoredBefore;
  for (const text of [previous, current]) {
    if (text === undefined) continue;
    const lines = text.split('\n');
    const success = lines.find((l) => RESTORE_SUCCESS.test(l));
    const deleted = DATA_DELETED.exec(text);
    if (deleted && (restored || NOT_EMPTY.test(text))) {
      // A run that found data and deleted it: the restored data is gone (a later run may restore it again).
      verdict = { state: 'wiped', line: lineAround(text, deleted.index) };
      restored = false;
      continue;
    }
    if (success !== undefined) {
      verdict = { state: 'restored', line: success.trim() };
      restored = true;
      continue;
    }
    // After a success, a failing run is the expected crash loop on the non-empty directory: the data stays.
    if (restored) continue;
    const failure = failureLine(text);
    if (failure !== undefined) verdict = { state: 'failed', line: failure };
  }
  if (verdict.state === 'running' && restoredBefore) return { state: 'restored', line: 'restored (seen earlier)' };
  return verdict;
}

function failureLine(text: string): string | undefined {
  for (const pattern of FAILURES) {
    const match = pattern.exec(text);
    if (match) {
      // The line that explains best: the matching line, with the APPLICATION FAILED TO START description after it.
      const explanation = /Description:\s*\n\s*\n?([^\n]+)/.exec(text)?.[1];
      if (match[0].includes('APPLICATION FAILED TO START') && explanation) return `APPLICATION FAILED TO START: ${explanation.trim()}`;
      // Spring's "Application run failed" says nothing by itself: the root cause is the last "Caused by:" after it
      // (the RDBMS mode's "no backup in the range", a gap, a missing exporter position, …).
      if (pattern === GENERIC_FAILURE) {
        const cause = rootCauseAfter(text, match.index);
        if (cause) return cause;
      }
      return lineAround(text, match.index);
    }
  }
  return undefined;
}

/** RaftPartitionFactory when a partition starts without data: "Root directory <dir> for partition <id> is empty or does not exist. …" */
const EMPTY_PARTITION = /Root directory (\S+) for partition [^\n]* is empty or does not exist[^\n]*/g;

/** The partitions a running broker's log says started without data, with the line (camunda/camunda#21589). */
export function partitionsStartedEmpty(log: string | undefined): { partitionId: number | undefined; line: string }[] {
  if (log === undefined) return [];
  return [...log.matchAll(EMPTY_PARTITION)].map((match) => {
    const last = /(\d+)\/?$/.exec(match[1] ?? '')?.[1];
    return { partitionId: last === undefined ? undefined : Number(last), line: lineAround(log, match.index) };
  });
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

function lineAround(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end === -1 ? undefined : end).trim();
}
