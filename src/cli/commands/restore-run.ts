/**
 * The restore flow after validation: discovery (read-only) → the journal (continue this restore, or refuse while
 * another is unfinished) → the checks (guard) → the plan (resolved now, or the journal's) → printed → confirmation (guard) →
 * under the release's Lease: run, journaled → report on stdout → exit code (4 failed, 5 undo failed, 128+n signal).
 */
import { openPool } from '../../backup/connections.js';
import { DEFAULT_RESTORE_TIMING, runRestorePlan, type RestoreOutcome } from '../../backup/restore/execute.js';
import { isUnfinished, journalNameFor, openJournal, readJournal, restoreKeyOf, storedInstallation, type RestoreJournal } from '../../backup/restore/journal.js';
import { withRestoreTo, type RestorePlan } from '../../backup/restore/plan.js';
import { continuedPlanWithDump, planRestore, refuseStoppedBrokers, StoppedBrokersError } from '../../backup/restore/resolve.js';
import { verifyBackupListed, verifyExportingAfterRestore, verifyZeebeData } from '../../backup/restore/verify.js';
import { DEFAULT_RESUME_TIMING } from '../../backup/resume-exporting.js';
import { assertWebModelerDump, loadWebModelerDump } from '../../backup/restore/web-modeler.js';
import { findCamundaRelease } from '../../camunda/discover.js';
import type { Installation } from '../../camunda/installation.js';
import { refuseUnsupportedTopology } from '../../camunda/resolve-topology.js';
import { withSearchAuthorization } from '../../camunda/resolve-search-endpoint.js';
import { BackupFailedError, CleanupFailedError, CliError, InterruptedError, PreconditionError, UsageError } from '../../errors.js';
import type { Reporter } from '../../events.js';
import { clusterFlagsOf, clusterFlagsText, toolCommand, type CommandTarget } from '../../kube/cluster-flags.js';
import { ComponentHttpError } from '../../camunda/management-api.js';
import { whereOf } from '../../backup/layout.js';
import { describeFailure } from '../../backup/part-clients.js';
import type { KubeClient } from '../../kube/kube-client.js';
import type { WorkloadClient } from '../../kube/workload-client.js';
import { renderDocument, type DocumentFormat } from '../../output/document.js';
import { renderRestoreJson, renderRestoreOutcomeText, renderRestorePlanText, renderRestoreStatusText, restoreStatusJson, type RestoreReport } from '../../output/restore-report.js';
import type { CliDeps } from '../cli-deps.js';
import type { OutputFormat } from '../global-options.js';
import { createCommandReporter } from './command-reporter.js';
import { restoreCommandTarget } from './restore-commands.js';
import { unfinishedRestoreRefusal } from './unfinished-restore.js';
import { abandonRestoreCommand, continueRestoreCommand, type RdbmsRun, type RestoreIdentity } from '../../backup/restore/restore-commands.js';

import { connectorFor, discoveryOptionsOf, openCluster, signalName, stoppedBeforeAnyChange } from './open-installation.js';
import type { RestoreCommandOptions } from './restore-options.js';

/** What the run knows when the checks are asked: nothing has been read for the plan, nothing changed. */
export interface RestoreCheckContext {
  readonly options: RestoreCommandOptions;
  readonly deps: CliDeps;
  readonly kube: KubeClient;
  readonly workloads: WorkloadClient;
  readonly installation: Installation;
  readonly mode: RestorePlan['mode'];
  readonly backupId: number | null;
  /** The unfinished journal of this restore when the run continues it (the applications may be stopped). */
  readonly continuing: RestoreJournal | undefined;
  readonly emit: Reporter;
}

/** What the run knows when the confirmation is asked: the plan, printed; nothing has been changed yet. */
export interface RestoreGuardContext extends RestoreCheckContext {
  readonly plan: RestorePlan;
}

/**
 * The seam for item 3 and 4 of the restore issue: `check` refuses before the plan's reads and before any change
 * (throw a PreconditionError, exit 3, or UsageError, exit 2), so that a missing repository or an unknown ID is one
 * of the failed checks rather than a failed read; `confirm` asks the person (or requires --yes) and throws to cancel.
 */
export interface RestoreGuard {
  check(context: RestoreCheckContext): Promise<void>;
  confirm(context: RestoreGuardContext): Promise<void>;
}

/** Until the checks and the terminal prompt are wired in: no extra checks, and nothing changes without --yes. */
export const defaultRestoreGuard: RestoreGuard = {
  check: () => Promise.resolve(),
  confirm(context) {
    if (context.options.yes) return Promise.resolve();
    return Promise.reject(
      new UsageError('restore deletes indices and volumes: it runs only with --yes', {
        hint: `read the plan first (--dry-run), then run it again with --yes`,
      }),
    );
  },
};

/**
 * What planning throws, for a person: planning only reads, so a refusal or a bad answer of Elasticsearch/OpenSearch
 * (an HTTP error, an answer of the wrong shape) is the cluster's state, exit 3 with nothing changed, not an internal
 * error. Anything else that is no CliError is a bug and stays one.
 */
export function planningError(error: unknown, installation: Pick<Installation, 'search'>, target: CommandTarget): unknown {
  if (error instanceof CliError) return error;
  const answered = error instanceof ComponentHttpError || (error instanceof Error && error.name === 'UnexpectedResponseError');
  if (!answered) return error;
  const search = installation.search;
  const engine = search?.engine === 'opensearch' ? 'OpenSearch' : 'Elasticsearch';
  const where = search ? ` at ${whereOf(search.target, search.url)}` : '';
  return new PreconditionError(`${engine}${where} failed a read while planning the restore: ${describeFailure(error)}; nothing was changed`, {
    hint: `fix the search engine (${toolCommand('check', target)} shows its health), then run the restore again`,
    cause: error,
  });
}


/** Every Camunda workload of the plan was stopped by the journal's runs. */
export const stopsDone = (journal: Pick<RestoreJournal, 'plan' | 'done'>): boolean => journal.plan.steps.filter((s) => s.phase === 'stop-workloads').every((s) => journal.done.includes(s.id));

/** The RDBMS run that continues the journal (none given: a fresh RDBMS restore starts with the stop). */
export const rdbmsRunFor = (journal: Pick<RestoreJournal, 'plan' | 'done'> | undefined): RdbmsRun => (journal && stopsDone(journal) ? 'database-restored' : 'stop-for-database-restore');

/** The command that continues (or reruns) this restore, reaching the same cluster the same way (every flag that shapes the run). */
export function continueCommandFor(options: RestoreCommandOptions, plan: RestoreIdentity, contextName: string, rdbmsRun: RdbmsRun = 'database-restored'): string {
  // The plan's dump (the journal keeps it), not the flag: another restore's plan does not load this run's file.
  return continueRestoreCommand(restoreCommandTarget(options, contextName, plan), plan, {
    waitTimeoutMs: options.waitTimeoutMs,
    pollIntervalMs: options.pollIntervalMs,
    webModelerTimeoutMs: options.webModelerTimeoutMs,
    rdbmsRun,
  });
}

async function createWorkloads(options: RestoreCommandOptions, deps: CliDeps): Promise<WorkloadClient> {
  const { createWorkloadClient } = await import('../../kube/create-workload-client.js');
  return createWorkloadClient({ kubeconfig: options.kubeconfig, context: options.context, namespace: options.namespace, requestTimeoutMs: options.requestTimeoutMs, env: deps.env });
}

/**
 * Discovery, or — when it fails because the applications are stopped by an unfinished restore — the installation
 * the journal kept (its search password read from the Secret again). Also returns the release's journal.
 */
async function openForRestore(options: RestoreCommandOptions, deps: CliDeps) {
  const { backup, kube } = await openCluster(options, deps);
  const workloads = await createWorkloads(options, deps);
  const stop = deps.signal;
  let discovered: Installation | undefined;
  let discoveryError: unknown;
  try {
    discovered = await backup.discoverInstallation(kube.withSignal(stop), discoveryOptionsOf(options, kube, options.webModelerDump !== undefined ? { webModeler: true } : {}));
  } catch (error) {
    if (stop.aborted) throw stoppedBeforeAnyChange(stop, 'during discovery');
    if (!(error instanceof PreconditionError)) throw error;
    discoveryError = error;
  }
  const release = discovered?.release ?? (await findCamundaRelease(kube, kube.namespace, options.release)).release.name;
  const namespace = discovered?.namespace ?? kube.namespace;
  const journalDeps = { configMaps: kube.configMaps, now: deps.now };
  const existing = await readJournal(journalDeps, namespace, release);
  if (existing && 'unreadable' in existing.journal) {
    throw new PreconditionError(`the restore journal cannot be read: ${existing.journal.unreadable}`, {
      hint: `look at it (kubectl get configmap ${journalNameFor(release)} ${clusterFlagsText(clusterFlagsOf(options, kube.contextName), namespace)} -o yaml) and delete it if no restore is under way`,
    });
  }
  const previous = existing as { record: NonNullable<typeof existing>['record']; journal: RestoreJournal } | undefined;
  let installation = discovered;
  if (!installation) {
    const stored = previous && isUnfinished(previous.journal) ? previous.journal.installation : undefined;
    if (!stored) {
      // Discovery fails when the brokers are at 0: say why no restore can be planned, and how to get out.
      const stopped = await refuseStoppedBrokers({ release, namespace }, workloads, clusterFlagsOf(options, kube.contextName), options.access).then(
        () => undefined,
        (error: unknown) => (error instanceof StoppedBrokersError ? error : undefined),
      );
      throw stopped ?? discoveryError;
    }
    // The applications are stopped by the unfinished restore: go on with what the journal knows.
    const secret = stored.search?.credentials?.passwordSecret;
    installation = withSearchAuthorization(stored, secret ? await kube.readSecret(namespace, secret.name) : undefined);
  }
  return { backup, kube, workloads, installation, discovered: discovered !== undefined, previous, journalDeps };
}

export async function runRestoreCommand(options: RestoreCommandOptions, deps: CliDeps, guard: RestoreGuard): Promise<void> {
  if (options.status) return showStatus(options, deps);
  const reporter = createCommandReporter(options, deps);
  try {
    const { backup, kube, workloads, installation, discovered, previous, journalDeps } = await openForRestore(options, deps);
    for (const message of installation.warnings) reporter.emit({ kind: 'warning', message });
    const rdbms = installation.secondaryStorage === 'rdbms';
    const rdbmsRun: RdbmsRun | undefined = options.databaseRestored ? 'database-restored' : options.stopForDatabaseRestore ? 'stop-for-database-restore' : undefined;
    const cluster = clusterFlagsOf(options, kube.contextName);
    const rdbmsCommand = (run: RdbmsRun): string => continueCommandFor(options, { mode: 'rdbms', backupId: null, namespace: installation.namespace, release: installation.release }, kube.contextName, run);
    if (rdbmsRun && !rdbms) {
      throw new UsageError(`--${rdbmsRun} is for installations on an RDBMS; release ${installation.release} keeps its data in ${installation.secondaryStorage}`, {
        hint: 'give the backup ID to restore instead',
      });
    }
    if (!rdbmsRun && rdbms) {
      throw new UsageError(`release ${installation.release} keeps its data in an RDBMS, restored in two runs around the database: the database must be restored while Camunda is stopped`, {
        hint: `1. ${rdbmsCommand('stop-for-database-restore')} (checks, records the replicas, stops every Camunda workload); 2. restore the database with the vendor's tools; 3. ${rdbmsCommand('database-restored')} (restores Zeebe to match it; bound it with --to <time>)`,
      });
    }
    // A release this tool cannot restore as one (Physical Tenants, a split topology): refused before the plan's reads.
    refuseUnsupportedTopology(installation, 'restore');
    const journalName = journalNameFor(installation.release);
    const key = rdbmsRun ? 'rdbms' : String(options.backupId);
    let continuing: RestoreJournal | undefined;
    if (previous && isUnfinished(previous.journal)) {
      const other = previous.journal.plan;
      if (restoreKeyOf(other) !== key) {
        // Another ID: not while this one is unfinished; the refusal names both ways on (continue it, or abandon it).
        const what = options.databaseRestored ? 'restore --database-restored' : `restore of backup ${options.backupId ?? ''}`;
        throw unfinishedRestoreRefusal({ kind: 'unfinished', journal: previous.journal, journalName }, what, options, kube, { namespace: other.namespace, release: other.release });
      }
      continuing = previous.journal;
    }
    if (rdbmsRun) refuseRdbmsRun(rdbmsRun, continuing, installation.release, rdbmsCommand);
    // A fresh plan records the replicas it finds: never 0 for the brokers.
    if (!continuing) await refuseStoppedBrokers(installation, workloads, cluster, options.access);

    const checkContext: RestoreCheckContext = {
      options, deps, kube, workloads, installation, continuing, emit: reporter.emit,
      mode: continuing?.plan.mode ?? (rdbmsRun ? 'rdbms' : 'backup-id'),
      backupId: continuing ? continuing.plan.backupId : (options.backupId ?? null),
    };
    if (!options.dryRun) await guard.check(checkContext);
    const pool = openPool({ connect: connectorFor(options, deps, kube, reporter.emit), emit: reporter.emit, signal: deps.signal });
    try {
      let plan: RestorePlan;
      try {
        plan = continuing
          ? continuing.plan
          : await planRestore(
              installation,
              {
                mode: rdbmsRun ? 'rdbms' : 'backup-id',
                backupId: options.backupId ?? null,
                restoreTo: options.to,
                webModelerDump: options.webModelerDump,
                cluster,
              },
              { kube, workloads, pool },
            );
        if (continuing && options.webModelerDump !== undefined) {
          const withDump = await continuedPlanWithDump(plan, continuing.done, options.webModelerDump, installation, { workloads });
          plan = withDump.plan;
          if (withDump.change) reporter.emit({ kind: 'info', message: withDump.change });
        }
      } catch (error) {
        // Planning only reads; an interrupt there is a stop before any change, not a failure.
        if (deps.signal.aborted) throw stoppedBeforeAnyChange(deps.signal, 'while planning');
        throw planningError(error, installation, restoreCommandTarget(options, kube.contextName, installation));
      }
      if (continuing && plan.mode === 'rdbms' && options.to !== undefined && options.to !== plan.restoreTo) {
        if (continuing.restoreModeOn || continuing.done.includes('await-broker-restore')) {
          throw new UsageError(`--to ${options.to}: this restore already restored Zeebe ${plan.restoreTo ? `up to ${plan.restoreTo}` : "to the database's state"} (or is in the middle of it); the bound cannot change now`, {
            hint: `continue with the bound it was given: ${continueCommandFor(options, plan, kube.contextName)}`,
          });
        }
        // The bound belongs to the database the owner restored: the run that says so may set it.
        plan = withRestoreTo(plan, options.to);
      }
      if (options.webModelerDump !== undefined && !plan.webModelerDump && !continuing) {
        throw new PreconditionError('--web-modeler-dump: no Web Modeler database found in the release', { hint: 'load the dump with psql yourself, or check that Web Modeler is enabled' });
      }
      const loadStep = plan.steps.find((s) => s.action === 'load-web-modeler-dump');
      // The file is read only at the end of the run: make sure now, before any change, that it is one to load.
      if (loadStep?.action === 'load-web-modeler-dump') assertWebModelerDump(loadStep.file, loadStep.database);
      if (options.dryRun || options.output === 'text') {
        if (isDocument(options.output)) deps.stdout.write(documentText(options.output, renderRestoreJson({ state: 'PLANNED', plan, journal: continuing, journalName: continuing ? journalName : undefined })));
        else deps.stdout.write(renderRestorePlanText(plan, continuing));
      }
      if (options.dryRun) return;
      if (deps.signal.aborted) throw new InterruptedError(signalName(deps.signal), { hint: 'stopped before the restore started; nothing was changed' });

      await guard.confirm({ ...checkContext, plan });

      const connect = connectorFor(options, deps, kube, reporter.emit);
      const rediscover = (signal: AbortSignal): Promise<Installation> => backup.discoverInstallation(kube.withSignal(signal), discoveryOptionsOf(options, kube));
      // Resuming and reading the exporter state back are retried as long as the other waits of this run (at most the resume command's default).
      const resumeTiming = { ...DEFAULT_RESUME_TIMING, timeoutMs: Math.min(options.waitTimeoutMs, DEFAULT_RESUME_TIMING.timeoutMs) };
      const verifyDeps = { kube, connect, emit: reporter.emit, rediscover, access: options.access, cluster, resumeTiming };
      // A follower may still catch up from its leader: a little time, never the whole wait for pods.
      // Its own connector: the exec relay keeps the pod listing it first read (the brokers', before the others start).
      const dataDeps = { kube, workloads, connect: connectorFor(options, deps, kube, reporter.emit), emit: reporter.emit, timeoutMs: Math.min(options.waitTimeoutMs, 2 * 60_000), pollMs: options.pollIntervalMs };
      const search = installation.search;
      const { withReleaseLock } = await import('./release-lock.js');
      const started = deps.now();
      const outcome = await withReleaseLock({ command: 'restore', options, deps, kube, installation, emit: reporter.emit }, async () => {
        const journal = await openJournal(journalDeps, plan, previous, discovered ? storedInstallation(installation) : undefined);
        return runRestorePlan(plan, {
          kube,
          workloads,
          search: search && plan.mode === 'backup-id' ? () => pool.context({ target: search.target, authorization: search.authorization }) : undefined,
          journal,
          emit: reporter.emit,
          signal: deps.signal,
          timing: { ...DEFAULT_RESTORE_TIMING, workloadTimeoutMs: options.waitTimeoutMs, pollMs: options.pollIntervalMs },
          cluster,
          databaseRestored: options.databaseRestored,
          verifyZeebeData: (step, signal) => verifyZeebeData(dataDeps, { namespace: plan.namespace, release: plan.release, container: plan.restoreMode.container }, step, signal),
          verifyExporting: (signal) => verifyExportingAfterRestore(verifyDeps, signal),
          verifyBackupListed: (id, signal) => verifyBackupListed(verifyDeps, id, signal),
          loadWebModelerDump: (step, signal) =>
            loadWebModelerDump(kube, plan.namespace, step, {
              signal,
              timeoutMs: options.webModelerTimeoutMs,
              onProgress: (message) => reporter.emit({ kind: 'step-progress', step: step.id, message }),
            }),
        });
      });
      reporter.close();
      const continueCommand = continueCommandFor(options, outcome.journal.plan, kube.contextName, rdbmsRunFor(outcome.journal));
      const report = reportOf(outcome, plan, journalName, continueCommand, deps.now() - started);
      deps.stdout.write(isDocument(options.output) ? documentText(options.output, renderRestoreJson(report)) : renderRestoreOutcomeText(report));
      const error = outcomeError(outcome, continueCommand);
      if (error) throw error;
    } finally {
      await pool.close();
    }
  } finally {
    reporter.close();
  }
}

/**
 * RDBMS: the two runs in their order. --database-restored continues the journal of a first run that stopped every
 * workload, never without one (the database must be restored while Camunda is stopped, camunda-restore.md §3);
 * --stop-for-database-restore starts or finishes the stop, and is refused once the database step was passed.
 */
function refuseRdbmsRun(run: RdbmsRun, continuing: RestoreJournal | undefined, release: string, command: (run: RdbmsRun) => string): void {
  if (run === 'database-restored' && !continuing) {
    throw new PreconditionError(
      `--database-restored continues an RDBMS restore whose first run stopped Camunda, and release ${release} has none: the database must be restored while every Camunda workload is stopped (running brokers keep exporting into it and move its exporter positions on); nothing was changed`,
      {
        hint: `1. ${command('stop-for-database-restore')} (checks while Camunda runs, records the replicas, stops every Camunda workload); 2. restore the database with the vendor's tools (again, if it was restored while Camunda ran); 3. ${command('database-restored')}`,
      },
    );
  }
  if (!continuing) return;
  const gate = continuing.plan.steps.some((s) => s.action === 'await-database-restore');
  if (run === 'database-restored' && !stopsDone(continuing)) {
    throw new PreconditionError(
      `the first run of this RDBMS restore did not finish stopping Camunda (${continuing.state} in phase ${continuing.phase}): the database may be restored only once every Camunda workload is stopped; nothing was changed`,
      { hint: `finish the stop with: ${command('stop-for-database-restore')}; restore the database once it says WAITING_FOR_DATABASE (again, if you restored it already), then run: ${command('database-restored')}` },
    );
  }
  if (run === 'stop-for-database-restore' && (!gate || continuing.done.includes('database-restored'))) {
    throw new PreconditionError(`this RDBMS restore of release ${release} is past the database step (${continuing.state} in phase ${continuing.phase}); nothing was changed`, {
      hint: `continue it with: ${command('database-restored')}`,
    });
  }
}

/** WAITING_FOR_DATABASE: what the person does now, in order. */
function nextForDatabase(continueCommand: string): string[] {
  return [
    "restore the Camunda database with the vendor's tools (pg_restore, RMAN, …) now, while every Camunda workload is stopped; keep it stopped until the next command (pause Argo CD auto-sync; do not helm upgrade)",
    `then continue: ${continueCommand} (add --to <time> to bound the Zeebe restore); it checks that everything is still stopped, restores Zeebe to match the database and starts everything at the recorded replicas`,
  ];
}

function reportOf(outcome: RestoreOutcome, plan: RestorePlan, journalName: string, continueCommand: string, durationMs: number): RestoreReport {
  const base = { plan, journal: outcome.journal, journalName, results: outcome.results, durationMs, journalUnwritten: outcome.journalUnwritten };
  switch (outcome.state) {
    case 'COMPLETED':
      return { ...base, state: 'COMPLETED' };
    case 'WAITING_FOR_DATABASE':
      return { ...base, state: 'WAITING_FOR_DATABASE', phase: outcome.journal.phase, clusterState: outcome.clusterState, next: nextForDatabase(continueCommand), continueCommand };
    case 'INTERRUPTED':
      return { ...base, state: 'INTERRUPTED', phase: outcome.journal.phase, error: `interrupted by ${outcome.signal}`, clusterState: outcome.clusterState, continueCommand };
    case 'FAILED':
      return { ...base, state: 'FAILED', phase: outcome.phase, error: outcome.message, clusterState: outcome.clusterState, continueCommand };
    case 'CLEANUP_FAILED':
      return { ...base, state: 'CLEANUP_FAILED', phase: outcome.journal.phase, error: outcome.message, clusterState: outcome.clusterState, commands: outcome.commands, continueCommand };
  }
}

function outcomeError(outcome: RestoreOutcome, continueCommand: string): Error | undefined {
  // The exit code stays the outcome's; the journal that could not be written is said next to the command.
  const journal = outcome.journalUnwritten !== undefined ? ` (the restore journal could not be written: ${outcome.journalUnwritten}; it is behind this run: see the report)` : '';
  switch (outcome.state) {
    case 'COMPLETED':
    case 'WAITING_FOR_DATABASE':
      return undefined;
    case 'INTERRUPTED':
      return new InterruptedError(outcome.signal, {
        hint: `stopped in phase ${outcome.journal.phase} at a safe point (${outcome.clusterState.join('; ')}); continue with: ${continueCommand}${journal}`,
      });
    case 'FAILED':
      return new BackupFailedError(`restore failed in phase ${outcome.phase}: ${outcome.message}`, {
        hint: `cluster: ${outcome.clusterState.join('; ')}. Fix the cause and continue with: ${continueCommand}${journal}`,
      });
    case 'CLEANUP_FAILED':
      return new CleanupFailedError(`the broker StatefulSet may still be in restore mode: ${outcome.message}`, {
        hint: `take it out by hand with:\n  ${outcome.commands.join('\n  ')}\nthen continue with: ${continueCommand}${journal}`,
      });
  }
}

/** `restore --status`: the journal of the release (by --release, or the release discovery selects). */
async function showStatus(options: RestoreCommandOptions, deps: CliDeps): Promise<void> {
  const { kube } = await openCluster(options, deps);
  const namespace = kube.namespace;
  // The Helm release Secrets alone: the applications may be stopped by the restore.
  const release = (await findCamundaRelease(kube.withSignal(deps.signal), namespace, options.release)).release.name;
  const found = await readJournal({ configMaps: kube.configMaps, now: deps.now }, namespace, release);
  const name = journalNameFor(release);
  if (!found) {
    deps.stdout.write(isDocument(options.output) ? documentText(options.output, `${JSON.stringify({ schemaVersion: 1, command: 'restore', journal: null, release, namespace, state: 'NONE' }, null, 2)}\n`) : `No restore journal for release ${release} in namespace ${namespace}.\n`);
    return;
  }
  if ('unreadable' in found.journal) throw new PreconditionError(`the restore journal cannot be read: ${found.journal.unreadable}`);
  const journal = found.journal;
  const command = continueCommandFor(options, journal.plan, kube.contextName, rdbmsRunFor(journal));
  const abandon = abandonRestoreCommand(restoreCommandTarget(options, kube.contextName, journal.plan));
  deps.stdout.write(isDocument(options.output) ? documentText(options.output, restoreStatusJson(journal, name, command, abandon)) : renderRestoreStatusText(journal, name, command, abandon));
}

const isDocument = (output: OutputFormat): output is DocumentFormat => output === 'json' || output === 'yaml';

/** restore's JSON document as -o asks: as is for json, the same document in YAML for yaml. */
function documentText(format: DocumentFormat, json: string): string {
  return format === 'yaml' ? renderDocument(JSON.parse(json) as object, 'yaml') : json;
}
