/**
 * The create procedure as plain data: which endpoints, which read-only checks before any change, and which
 * actions in which order (camunda-backup-api.md §9). Pure: the same installation and options give the same
 * plan, and --dry-run prints it without touching the cluster.
 */
import type { ComponentEndpoint, Installation } from '../camunda/installation.js';
import { createSnapshotPath, snapshotPath, repositoryPath, zeebeRecordsSnapshotBody, zeebeRecordsSnapshotName } from '../camunda/search-api.js';
import type { BackupPart, CamundaLine, SearchEngine } from '../camunda/versions.js';
import { refuseUnsupportedTopology } from '../camunda/resolve-topology.js';
import { PreconditionError } from '../errors.js';
import type { AccessMode, HttpTarget } from '../reach/component-http.js';
import type { SecretValue } from '../secret-value.js';
import type { PlannedCall } from './report.js';
import { DEFAULT_RESUME_RETRY_DELAYS_MS, resumeCommandFor } from './resume.js';

export interface CreateOptions {
  readonly backupId: number;
  /** For the whole run, preflight included. */
  readonly timeoutMs: number;
  /** Longest pause between two polls; polling starts faster and backs off to this. */
  readonly pollIntervalMs: number;
  readonly access: AccessMode;
}

/** The three shapes of the procedure (§9, §13.3); on RDBMS the parts are backed up independently, with their own IDs. */
export type ProcedureKind = 'separate-webapps' | 'orchestration' | 'rdbms';

export function procedureKindOf(installation: Installation): ProcedureKind {
  if (installation.secondaryStorage === 'rdbms') return 'rdbms';
  return installation.procedure.pauseBeforeWebapps ? 'orchestration' : 'separate-webapps';
}

/** Why the installation's backups have no zeebe-record snapshot; undefined when they have one. */
export function zeebeRecordsSkipReason(installation: Installation, kind: ProcedureKind): string | undefined {
  const skipped = installation.skipped.find((s) => s.part === 'zeebe-records')?.reason;
  if (skipped !== undefined) return skipped;
  if (kind === 'rdbms') return 'not part of the RDBMS procedure';
  if (installation.secondaryStorage === 'none') return 'no secondary storage: no exporter writes zeebe-record indices';
  if (installation.zeebeRecordsExported === false) return 'no exporter writes zeebe-record indices (the legacy Elasticsearch/OpenSearch exporter is off)';
  return undefined;
}

/** The part row order of every report. */
const PART_ORDER: readonly BackupPart[] = ['optimize', 'operate', 'tasklist', 'webapps', 'zeebe-records', 'zeebe'];

/** Sorts parts (anything with a `part`) into report order. */
export function inPartOrder<T extends { readonly part: BackupPart }>(parts: readonly T[]): T[] {
  return [...parts].sort((a, b) => PART_ORDER.indexOf(a.part) - PART_ORDER.indexOf(b.part));
}

export interface PlanEndpoint {
  /** 'zeebe', 'operate', 'tasklist', 'optimize', 'webapps' or 'search'. */
  readonly key: string;
  readonly target: HttpTarget;
  /** "pod/camunda-operate-0:9600" or the search URL, for the dry run and the report. */
  readonly where: string;
  /** Management base path ("" or "/operate"); "" for the search endpoint. */
  readonly basePath: string;
  /** Elasticsearch/OpenSearch credentials; sent as a header, never printed. */
  readonly authorization?: SecretValue | undefined;
}

export type WebappPart = 'optimize' | 'operate' | 'tasklist' | 'webapps';

export interface ComponentBackupAction {
  readonly kind: 'component-backup';
  readonly part: WebappPart;
  readonly endpoint: string;
  /** Collection path relative to the base, e.g. "/actuator/backups". */
  readonly path: string;
}

export type PlanAction =
  | { readonly kind: 'pause-exporting'; readonly endpoint: string; readonly pausePath: string; readonly resumePath: string }
  | { readonly kind: 'parallel'; readonly actions: readonly ComponentBackupAction[] }
  | {
      readonly kind: 'zeebe-records-snapshot';
      readonly endpoint: 'search';
      readonly engine: SearchEngine;
      readonly repository: string;
      readonly snapshot: string;
      readonly indices: string;
      readonly body: Readonly<Record<string, unknown>>;
    }
  | { readonly kind: 'zeebe-backup'; readonly endpoint: string; readonly path: string }
  /** 8.9 RDBMS: trigger a backup without an id; the cluster generates it. */
  | { readonly kind: 'continuous-backup'; readonly endpoint: string; readonly path: string };

/** Read-only checks made before the first change; any failure stops the run with nothing changed. */
export type PreflightCheck =
  | { readonly kind: 'actuator-links'; readonly endpoint: string; readonly component: string; readonly expectedLinks: readonly string[] }
  | { readonly kind: 'search-repository'; readonly endpoint: 'search'; readonly repository: string }
  | { readonly kind: 'zeebe-latest-id'; readonly endpoint: string; readonly path: string }
  | { readonly kind: 'backup-absent'; readonly part: WebappPart; readonly endpoint: string; readonly path: string }
  | { readonly kind: 'snapshot-absent'; readonly endpoint: 'search'; readonly repository: string; readonly snapshot: string }
  | { readonly kind: 'runtime-state'; readonly endpoint: string; readonly path: string };

export interface PlannedPart {
  readonly part: BackupPart;
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
  /** Delays between resume attempts; resume is idempotent, so retrying is always safe. */
  readonly resumeRetryDelaysMs: readonly number[];
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
  readonly endpoints: readonly PlanEndpoint[];
  readonly checks: readonly PreflightCheck[];
  readonly actions: readonly PlanAction[];
  readonly parts: readonly PlannedPart[];
  readonly warnings: readonly string[];
  /** Printed when resuming exporting fails. */
  readonly resumeCommand: string;
  readonly timing: PlanTiming;
}

const DEFAULT_TIMING: Omit<PlanTiming, 'timeoutMs' | 'pollIntervalMs'> = {
  initialPollMs: 50,
  pausedPollMs: 200,
  settleMs: 15_000,
  requestTimeoutMs: 30_000,
  resumeRetryDelaysMs: DEFAULT_RESUME_RETRY_DELAYS_MS,
};

export function whereOf(target: HttpTarget, url?: string): string {
  if (target.kind === 'pod') return `pod/${target.pod.pod}:${target.pod.port}`;
  return target.via ? `${url ?? target.url} via pod/${target.via.pod}` : (url ?? target.url);
}

const endpointOf = (component: ComponentEndpoint, key: string): PlanEndpoint => ({
  key,
  target: { kind: 'pod', pod: component.target },
  where: whereOf({ kind: 'pod', pod: component.target }),
  basePath: component.basePath,
});

export function buildCreatePlan(installation: Installation, options: CreateOptions): CreatePlan {
  refuseUnsupportedTopology(installation, 'create');
  const { procedure } = installation;
  const kind = procedureKindOf(installation);
  const byPart = (part: BackupPart): ComponentEndpoint | undefined => installation.components.find((c) => c.part === part);
  const skippedReason = (part: BackupPart): string | undefined => installation.skipped.find((s) => s.part === part)?.reason;

  const zeebe = byPart('zeebe');
  if (!zeebe) {
    throw new PreconditionError(
      `no ${procedure.pauseBeforeWebapps ? 'orchestration' : 'Zeebe gateway'} pod found for release "${installation.release}" in namespace "${installation.namespace}"`,
      { hint: 'the Zeebe part cannot be skipped: check that the release is running (kubectl get pods)' },
    );
  }

  const endpoints = new Map<string, PlanEndpoint>([['zeebe', endpointOf(zeebe, 'zeebe')]]);
  const parts: PlannedPart[] = [];
  const warnings: string[] = [...installation.warnings];
  const checks: PreflightCheck[] = [];
  const webappActions: ComponentBackupAction[] = [];

  const skip = (part: BackupPart, reason: string): void => {
    parts.push({ part, state: 'SKIPPED', reason });
  };

  const planWebapp = (part: WebappPart, component: ComponentEndpoint | undefined, path: string | undefined, defaultReason?: string): void => {
    const reason = skippedReason(part) ?? defaultReason;
    if (reason !== undefined) return skip(part, reason);
    if (!component || path === undefined) return;
    // Same pod, port and base path as an endpoint we already have (the orchestration app): the same endpoint.
    const candidate = endpointOf(component, part);
    const endpoint =
      [...endpoints.values()].find((e) => e.basePath === candidate.basePath && JSON.stringify(e.target) === JSON.stringify(candidate.target)) ?? candidate;
    endpoints.set(endpoint.key, endpoint);
    parts.push({ part, state: 'PLANNED', target: endpoint.where });
    webappActions.push({ kind: 'component-backup', part, endpoint: endpoint.key, path });
    checks.push({ kind: 'backup-absent', part, endpoint: endpoint.key, path });
  };

  if (kind === 'separate-webapps') {
    planWebapp('optimize', byPart('optimize'), procedure.backupPaths.optimize);
    planWebapp('operate', byPart('operate'), procedure.backupPaths.operate);
    planWebapp('tasklist', byPart('tasklist'), procedure.backupPaths.tasklist);
  } else if (kind === 'orchestration') {
    // Operate and Tasklist are profiles of the orchestration application: its pod serves backupHistory.
    const webappsHost = byPart('webapps') ?? zeebe;
    const noSecondary = installation.secondaryStorage === 'none' ? 'no secondary storage: the web apps are not running' : undefined;
    planWebapp('webapps', webappsHost, procedure.backupPaths.webapps, noSecondary);
    planWebapp('optimize', byPart('optimize'), procedure.backupPaths.optimize);
  } else {
    // RDBMS: Operate/Tasklist data lives in the database, which only the vendor's tools can back up (§13.1).
    skip('webapps', 'RDBMS secondary storage: the Camunda database holds this data; back it up with your database vendor\'s tools');
    // Optimize still stores in Elasticsearch/OpenSearch and is backed up on its own, with this run's id.
    planWebapp('optimize', byPart('optimize'), procedure.backupPaths.optimize);
    warnings.push(
      'The Camunda database (RDBMS secondary storage) is not backed up by this tool: back it up with your database vendor\'s tools ' +
        '(pg_dump, mysqldump, RMAN, …) on its own schedule; Zeebe aligns its continuous backups with the restored database.',
    );
  }

  // --- zeebe-records snapshot ---------------------------------------------------------------------------------
  let recordsAction: Extract<PlanAction, { kind: 'zeebe-records-snapshot' }> | undefined;
  const recordsSkipped = zeebeRecordsSkipReason(installation, kind);
  if (recordsSkipped !== undefined) {
    if (kind !== 'rdbms') skip('zeebe-records', recordsSkipped);
  } else {
    const search = installation.search;
    if (!search) {
      throw new PreconditionError('no Elasticsearch/OpenSearch endpoint found for the zeebe-record snapshot', {
        hint: 'check the release values (global.elasticsearch / global.opensearch)',
      });
    }
    const repository = installation.repositoryName;
    if (!repository) {
      throw new PreconditionError('no snapshot repository name found in the components\' configuration', {
        hint: 'configure the backup repository of the components, or pass --snapshot-repository <name>',
      });
    }
    const searchEndpoint: PlanEndpoint = {
      key: 'search',
      target: search.target,
      where: whereOf(search.target, search.url),
      basePath: '',
      authorization: search.authorization,
    };
    endpoints.set('search', searchEndpoint);
    const snapshot = zeebeRecordsSnapshotName(options.backupId);
    const indices = `${search.zeebeIndexPrefix}*`;
    recordsAction = {
      kind: 'zeebe-records-snapshot',
      endpoint: 'search',
      engine: search.engine,
      repository,
      snapshot,
      indices,
      body: zeebeRecordsSnapshotBody(search.engine, indices),
    };
    parts.push({ part: 'zeebe-records', state: 'PLANNED', target: searchEndpoint.where });
    checks.push({ kind: 'search-repository', endpoint: 'search', repository });
    checks.push({ kind: 'snapshot-absent', endpoint: 'search', repository, snapshot });
  }

  // --- zeebe ---------------------------------------------------------------------------------------------------
  const zeebePath = procedure.backupPaths.zeebe;
  const zeebeWhere = endpoints.get('zeebe')!.where;
  parts.push({ part: 'zeebe', state: 'PLANNED', target: zeebeWhere });

  // Check what the application really exposes, not what its version suggests (§1: an 8.7 patch exposed 8.8 ids).
  const linkName = (path: string | undefined): string | undefined => path?.replace(/^\/actuator\//, '').split(/[/?]/)[0];
  const zeebeLinks = new Set<string>([linkName(zeebePath)!]);
  if (kind === 'orchestration' && webappActions.some((a) => a.part === 'webapps')) zeebeLinks.add(linkName(procedure.backupPaths.webapps)!);
  checks.unshift({ kind: 'actuator-links', endpoint: 'zeebe', component: kind === 'separate-webapps' ? 'zeebe gateway' : 'orchestration application', expectedLinks: [...zeebeLinks] });
  for (const action of webappActions) {
    if (action.endpoint === 'zeebe' || action.part === 'optimize') continue;
    checks.unshift({ kind: 'actuator-links', endpoint: action.endpoint, component: action.part, expectedLinks: [linkName(action.path)!] });
  }

  const actions: PlanAction[] = [];
  const group = webappActions.length > 0 ? [{ kind: 'parallel', actions: webappActions } as const] : [];
  const pause: PlanAction = {
    kind: 'pause-exporting',
    endpoint: 'zeebe',
    pausePath: procedure.exportingPausePath,
    resumePath: procedure.exportingResumePath,
  };
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
    actions.push(...group, { kind: 'continuous-backup', endpoint: 'zeebe', path: zeebePath });
    checks.push({ kind: 'runtime-state', endpoint: 'zeebe', path: zeebePath });
  } else {
    if (installation.zeebeStore.continuous) {
      throw new PreconditionError(
        'continuous Zeebe backups are enabled, but the Elasticsearch/OpenSearch procedure needs backups with a chosen ID, which Zeebe then rejects',
        { hint: 'continuous backups are only supported with RDBMS secondary storage; switch them off for this installation' },
      );
    }
    checks.push({ kind: 'zeebe-latest-id', endpoint: 'zeebe', path: zeebePath });
    if (kind === 'orchestration') actions.push(pause, ...group);
    else actions.push(...group, pause);
    if (recordsAction) actions.push(recordsAction);
    actions.push({ kind: 'zeebe-backup', endpoint: 'zeebe', path: zeebePath });
  }

  // Whatever discovery skipped that this procedure does not mention is still worth a row in the report.
  for (const skipped of installation.skipped) {
    if (skipped.part !== 'zeebe' && !parts.some((p) => p.part === skipped.part)) skip(skipped.part, skipped.reason);
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
    endpoints: [...endpoints.values()],
    checks,
    actions,
    parts: inPartOrder(parts),
    warnings,
    resumeCommand: resumeCommandFor(installation, options.access),
    timing: { ...DEFAULT_TIMING, timeoutMs: options.timeoutMs, pollIntervalMs: options.pollIntervalMs },
  };
}

export function endpointFor(plan: CreatePlan, key: string): PlanEndpoint {
  const endpoint = plan.endpoints.find((e) => e.key === key);
  if (!endpoint) throw new Error(`plan has no endpoint "${key}"`);
  return endpoint;
}

/**
 * Every call the run makes, in order, for --dry-run. Calls that share an order number run concurrently;
 * `note` says how a call is used (polls repeat until the state is final).
 */
export function describeCreatePlan(plan: CreatePlan): PlannedCall[] {
  const calls: PlannedCall[] = [];
  let order = 0;
  const at = (key: string, path: string): { path: string; target: string } => {
    const endpoint = endpointFor(plan, key);
    return { path: `${endpoint.basePath}${path}`, target: endpoint.where };
  };
  const add = (step: string, method: string, key: string, path: string, body?: unknown, note?: string): void => {
    calls.push({ order, step, method, ...at(key, path), ...(body === undefined ? {} : { body }), ...(note === undefined ? {} : { note }) });
  };
  const poll = 'repeats until the state is final';
  const id = plan.backupId;

  order++;
  for (const check of plan.checks) {
    switch (check.kind) {
      case 'actuator-links':
        add('preflight', 'GET', check.endpoint, '/actuator');
        break;
      case 'search-repository':
        add('preflight', 'GET', check.endpoint, repositoryPath(check.repository));
        break;
      case 'snapshot-absent':
        add('preflight', 'GET', check.endpoint, snapshotPath(check.repository, check.snapshot));
        break;
      case 'zeebe-latest-id':
        add('preflight', 'GET', check.endpoint, check.path, undefined, `the backup ID must be higher than every Zeebe backup`);
        break;
      case 'backup-absent':
        add('preflight', 'GET', check.endpoint, `${check.path}/${id}`);
        break;
      case 'runtime-state':
        add('preflight', 'GET', check.endpoint, `${check.path}/state`);
        break;
    }
  }

  let resume: { endpoint: string; path: string } | undefined;
  for (const action of plan.actions) {
    order++;
    switch (action.kind) {
      case 'pause-exporting':
        add('pause-exporting', 'POST', action.endpoint, action.pausePath, undefined, 'success is "status":204 in the body; resume is registered first');
        resume = { endpoint: action.endpoint, path: action.resumePath };
        break;
      case 'parallel':
        for (const a of action.actions) add(`backup-${a.part}`, 'POST', a.endpoint, a.path, { backupId: id });
        order++;
        for (const a of action.actions) add(`backup-${a.part}`, 'GET', a.endpoint, `${a.path}/${id}`, undefined, poll);
        break;
      case 'zeebe-records-snapshot':
        add('backup-zeebe-records', 'PUT', action.endpoint, createSnapshotPath(action.repository, action.snapshot), action.body, 'must end SUCCESS with 0 failed shards');
        break;
      case 'zeebe-backup':
        add('backup-zeebe', 'POST', action.endpoint, action.path, { backupId: id });
        order++;
        add('backup-zeebe', 'GET', action.endpoint, `${action.path}/${id}`, undefined, poll);
        break;
      case 'continuous-backup':
        add('continuous-backup', 'POST', action.endpoint, action.path, undefined, 'no body: the cluster generates the backup ID');
        order++;
        add('continuous-backup', 'GET', action.endpoint, `${action.path}/state`, undefined, 'only when the answer lacks the ID: repeats until a new ID appears');
        order++;
        add('continuous-backup', 'GET', action.endpoint, `${action.path}/{generatedId}`, undefined, poll);
        order++;
        add('continuous-backup', 'GET', action.endpoint, `${action.path}/state`, undefined, 'verifies every partition has a backup and a range');
        break;
    }
  }
  if (resume) {
    order++;
    add('resume-exporting', 'POST', resume.endpoint, resume.path, undefined, 'runs on every exit path after the pause, retried until "status":204');
  }
  return calls;
}
