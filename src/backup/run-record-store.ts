/**
 * The run record's Kubernetes side: the ConfigMap `camunda-backup-<release>-runs` in the release's namespace, read
 * and changed with optimistic concurrency (a 409 means another writer came first: read again, apply again), and the
 * release Lease read to tell a create that still runs from one that was killed. The record is a help, never a
 * precondition: where RBAC forbids it (or the API server fails) the command says so once and goes on.
 */
import type { ConfigMapApi, KubeClient } from '../kube/kube-client.js';
import { KubeApiError } from '../kube/kube-errors.js';
import { heldLease, leaseNameFor } from '../kube/release-lease.js';
import {
  endedEntry,
  LEASE_BACKUP_ID_ANNOTATION,
  parseRunRecord,
  RUN_RECORD_MANAGED_BY,
  runRecordName,
  startedEntry,
  withEntry,
  withoutEntries,
  type RunBookRead,
  type RunEntry,
  type RunHolder,
  type RunRecorder,
} from './run-record.js';

const WRITE_ATTEMPTS = 5;
const isConflict = (error: unknown): boolean => error instanceof KubeApiError && error.httpStatus === 409;
const isForbidden = (error: unknown): boolean => error instanceof KubeApiError && error.httpStatus === 403;
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** What RBAC must grant for the record (README "RBAC"). */
export const RUN_RECORD_RBAC_HINT = 'grant get, create and update on configmaps in the namespace (README: RBAC)';

export interface RecordPlace {
  readonly namespace: string;
  readonly release: string;
}

/** Applies `change` to the record's data and writes it: create when absent, replace when present, again after a 409. */
async function update(api: ConfigMapApi, place: RecordPlace, change: (data: Readonly<Record<string, string>>) => Record<string, string>): Promise<void> {
  const name = runRecordName(place.release);
  for (let attempt = 1; ; attempt++) {
    const current = await api.read(place.namespace, name);
    const data = change(current?.data ?? {});
    try {
      if (current) await api.replace(current, data);
      else await api.create(place.namespace, name, data, RUN_RECORD_MANAGED_BY);
      return;
    } catch (error) {
      if (!isConflict(error) || attempt >= WRITE_ATTEMPTS) throw error;
    }
  }
}

export interface RecorderOptions extends RecordPlace {
  readonly configMaps: ConfigMapApi;
  /** Holder identity, as on the Lease. */
  readonly by: string;
  readonly timeoutMs: number;
  /** Whether the run holds the release Lease. */
  readonly locked: boolean;
  /** Told once when the record cannot be written. */
  readonly warn: (message: string) => void;
}

/** The recorder create uses: writes RUNNING at the start and the end of the run; failures are warnings. */
export function openRunRecorder(options: RecorderOptions): RunRecorder {
  let started: RunEntry | undefined;
  let warned = false;
  const where = `ConfigMap ${options.namespace}/${runRecordName(options.release)}`;
  const write = async (entry: RunEntry, what: string): Promise<void> => {
    try {
      await update(options.configMaps, options, (data) => withEntry(data, entry));
    } catch (error) {
      if (warned) return;
      warned = true;
      const consequence = 'status and list cannot tell that this ID\'s create did not complete if it does not';
      options.warn(
        isForbidden(error)
          ? `cannot record this run in ${where} (${messageOf(error)}): ${consequence}; ${RUN_RECORD_RBAC_HINT}`
          : `could not record ${what} of this run in ${where} (${messageOf(error)}): ${consequence}`,
      );
    }
  };
  return {
    async started(backupId, startedMs) {
      started = startedEntry({ backupId, startedMs, by: options.by, timeoutMs: options.timeoutMs, locked: options.locked });
      await write(started, 'the start');
    },
    async ended(ending, endedMs) {
      if (!started) return;
      await write(endedEntry(started, ending, endedMs), 'the end');
    },
  };
}

/** The record and the release's current holder, for status, list and check. Never throws. */
export async function readRunBook(kube: Pick<KubeClient, 'configMaps' | 'leases'>, place: RecordPlace, nowMs: number): Promise<RunBookRead> {
  const name = runRecordName(place.release);
  let entries: Map<number, RunEntry>;
  try {
    entries = parseRunRecord((await kube.configMaps.read(place.namespace, name))?.data ?? {});
  } catch (error) {
    return {
      warning:
        `the record of create runs (ConfigMap ${place.namespace}/${name}) could not be read (${messageOf(error)}): ` +
        `a backup whose create did not complete may show as COMPLETE${isForbidden(error) ? `; ${RUN_RECORD_RBAC_HINT}` : ''}`,
    };
  }
  if (![...entries.values()].some((entry) => entry.state === 'RUNNING')) return { book: { entries, holder: { kind: 'read' } } };
  return { book: { entries, holder: await readHolder(kube, place, nowMs) } };
}

async function readHolder(kube: Pick<KubeClient, 'leases'>, place: RecordPlace, nowMs: number): Promise<RunHolder> {
  try {
    const lease = heldLease(await kube.leases.read(place.namespace, leaseNameFor(place.release)), nowMs);
    if (!lease) return { kind: 'read' };
    const id = Number(lease.annotations[LEASE_BACKUP_ID_ANNOTATION]);
    return { kind: 'read', holder: lease.holderIdentity, backupId: Number.isSafeInteger(id) && id > 0 ? id : undefined };
  } catch (error) {
    return { kind: 'unreadable', message: messageOf(error) };
  }
}

/**
 * Drops the entries of IDs delete removed. Returns a warning when the record could not be changed (the entry then
 * names an ID that no part holds: status says NOT_FOUND for it, as it would anyway).
 */
export async function pruneRunRecord(configMaps: ConfigMapApi, place: RecordPlace, backupIds: readonly number[]): Promise<string | undefined> {
  if (backupIds.length === 0) return undefined;
  const name = runRecordName(place.release);
  try {
    const current = await configMaps.read(place.namespace, name);
    const known = parseRunRecord(current?.data ?? {});
    if (!backupIds.some((id) => known.has(id))) return undefined;
    await update(configMaps, place, (data) => withoutEntries(data, backupIds));
    return undefined;
  } catch (error) {
    return `could not remove the deleted ID(s) from the record of create runs (ConfigMap ${place.namespace}/${name}): ${messageOf(error)}`;
  }
}

/** The Lease annotation a create writes so readers can tell its run is alive. */
export function leaseAnnotationsFor(backupId: number): Record<string, string> {
  return { [LEASE_BACKUP_ID_ANNOTATION]: String(backupId) };
}
