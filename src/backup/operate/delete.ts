/**
 * `delete`: remove backups from every part, the zeebe-record snapshot included (camunda-backup-api.md §6).
 * Two phases, like create: planDelete only reads (which parts hold each ID, or which IDs retention chooses) and
 * refuses bad input before anything changes; executeDelete makes the DELETE calls and reports each part's outcome.
 */
import type { Installation } from '../../camunda/installation.js';
import { refuseUnsupportedTopology } from '../../camunda/resolve-topology.js';
import { PreconditionError, UsageError } from '../../errors.js';
import { toolCommand, type ClusterFlags, type CommandTarget } from '../../kube/cluster-flags.js';
import type { AccessMode } from '../../reach/component-http.js';
import type { ConnectionPool } from '../connections.js';
import { layoutOf, type BackupLayout, type PartEndpoint } from '../layout.js';
import { describeFailure, partClient } from '../part-clients.js';
import { createOutcomeOf, type RunBookRead } from '../run-record.js';
import type { Reporter } from '../../events.js';
import type { DeleteEntry, DeletePartReport, DeleteReport, DeleteState, KeptEntry, SelectedBackup } from './lifecycle-report.js';
import { collectInventory } from './list.js';
import { backupIdTime, selectForRetention } from './retention.js';
import { headerOf, observeAll } from './status.js';
import { judgeBackup } from './verdict.js';

export type DeleteSelection =
  | { readonly kind: 'ids'; readonly ids: readonly number[] }
  | {
      readonly kind: 'retention';
      readonly keep?: number | undefined;
      readonly olderThanMs?: number | undefined;
      /** As the user wrote it, for the report ("30d"). */
      readonly olderThanText?: string | undefined;
    };

export interface DeleteTargetPart {
  readonly endpoint: PartEndpoint;
  /** false: the part has no backup with this ID; it is reported, not called. */
  readonly holds: boolean;
}

export interface DeleteTarget extends SelectedBackup {
  readonly parts: readonly DeleteTargetPart[];
}

export interface DeletePlan {
  readonly installation: Installation;
  readonly access: AccessMode;
  readonly selection: DeleteSelection;
  readonly parts: BackupLayout;
  /** Newest first. */
  readonly targets: readonly DeleteTarget[];
  readonly kept: readonly KeptEntry[];
  readonly notes: readonly string[];
  /** Why the run record could not be read: retention then cannot tell leftovers of an interrupted create. */
  readonly runsWarning?: string | undefined;
}

export interface PlanDeleteOptions {
  readonly access: AccessMode;
  /** How a command named in a hint reaches this cluster. */
  readonly cluster: ClusterFlags;
  readonly nowMs: number;
  /** The record of create runs: retention never counts an ID whose create did not complete as a complete backup. */
  readonly runs?: RunBookRead | undefined;
}

/** Read-only. Throws UsageError for IDs no part knows, PreconditionError when retention cannot see every part. */
export async function planDelete(installation: Installation, selection: DeleteSelection, pool: ConnectionPool, options: PlanDeleteOptions): Promise<DeletePlan> {
  refuseUnsupportedTopology(installation, 'delete');
  const parts = layoutOf(installation);
  const base = { installation, access: options.access, selection, parts, runsWarning: options.runs?.warning };
  const target: CommandTarget = { cluster: options.cluster, namespace: installation.namespace, release: installation.release, access: options.access };
  if (selection.kind === 'ids') return { ...base, ...(await planIds(parts, selection.ids, pool, options, target)), kept: [] };

  const inventory = await collectInventory(installation, pool, options.runs, options.nowMs);
  if (!inventory.complete) {
    const failed = inventory.listed.filter((p) => p.state === 'ERROR').map((p) => `${p.part} (${p.message})`);
    throw new PreconditionError(`retention needs the backup list of every part, but ${failed.join('; ')} could not be listed; nothing was deleted`, {
      hint: `fix the component (${toolCommand('check', target)} shows what is wrong) or delete backups by ID`,
    });
  }
  const { decisions, notes } = selectForRetention(inventory.entries, { keep: selection.keep, olderThanMs: selection.olderThanMs, nowMs: options.nowMs });
  const byId = new Map(inventory.entries.map((entry) => [entry.backupId, entry]));
  const targets: DeleteTarget[] = [];
  const kept: KeptEntry[] = [];
  for (const decision of decisions) {
    const entry = byId.get(decision.backupId)!;
    if (decision.action === 'keep') {
      kept.push({ backupId: entry.backupId, time: entry.time, verdict: entry.verdict, reason: decision.reason });
      continue;
    }
    targets.push({
      backupId: entry.backupId,
      time: entry.time,
      verdict: entry.verdict,
      reason: decision.reason,
      parts: parts.present.map((endpoint) => ({ endpoint, holds: entry.parts[endpoint.part] !== 'NOT_FOUND' })),
    });
  }
  return { ...base, targets, kept, notes };
}

async function planIds(parts: BackupLayout, ids: readonly number[], pool: ConnectionPool, options: PlanDeleteOptions, target: CommandTarget): Promise<Pick<DeletePlan, 'targets' | 'notes'>> {
  const unique = [...new Set(ids)].sort((a, b) => b - a);
  const observed = await Promise.all(unique.map((id) => observeAll(pool, parts, id)));
  const unknown: number[] = [];
  const unreadable: string[] = [];
  const targets: DeleteTarget[] = [];
  unique.forEach((backupId, index) => {
    const observations = observed[index]!;
    const holds = observations.map((o) => o.state !== 'NOT_FOUND' && o.state !== 'ERROR');
    if (!holds.some(Boolean)) {
      const errors = parts.present.flatMap((endpoint, i) => (observations[i]?.state === 'ERROR' ? [`${endpoint.part}: ${observations[i]?.message}`] : []));
      if (errors.length > 0) unreadable.push(`${backupId} (${errors.join('; ')})`);
      else unknown.push(backupId);
      return;
    }
    const judged = judgeBackup(
      parts.present.map((endpoint, i) => ({ part: endpoint.part, ...observations[i]! })),
      { independentParts: parts.procedure === 'rdbms', createOutcome: createOutcomeOf(options.runs?.book, backupId, options.nowMs) },
    );
    const time = backupIdTime(backupId);
    targets.push({
      backupId,
      time: time ? new Date(time.ms).toISOString() : undefined,
      verdict: judged.verdict,
      reason: 'named on the command line',
      // A part that could not be read is still asked to delete: the ID exists elsewhere, so it is no typo.
      parts: parts.present.map((endpoint, i) => ({ endpoint, holds: observations[i]?.state !== 'NOT_FOUND' })),
    });
  });
  if (unknown.length > 0) {
    throw new UsageError(`no component knows backup ID${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; nothing was deleted`, {
      hint: `see ${toolCommand('list', target)} for the IDs that exist`,
    });
  }
  if (unreadable.length > 0) {
    throw new PreconditionError(`cannot tell whether backup ${unreadable.join(', ')} exists: no part that answered has it; nothing was deleted`, {
      hint: `fix the component that could not be read (${toolCommand('check', target)}), then run delete again`,
    });
  }
  return { targets, notes: [] };
}

export interface ExecuteDeleteDeps {
  readonly emit: Reporter;
  /** Checked between backups: an interrupt stops before the next one. */
  readonly signal?: AbortSignal | undefined;
  /** Removes the run record's entries of IDs that are gone from every part; resolves with a warning when it cannot. */
  readonly pruneRecord?: ((backupIds: readonly number[]) => Promise<string | undefined>) | undefined;
}

/** Deletes every chosen part of every target; a part's failure is reported, never thrown. */
export async function executeDelete(plan: DeletePlan, pool: ConnectionPool, deps: ExecuteDeleteDeps): Promise<DeleteReport> {
  const entries: DeleteEntry[] = [];
  let interrupted = false;
  for (const target of plan.targets) {
    if (deps.signal?.aborted) interrupted = true;
    if (interrupted) {
      entries.push(entryOf(target, target.parts.map((p) => partRow(p, p.holds ? 'SKIPPED' : 'NOT_FOUND', p.holds ? 'not attempted: interrupted' : undefined))));
      continue;
    }
    const rows = await Promise.all(target.parts.map((part) => deletePart(target.backupId, part, pool, deps.emit)));
    entries.push(entryOf(target, rows));
  }
  const failed = entries.some((entry) => entry.parts.some((part) => part.state === 'FAILED'));
  // Gone from every part: the run record need not remember how its create ended any more.
  const gone = entries.filter((entry) => entry.parts.every((part) => part.state === 'DELETED' || part.state === 'NOT_FOUND')).map((entry) => entry.backupId);
  const pruneWarning = gone.length > 0 ? await deps.pruneRecord?.(gone) : undefined;
  const report = deleteReport(plan, failed || interrupted ? 'FAILED' : plan.targets.length === 0 ? 'NOTHING_TO_DELETE' : 'COMPLETED', entries);
  return pruneWarning ? { ...report, warnings: [...report.warnings, pruneWarning] } : report;
}

async function deletePart(backupId: number, part: DeleteTargetPart, pool: ConnectionPool, emit: Reporter): Promise<DeletePartReport> {
  if (!part.holds) return partRow(part, 'NOT_FOUND', 'no backup with this ID here; nothing to delete');
  const step = `delete-${part.endpoint.part}` as const;
  emit({ kind: 'step-started', step, title: `Delete backup ${backupId} in ${part.endpoint.part}` });
  const started = performance.now();
  try {
    const deleted = await (await partClient(pool, part.endpoint)).delete(backupId);
    emit({ kind: 'step-succeeded', step, durationMs: Math.round(performance.now() - started), message: deleted ? 'deleted' : 'already gone' });
    return partRow(part, deleted ? 'DELETED' : 'NOT_FOUND', deleted ? undefined : 'already gone');
  } catch (error) {
    const message = describeFailure(error);
    emit({ kind: 'step-failed', step, message });
    return partRow(part, 'FAILED', message);
  }
}

function partRow(part: DeleteTargetPart, state: DeletePartReport['state'], message?: string): DeletePartReport {
  return { part: part.endpoint.part, state, target: part.endpoint.where, message };
}

function entryOf(target: DeleteTarget, parts: readonly DeletePartReport[]): DeleteEntry {
  return { backupId: target.backupId, time: target.time, verdict: target.verdict, reason: target.reason, parts };
}

/** The report of a plan that was not (or not yet) executed: PLANNED, NOTHING_TO_DELETE or CANCELLED. */
export function plannedDeleteReport(plan: DeletePlan, state: Extract<DeleteState, 'PLANNED' | 'NOTHING_TO_DELETE' | 'CANCELLED'>): DeleteReport {
  return deleteReport(
    plan,
    plan.targets.length === 0 ? 'NOTHING_TO_DELETE' : state,
    plan.targets.map((target) => entryOf(target, target.parts.map((p) => partRow(p, p.holds ? 'PLANNED' : 'NOT_FOUND', p.holds ? undefined : 'no backup with this ID here')))),
  );
}

function deleteReport(plan: DeletePlan, state: DeleteState, backups: readonly DeleteEntry[]): DeleteReport {
  const { selection } = plan;
  const skipped = plan.parts.skipped.map((s) => `${s.part} skipped: ${s.reason}`);
  const zeebeNote = plan.targets.length > 0 ? ['Zeebe keeps refusing backup IDs at or below a deleted one: new backups still need higher IDs.'] : [];
  return {
    schemaVersion: 1,
    command: 'delete',
    ...headerOf(plan.installation, plan.access),
    dryRun: state === 'PLANNED',
    selection:
      selection.kind === 'ids'
        ? { ids: selection.ids }
        : { keep: selection.keep, olderThan: selection.olderThanText },
    state,
    backups,
    kept: plan.kept,
    notes: [...plan.notes, ...skipped, ...zeebeNote],
    warnings: plan.runsWarning ? [...plan.installation.warnings, plan.runsWarning] : plan.installation.warnings,
  };
}
