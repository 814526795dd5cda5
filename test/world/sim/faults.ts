/**
 * Mutable fault switches shared by all simulators of one world. Tests flip them while a run is in flight;
 * every simulator reads them on each request, so a change takes effect at the next call.
 */

/** Backup kinds whose outcome can be forced. `webapps` is the 8.8/8.9 backupHistory (Operate+Tasklist in one). */
export type BackupKind = 'operate' | 'tasklist' | 'webapps' | 'optimize' | 'zeebe';

export interface HttpFault {
  /** Component name as in the request log (operate, tasklist, optimize, zeebe-gateway, orchestration, zeebe-broker, elasticsearch, opensearch). */
  component?: string | undefined;
  pod?: string | undefined;
  method?: string | undefined;
  /** Substring of the path (query included), or a RegExp tested against it. */
  path?: string | RegExp | undefined;
  /** How many matching requests it affects; undefined = all. Decremented on use. */
  count?: number | undefined;
  /** Delay before anything else happens (slow response); with no status/action the normal answer follows. */
  delayMs?: number | undefined;
  /** Answer with this status and the component's own error body (or `body` when given). */
  status?: number | undefined;
  message?: string | undefined;
  body?: unknown;
  /** close: drop the connection without an answer; hang: never answer (until the world stops). */
  action?: 'close' | 'hang' | undefined;
}

export interface BackupOutcomeFault {
  /** Final state of the next backup(s) of this kind. Zeebe: FAILED or INCOMPLETE. Web apps/Optimize: FAILED, INCOMPLETE, INCOMPATIBLE. */
  state: 'FAILED' | 'INCOMPLETE' | 'INCOMPATIBLE';
  failureReason?: string | undefined;
  /** Zeebe: the partition that fails / is missing (default 1). */
  partition?: number | undefined;
  /** Web apps: never finish and keep the pod "busy" (the real stuck-queue bug); GET stays IN_PROGRESS. */
  stuck?: boolean | undefined;
  /** How many backups it affects; undefined = all. */
  count?: number | undefined;
}

export interface ExportingFault {
  /** How many calls fail (answered HTTP 200 with body status 500). */
  failTimes: number;
  /** Pause only: a failed call still pauses some partitions (the first one), like a real partial failure. */
  partial?: boolean | undefined;
  message?: string | undefined;
  /**
   * Resume only: this many calls answer "status":204 although one partition (`stuckPartition`, default the last)
   * keeps its pause, a replica that missed the command. Only the brokers' /actuator/partitions tell.
   */
  unappliedTimes?: number | undefined;
  stuckPartition?: number | undefined;
}

export interface SnapshotFault {
  /** Final state of the next snapshot(s) created through the search API (e.g. the zeebe-record snapshot). */
  state: 'FAILED' | 'PARTIAL';
  count?: number | undefined;
  /** Only snapshots whose name contains this. */
  nameContains?: string | undefined;
}

export interface SimFaults {
  http: HttpFault[];
  outcome: Partial<Record<BackupKind, BackupOutcomeFault>>;
  pause: ExportingFault;
  resume: ExportingFault;
  snapshot: SnapshotFault[];
  /** Zeebe answers 502 (incomplete topology) to every backup and exporting call while true. */
  zeebeTopologyIncomplete: boolean;
  /** Search cluster unreachable for web apps and Optimize (they answer 502 with their own body). */
  searchUnreachable: boolean;
}

export function createFaults(initial: Partial<SimFaults> = {}): SimFaults {
  return {
    http: initial.http ?? [],
    outcome: initial.outcome ?? {},
    pause: initial.pause ?? { failTimes: 0 },
    resume: initial.resume ?? { failTimes: 0 },
    snapshot: initial.snapshot ?? [],
    zeebeTopologyIncomplete: initial.zeebeTopologyIncomplete ?? false,
    searchUnreachable: initial.searchUnreachable ?? false,
  };
}

export interface RequestIdentity {
  component: string;
  pod: string;
  method: string;
  path: string;
}

/** First matching HTTP fault, consumed by one use. */
export function takeHttpFault(faults: SimFaults, request: RequestIdentity): HttpFault | undefined {
  const index = faults.http.findIndex((fault) => {
    if (fault.count !== undefined && fault.count <= 0) return false;
    if (fault.component !== undefined && fault.component !== request.component) return false;
    if (fault.pod !== undefined && fault.pod !== request.pod) return false;
    if (fault.method !== undefined && fault.method.toUpperCase() !== request.method.toUpperCase()) return false;
    if (fault.path !== undefined) {
      if (typeof fault.path === 'string' ? !request.path.includes(fault.path) : !fault.path.test(request.path)) return false;
    }
    return true;
  });
  const fault = index >= 0 ? faults.http[index] : undefined;
  if (fault && fault.count !== undefined) fault.count -= 1;
  return fault;
}

/** The outcome fault for a new backup of this kind, consumed by one use. */
export function takeOutcome(faults: SimFaults, kind: BackupKind): BackupOutcomeFault | undefined {
  const fault = faults.outcome[kind];
  if (!fault || (fault.count !== undefined && fault.count <= 0)) return undefined;
  if (fault.count !== undefined) fault.count -= 1;
  return { ...fault };
}

export function takeSnapshotFault(faults: SimFaults, name: string): SnapshotFault | undefined {
  const fault = faults.snapshot.find(
    (f) => (f.count === undefined || f.count > 0) && (f.nameContains === undefined || name.includes(f.nameContains)),
  );
  if (fault && fault.count !== undefined) fault.count -= 1;
  return fault;
}

/** One failure from an exporting fault counter, if any remain. */
export function takeExportingFailure(fault: ExportingFault): boolean {
  if (fault.failTimes <= 0) return false;
  fault.failTimes -= 1;
  return true;
}
