/**
 * The restore commands printed for a person (continue a restore, abandon it), built by the one builder of tool
 * commands (toolCommand): every flag that shapes the run is carried, so the printed command reaches the same cluster
 * the same way (an --exec-pod relay, a named repository, a forced version, the Web Modeler dump, the waits).
 * Pure; create, delete, resume and check name these commands when a restore is unfinished.
 */
import { shellWord, toolCommand, type CommandTarget } from '../../kube/cluster-flags.js';
import { durationText } from '../../parse-duration.js';

/** restore's defaults for --wait-timeout and --poll-interval: a printed command repeats only what differs. */
export const RESTORE_WAIT_TIMEOUT_DEFAULT = '10m';
export const RESTORE_POLL_INTERVAL_DEFAULT = '2s';
/** --web-modeler-timeout's default, as the flag reads it. */
export const RESTORE_WEB_MODELER_TIMEOUT_DEFAULT = '1h';

/** What identifies the restore a command continues: the journal's plan (or the one just made). */
export interface RestoreIdentity {
  readonly mode: 'backup-id' | 'rdbms';
  readonly backupId: number | null;
  readonly restoreTo?: string | undefined;
  readonly webModelerDump?: string | undefined;
  readonly namespace: string;
  readonly release: string;
}

/** RDBMS: which of the two runs continues a journal: the stop until every workload is stopped, then --database-restored. */
export type RdbmsRun = 'stop-for-database-restore' | 'database-restored';

/** The restore's own flags of this run that shape how it waits (restore only; other commands have none). */
export interface RestoreRunFlags {
  readonly waitTimeoutMs?: number | undefined;
  readonly pollIntervalMs?: number | undefined;
  readonly webModelerTimeoutMs?: number | undefined;
  /** RDBMS: the run that continues (the stop until every workload is stopped; then --database-restored). */
  readonly rdbmsRun?: RdbmsRun | undefined;
}

/** The flags of a duration that differs from its default, e.g. ["--wait-timeout 30m"]. */
function durationFlag(flag: string, ms: number | undefined, defaultText: string): string[] {
  if (ms === undefined || durationText(ms) === defaultText) return [];
  return [`${flag} ${durationText(ms)}`];
}

/** The command that continues (or reruns) a restore, with every flag that shapes it, and --yes. */
export function continueRestoreCommand(target: CommandTarget, restore: RestoreIdentity, run: RestoreRunFlags = {}): string {
  const id = restore.mode === 'backup-id' && restore.backupId !== null ? ` ${restore.backupId}` : '';
  return toolCommand(`restore${id}`, target, [
    ...(restore.mode === 'rdbms' ? [`--${run.rdbmsRun ?? 'database-restored'}`] : []),
    // --to shapes the Zeebe restore: it goes with --database-restored, not with the first RDBMS run.
    ...(restore.restoreTo !== undefined && !(restore.mode === 'rdbms' && run.rdbmsRun === 'stop-for-database-restore') ? [`--to ${restore.restoreTo}`] : []),
    ...(restore.webModelerDump !== undefined ? [`--web-modeler-dump ${shellWord(restore.webModelerDump)}`] : []),
    ...durationFlag('--wait-timeout', run.waitTimeoutMs, RESTORE_WAIT_TIMEOUT_DEFAULT),
    ...durationFlag('--poll-interval', run.pollIntervalMs, RESTORE_POLL_INTERVAL_DEFAULT),
    ...(restore.webModelerDump !== undefined ? durationFlag('--web-modeler-timeout', run.webModelerTimeoutMs, RESTORE_WEB_MODELER_TIMEOUT_DEFAULT) : []),
    '--yes',
  ]);
}

/** The command that abandons the release's unfinished restore (it asks for confirmation: no --yes). */
export function abandonRestoreCommand(target: CommandTarget): string {
  return toolCommand('restore --abandon', target);
}

/** The two ways on from an unfinished restore, as one sentence of commands that reach this cluster the same way. */
export function waysOnFrom(restore: RestoreIdentity, target: CommandTarget): string {
  return `continue it with: ${continueRestoreCommand(target, restore)}; or, if it cannot be finished, abandon it with: ${abandonRestoreCommand(target)}`;
}
