/**
 * The flows of status, list, delete, check and resume after their flags were read: options → Kubernetes client →
 * discovery (read-only) → the operation → report on stdout → the exit code, carried by the error thrown for any
 * outcome but success. Loaded only when one of these commands runs.
 */
import { openPool } from '../../backup/connections.js';
import { runCheck } from '../../backup/operate/check/check.js';
import { executeDelete, planDelete, plannedDeleteReport, type DeleteSelection } from '../../backup/operate/delete.js';
import { DEFAULT_RESUME_TIMING } from '../../backup/resume-exporting.js';
import type { CheckReport, DeleteReport, ListReport, ResumeReport, StatusReport } from '../../backup/operate/lifecycle-report.js';
import { runList } from '../../backup/operate/list.js';
import { runResume } from '../../backup/operate/resume.js';
import { headerOf, runStatus } from '../../backup/operate/status.js';
import { pruneRunRecord, readRunBook } from '../../backup/run-record-store.js';
import { BackupFailedError, CleanupFailedError, CliError, InterruptedError, PreconditionError, UsageError } from '../../errors.js';
import { clusterFlagsOf, installationFlagsOf, toolCommand, type CommandTarget } from '../../kube/cluster-flags.js';
import { readUnfinishedRestore, unfinishedRestoreCheckItem } from '../../backup/restore/unfinished.js';
import { findCamundaRelease } from '../../camunda/discover.js';
import type { KubeClient } from '../../kube/kube-client.js';
import { renderCheckList } from '../../output/check-list.js';
import { renderDeleteTable } from '../../output/delete-table.js';
import type { TableView } from '../../output/borderless-table.js';
import { renderLifecycleDocument } from '../../output/lifecycle-json.js';
import { renderListTable } from '../../output/list-table.js';
import type { ProgressReporter } from '../../output/reporter.js';
import { renderResumeText } from '../../output/resume-text.js';
import { renderStatusTable } from '../../output/status-table.js';
import type { CliDeps } from '../cli-deps.js';
import type { GlobalOptions } from '../global-options.js';
import type { CheckOptions, DeleteOptions, ListOptions, ResumeOptions, StatusOptions } from './lifecycle-options.js';
import { connectorFor, discoveryOptionsOf, openCluster, openInstallation, signalName, type OpenedInstallation } from './open-installation.js';
import { withReleaseLock } from './release-lock.js';
import { createCommandReporter } from './command-reporter.js';
import { unfinishedRestoreWarning } from './unfinished-restore.js';

/** How delete asks for confirmation; the default reads the terminal, tests pass their own. */
export interface ConfirmIo {
  /** stdin and stderr are terminals: a human can answer. */
  readonly interactive: boolean;
  /** Resolves true for yes, false for no; throws when no answer came (UsageError) or `signal` aborted (its reason). */
  confirm(question: string, signal?: AbortSignal): Promise<boolean>;
}

async function withReporter<T>(options: GlobalOptions, deps: CliDeps, body: (reporter: ProgressReporter) => Promise<T>): Promise<T> {
  const reporter = createCommandReporter(options, deps);
  try {
    return await body(reporter);
  } catch (error) {
    // Ctrl-C during a read: the operation stopped with the signal's reason, which is no CliError.
    if (deps.signal.aborted && !(error instanceof CliError)) {
      throw new InterruptedError(signalName(deps.signal), { hint: 'stopped while reading; nothing was changed by this step' });
    }
    throw error;
  } finally {
    reporter.close();
  }
}

/** Discovery for status, list, delete and resume; what it warns about is shown before the operation runs. */
async function open(command: 'status' | 'list' | 'delete' | 'resume', options: GlobalOptions, deps: CliDeps, reporter: ProgressReporter, readOnly: boolean): Promise<OpenedInstallation> {
  const opened = await openInstallation(options, deps, undefined, deps.signal, reporter.emit, command);
  // Reads (status, list, a dry run) go on during an unfinished restore and say it first; changes refuse under the Lease.
  const restoreWarning = readOnly ? await unfinishedRestoreWarning(opened.kube, options, opened.installation) : undefined;
  const installation = restoreWarning ? { ...opened.installation, warnings: [restoreWarning, ...opened.installation.warnings] } : opened.installation;
  for (const message of installation.warnings) reporter.emit({ kind: 'warning', message });
  return { ...opened, installation };
}

function lifecycleDeps(options: GlobalOptions, deps: CliDeps, kube: KubeClient, reporter: ProgressReporter, installation?: OpenedInstallation['installation']) {
  return {
    connect: connectorFor(options, deps, kube, reporter.emit),
    emit: reporter.emit,
    signal: deps.signal,
    access: options.access,
    now: deps.now,
    // How each ID's create ended: status and list never call an ID whose create did not complete restorable.
    runs: installation ? () => readRunBook(kube, installation, deps.now()) : undefined,
  };
}

/**
 * A read stopped by a signal leaves its parts unread: they would show as failures ("(SIGINT)") and the command
 * would exit 3 for a cluster that is fine. It is an interrupt, and nothing was changed.
 */
function throwIfInterrupted(deps: CliDeps): void {
  if (deps.signal.aborted) throw new InterruptedError(signalName(deps.signal), { hint: 'stopped while reading; nothing was changed' });
}

/** The report as -o asks: the JSON or YAML document, or the table (wide or fitting 100 columns). */
function render<R extends Parameters<typeof renderLifecycleDocument>[0]>(report: R, options: GlobalOptions, deps: CliDeps, table: (report: R, view: TableView) => string): string {
  if (options.output === 'json' || options.output === 'yaml') return renderLifecycleDocument(report, options.output);
  return table(report, { wide: options.output === 'wide', nowMs: deps.now() });
}

/** Where a tool command printed in a hint must go: this run's cluster, namespace, release and access. */
function targetOf(options: GlobalOptions, kube: KubeClient, installation: OpenedInstallation['installation']): CommandTarget {
  return { cluster: clusterFlagsOf(options, kube.contextName), namespace: installation.namespace, release: installation.release, access: options.access };
}

function print(deps: CliDeps, reporter: ProgressReporter, text: string): void {
  reporter.close();
  deps.stdout.write(text);
}

// --- status ---------------------------------------------------------------------------------------------------

export async function runStatusCommand(options: StatusOptions, deps: CliDeps): Promise<StatusReport> {
  return withReporter(options, deps, async (reporter) => {
    const { kube, installation } = await open('status', options, deps, reporter, true);
    const report = await runStatus(installation, options.backupId, lifecycleDeps(options, deps, kube, reporter, installation));
    throwIfInterrupted(deps);
    print(deps, reporter, render(report, options, deps, renderStatusTable));
    const error = statusOutcome(report, targetOf(options, kube, installation));
    if (error) throw error;
    return report;
  });
}

/** 0 COMPLETE; 4 anything that is not restorable; 3 when only unreadable parts stand between us and a verdict. */
function statusOutcome(report: StatusReport, target: CommandTarget): CliError | undefined {
  if (report.verdict === 'COMPLETE') return undefined;
  const why = report.reasons.join('; ');
  if (report.verdict === 'UNKNOWN') {
    return new PreconditionError(`the state of backup ${report.backupId} could not be read in every part: ${why}`, {
      hint: `run ${toolCommand('check', target)} to see which component is not reachable`,
    });
  }
  const hint =
    report.verdict === 'NOT_FOUND'
      ? `no component has a backup with this ID; see ${toolCommand('list', target)}`
      : report.verdict === 'IN_PROGRESS'
        ? 'the backup is still running; ask again later'
        : `this backup cannot be restored; take a new one with ${toolCommand('create', target)}`;
  return new BackupFailedError(`backup ${report.backupId} is ${report.verdict}${why ? `: ${why}` : ''}`, { hint });
}

// --- list -----------------------------------------------------------------------------------------------------

export async function runListCommand(options: ListOptions, deps: CliDeps): Promise<ListReport> {
  return withReporter(options, deps, async (reporter) => {
    const { kube, installation } = await open('list', options, deps, reporter, true);
    const report = await runList(installation, lifecycleDeps(options, deps, kube, reporter, installation), { limit: options.limit });
    throwIfInterrupted(deps);
    print(deps, reporter, render(report, options, deps, renderListTable));
    const failed = report.parts.filter((part) => part.state === 'ERROR');
    if (failed.length > 0) {
      throw new PreconditionError(`the backups of ${failed.map((p) => `${p.part} (${p.message})`).join('; ')} could not be listed`, {
        hint: `the list above misses what those parts hold; run ${toolCommand('check', targetOf(options, kube, installation))}`,
      });
    }
    return report;
  });
}

// --- delete ---------------------------------------------------------------------------------------------------

export async function runDeleteCommand(options: DeleteOptions, deps: CliDeps, io: ConfirmIo): Promise<DeleteReport> {
  // Refuse before any cluster call: a script must not find out after the reads that it cannot go on.
  if (!options.dryRun && !options.yes && !io.interactive) {
    throw new UsageError('delete needs confirmation, but there is no terminal to ask; nothing was deleted', {
      hint: 'pass --yes to delete without asking, or --dry-run to see what would go',
    });
  }
  return withReporter(options, deps, async (reporter) => {
    const { kube, installation } = await open('delete', options, deps, reporter, options.dryRun);
    const selection: DeleteSelection =
      options.ids.length > 0
        ? { kind: 'ids', ids: options.ids }
        : { kind: 'retention', keep: options.keep, olderThanMs: options.olderThanMs, olderThanText: options.olderThanText };
    // A dry run changes nothing; a real one holds the release from planning to the last delete.
    if (options.dryRun) return deleteOpened(options, deps, io, reporter, kube, installation, selection);
    return withReleaseLock({ command: 'delete', options, deps, kube, installation, emit: reporter.emit }, () => deleteOpened(options, deps, io, reporter, kube, installation, selection));
  });
}

async function deleteOpened(
  options: DeleteOptions,
  deps: CliDeps,
  io: ConfirmIo,
  reporter: ProgressReporter,
  kube: KubeClient,
  installation: OpenedInstallation['installation'],
  selection: DeleteSelection,
): Promise<DeleteReport> {
  {
    const session = openPool(lifecycleDeps(options, deps, kube, reporter));
    try {
      const runs = await readRunBook(kube, installation, deps.now());
      const plan = await planDelete(installation, selection, session, { access: options.access, cluster: clusterFlagsOf(options, kube.contextName), nowMs: deps.now(), runs });
      const renderReport = (report: DeleteReport): string => render(report, options, deps, renderDeleteTable);
      if (options.dryRun || plan.targets.length === 0) {
        const report = plannedDeleteReport(plan, 'PLANNED');
        print(deps, reporter, renderReport(report));
        return report;
      }
      if (!options.yes) {
        reporter.close();
        deps.stderr.write(renderDeleteTable(plannedDeleteReport(plan, 'PLANNED'), { wide: options.output === 'wide', nowMs: deps.now() }));
        const ids = plan.targets.map((t) => t.backupId);
        const agreed = await io.confirm(
          `Delete ${ids.length} backup(s) (${ids.length > 5 ? `${ids.slice(0, 5).join(', ')}, …` : ids.join(', ')}) of release ${installation.release} in namespace ${installation.namespace}? [y/N] `,
          deps.signal,
        );
        if (!agreed) {
          const report = plannedDeleteReport(plan, 'CANCELLED');
          print(deps, reporter, renderReport(report));
          deps.stderr.write('cancelled: nothing was deleted\n');
          return report;
        }
      }
      if (deps.signal.aborted) throw new InterruptedError(signalName(deps.signal), { hint: 'nothing was deleted' });
      const report = await executeDelete(plan, session, {
        emit: reporter.emit,
        signal: deps.signal,
        pruneRecord: (ids) => pruneRunRecord(kube.configMaps, installation, ids),
      });
      print(deps, reporter, renderReport(report));
      const failures = report.backups.flatMap((entry) => entry.parts.filter((p) => p.state === 'FAILED').map((p) => `${entry.backupId}/${p.part}: ${p.message ?? 'failed'}`));
      if (deps.signal.aborted) throw new InterruptedError(signalName(deps.signal), { hint: 'some backups were not deleted; see the report' });
      if (failures.length > 0) {
        throw new BackupFailedError(`deletion failed for ${failures.length} part(s): ${failures.join('; ')}`, {
          hint: 'the other parts were deleted; run the same delete again once the component answers',
        });
      }
      return report;
    } finally {
      await session.close();
    }
  }
}

// --- check ----------------------------------------------------------------------------------------------------

export async function runCheckCommand(options: CheckOptions, deps: CliDeps): Promise<CheckReport> {
  return withReporter(options, deps, async (reporter) => {
    const { backup, kube: client } = await openCluster(options, deps, reporter.emit);
    // check only reads: every call it makes, to Kubernetes and through it, stops at Ctrl-C.
    const kube = client.withSignal(deps.signal);
    const report = await runCheck(
      {
        access: options.access,
        cluster: clusterFlagsOf(options, kube.contextName),
        discovery: discoveryOptionsOf(options, kube),
        maxBackupAgeMs: options.maxBackupAgeMs,
        nowMs: deps.now(),
      },
      {
        kube,
        discover: backup.discoverInstallation,
        connect: connectorFor(options, deps, kube, reporter.emit),
        emit: reporter.emit,
        signal: deps.signal,
        runs: (installation) => readRunBook(kube, installation, deps.now()),
        unfinishedRestore: async (installation) => {
          const place = installation ?? { namespace: kube.namespace, release: (await findCamundaRelease(kube, kube.namespace, options.release)).release.name };
          const target = { cluster: clusterFlagsOf(options, kube.contextName), ...place, access: options.access, installation: installationFlagsOf(options) };
          return unfinishedRestoreCheckItem(await readUnfinishedRestore(kube.configMaps, place), target);
        },
      },
    );
    // Stopped: the checks that were cut short would read as failures ("SIGINT"); there is no verdict to print.
    throwIfInterrupted(deps);
    print(deps, reporter, render(report, options, deps, renderCheckList));
    if (report.result === 'FAIL') {
      const failed = report.checks.filter((item) => item.status === 'FAIL');
      throw new PreconditionError(`check failed: ${failed.map((item) => `${item.title}: ${item.message}`).join('; ')}`, {
        hint: 'the checklist above says how to fix each failure',
      });
    }
    return report;
  });
}

// --- resume ---------------------------------------------------------------------------------------------------

export async function runResumeCommand(options: ResumeOptions, deps: CliDeps): Promise<ResumeReport> {
  return withReporter(options, deps, async (reporter) => {
    const { kube, installation } = await open('resume', options, deps, reporter, false);
    return withReleaseLock({ command: 'resume', options, deps, kube, installation, emit: reporter.emit }, () => resumeOpened(options, deps, reporter, kube, installation));
  });
}

async function resumeOpened(options: ResumeOptions, deps: CliDeps, reporter: ProgressReporter, kube: KubeClient, installation: OpenedInstallation['installation']): Promise<ResumeReport> {
  const lifecycle = lifecycleDeps(options, deps, kube, reporter);
  const pool = openPool(lifecycle);
  let result: Awaited<ReturnType<typeof runResume>>;
  try {
    // The brokers are read back after a 204 (inside runResume): a 204 on one gateway is the cluster's word, the
    // brokers are the proof. kube also lets the resume fail over to another Ready pod behind the Service.
    result = await runResume(
      installation,
      { connect: lifecycle.connect, pool, kube, emit: reporter.emit, signal: deps.signal, now: deps.now },
      { access: options.access, cluster: clusterFlagsOf(options, kube.contextName), timing: { ...DEFAULT_RESUME_TIMING, timeoutMs: options.resumeTimeoutMs } },
    );
  } finally {
    await pool.close();
  }
  const report: ResumeReport = {
    schemaVersion: 1,
    command: 'resume',
    ...headerOf(installation, options.access),
    ...result,
    warnings: [...installation.warnings, ...result.warnings],
  };
  print(deps, reporter, render(report, options, deps, renderResumeText));
  if (!result.resumed) {
    if ((options.output === 'json' || options.output === 'yaml') && result.resumeCommand) deps.stderr.write(`Resume it by hand:\n${result.resumeCommand.split('\n').map((l) => `    ${l}`).join('\n')}\n`);
    if (result.stopped && deps.signal.aborted) {
      throw new InterruptedError(signalName(deps.signal), {
        hint: 'resuming was stopped: Zeebe exporting may STILL BE PAUSED; brokers keep filling their disks until it is resumed: run the command printed above',
      });
    }
    throw new CleanupFailedError(`Zeebe exporting could NOT be resumed: ${result.message ?? 'no answer'}`, {
      hint: 'brokers keep filling their disks while exporting is paused; run the command printed above',
    });
  }
  return report;
}
