/**
 * The journal of a restore run, kept in the cluster as a ConfigMap of the release (`<release>-camunda-restore`),
 * so that whoever runs the next command, from whichever machine, sees where a restore stands: the plan it runs
 * (with the replicas it recorded and the env it patched), the steps done, the phase, and how the last run ended.
 * A rerun of the same restore continues from it; a restore of another ID refuses while it is unfinished.
 * Writes are optimistic (resourceVersion): two runs cannot both think they own it.
 */
import { z } from 'zod';
import { messageOf } from '../../errors.js';
import type { Installation, SearchEndpoint } from '../../camunda/installation.js';
import type { ConfigMapApi, RecordMap } from '../../kube/kube-client.js';
import { RESTORE_PHASES, type RestorePhase, type RestorePlan } from './plan.js';

/**
 * WAITING_FOR_DATABASE: RDBMS mode, the first run stopped every Camunda workload and waits for the owner to restore
 * the database; `restore --database-restored` continues.
 * ABANDONED: given up with `restore --abandon` (applications started again on the data as it was); finished like COMPLETED.
 */
export const JOURNAL_STATES = ['RUNNING', 'WAITING_FOR_DATABASE', 'INTERRUPTED', 'FAILED', 'COMPLETED', 'ABANDONED'] as const;
export type JournalState = (typeof JOURNAL_STATES)[number];

export interface RestoreJournal {
  readonly schemaVersion: 1;
  readonly state: JournalState;
  /** The phase of the step the run is in (or stopped in); the last phase once COMPLETED. */
  readonly phase: RestorePhase;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** Step IDs done, in order. */
  readonly done: readonly string[];
  /** The step started and not done (interrupted or failed in it). */
  readonly current?: string | undefined;
  /** Restore mode is on the broker StatefulSet (patched and not yet reverted). */
  readonly restoreModeOn: boolean;
  /** Why the last run stopped, in its words. */
  readonly error?: string | undefined;
  readonly runs: number;
  readonly plan: RestorePlan;
  /**
   * What discovery found when the plan was made, without credentials: a rerun cannot discover a release whose
   * applications are stopped, yet needs the search engine's address (its password is read from the Secret again).
   */
  readonly installation?: StoredInstallation | undefined;
}

export type StoredInstallation = Omit<Installation, 'search'> & { readonly search?: Omit<SearchEndpoint, 'authorization'> | undefined };

/** The installation without anything secret, for the journal. */
export function storedInstallation(installation: Installation): StoredInstallation {
  const { search, ...rest } = installation;
  if (!search) return rest;
  const { authorization: _authorization, ...withoutSecret } = search;
  return { ...rest, search: withoutSecret };
}

export const JOURNAL_KEY = 'journal.json';
export const journalNameFor = (release: string): string => `${release}-camunda-restore`;

/** The journal's labels: the release it belongs to and who manages it, so a person can find it with a selector. */
export function journalLabels(release: string): Record<string, string> {
  return { 'app.kubernetes.io/instance': release, 'app.kubernetes.io/managed-by': 'kubectl-camunda-backup', 'camunda-backup/record': 'restore-journal' };
}

/** What identifies a restore: its backup ID, or "rdbms" for the RDBMS-aware mode (no ID). */
export function restoreKeyOf(plan: Pick<RestorePlan, 'mode' | 'backupId'>): string {
  return plan.mode === 'rdbms' || plan.backupId === null ? 'rdbms' : String(plan.backupId);
}

const JournalHeadSchema = z
  .object({
    schemaVersion: z.literal(1),
    state: z.enum(JOURNAL_STATES),
    phase: z.enum(RESTORE_PHASES),
    startedAt: z.string(),
    updatedAt: z.string(),
    done: z.array(z.string()),
    current: z.string().nullish(),
    restoreModeOn: z.boolean(),
    error: z.string().nullish(),
    runs: z.number(),
    plan: z.object({ schemaVersion: z.literal(1), release: z.string(), steps: z.array(z.object({ id: z.string(), phase: z.enum(RESTORE_PHASES), action: z.string() }).loose()) }).loose(),
  })
  .loose();

/** The journal in a ConfigMap, or a reason why it cannot be read (another tool's object, a newer schema, damaged). */
export function parseJournal(record: RecordMap): RestoreJournal | { readonly unreadable: string } {
  const text = record.data[JOURNAL_KEY];
  if (text === undefined) return { unreadable: `ConfigMap ${record.name} has no ${JOURNAL_KEY}` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { unreadable: `ConfigMap ${record.name}: ${JOURNAL_KEY} is not JSON (${(error as Error).message})` };
  }
  const parsed = JournalHeadSchema.safeParse(raw);
  if (!parsed.success) return { unreadable: `ConfigMap ${record.name}: ${JOURNAL_KEY} is not a restore journal this version understands` };
  // The plan was written by this tool; its full shape is taken as written.
  return raw as RestoreJournal;
}

/** A restore is unfinished until it completed or was abandoned: until then it is continued, and nothing else changes the release. */
export const isUnfinished = (journal: Pick<RestoreJournal, 'state'>): boolean => journal.state !== 'COMPLETED' && journal.state !== 'ABANDONED';

export type JournalChange = Partial<Omit<RestoreJournal, 'schemaVersion' | 'plan' | 'startedAt'>>;

/**
 * A journal whose every write replaces the version it read: a concurrent writer makes the write fail with 409
 * (unless the stored version is still this run's journal, changed only around it, e.g. a label: then it is written
 * over once more).
 */
export interface JournalHandle {
  /** What this run knows happened: after a failed best-effort write, ahead of what the cluster holds. */
  readonly journal: RestoreJournal;
  /** Why the last write failed, while no later write succeeded: the cluster's journal is behind `journal`. */
  readonly unwritten: string | undefined;
  /** Writes the change; throws (and keeps the old state) when the write fails. */
  update(change: JournalChange): Promise<RestoreJournal>;
  /**
   * Best effort, for the failure, interrupt and cleanup paths: the change is taken as known whether or not the write
   * succeeds (a later write carries it), and a failed write never throws; it is kept in `unwritten`.
   */
  tryUpdate(change: JournalChange): Promise<RestoreJournal>;
}

export interface JournalStoreDeps {
  readonly configMaps: ConfigMapApi;
  readonly now: () => number;
}

/** Reads the release's journal: undefined when there is none. */
export async function readJournal(deps: JournalStoreDeps, namespace: string, release: string): Promise<{ record: RecordMap; journal: RestoreJournal | { readonly unreadable: string } } | undefined> {
  const record = await deps.configMaps.read(namespace, journalNameFor(release));
  return record ? { record, journal: parseJournal(record) } : undefined;
}

const serialise = (journal: RestoreJournal): Record<string, string> => ({ [JOURNAL_KEY]: JSON.stringify(journal, null, 1) });

/**
 * Starts a journal for `plan` (replacing a finished one, or continuing `previous` when it is this restore's),
 * and returns the handle the run writes through.
 */
export async function openJournal(
  deps: JournalStoreDeps,
  plan: RestorePlan,
  existing: { record: RecordMap; journal: RestoreJournal } | undefined,
  installation: StoredInstallation | undefined,
): Promise<JournalHandle> {
  const now = new Date(deps.now()).toISOString();
  const continuing = existing !== undefined && isUnfinished(existing.journal);
  const journal: RestoreJournal = continuing
    ? // The plan as this run runs it: the journal's, with a Web Modeler load the rerun added (resolve.ts).
      { ...existing.journal, plan, state: 'RUNNING', updatedAt: now, error: undefined, runs: existing.journal.runs + 1, installation: installation ?? existing.journal.installation }
    : { schemaVersion: 1, state: 'RUNNING', phase: plan.steps[0]?.phase ?? 'stop-workloads', startedAt: now, updatedAt: now, done: [], restoreModeOn: false, runs: 1, plan, installation };
  let record = existing
    ? await deps.configMaps.replace(existing.record, serialise(journal))
    : await deps.configMaps.create(plan.namespace, journalNameFor(plan.release), serialise(journal), journalLabels(plan.release));
  let current = journal;
  let unwritten: string | undefined;
  const write = async (next: RestoreJournal): Promise<void> => {
    try {
      record = await deps.configMaps.replace(record, serialise(next));
    } catch (error) {
      if (!isConflict(error)) throw error;
      // Changed around this run (a label, an annotation)? Then it is still ours: write over the stored version.
      const stored = await deps.configMaps.read(record.namespace, record.name);
      const parsed = stored ? parseJournal(stored) : undefined;
      if (!stored || !parsed || 'unreadable' in parsed || parsed.startedAt !== current.startedAt || parsed.runs !== current.runs) throw error;
      record = await deps.configMaps.replace(stored, serialise(next));
    }
    unwritten = undefined;
  };
  const next = (change: JournalChange): RestoreJournal => ({ ...current, ...change, updatedAt: new Date(deps.now()).toISOString() });
  return {
    get journal() {
      return current;
    },
    get unwritten() {
      return unwritten;
    },
    async update(change) {
      const updated = next(change);
      try {
        await write(updated);
      } catch (error) {
        unwritten = messageOf(error);
        throw new JournalWriteError(record.name, error);
      }
      current = updated;
      return updated;
    },
    async tryUpdate(change) {
      const updated = next(change);
      current = updated;
      try {
        await write(updated);
      } catch (error) {
        unwritten = messageOf(error);
      }
      return updated;
    },
  };
}

const isConflict = (error: unknown): boolean => (error as { httpStatus?: unknown } | undefined)?.httpStatus === 409;

/** A journal write that failed while the run went on: the run stops (the journal must stay ahead of the cluster). */
export class JournalWriteError extends Error {
  constructor(name: string, cause: unknown) {
    super(`the restore journal (configmap/${name}) could not be written: ${messageOf(cause)}`);
    this.name = 'JournalWriteError';
  }
}
