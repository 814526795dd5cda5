/**
 * One row per supported Camunda minor: what exists, where it answers and in which order the backup runs.
 * Adding a version is one entry here plus fixtures (camunda-backup-api.md §1, §9; helm-layout.md §0, §5).
 */

export type CamundaLine = '8.6' | '8.7' | '8.8' | '8.9' | '8.10';

/** The parts of a Camunda backup, named as in the report and the JSON output. */
export type BackupPart = 'optimize' | 'operate' | 'tasklist' | 'webapps' | 'zeebe-records' | 'zeebe';

export type SearchEngine = 'elasticsearch' | 'opensearch';
export type SecondaryStorage = SearchEngine | 'rdbms' | 'none';

/** A component's management API as the chart deploys it. */
export interface ManagementApi {
  /** Helm values key (operate, tasklist, optimize, zeebeGateway, orchestration) that enables it and sets contextPath. */
  readonly valuesKey: string;
  /** app.kubernetes.io/component of the pods that serve it. */
  readonly podComponent: string;
  /** Service name suffix: `<release>-<serviceSuffix>`. */
  readonly serviceSuffix: string;
  /** Names the chart gives the management port on the Service, most specific first. */
  readonly servicePortNames: readonly string[];
  readonly defaultPort: number;
  /** Container that runs the app (exec mode). */
  readonly container: string;
  /** Whether the chart moves the management base path under the component's contextPath. */
  readonly contextPathMovesManagement: boolean;
}

export interface VersionProcedure {
  readonly line: CamundaLine;
  readonly chartMajor: number;
  /** 8.8+ soft-pause exporting before the web-app backups; 8.6/8.7 after them. */
  readonly pauseBeforeWebapps: boolean;
  readonly apis: {
    readonly operate?: ManagementApi;
    readonly tasklist?: ManagementApi;
    readonly optimize: ManagementApi;
    /** Zeebe gateway (8.6/8.7) or the orchestration application (8.8+): exporting and Zeebe backups. */
    readonly zeebe: ManagementApi;
  };
  /** Backup endpoint per part, relative to the management base path. */
  readonly backupPaths: {
    readonly operate?: string;
    readonly tasklist?: string;
    /** 8.8+: Operate and Tasklist together on the orchestration application. */
    readonly webapps?: string;
    readonly optimize: string;
    readonly zeebe: string;
  };
  readonly exportingPausePath: string;
  readonly exportingResumePath: string;
  /** Env vars that name the web-app snapshot repository, most specific first. */
  readonly webappRepositoryEnv: Readonly<Partial<Record<'operate' | 'tasklist' | 'webapps', readonly string[]>>>;
  readonly optimizeRepositoryEnv: readonly string[];
  /** Env vars that name the Zeebe backup store (S3, GCS, AZURE, FILESYSTEM, NONE). */
  readonly zeebeStoreEnv: readonly string[];
  /** Env vars that switch on continuous backups (8.9 RDBMS path). */
  readonly continuousBackupEnv: readonly string[];
  /** The orchestration/zeebe ConfigMap that holds application.yaml. */
  readonly configMapSuffixes: readonly string[];
  /** `GET /actuator` link names that prove the expected backup endpoints exist. */
  readonly expectedActuatorLinks: readonly string[];
  /**
   * Whether the chart can bundle Elasticsearch as `<release>-elasticsearch` (charts 11–14). Chart 15.x dropped the
   * Bitnami subcharts: the search engine is always external and named only by the configuration.
   */
  readonly bundledElasticsearch: boolean;
}

const optimizeApi: ManagementApi = {
  valuesKey: 'optimize',
  podComponent: 'optimize',
  serviceSuffix: 'optimize',
  servicePortNames: ['management'],
  defaultPort: 8092,
  container: 'optimize',
  contextPathMovesManagement: false,
};

const separateWebapps = (line: '8.6' | '8.7', chartMajor: number): VersionProcedure => ({
  line,
  chartMajor,
  pauseBeforeWebapps: false,
  apis: {
    operate: { valuesKey: 'operate', podComponent: 'operate', serviceSuffix: 'operate', servicePortNames: ['management'], defaultPort: 9600, container: 'operate', contextPathMovesManagement: true },
    tasklist: { valuesKey: 'tasklist', podComponent: 'tasklist', serviceSuffix: 'tasklist', servicePortNames: ['management'], defaultPort: 9600, container: 'tasklist', contextPathMovesManagement: true },
    optimize: optimizeApi,
    zeebe: { valuesKey: 'zeebeGateway', podComponent: 'zeebe-gateway', serviceSuffix: 'zeebe-gateway', servicePortNames: ['http', 'management', 'server'], defaultPort: 9600, container: 'zeebe-gateway', contextPathMovesManagement: true },
  },
  backupPaths: { operate: '/actuator/backups', tasklist: '/actuator/backups', optimize: '/actuator/backups', zeebe: '/actuator/backups' },
  exportingPausePath: '/actuator/exporting/pause?soft=true',
  exportingResumePath: '/actuator/exporting/resume',
  webappRepositoryEnv: {
    operate: ['CAMUNDA_OPERATE_BACKUP_REPOSITORYNAME', 'CAMUNDA_OPERATE_BACKUP_REPOSITORY_NAME'],
    tasklist: ['CAMUNDA_TASKLIST_BACKUP_REPOSITORYNAME', 'CAMUNDA_TASKLIST_BACKUP_REPOSITORY_NAME'],
  },
  optimizeRepositoryEnv: ['CAMUNDA_OPTIMIZE_BACKUP_REPOSITORY_NAME'],
  zeebeStoreEnv: ['ZEEBE_BROKER_DATA_BACKUP_STORE'],
  continuousBackupEnv: [],
  configMapSuffixes: ['zeebe-configuration'],
  expectedActuatorLinks: ['backups'],
  bundledElasticsearch: true,
});

type OrchestrationSpecifics = Pick<VersionProcedure, 'webappRepositoryEnv' | 'zeebeStoreEnv' | 'continuousBackupEnv' | 'configMapSuffixes' | 'bundledElasticsearch'>;

const orchestration = (line: '8.8' | '8.9' | '8.10', chartMajor: number, extra: OrchestrationSpecifics): VersionProcedure => ({
  line,
  chartMajor,
  pauseBeforeWebapps: true,
  apis: {
    optimize: optimizeApi,
    zeebe: { valuesKey: 'orchestration', podComponent: 'zeebe-broker', serviceSuffix: 'zeebe-gateway', servicePortNames: ['server', 'http'], defaultPort: 9600, container: 'orchestration', contextPathMovesManagement: true },
  },
  backupPaths: { webapps: '/actuator/backupHistory', optimize: '/actuator/backups', zeebe: '/actuator/backupRuntime' },
  exportingPausePath: '/actuator/exporting/pause?soft=true',
  exportingResumePath: '/actuator/exporting/resume',
  optimizeRepositoryEnv: ['CAMUNDA_OPTIMIZE_BACKUP_REPOSITORY_NAME'],
  expectedActuatorLinks: ['backupHistory', 'backupRuntime'],
  ...extra,
});

/**
 * 8.9 and 8.10 (chart 15.x) share the procedure, the env names and the object layout (camunda-8.10.md §2.1, §3.3);
 * 8.10 keeps the management API unchanged and documented. Physical Tenants and split topologies are refused by
 * discovery's topology rules, not by this table.
 */
const settingsSince89 = (bundledElasticsearch: boolean): OrchestrationSpecifics => ({
  webappRepositoryEnv: {
    webapps: [
      'CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_BACKUP_REPOSITORYNAME',
      'CAMUNDA_DATA_SECONDARYSTORAGE_OPENSEARCH_BACKUP_REPOSITORYNAME',
      'CAMUNDA_DATA_BACKUP_REPOSITORYNAME',
      'CAMUNDA_OPERATE_BACKUP_REPOSITORYNAME',
      'CAMUNDA_TASKLIST_BACKUP_REPOSITORYNAME',
    ],
  },
  zeebeStoreEnv: ['CAMUNDA_DATA_PRIMARYSTORAGE_BACKUP_STORE', 'CAMUNDA_DATA_BACKUP_STORE', 'ZEEBE_BROKER_DATA_BACKUP_STORE'],
  continuousBackupEnv: ['CAMUNDA_DATA_PRIMARYSTORAGE_BACKUP_CONTINUOUS'],
  configMapSuffixes: ['zeebe-configuration', 'zeebe-configuration-unified'],
  bundledElasticsearch,
});

export const VERSION_TABLE: readonly VersionProcedure[] = [
  separateWebapps('8.6', 11),
  separateWebapps('8.7', 12),
  orchestration('8.8', 13, {
    webappRepositoryEnv: { webapps: ['CAMUNDA_DATA_BACKUP_REPOSITORYNAME', 'CAMUNDA_OPERATE_BACKUP_REPOSITORYNAME', 'CAMUNDA_TASKLIST_BACKUP_REPOSITORYNAME'] },
    zeebeStoreEnv: ['CAMUNDA_DATA_BACKUP_STORE', 'ZEEBE_BROKER_DATA_BACKUP_STORE'],
    continuousBackupEnv: [],
    configMapSuffixes: ['zeebe-configuration-unified', 'zeebe-configuration'],
    bundledElasticsearch: true,
  }),
  orchestration('8.9', 14, settingsSince89(true)),
  orchestration('8.10', 15, settingsSince89(false)),
];

export const SUPPORTED_LINES: readonly CamundaLine[] = VERSION_TABLE.map((row) => row.line);

/** The row for a chart major version (11 → 8.6 … 15 → 8.10), or undefined when the tool does not know it. */
export function procedureForChartMajor(chartMajor: number): VersionProcedure | undefined {
  return VERSION_TABLE.find((row) => row.chartMajor === chartMajor);
}

export function procedureForLine(line: string): VersionProcedure | undefined {
  return VERSION_TABLE.find((row) => row.line === line);
}
