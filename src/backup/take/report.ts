/**
 * The result of a command, the single source for the table and the JSON output (README "JSON output").
 * Field names are a stable contract: add fields, never rename or remove them without bumping schemaVersion.
 */
import type { AccessMode } from '../../reach/component-http.js';
import type { BackupPart } from '../../camunda/versions.js';

export type PartState =
  | 'COMPLETED'
  | 'FAILED'
  | 'INCOMPLETE'
  | 'INCOMPATIBLE'
  | 'IN_PROGRESS'
  | 'TIMED_OUT'
  | 'INTERRUPTED'
  | 'NOT_STARTED'
  | 'NOT_FOUND'
  | 'SKIPPED'
  | 'DELETED'
  | 'PLANNED';

export interface PartReport {
  readonly part: BackupPart | 'web-modeler';
  readonly state: PartState;
  /** "pod/camunda-operate-abc:9600" or the search URL. */
  readonly target?: string | undefined;
  readonly startedAt?: string | undefined;
  readonly durationMs?: number | undefined;
  /** The component's own words: failureReason or error message. */
  readonly message?: string | undefined;
  /** Snapshot names, partition states, dump file and the like. */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

export type RunState = 'COMPLETED' | 'FAILED' | 'INTERRUPTED' | 'CLEANUP_FAILED' | 'PLANNED';

export interface ExportingReport {
  /** The tool soft-paused exporting during this run. */
  readonly paused: boolean;
  /** true: resumed and confirmed; false: resume failed (see resumeCommand); null: never paused. */
  readonly resumed: boolean | null;
  /** How long exporting stayed paused. */
  readonly pausedMs: number | null;
  /** Exact command to resume by hand when resumed is false. */
  readonly resumeCommand?: string | undefined;
}

/**
 * After a run that did not complete: the parts of its backup ID it left in the cluster (no restorable backup,
 * whatever their states), and the command that deletes them.
 */
export interface LeftBehindReport {
  readonly backupId: number;
  /** Parts whose backup was started: they hold (or, still running, will hold) something of this ID. */
  readonly parts: readonly { readonly part: BackupPart; readonly state: PartState }[];
  /** `kubectl camunda-backup delete <id>` with the run's cluster flags; absent when nothing was left. */
  readonly deleteCommand?: string | undefined;
}

export interface PlannedCall {
  readonly order: number;
  readonly step: string;
  readonly method: string;
  readonly path: string;
  readonly target: string;
  readonly body?: unknown;
  /** How the call is used, e.g. "repeats until the state is final". Calls that share `order` run concurrently. */
  readonly note?: string | undefined;
}

export interface BackupReport {
  readonly schemaVersion: 1;
  readonly command: 'create';
  readonly backupId: number | null;
  readonly release: string;
  readonly namespace: string;
  readonly camundaVersion: string;
  readonly chartVersion: string;
  readonly access: AccessMode;
  readonly state: RunState;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly parts: readonly PartReport[];
  readonly exporting: ExportingReport;
  /** Only for --dry-run: every call in order. */
  readonly plan?: readonly PlannedCall[] | undefined;
  readonly error?: { readonly message: string; readonly step?: string | undefined } | undefined;
  /** Only when the backup did not complete (state FAILED, INTERRUPTED, or CLEANUP_FAILED with parts missing). */
  readonly leftBehind?: LeftBehindReport | undefined;
  readonly warnings: readonly string[];
}
