/**
 * The checks a restore makes before it changes anything (camunda-restore.md §7, §9; issue 12 item 3), as small pure
 * rules over facts gathered once and read-only (checks-facts.ts). Every rule says PASS or FAIL with the fix; a
 * restore runs only when none failed. A backup ID that no part knows is bad input (exit 2), everything else that
 * fails is a precondition (exit 3). Nothing here talks to a cluster.
 */
import { PreconditionError, UsageError } from '../../errors.js';
import type { CamundaLine } from '../../camunda/versions.js';
import { toolCommand, type ClusterFlags } from '../../kube/cluster-flags.js';
import type { AccessCheck } from '../../kube/kube-client.js';
import { describeAccess } from '../operate/check/access.js';
import type { RestoreMode } from './plan.js';

export type RestoreCheckStatus = 'PASS' | 'FAIL';

/** One finding; the same shape as `check`'s items, so the same list renders both. */
export interface RestoreCheck {
  readonly id: string;
  readonly title: string;
  readonly status: RestoreCheckStatus;
  readonly message: string;
  /** What to do about a FAIL. */
  readonly fix?: string | undefined;
}


/** One part of the backup as `status` judged it. */
export interface BackupPartFact {
  readonly part: string;
  readonly state: string;
  readonly message?: string | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/** The backup of the ID, judged exactly as `status <id>` judges it. */
export interface BackupFact {
  readonly backupId: number;
  readonly verdict: string;
  readonly reasons: readonly string[];
  readonly parts: readonly BackupPartFact[];
}

/** RDBMS: the Zeebe backup the restore application's default mode would start from (the newest completed one). */
export interface RdbmsBackupFact {
  /** undefined when the store holds no completed backup. */
  readonly newest?: { readonly backupId: number; readonly partitions: readonly { readonly partitionId: number; readonly brokerVersion?: string | undefined }[] } | undefined;
  /** Why the Zeebe backups could not be listed. */
  readonly error?: string | undefined;
}

/** What runs now, per component, read from the pods' images. */
export interface RunningVersion {
  /** operate, tasklist, optimize, orchestration (8.8+ web apps and brokers), zeebe (8.6/8.7 brokers). */
  readonly component: string;
  readonly version?: string | undefined;
  /** "pod/camunda-operate-abc image camunda/operate:8.7.37", for messages. */
  readonly from: string;
}

export interface RepositoryFact {
  readonly name?: string | undefined;
  /** GET /_snapshot/<name> answered. */
  readonly registered: boolean;
  /** The snapshots of the ID could be listed from it. */
  readonly readable: boolean;
  readonly engine: string;
  readonly message?: string | undefined;
}

export interface BrokerStatefulSetFact {
  readonly name: string;
  readonly found: boolean;
  /** The backup store the restore pods inherit, and where it is set. */
  readonly store?: string | undefined;
  readonly storeFrom?: string | undefined;
  /** The broker container's command; undefined = the chart's start script runs. */
  readonly command?: readonly string[] | undefined;
}

export interface StartupScriptFact {
  /** The ConfigMap key the brokers run as /usr/local/bin/startup.sh. */
  readonly source: string;
  /** The script has the `ZEEBE_RESTORE` branch that starts the restore application. */
  readonly restoreBranch: boolean;
}

/** A permission the restore needs, and what the API server answered to a SelfSubjectAccessReview for it. */
export interface AccessFact {
  readonly check: AccessCheck;
  readonly why: string;
  readonly allowed: boolean;
  readonly reason?: string | undefined;
}

export interface RestoreCheckFacts {
  readonly release: string;
  readonly namespace: string;
  /** How the commands named in fixes reach this run's cluster (--kubeconfig, --context), and its access mode. */
  readonly cluster?: ClusterFlags | undefined;
  readonly accessMode?: string | undefined;
  readonly line: CamundaLine;
  readonly chartVersion: string;
  readonly camundaVersion: string;
  readonly mode: RestoreMode;
  /** The run continues an unfinished restore whose first run passed every check (continueRules apply). */
  readonly continuing?: boolean | undefined;
  /** backup-id mode: the backup of the ID. */
  readonly backup?: BackupFact | undefined;
  /** rdbms mode: the Zeebe backup the restore would start from. */
  readonly rdbmsBackup?: RdbmsBackupFact | undefined;
  readonly running: readonly RunningVersion[];
  /** The release's static partition count; undefined when not readable. */
  readonly partitionCount?: number | undefined;
  /** search mode: the snapshot repository. */
  readonly repository?: RepositoryFact | undefined;
  readonly brokers: BrokerStatefulSetFact;
  /** undefined when the ConfigMap with the script could not be read. */
  readonly startupScript?: StartupScriptFact | undefined;
  readonly access: readonly AccessFact[];
}

// ---------------------------------------------------------------------------------------------------------------
// Versions

interface ParsedVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** "alpha4" of 8.10.0-alpha4; empty for a release. */
  readonly preRelease: string;
  readonly text: string;
}

/** "8.7.37" → [8, 7, 37]; undefined for anything else (a digest, "latest"). Pre-release suffixes are kept apart. */
export function parseVersion(text: string | undefined): ParsedVersion | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$/.exec(text?.trim() ?? '');
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), preRelease: match[4] ?? '', text: (text ?? '').trim().replace(/^v/, '') };
}

/** SemVer precedence of two pre-release suffixes: a release ('') is newer than any pre-release of the same version. */
function comparePreRelease(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    // Camunda writes alpha4, alpha10 (no dot): compared with their numbers, not as SemVer's plain ASCII.
    const order = numeric ? Number(x) - Number(y) : /^\d+$/.test(x) ? -1 : /^\d+$/.test(y) ? 1 : x.localeCompare(y, 'en', { numeric: true });
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * The version a web-app or Optimize snapshot was taken with, from its name: `camunda_<component>_<id>_<version>_part_<n>_of_<N>`
 * (camunda-backup-api.md §3). Undefined for names without one (the zeebe-record snapshot).
 */
export function snapshotVersion(name: string): string | undefined {
  return /^camunda_[a-z]+_\d+_(.+)_part_\d+_of_\d+$/.exec(name)?.[1];
}

/** Which running component restores a part's data. */
const COMPONENT_OF_PART: Readonly<Record<string, readonly string[]>> = {
  operate: ['operate'],
  tasklist: ['tasklist'],
  webapps: ['orchestration'],
  optimize: ['optimize'],
  zeebe: ['zeebe', 'orchestration'],
};

/** The ES/OS path needs the exact version; RDBMS allows the same or one minor newer (camunda-restore.md §7). */
export function versionProblem(backup: string, running: string, mode: RestoreMode): string | undefined {
  if (mode === 'backup-id') return backup === running ? undefined : `taken with ${backup}, ${running} runs (the versions must be equal)`;
  const b = parseVersion(backup);
  const r = parseVersion(running);
  if (!b || !r) return backup === running ? undefined : `taken with ${backup}, ${running} runs (not comparable)`;
  // 8.10.0-alpha4 is older than 8.10.0: restoring a release's backup onto its pre-release is a downgrade.
  const order = r.major - b.major || r.minor - b.minor || r.patch - b.patch || comparePreRelease(r.preRelease, b.preRelease);
  if (r.major === b.major && (r.minor === b.minor || r.minor === b.minor + 1) && order >= 0) return undefined;
  return `taken with ${backup}, ${running} runs (RDBMS allows the same version or one minor newer)`;
}

function snapshotNamesOf(part: BackupPartFact): string[] {
  const snapshots = part.details?.['snapshots'];
  if (!Array.isArray(snapshots)) return [];
  return snapshots.flatMap((s: unknown) => (s && typeof s === 'object' && typeof (s as Record<string, unknown>)['snapshotName'] === 'string' ? [String((s as Record<string, unknown>)['snapshotName'])] : []));
}

interface PartitionFact {
  readonly partitionId: number;
  readonly brokerVersion?: string | undefined;
}

function partitionsOf(part: BackupPartFact | undefined): PartitionFact[] {
  const partitions = part?.details?.['partitions'];
  if (!Array.isArray(partitions)) return [];
  return partitions.flatMap((p: unknown) => {
    const record = p && typeof p === 'object' ? (p as Record<string, unknown>) : undefined;
    if (!record || typeof record['partitionId'] !== 'number') return [];
    return [{ partitionId: record['partitionId'], brokerVersion: typeof record['brokerVersion'] === 'string' ? record['brokerVersion'] : undefined }];
  });
}

/** The Zeebe partitions of the backup the restore would use. */
function zeebePartitions(facts: RestoreCheckFacts): PartitionFact[] {
  if (facts.mode === 'rdbms') return [...(facts.rdbmsBackup?.newest?.partitions ?? [])];
  return partitionsOf(facts.backup?.parts.find((p) => p.part === 'zeebe'));
}

// ---------------------------------------------------------------------------------------------------------------
// Rules

export type RestoreRule = (facts: RestoreCheckFacts) => readonly RestoreCheck[];

/** A tool command named in a fix, reaching the same cluster, namespace and release as this run. */
const tool = (facts: RestoreCheckFacts, command: string): string =>
  toolCommand(command, { cluster: facts.cluster ?? {}, namespace: facts.namespace, release: facts.release, access: facts.accessMode });
const LIST_FIX = (facts: RestoreCheckFacts): string => `pick a backup that is COMPLETE in every part: ${tool(facts, 'list')}`;

/** 1. The backup is complete in every part: the verdict of `status` (camunda-restore.md §9 #1). */
export function backupCompleteRule(facts: RestoreCheckFacts): RestoreCheck[] {
  const id = 'backup-complete';
  if (facts.mode === 'rdbms') {
    const title = 'A completed Zeebe backup to restore from';
    const rdbms = facts.rdbmsBackup;
    if (rdbms?.error) return [{ id, title, status: 'FAIL', message: `the Zeebe backups could not be listed: ${rdbms.error}`, fix: `check the orchestration pods and the backup store (${tool(facts, 'check')})` }];
    if (!rdbms?.newest) {
      return [{ id, title, status: 'FAIL', message: 'the backup store holds no completed Zeebe backup', fix: `Zeebe backs up continuously on RDBMS: check the schedule and the backup store (${tool(facts, 'check')})` }];
    }
    return [{ id, title, status: 'PASS', message: `the newest completed Zeebe backup is ${rdbms.newest.backupId}` }];
  }
  const backup = facts.backup;
  const title = 'Backup complete in every part';
  if (!backup) return [{ id, title, status: 'FAIL', message: 'the backup was not read', fix: LIST_FIX(facts) }];
  if (backup.verdict === 'COMPLETE') {
    const parts = backup.parts.filter((p) => p.state === 'COMPLETED').map((p) => p.part);
    return [{ id, title, status: 'PASS', message: `backup ${backup.backupId} is COMPLETE (${parts.join(', ')})` }];
  }
  const fix = backup.verdict === 'IN_PROGRESS' ? `wait until the backup finished (${tool(facts, `status ${backup.backupId}`)}), or pick another one` : LIST_FIX(facts);
  return [{ id, title, status: 'FAIL', message: `backup ${backup.backupId} is ${backup.verdict}: ${backup.reasons.join('; ')}`, fix }];
}

/** 2. Every component's version in the snapshot names and the brokers' version equal what runs (§7, §9 #2). */
export function versionRule(facts: RestoreCheckFacts): RestoreCheck[] {
  const id = 'versions';
  const title = facts.mode === 'rdbms' ? 'Versions: the same or one minor newer than the backup' : 'Versions: the backup was taken with the running versions';
  const taken: { part: string; version: string; what: string }[] = [];
  if (facts.mode === 'backup-id') {
    for (const part of facts.backup?.parts ?? []) {
      for (const name of snapshotNamesOf(part)) {
        const version = snapshotVersion(name);
        if (version) taken.push({ part: part.part, version, what: name });
      }
    }
  }
  for (const partition of zeebePartitions(facts)) {
    if (partition.brokerVersion) taken.push({ part: 'zeebe', version: partition.brokerVersion, what: `Zeebe partition ${partition.partitionId}` });
  }
  const problems: string[] = [];
  const matched = new Set<string>();
  for (const entry of taken) {
    const components = COMPONENT_OF_PART[entry.part] ?? [];
    const running = facts.running.find((r) => components.includes(r.component) && r.version !== undefined);
    const version = running?.version ?? facts.camundaVersion;
    const problem = versionProblem(entry.version, version, facts.mode);
    const key = `${entry.part}: ${problem ?? ''}`;
    if (problem && !matched.has(key)) problems.push(`${entry.part} (${entry.what}) ${problem}`);
    matched.add(key);
  }
  if (taken.length === 0) {
    return [{ id, title, status: 'FAIL', message: 'the backup names no version (no snapshot name or broker version to compare)', fix: `check the backup with ${tool(facts, facts.backup ? `status ${facts.backup.backupId} -o json` : 'list -o json')}` }];
  }
  if (problems.length > 0) {
    return [
      {
        id,
        title,
        status: 'FAIL',
        message: problems.join('; '),
        fix: `install the chart whose Camunda version the backup was taken with (Helm version matrix), then restore; Camunda ${facts.camundaVersion} runs in release ${facts.release}`,
      },
    ];
  }
  const versions = [...new Set(taken.map((t) => `${t.part} ${t.version}`))].join(', ');
  return [{ id, title, status: 'PASS', message: versions }];
}

/** 3. The backup's partition count equals the release's (§7, §9 #3; the restore application refuses otherwise). */
export function partitionRule(facts: RestoreCheckFacts): RestoreCheck[] {
  const id = 'partitions';
  const title = "Partition count: the backup's equals the release's";
  const partitions = zeebePartitions(facts);
  if (partitions.length === 0) return [{ id, title, status: 'FAIL', message: 'the Zeebe backup lists no partitions', fix: `check the backup with ${tool(facts, facts.backup ? `status ${facts.backup.backupId} -o json` : 'list -o json')}` }];
  if (facts.partitionCount === undefined) {
    return [{ id, title, status: 'FAIL', message: `the backup has ${partitions.length} partition(s); the release's partition count is not readable`, fix: 'set the partition count in the release values (orchestration.partitionCount / zeebe.partitionCount), so the restore can be checked against it' }];
  }
  if (partitions.length !== facts.partitionCount) {
    return [
      {
        id,
        title,
        status: 'FAIL',
        message: `the backup has ${partitions.length} partition(s), release ${facts.release} is configured with ${facts.partitionCount}`,
        fix: `restore into a release with partitionCount ${partitions.length}; the restore application rejects a backup with another partition count`,
      },
    ];
  }
  return [{ id, title, status: 'PASS', message: `${partitions.length} partition(s)` }];
}

/** 4. The snapshot repository is registered and readable (§9 #4). Not on RDBMS: no snapshot is restored there. */
export function repositoryRule(facts: RestoreCheckFacts): RestoreCheck[] {
  if (facts.mode === 'rdbms') return [];
  const id = 'snapshot-repository';
  const title = 'Snapshot repository registered and readable';
  const repository = facts.repository;
  if (!repository?.name) {
    return [{ id, title, status: 'FAIL', message: 'no snapshot repository name is configured', fix: 'configure the backup repository of the components, or pass --snapshot-repository <name>' }];
  }
  if (!repository.registered) {
    return [{ id, title, status: 'FAIL', message: `"${repository.name}" is not registered in ${repository.engine}${repository.message ? `: ${repository.message}` : ''}`, fix: `register it again with the same name and settings (PUT /_snapshot/${repository.name}), then restore` }];
  }
  if (!repository.readable) {
    return [{ id, title, status: 'FAIL', message: `"${repository.name}" cannot be read${repository.message ? `: ${repository.message}` : ''}`, fix: `check the repository's storage and credentials (POST /_snapshot/${repository.name}/_verify)` }];
  }
  return [{ id, title, status: 'PASS', message: `"${repository.name}" in ${repository.engine}` }];
}

/** 5. The brokers can reach the Zeebe backup store: it is configured where the restore pods inherit it (§8.1, §9 #4). */
export function zeebeStoreRule(facts: RestoreCheckFacts): RestoreCheck[] {
  const id = 'zeebe-store';
  const title = 'Zeebe backup store configured on the StatefulSet';
  const brokers = facts.brokers;
  if (!brokers.found) return [{ id, title, status: 'FAIL', message: `StatefulSet ${brokers.name} not found in namespace ${facts.namespace}`, fix: 'check that the release runs its brokers as the chart renders them' }];
  if (!brokers.store || brokers.store === 'NONE') {
    return [
      {
        id,
        title,
        status: 'FAIL',
        message: brokers.store === 'NONE' ? `the backup store of StatefulSet ${brokers.name} is NONE` : `StatefulSet ${brokers.name} has no readable backup store setting`,
        fix: 'configure the same backup store (S3, GCS, AZURE or FILESYSTEM) the backup was written to in the release values, then restore',
      },
    ];
  }
  return [{ id, title, status: 'PASS', message: `${brokers.store} (${brokers.storeFrom ?? 'configuration'})` }];
}

/** The first chart of each line whose start script honours ZEEBE_RESTORE (camunda-platform-helm#3589; §5). */
const FIRST_RESTORE_CHART: Readonly<Partial<Record<CamundaLine, string>>> = { '8.6': '11.5.0', '8.7': '12.1.0' };

function olderThan(version: string, floor: string): boolean {
  const v = parseVersion(version);
  const f = parseVersion(floor);
  if (!v || !f) return false;
  return (v.major - f.major || v.minor - f.minor || v.patch - f.patch) < 0;
}

/** 6. The brokers run the chart's start script, and it has the restore branch (§5, §9 #8, §10 "ZEEBE_RESTORE ignored"). */
export function chartRule(facts: RestoreCheckFacts): RestoreCheck[] {
  const id = 'chart-restore-support';
  const title = "Chart's start script runs the restore application (ZEEBE_RESTORE)";
  const floor = FIRST_RESTORE_CHART[facts.line];
  if (floor && olderThan(facts.chartVersion, floor)) {
    return [
      {
        id,
        title,
        status: 'FAIL',
        message: `chart ${facts.chartVersion} is older than ${floor}: its startup.sh ignores ZEEBE_RESTORE and would start the brokers normally instead of restoring (camunda-platform-helm#3445)`,
        fix: `upgrade the release to chart ${floor} or newer of the same Camunda version, then restore`,
      },
    ];
  }
  const command = facts.brokers.command;
  if (command && command.length > 0 && !command.some((word) => word.includes('startup.sh'))) {
    return [
      {
        id,
        title,
        status: 'FAIL',
        message: `the broker container's command (${command.join(' ')}) bypasses the chart's startup.sh, which sets each broker's node ID; a restore through it would restore every broker as node 0`,
        fix: 'remove the command override (zeebe.command / orchestration.command) from the release values, then restore',
      },
    ];
  }
  if (facts.startupScript && !facts.startupScript.restoreBranch) {
    return [
      {
        id,
        title,
        status: 'FAIL',
        message: `the start script in ${facts.startupScript.source} has no ZEEBE_RESTORE branch: the brokers would start normally instead of restoring`,
        fix: 'upgrade the release to a chart whose startup.sh honours ZEEBE_RESTORE (8.6: 11.5.0+, 8.7: 12.1.0+), then restore',
      },
    ];
  }
  return [{ id, title, status: 'PASS', message: `chart ${facts.chartVersion}${facts.startupScript ? `, ${facts.startupScript.source}` : ''}` }];
}

/** A permission in a person's words: the same wording as check's RBAC item. */
export const describePermission = describeAccess;

/** 7. The identity holds every permission the restore uses, listed per missing verb (SelfSubjectAccessReview). */
export function accessRule(facts: RestoreCheckFacts): RestoreCheck[] {
  const id = 'rbac';
  const title = 'Permissions (RBAC) for the restore';
  const denied = facts.access.filter((a) => !a.allowed);
  if (denied.length === 0) return [{ id, title, status: 'PASS', message: `granted: ${[...new Set(facts.access.map((a) => describePermission(a.check)))].join(', ')}` }];
  const lines = [...new Map(denied.map((a) => [describePermission(a.check), `${describePermission(a.check)} (to ${a.why}${a.reason ? `; ${a.reason}` : ''})`])).values()];
  return [
    {
      id,
      title,
      status: 'FAIL',
      message: `denied in namespace ${facts.namespace}: ${lines.join('; ')}`,
      fix: `bind the restore Role from the README ("Restore" → "RBAC") to your user or service account in namespace ${facts.namespace}`,
    },
  ];
}

export const RESTORE_RULES: readonly RestoreRule[] = [backupCompleteRule, versionRule, partitionRule, repositoryRule, zeebeStoreRule, chartRule, accessRule];

/**
 * A run that continues an unfinished restore: the first run judged the backup, the versions and the repository
 * while the applications ran; now they may be stopped and the indices gone, so only what this run needs is judged.
 */
export const CONTINUE_RULES: readonly RestoreRule[] = [zeebeStoreRule, chartRule, accessRule];

export interface RestoreChecks {
  readonly checks: readonly RestoreCheck[];
  readonly passed: boolean;
}

/** Every rule over the facts, in order. */
export function judgeRestore(facts: RestoreCheckFacts): RestoreChecks {
  const checks = (facts.continuing ? CONTINUE_RULES : RESTORE_RULES).flatMap((rule) => rule(facts));
  return { checks, passed: checks.every((c) => c.status === 'PASS') };
}

/**
 * The error that refuses the restore, or undefined when every check passed. No part knowing the ID is bad input
 * (exit 2); any other failed check is a precondition (exit 3). Either way nothing was changed.
 */
export function restoreRefusal(facts: RestoreCheckFacts, result: RestoreChecks): UsageError | PreconditionError | undefined {
  if (!facts.continuing && facts.mode === 'backup-id' && facts.backup?.verdict === 'NOT_FOUND') {
    return new UsageError(`unknown backup ID ${facts.backup.backupId}: no part of release ${facts.release} knows it; nothing was changed`, {
      hint: `list the backups: ${tool(facts, 'list')}`,
    });
  }
  const failed = result.checks.filter((c) => c.status === 'FAIL');
  if (failed.length === 0) return undefined;
  return new PreconditionError(`restore refused, nothing was changed: ${failed.length} check(s) failed: ${failed.map((c) => `${c.title}: ${c.message}`).join(' | ')}`, {
    hint: `${failed.map((c) => c.fix ?? `fix: ${c.title}`).join(' | ')}; then run the same command again`,
  });
}
