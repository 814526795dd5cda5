/**
 * Backups put straight into the simulators, as earlier `create` runs would have left them: complete, or with one
 * part failed or missing. Much faster than running create for every ID, and it makes states create avoids.
 */
import { until } from './until.js';
import type { BackupKind, World } from '../../world/index.js';

export type SeedPart = BackupKind | 'zeebe-records';

export interface SeedOptions {
  /** Parts to leave out (the backup then misses them). */
  readonly without?: readonly SeedPart[];
  /** Parts whose backup ends FAILED. */
  readonly failed?: readonly SeedPart[];
}

const REPOSITORY = 'camunda-backup';

/** Takes backup `id` in every part the world has; IDs must rise from call to call (Zeebe's rule). */
export function seedBackup(world: World, id: number, options: SeedOptions = {}): void {
  const skip = new Set(options.without ?? []);
  const failed = new Set(options.failed ?? []);
  const outcome = (kind: BackupKind): void => {
    if (failed.has(kind)) world.faults.outcome[kind] = { state: 'FAILED', count: 1, failureReason: `simulated ${kind} failure` };
  };
  for (const [kind, backups] of Object.entries(world.sims.backups)) {
    if (!backups || skip.has(kind as SeedPart)) continue;
    outcome(kind as BackupKind);
    // One pod per seed: a web-app pod refuses a second backup while one is running there.
    backups.take(`seed-${id}`, id);
  }
  const search = world.sims.search;
  // The exporter's indices of this release only (`<prefix>_…`), as create snapshots them.
  const records = world.sims.indexNaming.zeebeRecord;
  const recordsExported = search?.indices.some((index) => index.startsWith(records) && !world.sims.neighbourIndices.includes(index)) ?? false;
  if (search && recordsExported && !skip.has('zeebe-records')) {
    search.createSnapshot(REPOSITORY, `camunda_zeebe_records_backup_${id}`, {
      indices: search.indices.filter((index) => index.startsWith(records)),
      includeGlobalState: false,
      durationMs: 1,
      finalState: failed.has('zeebe-records') ? 'FAILED' : 'SUCCESS',
    });
  }
  if (world.sims.zeebe && !skip.has('zeebe')) {
    outcome('zeebe');
    world.sims.zeebe.take(id);
  }
}

/** Whether some backup in the world is still running: a snapshot in any repository, or a Zeebe backup. */
function somethingRunning(world: World): boolean {
  const search = world.sims.search;
  if (search && [...search.repositories.keys()].some((repo) => search.listSnapshots(repo).some((s) => search.stateOf(s) === 'IN_PROGRESS'))) return true;
  const zeebe = world.sims.zeebe;
  return !!zeebe && [...zeebe.backups.keys()].some((id) => {
    try {
      return zeebe.status(id)['state'] === 'IN_PROGRESS';
    } catch {
      return false; // deleted, or no store: nothing that runs
    }
  });
}

/** Waits until every seeded backup has reached its final state (the simulators take their configured durations). */
export async function settle(world: World, timeoutMs = 10_000): Promise<void> {
  await until(() => !somethingRunning(world), { intervalMs: 10, timeoutMs: timeoutMs, what: 'seeded backups still running' });
}

/** Short component durations so seeded backups finish within a poll or two. */
export const SEED_DURATIONS = { webapps: 30, optimize: 30, zeebe: 30, snapshot: 30 } as const;
