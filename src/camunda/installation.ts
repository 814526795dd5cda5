/**
 * What discovery learns about one Camunda Helm release. Read-only facts: building it changes nothing,
 * and everything after it (plan, run, report) works from this value alone.
 */
import type { HttpTarget, PodTarget } from '../reach/component-http.js';
import type { IndexPrefixes } from './resolve-index-prefixes.js';
import type { SecretValue } from '../secret-value.js';
import type { BackupPart, CamundaLine, SearchEngine, SecondaryStorage, VersionProcedure } from './versions.js';

/** A component whose management API takes part in the backup. */
export interface ComponentEndpoint {
  readonly part: Exclude<BackupPart, 'zeebe-records'>;
  /** The one pod (Ready, not terminating) that every call of this backup goes to. */
  readonly target: PodTarget;
  /** Service the pod was found behind, e.g. "camunda-operate". */
  readonly service: string;
  /** Management base path from contextPath, "" or "/operate" (no trailing slash). */
  readonly basePath: string;
  /** Snapshot repository this component is configured with, when discovery could read it. */
  readonly repositoryName?: string | undefined;
}

export interface SearchCredentials {
  readonly username: string;
  /** Secret that holds the password; the value is read only when needed and never printed. */
  readonly passwordSecret?: { readonly name: string; readonly key: string } | undefined;
}

export interface SearchEndpoint {
  readonly engine: SearchEngine;
  /** In-cluster pod, or an external URL reached from a pod that has curl. */
  readonly target: HttpTarget;
  /** For messages, e.g. "http://camunda-elasticsearch:9200". */
  readonly url: string;
  readonly credentials?: SearchCredentials | undefined;
  /** Ready-to-send Authorization header value, resolved from credentials during discovery. */
  readonly authorization?: SecretValue | undefined;
  /** Index prefix of the Zeebe exporter, default "zeebe-record". */
  readonly zeebeIndexPrefix: string;
}

export interface SkippedPart {
  readonly part: BackupPart;
  readonly reason: string;
}

export interface ZeebeBackupStore {
  /** S3, GCS, AZURE, FILESYSTEM or NONE, as configured; undefined when not readable. */
  readonly store?: string | undefined;
  /** 8.9: continuous backups switched on (RDBMS path). */
  readonly continuous: boolean;
}

export interface WebModelerDatabase {
  readonly pod: PodTarget;
  readonly database: string;
  readonly username: string;
  readonly passwordSecret?: { readonly name: string; readonly key: string } | undefined;
}

/** How the release takes part in a Camunda installation (8.10: topology modes, Physical Tenants). */
export interface Topology {
  /** `global.topology.mode` of chart 15.x: combined, hub or orchestration; combined for charts without it. */
  readonly mode: string;
  /** Physical Tenants the orchestration configuration declares, sorted; empty when it declares none. */
  readonly physicalTenants: readonly string[];
  /** Where the tenants were found, for messages. */
  readonly declaredIn: readonly string[];
}

export interface Installation {
  readonly release: string;
  readonly namespace: string;
  readonly chartVersion: string;
  /** Full Camunda version from the images, e.g. "8.7.37"; the chart appVersion when images say nothing. */
  readonly camundaVersion: string;
  readonly procedure: VersionProcedure;
  /** True when --camunda-version forced the procedure. */
  readonly forcedVersion: boolean;
  readonly secondaryStorage: SecondaryStorage;
  readonly components: readonly ComponentEndpoint[];
  readonly search?: SearchEndpoint | undefined;
  /** The snapshot repository the whole run uses (agreed by every component, or --snapshot-repository). */
  readonly repositoryName?: string | undefined;
  readonly skipped: readonly SkippedPart[];
  readonly zeebeStore: ZeebeBackupStore;
  /** The brokers' static partition count; undefined when discovery cannot read it. */
  readonly partitionCount?: number | undefined;
  /**
   * Whether an exporter writes `<zeebeIndexPrefix>*` indices (8.8+: only the legacy ES/OS exporter, enabled with
   * Optimize). false: the zeebe-records snapshot is skipped. Undefined: assume it does (always true on 8.6/8.7).
   */
  readonly zeebeRecordsExported?: boolean | undefined;
  /**
   * The name prefixes of the release's indices in the search engine, read from the configuration (a restore deletes
   * only indices under these); undefined without a search engine, or in installations not built by discovery.
   */
  readonly indexPrefixes?: IndexPrefixes | undefined;
  readonly webModeler?: WebModelerDatabase | undefined;
  /** Undefined in hand-built installations: one combined release, one tenant. */
  readonly topology?: Topology | undefined;
  readonly warnings: readonly string[];
}

export type { CamundaLine };
