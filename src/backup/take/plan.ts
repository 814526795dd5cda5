/**
 * The create procedure as plain data, built from the backup's layout: the read-only checks before any change, and
 * the actions in their order (camunda-backup-api.md §9). Pure: the same installation and options give the same
 * plan. What each check and action does, and what --dry-run prints for it, stand side by side in one module per
 * kind (actions.ts, preflight.ts), so the dry run is read off the very actions that run.
 */
import { resolve } from 'node:path';
import type { Installation, WebModelerDatabase } from '../../camunda/installation.js';
import { zeebeRecordsSnapshotBody, zeebeRecordsSnapshotName } from '../../camunda/search-api.js';
import { refuseUnsupportedTopology } from '../../camunda/resolve-topology.js';
import type { BackupPart, CamundaLine, SearchEngine } from '../../camunda/versions.js';
import { PreconditionError } from '../../errors.js';
import type { AccessMode } from '../../reach/component-http.js';
import { resumeCommandFor } from '../exporting.js';
import { DEFAULT_RESUME_TIMING, type ResumeTiming } from '../resume-exporting.js';
import { layoutOf, partOf, type BackupLayout, type PartEndpoint, type ProcedureKind } from '../layout.js';
import { kubectlCommand, type ClusterFlags } from '../../kube/cluster-flags.js';

export type { ProcedureKind } from '../layout.js';

export interface CreateOptions {
  readonly backupId: number;
  /** For the whole run, preflight and the Web Modeler dump included. */
  readonly timeoutMs: number;
  /** Longest pause between two polls; polling starts faster and backs off to this. */
  readonly pollIntervalMs: number;
  readonly access: AccessMode;
  /** How a command printed for a person (the manual resume) reaches this cluster. */
  readonly cluster: ClusterFlags;
  /** File for the Web Modeler dump (when the installation has Web Modeler); default web-modeler-<backupId>.sql. */
  readonly webModelerOutput?: string | undefined;
  /** How long resuming exporting is retried before the run gives up with exit 5 (--resume-timeout); default 5 min. */
  readonly resumeTimeoutMs?: number | undefined;
}

export type WebappPart = 'optimize' | 'operate' | 'tasklist' | 'webapps';

/** Where an action or a check calls: a present part of the layout. */
export type Endpoint = PartEndpoint;

export interface ComponentBackupAction {
  readonly kind: 'component-backup';
  readonly part: WebappPart;
  readonly endpoint: Endpoint;
}

export interface PauseAction {
  readonly kind: 'pause-exporting';
  readonly endpoint: Endpoint;
  readonly pausePath: string;
  readonly resumePath: string;
}

export interface ZeebeRecordsAction {
  readonly kind: 'zeebe-records-snapshot';
  readonly endpoint: Endpoint;
  readonly engine: SearchEngine;
  readonly repository: string;
  readonly snapshot: string;
  readonly indices: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface WebModelerDumpAction {
  readonly kind: 'web-modeler-dump';
  readonly database: WebModelerDatabase;
  /** Absolute path of the dump file. */
  readonly outputPath: string;
}

export type PlanAction =
  | PauseAction
  | { readonly kind: 'parallel'; readonly actions: readonly ComponentBackupAction[] }
  | ZeebeRecordsAction
  | { readonly kind: 'zeebe-backup'; readonly endpoint: Endpoint }
  /** 8.9 RDBMS: trigger a backup without an id; the cluster generates it. */
  | { readonly kind: 'continuous-backup'; readonly endpoint: Endpoint }
  /** The pause's cleanup, run here at the latest: what follows never stretches the paused window. */
  | { readonly kind: 'resume-exporting'; readonly endpoint: Endpoint; readonly resumePath: string }
  /** Web Modeler has no backup API: pg_dump in its database pod, after the Camunda backup (§3.6). */
  | WebModelerDumpAction;

/** Read-only checks made before the first change; any failure stops the run with nothing changed. */
export type PreflightCheck =
  | { readonly kind: 'dump-target-free'; readonly path: string }
  | { readonly kind: 'actuator-links'; readonly endpoint: Endpoint; readonly component: string; readonly expectedLinks: readonly string[] }
  | { readonly kind: 'search-repository'; readonly endpoint: Endpoint; readonly repository: string }
  | { readonly kind: 'zeebe-latest-id'; readonly endpoint: Endpoint }
  | { readonly kind: 'backup-absent'; readonly part: WebappPart; readonly endpoint: Endpoint }
  | { readonly kind: 'snapshot-absent'; readonly endpoint: Endpoint; readonly repository: string; readonly snapshot: string }
  | { readonly kind: 'runtime-state'; readonly endpoint: Endpoint };

export interface PlannedPart {
  readonly part: BackupPart | 'web-modeler';
  readonly state: 'PLANNED' | 'SKIPPED';
  readonly target?: string | undefined;
  readonly reason?: string | undefined;
}

export interface PlanTiming {
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  /** First poll delay; doubled up to pollIntervalMs. */
  readonly initialPollMs: number;
  /**
   * Poll ceiling while exporting is paused: every idle moment there grows the brokers' logs, and a status GET is cheap,
   * so the paused window is not stretched by a long back-off.
   */
  readonly pausedPollMs: number;
  /**
   * Right after a POST a component may not know the backup yet (404) or see only some parts (INCOMPLETE);
   * within this window that means "starting", afterwards it is an answer.
   */
  readonly settleMs: number;
  readonly requestTimeoutMs: number;
  /** How long and how often resuming is retried; resume is idempotent, so retrying is always safe. */
  readonly resume: ResumeTiming;
}

export interface CreatePlan {
  readonly procedure: ProcedureKind;
  readonly line: CamundaLine;
  readonly backupId: number;
  readonly release: string;
  readonly namespace: string;
  readonly camundaVersion: string;
  readonly chartVersion: string;
  readonly access: AccessMode;
  readonly checks: readonly PreflightCheck[];
  readonly actions: readonly PlanAction[];
  readonly parts: readonly PlannedPart[];
  readonly warnings: readonly string[];
  /** Printed when resuming exporting fails. */
  readonly resumeCommand: string;
  /** The run's --kubeconfig and context, for the commands printed for a person (delete what a failed run left). */
  readonly cluster: ClusterFlags;
  readonly timing: PlanTiming;
}

const DEFAULT_TIMING: Omit<PlanTiming, 'timeoutMs' | 'pollIntervalMs'> = {
  initialPollMs: 50,
  pausedPollMs: 200,
  settleMs: 15_000,
  requestTimeoutMs: 30_000,
  resume: DEFAULT_RESUME_TIMING,
};

/** The order in which the web-app backups start (they run concurrently; the dry run lists them so). */
const WEBAPP_ORDER: Readonly<Record<ProcedureKind, readonly WebappPart[]>> = {
  'separate-webapps': ['optimize', 'operate', 'tasklist'],
  orchestration: ['webapps', 'optimize'],
  rdbms: ['optimize'],
};

function defaultWebModelerOutput(backupId: number): string {
  return `web-modeler-${backupId}.sql`;
}

export function buildCreatePlan(installation: Installation, options: CreateOptions): CreatePlan {
  refuseUnsupportedTopology(installation, 'create');
  const layout = layoutOf(installation);
  const kind = layout.procedure;
  const { procedure } = installation;
  const zeebe = requiredZeebe(layout, installation, options.cluster);
  for (const part of layout.present) if (part.problem) throw new PreconditionError(part.problem.message, { hint: part.problem.hint });

  const warnings: string[] = [...installation.warnings];
  const checks: PreflightCheck[] = [];
  const webappActions: ComponentBackupAction[] = [];
  for (const part of WEBAPP_ORDER[kind]) {
    const endpoint = partOf(layout, part);
    if (!endpoint) continue;
    webappActions.push({ kind: 'component-backup', part, endpoint });
    checks.push({ kind: 'backup-absent', part, endpoint });
  }
  if (kind === 'rdbms') {
    warnings.push(
      'The Camunda database (RDBMS secondary storage) is not backed up by this tool: back it up with your database vendor\'s tools ' +
        '(pg_dump, mysqldump, RMAN, …) on its own schedule; Zeebe aligns its continuous backups with the restored database.',
    );
  }

  let recordsAction: ZeebeRecordsAction | undefined;
  const records = partOf(layout, 'zeebe-records');
  if (records) {
    const search = installation.search!;
    const repository = records.repository!;
    const snapshot = zeebeRecordsSnapshotName(options.backupId);
    // The exporter names its indices `<prefix>_<valueType>_…` (IndexRouter, INDEX_DELIMITER "_"): `<prefix>*` would
    // also take another release's `<prefix>-b_…` indices in a shared search engine.
    const indices = `${search.zeebeIndexPrefix}_*`;
    recordsAction = { kind: 'zeebe-records-snapshot', endpoint: records, engine: search.engine, repository, snapshot, indices, body: zeebeRecordsSnapshotBody(search.engine, indices) };
    checks.push({ kind: 'search-repository', endpoint: records, repository });
    checks.push({ kind: 'snapshot-absent', endpoint: records, repository, snapshot });
  }

  // Check what the application really exposes, not what its version suggests (§1: an 8.7 patch exposed 8.8 ids).
  const linkName = (path: string): string => path.replace(/^\/actuator\//, '').split(/[/?]/)[0]!;
  const zeebeLinks = new Set<string>([linkName(zeebe.path)]);
  const linkChecks: PreflightCheck[] = [];
  for (const action of webappActions) {
    if (action.part === 'optimize') continue;
    if (sameEndpoint(action.endpoint, zeebe)) zeebeLinks.add(linkName(action.endpoint.path));
    else linkChecks.unshift({ kind: 'actuator-links', endpoint: action.endpoint, component: action.part, expectedLinks: [linkName(action.endpoint.path)] });
  }
  const zeebeComponent = kind === 'separate-webapps' ? 'zeebe gateway' : 'orchestration application';
  checks.unshift(...linkChecks, { kind: 'actuator-links', endpoint: zeebe, component: zeebeComponent, expectedLinks: [...zeebeLinks] });

  const actions: PlanAction[] = [];
  const group: PlanAction[] = webappActions.length > 0 ? [{ kind: 'parallel', actions: webappActions }] : [];
  if (kind === 'rdbms') {
    if (!installation.zeebeStore.continuous) {
      throw new PreconditionError(
        'continuous Zeebe backups are not configured: with RDBMS secondary storage Zeebe is backed up only in continuous mode',
        {
          hint:
            'set camunda.data.primary-storage.backup.continuous=true (env CAMUNDA_DATA_PRIMARYSTORAGE_BACKUP_CONTINUOUS), ' +
            'a backup store and preferably a schedule (e.g. PT1H); back up the database with its vendor\'s tools',
        },
      );
    }
    actions.push(...group, { kind: 'continuous-backup', endpoint: zeebe });
    checks.push({ kind: 'runtime-state', endpoint: zeebe });
  } else {
    if (installation.zeebeStore.continuous) {
      throw new PreconditionError(
        'continuous Zeebe backups are enabled, but the Elasticsearch/OpenSearch procedure needs backups with a chosen ID, which Zeebe then rejects',
        { hint: 'continuous backups are only supported with RDBMS secondary storage; switch them off for this installation' },
      );
    }
    checks.push({ kind: 'zeebe-latest-id', endpoint: zeebe });
    const pause: PauseAction = { kind: 'pause-exporting', endpoint: zeebe, pausePath: procedure.exportingPausePath, resumePath: procedure.exportingResumePath };
    if (kind === 'orchestration') actions.push(pause, ...group);
    else actions.push(...group, pause);
    if (recordsAction) actions.push(recordsAction);
    actions.push({ kind: 'zeebe-backup', endpoint: zeebe }, { kind: 'resume-exporting', endpoint: zeebe, resumePath: procedure.exportingResumePath });
  }

  const parts: PlannedPart[] = [
    ...layout.present.map((p): PlannedPart => ({ part: p.part, state: 'PLANNED', target: p.where })),
    ...layout.skipped.map((s): PlannedPart => ({ part: s.part, state: 'SKIPPED', reason: s.reason })),
  ].sort((a, b) => PART_ROWS.indexOf(a.part) - PART_ROWS.indexOf(b.part));

  if (installation.webModeler) {
    const outputPath = resolve(options.webModelerOutput ?? defaultWebModelerOutput(options.backupId));
    checks.unshift({ kind: 'dump-target-free', path: outputPath });
    actions.push({ kind: 'web-modeler-dump', database: installation.webModeler, outputPath });
    parts.push({
      part: 'web-modeler',
      state: 'PLANNED',
      target: `pod/${installation.webModeler.pod.pod}`,
      reason: `pg_dump of database "${installation.webModeler.database}" through exec, streamed into ${outputPath}`,
    });
  }

  return {
    procedure: kind,
    line: procedure.line,
    backupId: options.backupId,
    release: installation.release,
    namespace: installation.namespace,
    camundaVersion: installation.camundaVersion,
    chartVersion: installation.chartVersion,
    access: options.access,
    checks,
    actions,
    parts,
    warnings,
    resumeCommand: resumeCommandFor(installation, options.access, options.cluster),
    cluster: options.cluster,
    timing: {
      ...DEFAULT_TIMING,
      timeoutMs: options.timeoutMs,
      pollIntervalMs: options.pollIntervalMs,
      resume: { ...DEFAULT_TIMING.resume, timeoutMs: options.resumeTimeoutMs ?? DEFAULT_TIMING.resume.timeoutMs },
    },
  };
}

const PART_ROWS: readonly PlannedPart['part'][] = ['optimize', 'operate', 'tasklist', 'webapps', 'zeebe-records', 'zeebe', 'web-modeler'];

function requiredZeebe(layout: BackupLayout, installation: Installation, cluster: ClusterFlags): Endpoint {
  const zeebe = partOf(layout, 'zeebe');
  if (zeebe && !zeebe.problem) return zeebe;
  const skipped = layout.skipped.find((s) => s.part === 'zeebe')?.reason;
  throw new PreconditionError(
    zeebe?.problem?.message ??
      `no ${installation.procedure.pauseBeforeWebapps ? 'orchestration' : 'Zeebe gateway'} pod found for release "${installation.release}" in namespace "${installation.namespace}"${skipped ? ` (${skipped})` : ''}`,
    { hint: `the Zeebe part cannot be skipped: check that the release is running (${kubectlCommand('get pods', { cluster, namespace: installation.namespace })})` },
  );
}

/** Same pod, port and base path: one application (the orchestration pod serves Zeebe and the web apps on 8.8+). */
function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.basePath === b.basePath && JSON.stringify(a.target) === JSON.stringify(b.target);
}

/** Every distinct target the plan calls, for opening the connections before anything else. */
export function planTargets(plan: CreatePlan): Endpoint[] {
  const endpoints = new Map<string, Endpoint>();
  const add = (endpoint: Endpoint): void => {
    const key = JSON.stringify(endpoint.target);
    if (!endpoints.has(key)) endpoints.set(key, endpoint);
  };
  for (const check of plan.checks) if ('endpoint' in check) add(check.endpoint);
  for (const action of plan.actions) {
    if (action.kind === 'parallel') action.actions.forEach((a) => add(a.endpoint));
    else if ('endpoint' in action) add(action.endpoint);
  }
  return [...endpoints.values()];
}
