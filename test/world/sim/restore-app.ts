/**
 * What a Zeebe/orchestration StatefulSet pod runs, decided the way the real container decides it: the chart's
 * startup.sh (mounted from the configuration ConfigMap at /usr/local/bin/startup.sh) computes the node ID from the
 * pod ordinal and execs either the broker or, with ZEEBE_RESTORE=true, the restore application with the
 * ZEEBE_RESTORE_FROM_BACKUP_ID (camunda-restore.md §5). A `command` override skips the script and so the node ID.
 *
 * The restore application (camunda-restore.md §6, RestoreManager/PartitionRestoreService/RestoreApp) succeeds only
 * on an empty data volume, with a backup store, a backup of that id COMPLETED on every partition and the configured
 * partition count; it then logs "Successfully restored broker from backup <id>" and exits 0, and the kubelet
 * restarts it: the next run finds the data directory not empty and crash-loops (the docs' "expected"
 * CrashLoopBackOff). Every failure logs the real lines and exits 1.
 *
 * With `controls.wipeOnRestart` a restart after a success deletes the restored data (the succeed-restart-delete bug).
 * A broker started on an empty volume logs, per partition, RaftPartitionFactory's "Root directory … is empty or does
 * not exist" line and reports no snapshot on /actuator/partitions; one started on restored data reports the
 * backup's snapshot and positions (ZeebeCluster.brokerData).
 *
 * Not checked by the real restore application, so marked "[simulated]" here: a broker later started on data
 * restored from a backup of another version, or restored under another node ID, logs that and never becomes Ready —
 * the world's way of making such a restore fail visibly.
 */
import type { ContainerProgram, ContainerRun, ContainerScript, VolumeData } from '../kube/workloads.js';
import type { ZeebeCluster, ZeebeMinor } from './zeebe-cluster.js';

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export interface RestoreAppConfig {
  readonly zeebe: ZeebeCluster;
  readonly minor: ZeebeMinor | '8.10';
  readonly chartVersion: string;
  /** ConfigMap data by name (namespace of the pod). */
  readonly configMap: (namespace: string, name: string) => Record<string, string> | undefined;
  /** How long the restore of one broker takes. */
  readonly restoreMs: number;
  /** Broker start-up to Ready. */
  readonly brokerReadyMs: number;
  /** 8.9 on an RDBMS: without a backup id the restore app picks the backups itself (see restoreScript). */
  readonly rdbms?: boolean;
  readonly controls?: RestoreAppControls;
  /** Version recorded in a backup (default: the cluster's version when it was taken). */
  readonly backupVersion?: (backupId: number) => string | undefined;
}

/** Knobs a test may change while the world runs. */
export interface RestoreAppControls {
  /**
   * The exporter phase brokers come up with on restored data. Whether the pause flag survives a restore is not
   * documented (camunda-restore.md §11 #7); a restore starts from empty data directories, so the default is
   * EXPORTING; PAUSED/SOFT_PAUSED let a test check that the tool resumes.
   */
  exportingAfterRestore: 'EXPORTING' | 'PAUSED' | 'SOFT_PAUSED' | 'unchanged';
  /**
   * The succeed-restart-delete bug of some 8.8/8.9 patches (camunda/camunda#48199, 8.9 backport #48257): a restart
   * of the restore application with the restore env still set finds the restored data, a partition-level emptiness
   * check throws inside the restore, and RestoreManager deletes the whole data directory. The next run restores
   * again on the now empty directory: succeed, restart, delete, restore, …
   */
  wipeOnRestart?: boolean;
  /** Set by the world: how many times a restart deleted restored data (wipeOnRestart). */
  wipes?: number;
}

/** What the restore app wrote on a volume. */
export interface RestoredVolume extends VolumeData {
  empty: false;
  restoredFrom?: number[];
  nodeId?: number;
  version?: string;
  partitions?: number[];
}

const SCRIPT_PATH = '/usr/local/bin/startup.sh';

function envOf(container: Json): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of asArray(container['env']).map(asRecord)) {
    if (typeof e['name'] === 'string' && typeof e['value'] === 'string') env[e['name']] = e['value'];
  }
  return env;
}

function isBroker(run: ContainerRun): boolean {
  const labels = asRecord(asRecord(run.pod['metadata'])['labels']);
  return run.owner?.kind === 'StatefulSet' && labels['app.kubernetes.io/component'] === 'zeebe-broker';
}

/** The chart's startup.sh as mounted into the container, if any. */
function mountedScript(run: ContainerRun, config: RestoreAppConfig): string | undefined {
  const mount = asArray(run.container['volumeMounts']).map(asRecord).find((m) => m['mountPath'] === SCRIPT_PATH);
  if (!mount) return undefined;
  const volume = asArray(asRecord(run.pod['spec'])['volumes']).map(asRecord).find((v) => v['name'] === mount['name']);
  const configMap = asRecord(volume?.['configMap'])['name'];
  if (typeof configMap !== 'string') return undefined;
  return config.configMap(run.namespace, configMap)?.[typeof mount['subPath'] === 'string' ? mount['subPath'] : 'startup.sh'];
}

/** Whether a chart of this version has the ZEEBE_RESTORE branch (11.5.0+, 12.1.0+, every 13.x and later). */
export function chartHasRestoreBranch(chartVersion: string): boolean {
  const [major = 0, minor = 0] = chartVersion.split('.').map((p) => Number.parseInt(p, 10));
  if (major === 11) return minor >= 5;
  if (major === 12) return minor >= 1;
  return major >= 13;
}

interface Launch {
  mode: 'broker' | 'restore';
  /** undefined = the node ID was never set (command override). */
  nodeId: number | undefined;
  backupIds: number[] | undefined;
  /** Raw --backupId value when it did not parse. */
  badBackupId?: string;
  timeRange?: { from?: string; to?: string };
}

/** Interprets startup.sh (or the chart line's script when none is mounted) for this pod. */
function launchViaScript(run: ContainerRun, script: string | undefined, config: RestoreAppConfig, env: Record<string, string>): Launch {
  const ordinal = run.ordinal ?? 0;
  const formula = script ? /\$\[\$\{K8S_NAME##\*-\}\s*\*\s*(\d+)\s*\+\s*(\d+)\]/.exec(script) : null;
  const explicit = env['ZEEBE_BROKER_CLUSTER_NODEID'] ?? env['VALUES_ORCHESTRATION_NODE_ID'];
  const nodeId = explicit !== undefined && explicit !== '' ? Number(explicit) : formula ? ordinal * Number(formula[1]) + Number(formula[2]) : ordinal;
  const hasBranch = script ? /\[\s*"\$\{?ZEEBE_RESTORE\}?"\s*=\s*"true"\s*\]/.test(script) : chartHasRestoreBranch(config.chartVersion);
  if (!hasBranch || env['ZEEBE_RESTORE'] !== 'true') return { mode: 'broker', nodeId, backupIds: undefined };
  const id = env['ZEEBE_RESTORE_FROM_BACKUP_ID'] ?? '';
  const multiMode = script ? script.includes('ZEEBE_RESTORE_FROM_TIMESTAMP') : config.minor === '8.9' || config.minor === '8.10';
  if (multiMode && id === '') {
    const from = env['ZEEBE_RESTORE_FROM_TIMESTAMP'];
    const to = env['ZEEBE_RESTORE_TO_TIMESTAMP'];
    return { mode: 'restore', nodeId, backupIds: undefined, timeRange: { ...(from ? { from } : {}), ...(to ? { to } : {}) } };
  }
  return { mode: 'restore', nodeId, ...parseBackupIds(id) };
}

function parseBackupIds(raw: string): { backupIds: number[] | undefined; badBackupId?: string } {
  const parts = raw.split(',').map((p) => p.trim());
  if (raw.trim() === '' || parts.some((p) => !/^\d+$/.test(p))) return { backupIds: undefined, badBackupId: raw };
  return { backupIds: parts.map(Number) };
}

/** A `command` override: no startup.sh, so no node ID (8.6/8.7 fall back to 0; 8.8+ bind an empty value). */
function launchViaCommand(command: string[], args: string[]): Launch {
  const argv = [...command, ...args];
  const restore = argv.some((a) => /(^|\/)restore$/.test(a));
  if (!restore) return { mode: 'broker', nodeId: undefined, backupIds: undefined };
  const arg = argv.find((a) => a.startsWith('--backupId='));
  return { mode: 'restore', nodeId: undefined, ...parseBackupIds(arg ? arg.slice('--backupId='.length) : '') };
}

function usesStartupScript(container: Json): boolean {
  const command = asArray(container['command']).map(String);
  if (command.length === 0) return true; // the image entrypoint runs /usr/local/bin/startup.sh
  return (command.length === 1 && command[0] === SCRIPT_PATH) || (command.length === 2 && ['bash', 'sh', '/bin/bash', '/bin/sh'].includes(command[0] ?? '') && command[1] === SCRIPT_PATH);
}

const logTime = (): string => new Date().toISOString().replace('T', ' ').replace('Z', '');
const line = (level: string, logger: string, text: string): string => `${logTime()} [main] ${level} ${logger} - ${text}`;

export function restoreAppProgram(config: RestoreAppConfig): ContainerProgram {
  return (run) => {
    if (!isBroker(run)) return undefined;
    const env = envOf(run.container);
    const modern = config.minor !== '8.6' && config.minor !== '8.7';
    const dataDir = modern ? '/usr/local/camunda/data' : '/usr/local/zeebe/data';
    const dataMount = asArray(run.container['volumeMounts']).map(asRecord).find((m) => m['mountPath'] === dataDir);
    const volumeName = typeof dataMount?.['name'] === 'string' ? dataMount['name'] : 'data';
    const launch = usesStartupScript(run.container)
      ? launchViaScript(run, mountedScript(run, config), config, env)
      : launchViaCommand(asArray(run.container['command']).map(String), asArray(run.container['args']).map(String));
    const image = String(run.container['image'] ?? '');
    const version = /:([^:@]+)$/.exec(image)?.[1] ?? config.zeebe.config.version;
    if (launch.mode === 'broker') return brokerScript(run, config, launch, version, volumeName, dataDir);
    return restoreScript(run, config, launch, env, version, volumeName, dataDir, modern);
  };
}

function brokerScript(run: ContainerRun, config: RestoreAppConfig, launch: Launch, version: string, volumeName: string, dataDir: string): ContainerScript {
  const logger = 'io.camunda.zeebe.broker.Broker';
  const nodeId = launch.nodeId ?? 0;
  const volume = run.volume(volumeName);
  const data = volume?.data as RestoredVolume | undefined;
  const lines = [{ atMs: 0, text: line('INFO', logger, `Starting broker ${nodeId} with version ${version}`) }];
  if (data?.restoredFrom && data.version !== undefined && data.version !== version) {
    lines.push({ atMs: 5, text: line('ERROR', logger, `[simulated] data restored from a backup of version ${data.version} cannot be used by broker version ${version}`) });
    return { lines };
  }
  if (data?.restoredFrom && data.nodeId !== undefined && data.nodeId !== nodeId) {
    lines.push({ atMs: 5, text: line('ERROR', logger, `[simulated] partitions restored for node ${data.nodeId} found on node ${nodeId}`) });
    return { lines };
  }
  const ordinal = run.ordinal ?? nodeId;
  if (volume && volume.data.empty && !run.adopted) {
    run.setVolume(volumeName, { empty: false, fresh: true });
    // RaftPartitionFactory, once per partition of this broker (camunda/camunda#21589).
    for (let p = 1; p <= config.zeebe.config.partitions; p++) {
      if (!config.zeebe.membersOf(p).includes(ordinal)) continue;
      const id = `PartitionId{id=${p}, group=raft-partition}`;
      lines.push({ atMs: 2, text: line('INFO', 'io.camunda.zeebe.broker.system', `Root directory ${dataDir}/raft-partition/partitions/${p} for partition ${id} is empty or does not exist. The partition ${id} is starting with no pre-existing data.`) });
    }
    config.zeebe.setBrokerData(ordinal, { kind: 'empty' });
  } else if (data?.restoredFrom) {
    config.zeebe.setBrokerData(ordinal, { kind: 'restored', backupId: data.restoredFrom[data.restoredFrom.length - 1] ?? 0 });
  } else if (data?.['fresh'] === true && !config.zeebe.brokerData.has(ordinal)) {
    config.zeebe.setBrokerData(ordinal, { kind: 'empty' });
  }
  if (data?.restoredFrom && !data['started']) {
    run.setVolume(volumeName, { ...data, started: true });
    const phase = config.controls?.exportingAfterRestore ?? 'EXPORTING';
    if (phase !== 'unchanged') config.zeebe.setExportingEverywhere(phase);
  }
  lines.push({ atMs: config.brokerReadyMs, text: line('INFO', logger, `Broker ${nodeId} is ready`) });
  return { lines, readyAtMs: config.brokerReadyMs };
}

function restoreScript(
  run: ContainerRun,
  config: RestoreAppConfig,
  launch: Launch,
  env: Record<string, string>,
  version: string,
  volumeName: string,
  dataDir: string,
  modern: boolean,
): ContainerScript {
  const appLogger = 'io.camunda.zeebe.restore.RestoreApp';
  const managerLogger = 'io.camunda.zeebe.restore.RestoreManager';
  const lines: Array<{ atMs: number; text: string }> = [];
  const fail = (atMs: number, errorLines: string[], cause: string): ContainerScript => {
    for (const text of errorLines) lines.push({ atMs, text });
    lines.push({ atMs, text: line('ERROR', 'org.springframework.boot.SpringApplication', 'Application run failed') });
    lines.push({ atMs, text: 'java.lang.IllegalStateException: Failed to execute ApplicationRunner' });
    lines.push({ atMs, text: `Caused by: ${cause}` });
    return { lines, exit: { atMs: atMs + 5, code: 1 } };
  };
  const idText = (ids: number[]): string => (modern ? `[${ids.join(', ')}]` : ids.join(', '));

  const profiles = env['SPRING_PROFILES_ACTIVE'];
  if (modern && profiles !== 'restore') {
    if (config.minor === '8.8') {
      // camunda/camunda#35022: the default profiles of the unified application.yaml break the restore app.
      return fail(20, [line('ERROR', 'org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter', '\n\n***************************\nAPPLICATION FAILED TO START\n***************************\n\nDescription:\n\nParameter 0 of constructor in io.camunda.zeebe.restore.RestoreApp required a bean of type \'io.camunda.configuration.beans.BrokerBasedProperties\' that could not be found.')], 'org.springframework.beans.factory.UnsatisfiedDependencyException: Error creating bean with name \'restoreApp\'');
    }
    lines.push({ atMs: 0, text: line('WARN', appLogger, `Additional profiles besides restore are set, which is not supported: ${profiles ?? 'broker,operate,tasklist'}. The application will run only with the restore profile.`) });
  }
  if (launch.nodeId === undefined && modern) {
    return fail(15, [], "org.springframework.boot.context.properties.bind.BindException: Failed to bind properties under 'camunda.cluster.node-id' to java.lang.Integer");
  }
  const nodeId = launch.nodeId ?? 0;
  if (launch.backupIds === undefined && launch.timeRange === undefined) {
    return fail(15, [], `org.springframework.beans.TypeMismatchException: Failed to convert value of type 'java.lang.String' to required type 'long[]'; For input string: "${launch.badBackupId ?? ''}"`);
  }
  let ids = launch.backupIds ?? [];
  let successText = `Successfully restored broker from backup ${idText(ids)}`;
  if (launch.timeRange !== undefined) {
    const { from, to } = launch.timeRange;
    // 8.9 RDBMS: the docs' default (no arguments) and time ranges let the app choose the backups from the
    // exporter positions in the database [D89R]; the world picks the newest completed backup in the range.
    // Without an RDBMS there is nothing to choose by: the app refuses the arguments (RestoreApp.validateParameters).
    if (!config.rdbms) return fail(15, [], 'java.lang.IllegalArgumentException: Either --backupId or both --from and --to parameters must be provided');
    const inRange = [...config.zeebe.backups.values()]
      .filter((b) => !b.deleted && (from === undefined || b.startMs >= Date.parse(from)) && (to === undefined || b.startMs <= Date.parse(to)))
      .filter((b) => b.partitions.every((p) => p.final === 'COMPLETED' && !p.stuck && p.endMs <= Date.now()))
      .sort((a, b) => b.id - a.id);
    const chosen = inRange[0];
    if (!chosen) return fail(15, [], `java.lang.IllegalStateException: No backup found in time range [${from ?? 'null'}, ${to ?? 'null'}]`);
    ids = [chosen.id];
    lines.push({ atMs: 10, text: line('INFO', appLogger, `Starting to restore from backups in time range [${from ?? 'null'}, ${to ?? 'null'}]`) });
    successText = `Successfully restored broker from backups in time range [${from ?? 'null'}, ${to ?? 'null'}]`;
  } else {
    lines.push({ atMs: 10, text: line('INFO', appLogger, `Starting to restore from backup ${idText(ids)}`) });
  }

  const volume = run.volume(volumeName);
  const onVolume = volume?.data as RestoredVolume | undefined;
  if (volume && onVolume?.restoredFrom && config.controls?.wipeOnRestart) {
    // camunda/camunda#48199: the partition-level check throws inside the restore, RestoreManager deletes everything.
    const partition = `${dataDir}/raft-partition/partitions/1`;
    lines.push({ atMs: 12, text: line('ERROR', managerLogger, `Failed to restore broker. Deleting data directory ${dataDir}`) });
    lines.push({ atMs: 12, text: `java.util.concurrent.ExecutionException: java.nio.file.DirectoryNotEmptyException: ${partition}` });
    const failed = fail(14, [], `java.nio.file.DirectoryNotEmptyException: ${partition}`);
    if (config.controls) config.controls.wipes = (config.controls.wipes ?? 0) + 1;
    return { ...failed, onExit: () => run.setVolume(volumeName, { empty: true }) };
  }
  if (!volume || !volume.data.empty) {
    return fail(15, [line('ERROR', managerLogger, `Brokers's data directory ${dataDir} is not empty. Aborting restore to avoid overwriting data. Please restart with a clean directory.`)], `java.nio.file.DirectoryNotEmptyException: ${dataDir}`);
  }
  const zeebe = config.zeebe;
  const storeEnv = env['CAMUNDA_DATA_PRIMARYSTORAGE_BACKUP_STORE'] ?? env['CAMUNDA_DATA_BACKUP_STORE'] ?? env['ZEEBE_BROKER_DATA_BACKUP_STORE'];
  if ((storeEnv ?? zeebe.config.store).toUpperCase() === 'NONE') {
    return fail(20, [], 'java.lang.IllegalArgumentException: No backup store configured; configure the backup store of the broker to restore');
  }
  const partitionCount = Number(env['CAMUNDA_CLUSTER_PARTITIONCOUNT'] ?? env['ZEEBE_BROKER_CLUSTER_PARTITIONSCOUNT'] ?? zeebe.config.partitions);
  const brokers = zeebe.config.brokers;
  const ownPartitions = Array.from({ length: partitionCount }, (_, i) => i + 1).filter((p) => {
    const rf = Math.min(zeebe.config.replicationFactor, brokers);
    return Array.from({ length: rf }, (_, k) => (p - 1 + k) % brokers).includes(nodeId);
  });
  const now = Date.now();
  for (const partition of ownPartitions) {
    for (const id of ids) {
      const backup = zeebe.backups.get(id);
      const copy = backup?.partitions.find((p) => p.partitionId === partition);
      const completed = backup && !backup.deleted && copy && copy.final === 'COMPLETED' && !copy.stuck && copy.endMs <= now;
      if (!completed) {
        // On a partition failure the restore app deletes the whole data directory (RestoreManager).
        return fail(config.restoreMs / 2, [line('INFO', 'io.camunda.zeebe.restore.PartitionRestoreService', `Searching for completed backup {pattern=BackupIdentifierWildcard[nodeId=Optional.empty, partitionId=Optional[${partition}], checkpointPattern=${id}]}`)], `java.util.concurrent.ExecutionException: io.camunda.zeebe.restore.BackupNotFoundException: Could not find a completed backup with id ${id}.`);
      }
      if (backup.partitions.length !== partitionCount) {
        return fail(config.restoreMs / 2, [], `java.util.concurrent.ExecutionException: io.camunda.zeebe.restore.PartitionRestoreService$BackupValidator$BackupNotValidException: Backup is not valid: Expected backup to have ${partitionCount} partitions, but has ${backup.partitions.length}. Backup status: BackupStatusImpl[id=BackupIdentifierImpl[nodeId=${copy.brokerId}, partitionId=${partition}, checkpointId=${id}], statusCode=COMPLETED]`);
      }
    }
    lines.push({ atMs: config.restoreMs * 0.9, text: line('INFO', managerLogger, `Successfully restored partition ${partition} from backups ${idText(ids)}.`) });
  }
  lines.push({ atMs: config.restoreMs, text: line('INFO', appLogger, successText) });
  const last = ids[ids.length - 1] ?? 0;
  const restored: RestoredVolume = { empty: false, restoredFrom: ids, nodeId, version: config.backupVersion?.(last) ?? zeebe.config.version, partitions: ownPartitions };
  return { lines, exit: { atMs: config.restoreMs + 5, code: 0 }, onExit: () => run.setVolume(volumeName, restored) };
}
