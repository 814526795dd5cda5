/**
 * The plan of a restore, as pure data (camunda-restore.md §2, §3, §12): everything the run will change, by exact
 * name, in the order it changes it. Built from facts read while the installation still runs (workloads and their
 * replicas, Camunda's indices, the snapshots of the ID, the Zeebe PVCs, the broker container); printed before
 * anything happens and alone with --dry-run; kept in the journal, so that a rerun continues the same plan even
 * though the cluster no longer shows what it showed before (indices deleted, applications stopped).
 */
import { batchIndexNames } from '../../camunda/search-indices.js';
import type { BackupPart, CamundaLine } from '../../camunda/versions.js';
import type { EnvVar } from '../../kube/kube-client.js';
import type { RawProbe, WorkloadKind } from '../../kube/workload-client.js';

/** ES/OS installations restore one backup ID everywhere; RDBMS ones restore Zeebe against the database the owner restored (§3). */
export type RestoreMode = 'backup-id' | 'rdbms';

/** The phases of the run, in order. A journal names the phase it stopped in. */
export const RESTORE_PHASES = [
  'stop-workloads',
  // RDBMS mode: the owner restores the database while Camunda is stopped (camunda-restore.md §3), between two runs.
  'restore-database',
  'delete-indices',
  'restore-snapshots',
  'delete-zeebe-volumes',
  'restore-zeebe',
  'leave-restore-mode',
  'start-workloads',
  'verify',
  'web-modeler',
] as const;
export type RestorePhase = (typeof RESTORE_PHASES)[number];

/** A Camunda workload of the release that the restore stops, with the replicas it gets back. */
export interface PlannedWorkload {
  readonly kind: WorkloadKind;
  readonly name: string;
  /** app.kubernetes.io/component, e.g. zeebe-broker, operate, optimize, connectors. */
  readonly component: string;
  /** spec.replicas when the plan was made: what the run scales back to. */
  readonly replicas: number;
}

/** A snapshot of the backup that the run restores, with the indices it holds. */
export interface PlannedSnapshot {
  readonly part: Exclude<BackupPart, 'zeebe'>;
  readonly snapshot: string;
  readonly repository: string;
  readonly indices: readonly string[];
}

/** A Zeebe data PVC the run deletes; orphan: left by an earlier scale-down (an ordinal at or above the replicas). */
export interface PlannedClaim {
  readonly name: string;
  readonly orphan: boolean;
}

/**
 * The change that puts the broker StatefulSet into restore mode, through the chart's own start script (env only,
 * never a command override: that loses the node ID, §9 #8), and what the touched fields were before, so that the
 * exact inverse can be applied afterwards.
 */
export interface RestoreModeChange {
  readonly statefulSet: string;
  readonly container: string;
  readonly setEnv: readonly EnvVar[];
  readonly removeEnv: readonly string[];
  /** Probes switched off for the restore run (a long restore must not be killed half-way). */
  readonly probesOff: readonly ('livenessProbe' | 'startupProbe')[];
  /** The touched env entries as they were (absent = did not exist); values from Secrets stay references. */
  readonly envBefore: readonly EnvVar[];
  readonly livenessProbeBefore?: RawProbe | undefined;
  readonly startupProbeBefore?: RawProbe | undefined;
}

/**
 * What one partition of the restored backup holds (the Zeebe backup's details, read while the brokers ran): a broker
 * that restored it starts from this snapshot, so its own snapshot and processed position are at least these.
 * Both undefined on RDBMS, where the restore application picks the backups itself.
 */
export interface ExpectedPartition {
  readonly partitionId: number;
  /** `<index>-<term>-<processedPosition>-<exportedPosition>…` of the snapshot in the backup. */
  readonly snapshotId?: string | undefined;
  readonly checkpointPosition?: number | undefined;
}

interface StepBase {
  /** Stable within a plan: the journal records done steps by it. */
  readonly id: string;
  readonly phase: RestorePhase;
}

/** One step of the plan; each is verified before the next starts. */
export type RestoreStep =
  | (StepBase & { readonly action: 'scale-down'; readonly workload: PlannedWorkload })
  | (StepBase & { readonly action: 'await-database-restore' })
  /** One request's worth of indices, by exact name (`delete-indices:<k>/<n>`): the plan lists every name. */
  | (StepBase & { readonly action: 'delete-indices'; readonly indices: readonly string[] })
  | (StepBase & { readonly action: 'verify-indices-gone'; readonly indices: readonly string[]; readonly prefixes: readonly string[]; readonly kept?: readonly string[] | undefined })
  | (StepBase & { readonly action: 'restore-snapshot'; readonly snapshot: PlannedSnapshot })
  | (StepBase & { readonly action: 'delete-pvc'; readonly claim: PlannedClaim })
  | (StepBase & { readonly action: 'patch-restore-mode'; readonly statefulSet: string })
  | (StepBase & { readonly action: 'scale-up'; readonly workload: PlannedWorkload })
  | (StepBase & { readonly action: 'await-broker-restore'; readonly statefulSet: string; readonly pods: readonly string[] })
  | (StepBase & { readonly action: 'revert-restore-mode'; readonly statefulSet: string })
  | (StepBase & { readonly action: 'await-ready'; readonly workload: PlannedWorkload })
  | (StepBase & { readonly action: 'verify-zeebe-data'; readonly statefulSet: string; readonly pods: readonly string[]; readonly partitions: readonly ExpectedPartition[] })
  | (StepBase & { readonly action: 'verify-exporting' })
  | (StepBase & { readonly action: 'verify-backup-listed'; readonly backupId: number })
  | (StepBase & ({ readonly action: 'load-web-modeler-dump'; readonly file: string } & WebModelerTarget));

/** The Web Modeler PostgreSQL database the dump goes into (the one create's pg_dump read). */
export interface WebModelerTarget {
  readonly database: string;
  readonly pod: string;
  readonly container: string;
  readonly username: string;
  readonly port: number;
}

export type RestoreAction = RestoreStep['action'];

/** What is restored where: the same in the facts and in the plan. */
export interface RestoreTarget {
  readonly release: string;
  readonly namespace: string;
  readonly line: CamundaLine;
  readonly camundaVersion: string;
  readonly chartVersion: string;
  readonly mode: RestoreMode;
  /** The backup ID restored everywhere; null in RDBMS mode (the restore app picks the backups itself). */
  readonly backupId: number | null;
  /** RDBMS mode: the upper bound of the time range (--to), ISO; undefined = the database's own state. */
  readonly restoreTo?: string | undefined;
  /** Where the indices are deleted and the snapshots restored ("pod/camunda-elasticsearch-master-0:9200"); undefined in RDBMS mode. */
  readonly searchWhere?: string | undefined;
  /** The prefixes Camunda's indices were found by: the release's configured ones, each ending in its separator. */
  readonly indexPrefixes: readonly string[];
  /** Indices under those prefixes the run deliberately leaves (not in the backup, camunda/camunda#47122), and why. */
  readonly keptIndices?: { readonly indices: readonly string[]; readonly reason: string } | undefined;
  readonly workloads: readonly PlannedWorkload[];
  readonly snapshots: readonly PlannedSnapshot[];
}

export interface RestorePlan extends RestoreTarget {
  readonly schemaVersion: 1;
  readonly indices: readonly string[];
  readonly claims: readonly PlannedClaim[];
  readonly restoreMode: RestoreModeChange;
  readonly webModelerDump?: string | undefined;
  readonly steps: readonly RestoreStep[];
  /** What this run does not restore, said plainly in the plan and the report. */
  readonly notRestored: readonly string[];
  readonly warnings: readonly string[];
}

/** What the plan is built from: read while the installation still runs (restore/resolve.ts). */
export interface RestoreFacts extends RestoreTarget {
  readonly indices: readonly string[];
  /** Every PVC name in the namespace that belongs to the broker StatefulSet's `data` template, any ordinal. */
  readonly claims: readonly string[];
  readonly broker: {
    readonly statefulSet: string;
    readonly container: string;
    readonly env: readonly EnvVar[];
    readonly livenessProbe?: RawProbe | undefined;
    readonly startupProbe?: RawProbe | undefined;
  };
  /** Every partition of the backup (1..partitionCount on RDBMS), with what it holds when the backup says. */
  readonly zeebePartitions?: readonly ExpectedPartition[] | undefined;
  /** --web-modeler-dump: the file, its database, and the Web Modeler Deployments stopped while it loads. */
  readonly webModeler?: (WebModelerTarget & { readonly file: string; readonly workloads: readonly PlannedWorkload[] }) | undefined;
  readonly webModelerDeployed: boolean;
  /** The command that loads create's Web Modeler dump by hand, when discovery found the database. */
  readonly webModelerLoad?: string | undefined;
  readonly warnings?: readonly string[] | undefined;
}

/** Env names the chart's start script reads for a restore (H89 L15–29); any left over from an earlier attempt would steer this one. */
const RESTORE_SELECTORS = ['ZEEBE_RESTORE_FROM_BACKUP_ID', 'ZEEBE_RESTORE_FROM_TIMESTAMP', 'ZEEBE_RESTORE_TO_TIMESTAMP'] as const;

/** The env of restore mode for the line and mode (§8.1). */
export function restoreEnv(line: CamundaLine, mode: RestoreMode, backupId: number | null, restoreTo?: string): EnvVar[] {
  const env: EnvVar[] = [{ name: 'ZEEBE_RESTORE', value: 'true' }];
  if (mode === 'backup-id' && backupId !== null) env.push({ name: 'ZEEBE_RESTORE_FROM_BACKUP_ID', value: String(backupId) });
  if (mode === 'rdbms' && restoreTo !== undefined) env.push({ name: 'ZEEBE_RESTORE_TO_TIMESTAMP', value: restoreTo });
  // 8.8+: the restore app fails to start with the default profiles (camunda/camunda#35022).
  if (line !== '8.6' && line !== '8.7') env.push({ name: 'SPRING_PROFILES_ACTIVE', value: 'restore' });
  return env;
}

/** The ordinal of a `data-<sts>-<n>` claim, or undefined for any other name. */
export function claimOrdinal(statefulSet: string, name: string): number | undefined {
  const prefix = `data-${statefulSet}-`;
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}

const byOrdinal = (statefulSet: string) => (a: string, b: string) => (claimOrdinal(statefulSet, a) ?? 0) - (claimOrdinal(statefulSet, b) ?? 0);

/** Builds the plan. Pure: the same facts give the same plan, step IDs included. */
export function buildRestorePlan(facts: RestoreFacts): RestorePlan {
  const { broker } = facts;
  const zeebe = facts.workloads.find((w) => w.kind === 'StatefulSet' && w.name === broker.statefulSet);
  if (!zeebe) throw new Error(`internal error: the broker StatefulSet ${broker.statefulSet} is not among the workloads to stop`);
  const others = facts.workloads.filter((w) => w !== zeebe);

  const setEnv = restoreEnv(facts.line, facts.mode, facts.backupId, facts.restoreTo);
  const present = new Map(broker.env.map((e) => [e.name, e]));
  const removeEnv = RESTORE_SELECTORS.filter((name) => present.has(name) && !setEnv.some((e) => e.name === name));
  const touched = [...setEnv.map((e) => e.name), ...removeEnv];
  const probesOff = (['livenessProbe', 'startupProbe'] as const).filter((probe) => broker[probe] !== undefined);
  const restoreMode: RestoreModeChange = {
    statefulSet: broker.statefulSet,
    container: broker.container,
    setEnv,
    removeEnv,
    probesOff,
    envBefore: touched.map((name) => present.get(name)).filter((e): e is EnvVar => e !== undefined),
    ...(broker.livenessProbe ? { livenessProbeBefore: broker.livenessProbe } : {}),
    ...(broker.startupProbe ? { startupProbeBefore: broker.startupProbe } : {}),
  };

  const claims: PlannedClaim[] = facts.claims
    .filter((name) => claimOrdinal(broker.statefulSet, name) !== undefined)
    .sort(byOrdinal(broker.statefulSet))
    .map((name) => ({ name, orphan: (claimOrdinal(broker.statefulSet, name) ?? 0) >= zeebe.replicas }));
  const indices = [...new Set(facts.indices)].sort();
  // As many names per step as one DELETE request line holds (refusing any name that is not an exact one); each
  // step is one request, so the journal records progress in the units the cluster acts in.
  const deleteBatches = batchIndexNames(indices);
  const pods = Array.from({ length: zeebe.replicas }, (_, ordinal) => `${broker.statefulSet}-${ordinal}`);
  const ref = (w: PlannedWorkload): string => `${w.kind.toLowerCase()}/${w.name}`;

  const steps: RestoreStep[] = [
    ...facts.workloads.map((workload): RestoreStep => ({ id: `scale-down:${ref(workload)}`, phase: 'stop-workloads', action: 'scale-down', workload })),
    // Done only by a run given --database-restored; the run without it stops here (WAITING_FOR_DATABASE).
    ...(facts.mode === 'rdbms' ? [{ id: 'database-restored', phase: 'restore-database', action: 'await-database-restore' } as const] : []),
    ...deleteBatches.map((batch, i): RestoreStep => ({ id: `delete-indices:${i + 1}/${deleteBatches.length}`, phase: 'delete-indices', action: 'delete-indices', indices: batch })),
    ...(indices.length > 0 ? [{ id: 'verify-indices-gone', phase: 'delete-indices', action: 'verify-indices-gone', indices, prefixes: facts.indexPrefixes, ...(facts.keptIndices ? { kept: facts.keptIndices.indices } : {}) } as const] : []),
    ...facts.snapshots.map((snapshot): RestoreStep => ({ id: `restore-snapshot:${snapshot.snapshot}`, phase: 'restore-snapshots', action: 'restore-snapshot', snapshot })),
    ...claims.map((claim): RestoreStep => ({ id: `delete-pvc:${claim.name}`, phase: 'delete-zeebe-volumes', action: 'delete-pvc', claim })),
    { id: 'patch-restore-mode', phase: 'restore-zeebe', action: 'patch-restore-mode', statefulSet: broker.statefulSet },
    { id: `restore-scale-up:${ref(zeebe)}`, phase: 'restore-zeebe', action: 'scale-up', workload: zeebe },
    { id: 'await-broker-restore', phase: 'restore-zeebe', action: 'await-broker-restore', statefulSet: broker.statefulSet, pods },
    { id: `restore-scale-down:${ref(zeebe)}`, phase: 'leave-restore-mode', action: 'scale-down', workload: zeebe },
    { id: 'revert-restore-mode', phase: 'leave-restore-mode', action: 'revert-restore-mode', statefulSet: broker.statefulSet },
    { id: `scale-up:${ref(zeebe)}`, phase: 'leave-restore-mode', action: 'scale-up', workload: zeebe },
    { id: `await-ready:${ref(zeebe)}`, phase: 'leave-restore-mode', action: 'await-ready', workload: zeebe },
    // Before anything else starts on top of them: the brokers hold the backup's data (§8.2), judged, not assumed.
    ...(facts.zeebePartitions && facts.zeebePartitions.length > 0
      ? [{ id: 'verify-zeebe-data', phase: 'leave-restore-mode', action: 'verify-zeebe-data', statefulSet: broker.statefulSet, pods, partitions: facts.zeebePartitions } as const]
      : []),
    ...others.map((workload): RestoreStep => ({ id: `scale-up:${ref(workload)}`, phase: 'start-workloads', action: 'scale-up', workload })),
    ...others.map((workload): RestoreStep => ({ id: `await-ready:${ref(workload)}`, phase: 'start-workloads', action: 'await-ready', workload })),
    { id: 'verify-exporting', phase: 'verify', action: 'verify-exporting' },
    ...(facts.mode === 'backup-id' && facts.backupId !== null ? [{ id: 'verify-backup-listed', phase: 'verify', action: 'verify-backup-listed', backupId: facts.backupId } as const] : []),
    ...(facts.webModeler ? webModelerSteps(facts.webModeler) : []),
  ];

  const notRestored: string[] = ['Identity and Keycloak data (their own database; left running)'];
  if (facts.mode === 'rdbms') {
    notRestored.unshift(
      "the Camunda database (RDBMS): you restore it with the vendor's tools while Camunda is stopped (between restore --stop-for-database-restore and restore --database-restored); Zeebe re-exports from the restored backup's checkpoint",
      'Optimize: restore its own snapshots with their own IDs (separately)',
    );
  }
  if (!facts.webModeler) {
    notRestored.push(
      facts.webModelerLoad !== undefined
        ? `Web Modeler data (its own database): give --web-modeler-dump <file> to load it in this run, or after the restore stop Web Modeler and load the dump create wrote into its empty database: ${facts.webModelerLoad}`
        : facts.webModelerDeployed
          ? 'Web Modeler data (its own database): load the dump create wrote with psql'
          : 'Web Modeler data (not part of this backup; restored from its own database dump)',
    );
  }
  const { broker: _broker, claims: _claims, zeebePartitions: _partitions, webModeler, webModelerDeployed: _deployed, webModelerLoad: _load, warnings, indices: _indices, ...target } = facts;
  return {
    schemaVersion: 1,
    ...target,
    indices,
    claims,
    restoreMode,
    ...(webModeler ? { webModelerDump: webModeler.file } : {}),
    steps,
    notRestored,
    warnings: warnings ?? [],
  };
}

/**
 * After everything else is up: stop Web Modeler (a running restapi writes into the schema being replaced), load the
 * dump, which empties the public schema first in the same single transaction (a dump without --clean cannot load over
 * existing tables, and a failed load leaves the database as it was), then start Web Modeler again.
 */
function webModelerSteps(webModeler: NonNullable<RestoreFacts['webModeler']>): RestoreStep[] {
  const { workloads, ...load } = webModeler;
  const ref = (w: PlannedWorkload): string => `${w.kind.toLowerCase()}/${w.name}`;
  return [
    ...workloads.map((workload): RestoreStep => ({ id: `web-modeler-scale-down:${ref(workload)}`, phase: 'web-modeler', action: 'scale-down', workload })),
    { id: 'load-web-modeler-dump', phase: 'web-modeler', action: 'load-web-modeler-dump', ...load },
    ...workloads.map((workload): RestoreStep => ({ id: `web-modeler-scale-up:${ref(workload)}`, phase: 'web-modeler', action: 'scale-up', workload })),
    ...workloads.map((workload): RestoreStep => ({ id: `web-modeler-await-ready:${ref(workload)}`, phase: 'web-modeler', action: 'await-ready', workload })),
  ];
}

/**
 * RDBMS mode: the plan with another upper bound (--to), given when the database was restored (the second run).
 * Only the env restore mode sets changes; what the StatefulSet had before is the same (every name the chart's start
 * script reads for a restore was recorded when the plan was made).
 */
export function withRestoreTo(plan: RestorePlan, restoreTo: string | undefined): RestorePlan {
  const setEnv = restoreEnv(plan.line, plan.mode, plan.backupId, restoreTo);
  const present = new Set(plan.restoreMode.envBefore.map((e) => e.name));
  const removeEnv = RESTORE_SELECTORS.filter((name) => present.has(name) && !setEnv.some((e) => e.name === name));
  const { restoreTo: _old, ...rest } = plan;
  return { ...rest, ...(restoreTo !== undefined ? { restoreTo } : {}), restoreMode: { ...plan.restoreMode, setEnv, removeEnv } };
}

/** The plan with the Web Modeler load added as its last phase (a continued restore given --web-modeler-dump). */
export function withWebModelerLoad(plan: RestorePlan, webModeler: NonNullable<RestoreFacts['webModeler']>): RestorePlan {
  return {
    ...plan,
    webModelerDump: webModeler.file,
    steps: [...plan.steps, ...webModelerSteps(webModeler)],
    // Web Modeler's data is restored now: the line that said it is not goes.
    notRestored: plan.notRestored.filter((line) => !line.startsWith('Web Modeler data')),
  };
}

/** The plan loading another dump file (its load not run yet). */
export function withWebModelerDumpFile(plan: RestorePlan, file: string): RestorePlan {
  return {
    ...plan,
    webModelerDump: file,
    steps: plan.steps.map((step) => (step.action === 'load-web-modeler-dump' ? { ...step, file } : step)),
  };
}

/** The phase of a step ID in the plan, or undefined when it is not one of its steps. */
export function phaseOf(plan: Pick<RestorePlan, 'steps'>, stepId: string): RestorePhase | undefined {
  return plan.steps.find((s) => s.id === stepId)?.phase;
}
