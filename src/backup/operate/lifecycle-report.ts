/**
 * Results of the operating commands (status, list, delete, check, resume): the single source for their tables
 * and their `-o json` documents. Field names are a stable contract (README "JSON output"): add fields, never
 * rename or remove them without bumping schemaVersion.
 */
import type { BackupPart } from '../../camunda/versions.js';
import type { AccessMode } from '../../reach/component-http.js';
import type { ObservedState } from '../part-clients.js';
import type { CreateOutcome } from '../run-record.js';
import type { ResumeResult } from './resume.js';
import type { Verdict } from './verdict.js';

/** Who was asked: common to every operating report. */
export interface InstallationHeader {
  readonly release: string;
  readonly namespace: string;
  readonly camundaVersion: string;
  readonly chartVersion: string;
  readonly access: AccessMode;
}

export type PartReportState = ObservedState | 'SKIPPED';

export interface StatusPartReport {
  readonly part: BackupPart;
  readonly state: PartReportState;
  readonly target?: string | undefined;
  /** When the part's backup started, from the component's answer. */
  readonly startedAt?: string | undefined;
  readonly message?: string | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

export interface StatusReport extends InstallationHeader {
  readonly schemaVersion: 1;
  readonly command: 'status';
  readonly backupId: number;
  /** The time the ID stands for when it is a unix timestamp (seconds, or milliseconds for 8.9 generated IDs). */
  readonly idTime?: string | undefined;
  readonly verdict: Verdict;
  readonly restorable: boolean;
  readonly reasons: readonly string[];
  /** How the create run of this ID ended, from the run record; absent for IDs no run of this version recorded. */
  readonly createOutcome?: CreateOutcome | undefined;
  readonly parts: readonly StatusPartReport[];
  readonly warnings: readonly string[];
}

/** How each part's list call went. */
export interface ListedPart {
  readonly part: BackupPart;
  readonly state: 'LISTED' | 'SKIPPED' | 'ERROR';
  readonly target?: string | undefined;
  /** Backups this part knows. */
  readonly count?: number | undefined;
  readonly message?: string | undefined;
}

/** One backup ID in a list of backups. */
export interface BackupEntry {
  readonly backupId: number;
  /** From the ID when it is a timestamp, else (list) the earliest start any part reported. */
  readonly time?: string | undefined;
  readonly verdict: Verdict;
}

export interface ListEntry extends BackupEntry {
  readonly restorable: boolean;
  readonly reasons: readonly string[];
  /** State per present part; NOT_FOUND = that part has no backup with this ID. */
  readonly parts: Readonly<Partial<Record<BackupPart, PartReportState>>>;
  /** How the create run of this ID ended, from the run record; absent for IDs no run of this version recorded. */
  readonly createOutcome?: CreateOutcome | undefined;
}

export interface ListReport extends InstallationHeader {
  readonly schemaVersion: 1;
  readonly command: 'list';
  readonly parts: readonly ListedPart[];
  /** Newest first (highest ID first). */
  readonly backups: readonly ListEntry[];
  /** Backups known in all, before --limit. */
  readonly total: number;
  readonly limit?: number | undefined;
  readonly warnings: readonly string[];
}

export type DeletePartState = 'PLANNED' | 'DELETED' | 'NOT_FOUND' | 'FAILED' | 'SKIPPED';

export interface DeletePartReport {
  readonly part: BackupPart;
  readonly state: DeletePartState;
  readonly target?: string | undefined;
  readonly message?: string | undefined;
}

/** A backup delete chose, to delete or (retention) to keep; its verdict is the one before deletion. */
export interface SelectedBackup extends BackupEntry {
  /** Why it was chosen (retention rule, or "named on the command line"). */
  readonly reason: string;
}

export interface DeleteEntry extends SelectedBackup {
  readonly parts: readonly DeletePartReport[];
}

export type KeptEntry = SelectedBackup;

/**
 * PLANNED: dry run. COMPLETED: every chosen part deleted (or already absent). FAILED: at least one part failed.
 * NOTHING_TO_DELETE: the rules chose nothing. CANCELLED: declined at the prompt.
 */
export type DeleteState = 'PLANNED' | 'COMPLETED' | 'FAILED' | 'NOTHING_TO_DELETE' | 'CANCELLED';

export interface DeleteReport extends InstallationHeader {
  readonly schemaVersion: 1;
  readonly command: 'delete';
  readonly dryRun: boolean;
  readonly selection: {
    readonly ids?: readonly number[] | undefined;
    readonly keep?: number | undefined;
    /** As given, e.g. "30d". */
    readonly olderThan?: string | undefined;
  };
  readonly state: DeleteState;
  readonly backups: readonly DeleteEntry[];
  /** Retention only: what stays, and why. */
  readonly kept: readonly KeptEntry[];
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

export type CheckStatus = 'PASS' | 'WARN' | 'FAIL' | 'SKIP';

export interface CheckItem {
  /** Stable identifier, e.g. "rbac", "health:operate", "exporting". */
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly message: string;
  /** What to do about a WARN or FAIL. */
  readonly fix?: string | undefined;
}

export interface CheckReport {
  readonly schemaVersion: 1;
  readonly command: 'check';
  readonly namespace: string;
  /** Undefined when the release could not be found. */
  readonly release?: string | undefined;
  readonly camundaVersion?: string | undefined;
  readonly chartVersion?: string | undefined;
  readonly access: AccessMode;
  /** FAIL when any check failed, WARN when any warned, else PASS. */
  readonly result: 'PASS' | 'WARN' | 'FAIL';
  readonly summary: Readonly<Record<Lowercase<CheckStatus>, number>>;
  readonly checks: readonly CheckItem[];
  readonly warnings: readonly string[];
}

export interface ResumeReport extends InstallationHeader, ResumeResult {
  readonly schemaVersion: 1;
  readonly command: 'resume';
  /** Exporter phase per partition read back from the brokers after the resume, when they expose it. */
  readonly partitions?: readonly { readonly broker: string; readonly partitionId: number; readonly exporterPhase: string }[] | undefined;
  readonly warnings: readonly string[];
}
