/**
 * The layout of a backup: which parts the installation's backups have, in report order, where each part answers
 * (target, base path, collection path, credentials) or why it is skipped. Derived once from the discovered
 * installation, and read by every command: create plans its actions from it, status, list, delete and check ask
 * its parts, resume finds Zeebe in it. Pure data (camunda-backup-api.md §3, §9, §13).
 */
import type { Installation } from '../camunda/installation.js';
import type { BackupPart, CamundaLine } from '../camunda/versions.js';
import type { HttpTarget } from '../reach/component-http.js';
import type { SecretValue } from '../secret-value.js';

/** The three shapes of the procedure (§9, §13.3); on RDBMS the parts are backed up independently, with their own IDs. */
export type ProcedureKind = 'separate-webapps' | 'orchestration' | 'rdbms';

/** A part that belongs in the backup but cannot be asked; create refuses it, the other commands report it. */
export interface PartProblem {
  readonly message: string;
  readonly hint: string;
}

/** Where one part of the backup answers. */
export interface PartEndpoint {
  readonly part: BackupPart;
  /** Undefined only with a problem: discovery found nowhere to ask. */
  readonly target?: HttpTarget | undefined;
  /** "pod/camunda-operate-abc:9600" or the search URL, for the reports and the dry run. */
  readonly where: string;
  /** Management base path ("" or "/operate"); "" for the search engine. */
  readonly basePath: string;
  /** Collection path ("/actuator/backups", "/actuator/backupHistory", "/actuator/backupRuntime"); "" for zeebe-records. */
  readonly path: string;
  /** zeebe-records: the snapshot repository. */
  readonly repository?: string | undefined;
  /** Elasticsearch/OpenSearch credentials; sent as a header, never printed. */
  readonly authorization?: SecretValue | undefined;
  /** Known before any call: why this part cannot be asked. Its calls report ERROR; create refuses to start. */
  readonly problem?: PartProblem | undefined;
  /** The Service the pod was chosen behind (Camunda components): where resuming exporting fails over to. */
  readonly service?: string | undefined;
}

export interface SkippedPart {
  readonly part: BackupPart;
  readonly reason: string;
}

export interface BackupLayout {
  readonly procedure: ProcedureKind;
  readonly line: CamundaLine;
  /** In report order: optimize, operate, tasklist, webapps, zeebe-records, zeebe. */
  readonly present: readonly PartEndpoint[];
  readonly skipped: readonly SkippedPart[];
}

function procedureKindOf(installation: Installation): ProcedureKind {
  if (installation.secondaryStorage === 'rdbms') return 'rdbms';
  return installation.procedure.pauseBeforeWebapps ? 'orchestration' : 'separate-webapps';
}

/** The part row order of every report. */
const PART_ORDER: readonly BackupPart[] = ['optimize', 'operate', 'tasklist', 'webapps', 'zeebe-records', 'zeebe'];

/** Sorts parts (anything with a `part`) into report order. */
function inPartOrder<T extends { readonly part: BackupPart }>(parts: readonly T[]): T[] {
  return [...parts].sort((a, b) => PART_ORDER.indexOf(a.part) - PART_ORDER.indexOf(b.part));
}

export function whereOf(target: HttpTarget, url?: string): string {
  if (target.kind === 'pod') return `pod/${target.pod.pod}:${target.pod.port}`;
  return target.via ? `${url ?? target.url} via pod/${target.via.pod}` : (url ?? target.url);
}

/** Why the installation's backups have no zeebe-record snapshot; undefined when they have one. */
function zeebeRecordsSkipReason(installation: Installation, kind: ProcedureKind): string | undefined {
  const skipped = installation.skipped.find((s) => s.part === 'zeebe-records')?.reason;
  if (skipped !== undefined) return skipped;
  if (kind === 'rdbms') return 'not part of the RDBMS procedure';
  if (installation.secondaryStorage === 'none') return 'no secondary storage: no exporter writes zeebe-record indices';
  if (installation.zeebeRecordsExported === false) return 'no exporter writes zeebe-record indices (the legacy Elasticsearch/OpenSearch exporter is off)';
  return undefined;
}

const RDBMS_WEBAPPS_REASON =
  "RDBMS secondary storage: the Camunda database holds this data; back it up with your database vendor's tools";

/** Which parts the installation's backups have and where each answers. Pure. */
export function layoutOf(installation: Installation): BackupLayout {
  const { procedure } = installation;
  const kind = procedureKindOf(installation);
  const present: PartEndpoint[] = [];
  const skipped: SkippedPart[] = [];
  const discoverySkipped = (part: BackupPart): string | undefined => installation.skipped.find((s) => s.part === part)?.reason;
  const component = (part: BackupPart) => installation.components.find((c) => c.part === part);
  const skip = (part: BackupPart, reason: string): void => {
    if (!skipped.some((s) => s.part === part) && !present.some((p) => p.part === part)) skipped.push({ part, reason });
  };

  const addComponent = (part: Exclude<BackupPart, 'zeebe-records'>, host: ReturnType<typeof component>, path: string | undefined, defaultReason?: string): void => {
    const reason = discoverySkipped(part) ?? defaultReason;
    if (reason !== undefined) return skip(part, reason);
    if (!host || path === undefined) return;
    const target: HttpTarget = { kind: 'pod', pod: host.target };
    present.push({ part, target, where: whereOf(target), basePath: host.basePath, path, service: host.service });
  };

  const zeebe = component('zeebe');
  if (kind === 'separate-webapps') {
    addComponent('optimize', component('optimize'), procedure.backupPaths.optimize);
    addComponent('operate', component('operate'), procedure.backupPaths.operate);
    addComponent('tasklist', component('tasklist'), procedure.backupPaths.tasklist);
  } else if (kind === 'orchestration') {
    // Operate and Tasklist are profiles of the orchestration application: its pod serves backupHistory.
    const noSecondary = installation.secondaryStorage === 'none' ? 'no secondary storage: the web apps are not running' : undefined;
    addComponent('webapps', component('webapps') ?? zeebe, procedure.backupPaths.webapps, noSecondary);
    addComponent('optimize', component('optimize'), procedure.backupPaths.optimize);
  } else {
    // RDBMS: Operate/Tasklist data lives in the database, which only the vendor's tools can back up (§13.1).
    skip('webapps', RDBMS_WEBAPPS_REASON);
    // Optimize still stores in Elasticsearch/OpenSearch and is backed up on its own.
    addComponent('optimize', component('optimize'), procedure.backupPaths.optimize);
  }

  const recordsReason = zeebeRecordsSkipReason(installation, kind);
  if (recordsReason !== undefined) skip('zeebe-records', recordsReason);
  else present.push(zeebeRecordsPart(installation));

  if (zeebe) {
    addComponent('zeebe', zeebe, procedure.backupPaths.zeebe);
  } else if (discoverySkipped('zeebe') === undefined) {
    present.push({
      part: 'zeebe',
      where: 'not found',
      basePath: '',
      path: procedure.backupPaths.zeebe,
      problem: {
        message: `no ${procedure.pauseBeforeWebapps ? 'orchestration' : 'Zeebe gateway'} pod found for release "${installation.release}" in namespace "${installation.namespace}"`,
        // No command here: the layout does not know the run's cluster flags, and a bare kubectl line could read another
        // cluster (create's plan names the command with them).
        hint: 'the Zeebe part cannot be skipped: check that the release is running and its Zeebe pods are Ready',
      },
    });
  }
  // Whatever discovery skipped that the procedure does not mention is still worth a row.
  for (const other of installation.skipped) skip(other.part, other.reason);

  return { procedure: kind, line: procedure.line, present: inPartOrder(present), skipped: inPartOrder(skipped) };
}

function zeebeRecordsPart(installation: Installation): PartEndpoint {
  const search = installation.search;
  if (!search) {
    return {
      part: 'zeebe-records',
      where: 'not found',
      basePath: '',
      path: '',
      problem: {
        message: 'no Elasticsearch/OpenSearch endpoint found for the zeebe-record snapshot',
        hint: 'check the release values (global.elasticsearch / global.opensearch)',
      },
    };
  }
  const repository = installation.repositoryName;
  return {
    part: 'zeebe-records',
    target: search.target,
    where: whereOf(search.target, search.url),
    basePath: '',
    path: '',
    repository,
    authorization: search.authorization,
    problem: repository
      ? undefined
      : {
          message: "no snapshot repository name found in the components' configuration",
          hint: 'configure the backup repository of the components, or pass --snapshot-repository <name>',
        },
  };
}

/** The present part, or undefined. */
export function partOf(layout: BackupLayout, part: BackupPart): PartEndpoint | undefined {
  return layout.present.find((p) => p.part === part);
}
