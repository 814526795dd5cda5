/**
 * `list`: every backup ID any part knows, newest first, with each part's state and the verdict. Read-only: one
 * list call per part, concurrently. Also the inventory that retention (`delete --keep/--older-than`) and `check`
 * judge from.
 */
import type { Installation } from '../../camunda/installation.js';
import type { BackupPart } from '../../camunda/versions.js';
import { openPool, type ConnectionPool } from '../connections.js';
import { layoutOf, type BackupLayout } from '../layout.js';
import { describeFailure, partClient, type PartObservation } from '../part-clients.js';
import { createOutcomeOf, type RunBookRead } from '../run-record.js';
import type { ListedPart, ListEntry, ListReport, PartReportState } from './lifecycle-report.js';
import { backupIdTime } from './retention.js';
import { headerOf, RDBMS_PARTS_WARNING, type LifecycleDeps } from './status.js';
import { judgeBackup } from './verdict.js';

export interface InventoryEntry extends ListEntry {
  /** What each part said, for callers that need messages or times. */
  readonly observations: Readonly<Partial<Record<BackupPart, PartObservation>>>;
  /** From the ID when it is a timestamp, else the earliest start a part reported (epoch ms). */
  readonly timeMs?: number | undefined;
}

export interface Inventory {
  readonly parts: BackupLayout;
  readonly listed: readonly ListedPart[];
  /** Newest (highest ID) first. */
  readonly entries: readonly InventoryEntry[];
  /** True when every present part could be listed: only then may retention decide. */
  readonly complete: boolean;
  /** Why a part could not be listed, as thrown: check's fixes follow its kind. */
  readonly failures: ReadonlyMap<BackupPart, unknown>;
  /** Why the run record could not be read (verdicts then rest on the parts alone). */
  readonly runsWarning?: string | undefined;
}

/**
 * Lists every present part and merges the answers by backup ID; the run record (when given) says how each ID's
 * create ended, which the verdict takes into account.
 */
export async function collectInventory(installation: Installation, pool: ConnectionPool, runs: RunBookRead = {}, nowMs: number = Date.now()): Promise<Inventory> {
  const parts = layoutOf(installation);
  const results = await Promise.all(
    parts.present.map(async (endpoint) => {
      try {
        return { ok: true as const, backups: await (await partClient(pool, endpoint)).list() };
      } catch (error) {
        return { ok: false as const, message: describeFailure(error), error };
      }
    }),
  );

  const listed: ListedPart[] = [
    ...parts.present.map((endpoint, index): ListedPart => {
      const result = results[index]!;
      return result.ok
        ? { part: endpoint.part, state: 'LISTED', target: endpoint.where, count: result.backups.size }
        : { part: endpoint.part, state: 'ERROR', target: endpoint.where, message: result.message };
    }),
    ...parts.skipped.map((skip): ListedPart => ({ part: skip.part, state: 'SKIPPED', message: skip.reason })),
  ];

  const ids = new Set<number>();
  for (const result of results) if (result.ok) for (const id of result.backups.keys()) ids.add(id);
  const entries = [...ids]
    .sort((a, b) => b - a)
    .map((backupId): InventoryEntry => {
      const observations: Partial<Record<BackupPart, PartObservation>> = {};
      parts.present.forEach((endpoint, index) => {
        const result = results[index]!;
        observations[endpoint.part] = result.ok ? (result.backups.get(backupId) ?? { state: 'NOT_FOUND' }) : { state: 'ERROR', message: result.message };
      });
      const judged = parts.present.map((endpoint) => ({ part: endpoint.part, ...observations[endpoint.part]! }));
      const createOutcome = createOutcomeOf(runs.book, backupId, nowMs);
      const judgement = judgeBackup(judged, { independentParts: parts.procedure === 'rdbms', createOutcome });
      const idTime = backupIdTime(backupId);
      const started = Object.values(observations)
        .map((o) => o?.startedMs)
        .filter((t): t is number => t !== undefined);
      const timeMs = idTime?.ms ?? (started.length > 0 ? Math.min(...started) : undefined);
      const states: Partial<Record<BackupPart, PartReportState>> = {};
      for (const endpoint of parts.present) states[endpoint.part] = observations[endpoint.part]!.state;
      return {
        backupId,
        time: timeMs === undefined ? undefined : new Date(timeMs).toISOString(),
        timeMs,
        verdict: judgement.verdict,
        restorable: judgement.restorable,
        reasons: judgement.reasons,
        parts: states,
        ...(createOutcome ? { createOutcome } : {}),
        observations,
      };
    });
  const failures = new Map<BackupPart, unknown>();
  parts.present.forEach((endpoint, index) => {
    const result = results[index]!;
    if (!result.ok) failures.set(endpoint.part, result.error);
  });
  return { parts, listed, entries, complete: results.every((r) => r.ok), failures, runsWarning: runs.warning };
}

export interface ListOptions {
  /** Newest N only. */
  readonly limit?: number | undefined;
}

export async function runList(installation: Installation, deps: LifecycleDeps, options: ListOptions = {}): Promise<ListReport> {
  const pool = openPool(deps);
  try {
    const runs = await (deps.runs?.() ?? {});
    return listReport(installation, deps.access, await collectInventory(installation, pool, runs, deps.now?.()), options);
  } finally {
    await pool.close();
  }
}

function listReport(installation: Installation, access: LifecycleDeps['access'], inventory: Inventory, options: ListOptions = {}): ListReport {
  const limited = options.limit === undefined ? inventory.entries : inventory.entries.slice(0, options.limit);
  const warnings = [...installation.warnings];
  for (const part of inventory.listed) {
    if (part.state === 'ERROR') warnings.push(`${part.part}: its backups could not be listed (${part.message}); its column shows ERROR`);
  }
  if (inventory.parts.procedure === 'rdbms') {
    warnings.push(RDBMS_PARTS_WARNING);
  }
  if (inventory.runsWarning) warnings.push(inventory.runsWarning);
  return {
    schemaVersion: 1,
    command: 'list',
    ...headerOf(installation, access),
    parts: inventory.listed,
    backups: limited.map(({ backupId, time, verdict, restorable, reasons, parts, createOutcome }) => ({ backupId, time, verdict, restorable, reasons, parts, ...(createOutcome ? { createOutcome } : {}) })),
    total: inventory.entries.length,
    limit: options.limit,
    warnings,
  };
}
