/**
 * What the commands do about an unfinished restore of the release (backup/restore/unfinished.ts reads it): create,
 * delete and resume refuse before any change (exit 3) naming the restore and the two ways on (continue it with the
 * exact command, or abandon it); status and list carry a warning; a discovery that fails because the restore
 * stopped the applications says so instead of a confusing "no pod found". Where the journal cannot be read (RBAC)
 * this is said once and the command goes on, as with the run record.
 */
import { describeUnfinishedRestore, readUnfinishedRestore, type RestorePlace, type UnfinishedRestoreRead } from '../../backup/restore/unfinished.js';
import { findCamundaRelease } from '../../camunda/discover.js';
import { PreconditionError } from '../../errors.js';
import type { Reporter } from '../../events.js';
import { clusterFlagsOf, kubectlCommand } from '../../kube/cluster-flags.js';
import type { KubeClient } from '../../kube/kube-client.js';
import type { GlobalOptions } from '../global-options.js';
import { waysOnFrom as waysOn } from '../../backup/restore/restore-commands.js';
import { restoreCommandTarget } from './restore-commands.js';

/** The two ways on from an unfinished restore, as commands that reach this cluster the same way as this run. */
export function waysOnFrom(read: Extract<UnfinishedRestoreRead, { kind: 'unfinished' }>, options: GlobalOptions, contextName: string): string {
  return waysOn(read.journal.plan, restoreCommandTarget(options, contextName, read.journal.plan));
}

/** The exit-3 refusal of `command` while the restore is unfinished (or its journal unreadable). */
export function unfinishedRestoreRefusal(
  read: Exclude<UnfinishedRestoreRead, { kind: 'none' | 'unknown' }>,
  command: string,
  options: GlobalOptions,
  kube: Pick<KubeClient, 'contextName'>,
  place: RestorePlace,
): PreconditionError {
  if (read.kind === 'unreadable') {
    return new PreconditionError(`${command} refused: the restore journal of release ${place.release} cannot be read (${read.reason}), so a restore may be unfinished; nothing was changed`, {
      hint: `look at it (${kubectlCommand(`get configmap ${read.journalName} -o yaml`, { cluster: clusterFlagsOf(options, kube.contextName), namespace: place.namespace })}) and delete it if no restore is under way`,
    });
  }
  return new PreconditionError(`${command} refused: ${describeUnfinishedRestore(read.journal)}; nothing was changed`, { hint: waysOnFrom(read, options, kube.contextName) });
}

export interface UnfinishedRestoreGate {
  readonly command: string;
  readonly options: GlobalOptions;
  readonly kube: Pick<KubeClient, 'configMaps' | 'contextName'>;
  readonly place: RestorePlace;
  readonly emit: Reporter;
}

/** create, delete, resume: exit 3 while the release's restore is unfinished; a journal that cannot be read is a warning. */
export async function refuseWhileRestoreUnfinished(gate: UnfinishedRestoreGate): Promise<void> {
  const read = await readUnfinishedRestore(gate.kube.configMaps, gate.place);
  if (read.kind === 'none') return;
  if (read.kind === 'unknown') {
    gate.emit({ kind: 'warning', message: read.warning });
    return;
  }
  throw unfinishedRestoreRefusal(read, gate.command, gate.options, gate.kube, gate.place);
}

/** status, list: the warning they carry while a restore is unfinished (or the journal cannot be read); undefined when none is. */
export async function unfinishedRestoreWarning(kube: Pick<KubeClient, 'configMaps' | 'contextName'>, options: GlobalOptions, place: RestorePlace): Promise<string | undefined> {
  const read = await readUnfinishedRestore(kube.configMaps, place);
  switch (read.kind) {
    case 'none':
      return undefined;
    case 'unknown':
      return read.warning;
    case 'unreadable':
      return `the restore journal (ConfigMap ${place.namespace}/${read.journalName}) cannot be read (${read.reason}): a restore may be unfinished`;
    case 'unfinished':
      return `${describeUnfinishedRestore(read.journal)}: the data is half-restored and the applications may be stopped; ${waysOnFrom(read, options, kube.contextName)}`;
  }
}

/**
 * Discovery failed (a PreconditionError): when an unfinished restore stopped the applications, that is the story to
 * tell, not the missing pods. Returns the error to throw: the refusal naming the restore, or `error` as it was.
 */
export async function explainDiscoveryFailure(error: unknown, command: string, options: GlobalOptions, kube: KubeClient): Promise<unknown> {
  if (!(error instanceof PreconditionError)) return error;
  try {
    const release = (await findCamundaRelease(kube, kube.namespace, options.release)).release.name;
    const place = { namespace: kube.namespace, release };
    const read = await readUnfinishedRestore(kube.configMaps, place);
    if (read.kind === 'unfinished' && (command === 'status' || command === 'list')) {
      // A read, not a refusal: it cannot see the backups while the restore keeps the applications stopped.
      return new PreconditionError(`${command}: ${describeUnfinishedRestore(read.journal)} and keeps the applications stopped, so the backups cannot be read until it is continued or abandoned`, {
        hint: waysOnFrom(read, options, kube.contextName),
        cause: error,
      });
    }
    return read.kind === 'unfinished' || read.kind === 'unreadable' ? unfinishedRestoreRefusal(read, command, options, kube, place) : error;
  } catch {
    return error;
  }
}
