/**
 * Is a restore of the release unfinished? The one read every command makes of it (create, delete and resume refuse,
 * check fails an item, status and list warn, restore continues it or refuses another ID), from the restore journal
 * (journal.ts). Between a failed or interrupted restore and its continuation the release's Lease is free, so the
 * journal is what says that the installation is half-restored: a backup taken of it, a retention delete of the
 * backup being restored, or a resume of its brokers' exporting would each act on a state nobody chose.
 * Like the run record, the journal is read where RBAC allows it; where it does not, the caller says so once and goes on.
 */
import { messageOf } from '../../errors.js';
import type { ConfigMapApi } from '../../kube/kube-client.js';
import { kubectlCommand, type CommandTarget } from '../../kube/cluster-flags.js';
import { KubeApiError } from '../../kube/kube-errors.js';
import type { CheckItem } from '../operate/lifecycle-report.js';
import { isUnfinished, journalNameFor, parseJournal, type RestoreJournal } from './journal.js';
import { waysOnFrom } from './restore-commands.js';

export type UnfinishedRestoreRead =
  /** No journal, or one whose restore completed or was abandoned. */
  | { readonly kind: 'none' }
  | { readonly kind: 'unfinished'; readonly journal: RestoreJournal; readonly journalName: string }
  /** A journal this version cannot read (damaged, or written by a newer version): treated as unfinished, it may be. */
  | { readonly kind: 'unreadable'; readonly reason: string; readonly journalName: string }
  /** The journal could not be read at all (RBAC, the API server): the caller warns once and goes on. */
  | { readonly kind: 'unknown'; readonly warning: string };

export interface RestorePlace {
  readonly namespace: string;
  readonly release: string;
}

/** What RBAC must grant for commands to see an unfinished restore (README "RBAC"). */
const JOURNAL_RBAC_HINT = 'grant get on configmaps in the namespace (README: RBAC)';

/** Reads the release's restore journal and says whether its restore is unfinished. Never throws. */
export async function readUnfinishedRestore(configMaps: Pick<ConfigMapApi, 'read'>, place: RestorePlace): Promise<UnfinishedRestoreRead> {
  const journalName = journalNameFor(place.release);
  let record: Awaited<ReturnType<ConfigMapApi['read']>>;
  try {
    record = await configMaps.read(place.namespace, journalName);
  } catch (error) {
    const forbidden = error instanceof KubeApiError && error.httpStatus === 403;
    return {
      kind: 'unknown',
      warning:
        `the restore journal (ConfigMap ${place.namespace}/${journalName}) could not be read (${messageOf(error)}): ` +
        `an unfinished restore of release ${place.release} would go unnoticed${forbidden ? `; ${JOURNAL_RBAC_HINT}` : ''}`,
    };
  }
  if (!record) return { kind: 'none' };
  const journal = parseJournal(record);
  if ('unreadable' in journal) return { kind: 'unreadable', reason: journal.unreadable, journalName };
  return isUnfinished(journal) ? { kind: 'unfinished', journal, journalName } : { kind: 'none' };
}

/** "backup 12", or "Zeebe (RDBMS mode)": what the restore restores. */
export function restoredWhat(plan: Pick<RestoreJournal['plan'], 'mode' | 'backupId'>): string {
  return plan.mode === 'rdbms' || plan.backupId === null ? 'Zeebe (RDBMS mode)' : `backup ${plan.backupId}`;
}

/** One line: "a restore of backup 12 into release camunda is unfinished (FAILED in phase restore-zeebe since 2026-…)". */
export function describeUnfinishedRestore(journal: RestoreJournal): string {
  return `a restore of ${restoredWhat(journal.plan)} into release ${journal.plan.release} is unfinished (${journal.state} in phase ${journal.phase} since ${journal.updatedAt})`;
}

/**
 * An unfinished restore fails the check: the installation is half-restored (applications stopped, indices or
 * volumes deleted), and create, delete and resume refuse until it is continued or abandoned.
 */
export function unfinishedRestoreCheckItem(read: UnfinishedRestoreRead, target: CommandTarget): CheckItem {
  const id = 'restore';
  const title = 'No restore unfinished';
  switch (read.kind) {
    case 'none':
      return { id, title, status: 'PASS', message: `no restore of release ${target.release ?? ''} is unfinished` };
    case 'unknown':
      return { id, title, status: 'WARN', message: read.warning, fix: JOURNAL_RBAC_HINT };
    case 'unreadable':
      return {
        id,
        title,
        status: 'FAIL',
        message: `the restore journal cannot be read (${read.reason}): a restore may be unfinished`,
        fix: `look at it (${kubectlCommand(`get configmap ${read.journalName} -o yaml`, target)}) and delete it if no restore is under way`,
      };
    case 'unfinished':
      return {
        id,
        title,
        status: 'FAIL',
        message: `${describeUnfinishedRestore(read.journal)}: create, delete and resume refuse until it is continued or abandoned`,
        fix: waysOnFrom(read.journal.plan, target),
      };
  }
}
