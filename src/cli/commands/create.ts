/**
 * `kubectl camunda-backup create`: options → Kubernetes client → discovery (read-only) → plan → dry run or run →
 * report on stdout → the exit code, carried by the error thrown for anything but a completed backup.
 */
import type { CommandModule } from 'yargs';
import type { CreatePlan } from '../../backup/take/create.js';
import type { BackupReport } from '../../backup/take/report.js';
import { BackupFailedError, CleanupFailedError, InterruptedError, UsageError } from '../../errors.js';
import type { CliError } from '../../errors.js';
import { formatDuration } from '../../format-duration.js';
import { renderStillPausedWarning } from '../../output/still-paused-warning.js';
import type { CliDeps } from '../cli-deps.js';
import type { GlobalArgs, OutputFormat } from '../global-options.js';
import type { CreateArgs, CreateCommandOptions } from './create-options.js';
import { clusterFlagsOf } from '../../kube/cluster-flags.js';
import { connectorFor, openInstallation, signalName } from './open-installation.js';
import { buildPlannedReport } from './planned-report.js';
import { RESUME_TIMEOUT_OPTION } from './resume-timeout-option.js';
import { createCommandReporter } from './command-reporter.js';
import { GLOBAL_OPTIONS_LINE } from './lifecycle-help.js';

/** kubectl-style examples (comment, then command) read better than yargs' two-column table at 80-110 columns. */
const EXAMPLES: readonly (readonly [string, string])[] = [
  ['Back up the Camunda release in namespace camunda through port-forwards', '$0 create -n camunda'],
  ['Show every call, in order, without changing anything', '$0 create -n camunda --dry-run'],
  ['Run curl inside the pods and print the report as JSON', '$0 create -n camunda --access exec -o json'],
  ['Choose the context, the backup ID and allow an hour', '$0 create --context prod -n camunda --backup-id 1748937221 --timeout 1h'],
  ['Run the calls from a pod of your own that has curl', '$0 create -n camunda --access exec --exec-pod curl'],
];

const CREATE_EPILOG = [
  'Examples:',
  ...EXAMPLES.map(([what, command]) => `  # ${what}\n  ${command}\n`),
  'Exit codes:',
  '  0        completed',
  '  2, 3     bad input, environment not as needed (nothing was changed); 3 also when another run',
  '           holds the release or exporting is already paused',
  '  4        backup failed (exporting was resumed)',
  '  5        cleanup failed: exporting may still be paused, run the printed command',
  '           (resuming is retried with back-off for --resume-timeout first)',
  '  128+n    stopped by signal n: 130 SIGINT, 143 SIGTERM, 129 SIGHUP, 131 SIGQUIT, … (exporting was resumed)',
  '           a second signal while resuming gives up: exporting may still be paused, run the printed command',
  '',
  GLOBAL_OPTIONS_LINE,
].join('\n');

export function createCommand(deps: CliDeps): CommandModule<GlobalArgs, CreateArgs> {
  return {
    command: 'create',
    describe: 'Take a consistent backup of a Camunda 8 installation (web apps, then Zeebe)',
    builder: (yargs) =>
      yargs
        .option('backup-id', {
          type: 'string',
          requiresArg: true,
          describe: 'Backup ID, a positive integer higher than every earlier Zeebe backup (default: current unix time)',
        })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Print every call the backup would make, in order, and change nothing' })
        .option('timeout', { type: 'string', default: '30m', requiresArg: true, describe: 'Give up after this long, e.g. 90s, 30m, 1h (at most 24h); bounds discovery, then the backup run' })
        .option('poll-interval', { type: 'string', default: '2s', requiresArg: true, describe: 'Longest wait between two status polls (polling starts faster; at least 500ms)' })
        .option('web-modeler', { type: 'boolean', default: false, describe: 'Also dump the Web Modeler database (automatic when Web Modeler is enabled in the release)' })
        .option('web-modeler-output', { type: 'string', requiresArg: true, describe: 'File for the Web Modeler dump (default: web-modeler-<backupId>.sql)' })
        .option('force', { type: 'boolean', default: false, describe: 'Start even when Zeebe exporting is already paused (only when you know no other backup runs)' })
        .option('resume-timeout', RESUME_TIMEOUT_OPTION)
        .group(['backup-id', 'dry-run', 'timeout', 'poll-interval', 'force', 'resume-timeout'], 'Backup:')
        .group(['web-modeler', 'web-modeler-output'], 'Web Modeler:')
        .epilog(CREATE_EPILOG),
    handler: async (argv) => {
      const { parseCreateOptions } = await import('./create-options.js');
      await runCreateCommand(parseCreateOptions(argv, deps.now()), deps);
    },
  };
}

/** The create flow after validation. Prints the report in every case; throws for any outcome but COMPLETED. */
async function runCreateCommand(options: CreateCommandOptions, deps: CliDeps): Promise<void> {
  const reporter = createCommandReporter(options, deps);
  // --timeout bounds discovery too (a hung API call), then the backup run gets its own --timeout from its start.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error(`timed out after ${formatDuration(options.timeoutMs)} (--timeout)`)), options.timeoutMs);
  try {
    // Web Modeler has no backup API: when discovery finds it, the plan ends with a dump of its database (§3.6).
    const { backup, kube, installation } = await openInstallation(options, deps, { webModeler: options.webModeler }, AbortSignal.any([deps.signal, deadline.signal]), reporter.emit, 'create').finally(() =>
      clearTimeout(timer),
    );
    const plan = backup.buildCreatePlan(installation, {
      backupId: options.backupId,
      timeoutMs: options.timeoutMs,
      pollIntervalMs: options.pollIntervalMs,
      access: options.access,
      cluster: clusterFlagsOf(options, kube.contextName),
      webModelerOutput: options.webModelerOutput,
      resumeTimeoutMs: options.resumeTimeoutMs,
    });
    if (plan.procedure === 'rdbms' && options.backupIdGiven) {
      // Zeebe refuses a predetermined ID in continuous mode; dropping the user's ID silently would break scripts keyed on it.
      throw new UsageError(`--backup-id ${options.backupId} cannot be used with release ${plan.release}: with RDBMS secondary storage Zeebe runs continuous backups and generates the backup ID itself`, {
        hint: 'run create without --backup-id; the report shows the ID the cluster chose',
      });
    }
    for (const message of plan.warnings) reporter.emit({ kind: 'warning', message });

    if (options.dryRun) {
      // A dry run changes nothing, so it goes on during an unfinished restore; the real run would refuse.
      const { unfinishedRestoreWarning } = await import('./unfinished-restore.js');
      const restoreWarning = await unfinishedRestoreWarning(kube, options, installation);
      if (restoreWarning) reporter.emit({ kind: 'warning', message: `${restoreWarning} (create refuses to run until then)` });
      const report = buildPlannedReport(plan, backup.describeCreatePlan(plan), new Date(deps.now()).toISOString());
      reporter.close();
      deps.stdout.write(await renderReport(report, options.output));
      return;
    }
    if (deps.signal.aborted) {
      throw new InterruptedError(signalName(deps.signal), { hint: 'stopped before the backup started; nothing was changed' });
    }

    const connect = connectorFor(options, deps, kube, reporter.emit);
    // One changing run per release (the Lease), and none while exporting is already paused.
    const [{ refuseWhenExportingPaused, withReleaseLock }, { leaseAnnotationsFor, openRunRecorder }, { holderIdentity }] = await Promise.all([
      import('./release-lock.js'),
      import('../../backup/run-record-store.js'),
      import('../../kube/release-lease.js'),
    ]);
    // The Lease names the ID, so status and list can tell this run is alive while the run record says RUNNING.
    const annotations = plan.procedure === 'rdbms' ? undefined : leaseAnnotationsFor(plan.backupId);
    const report = await withReleaseLock({ command: 'create', options, deps, kube, installation, emit: reporter.emit, annotations }, async (locked) => {
      await refuseWhenExportingPaused({ options, kube, installation, connect, emit: reporter.emit, signal: deps.signal, force: options.force });
      const record = openRunRecorder({
        configMaps: kube.configMaps,
        namespace: installation.namespace,
        release: installation.release,
        by: holderIdentity('create'),
        timeoutMs: options.timeoutMs,
        locked,
        warn: (message) => reporter.emit({ kind: 'warning', message }),
      });
      return backup.runCreatePlan(plan, { connect, emit: reporter.emit, signal: deps.signal, giveUp: deps.giveUp, now: deps.now, kube, record });
    });
    reporter.close();
    deps.stdout.write(await renderReport(report, options.output));
    if (report.state === 'CLEANUP_FAILED' && report.exporting.resumed === false) {
      deps.stderr.write(renderStillPausedWarning(report, plan.resumeCommand));
    }
    const error = outcomeError(report, { signal: deps.signal, giveUp: deps.giveUp, backupIdGiven: options.backupIdGiven, plan });
    if (error) throw error;
  } finally {
    reporter.close();
  }
}

/** The report as -o asks; loaded only now, so that --help does not load the table and YAML modules. */
async function renderReport(report: BackupReport, output: OutputFormat): Promise<string> {
  if (output === 'json' || output === 'yaml') {
    const { renderSummaryDocument } = await import('../../output/summary-json.js');
    return renderSummaryDocument(report, output);
  }
  const { renderSummaryTable } = await import('../../output/summary-table.js');
  return renderSummaryTable(report, { wide: output === 'wide' });
}

interface OutcomeContext {
  readonly signal: AbortSignal;
  /** Aborted by the second signal, which gives up retrying the resume. */
  readonly giveUp?: AbortSignal | undefined;
  readonly backupIdGiven: boolean;
  readonly plan?: Pick<CreatePlan, 'resumeCommand'> | undefined;
}

/** The error that carries a run's exit code (4, 5, 128 + a signal's number), or undefined for a completed (or planned) run. */
function outcomeError(report: BackupReport, context: OutcomeContext): CliError | undefined {
  const why = report.error ? `: ${report.error.message}` : '';
  const backup = report.backupId === null ? 'backup' : `backup ${report.backupId}`;
  const cleanUp = report.leftBehind?.deleteCommand ? `; delete what it left (not restorable): ${report.leftBehind.deleteCommand}` : '';
  switch (report.state) {
    case 'COMPLETED':
    case 'PLANNED':
      return undefined;
    case 'FAILED':
      return new BackupFailedError(`${backup} failed${why}`, {
        hint: `${report.exporting.paused ? 'exporting was resumed. ' : ''}Fix the cause and run create again${context.backupIdGiven ? ' with a higher --backup-id' : ''}${cleanUp}`,
      });
    case 'CLEANUP_FAILED':
      if (report.exporting.resumed === false && context.giveUp?.aborted) {
        // The person gave up the retries: the signal's exit code, and the same loud words as a failed resume.
        return new InterruptedError(signalName(context.giveUp), {
          hint: 'Zeebe exporting is STILL PAUSED: resuming was given up; resume it now with the command printed above',
        });
      }
      if (report.exporting.resumed === false) {
        return new CleanupFailedError(`Zeebe exporting is STILL PAUSED: resuming it failed${why}`, {
          hint: 'resume it now with the command printed above; brokers keep filling their disks while exporting is paused',
        });
      }
      return new CleanupFailedError(`cleanup after the backup failed${why}`, { hint: `see the report above for what needs attention${cleanUp}` });
    case 'INTERRUPTED':
      return new InterruptedError(signalName(context.signal), {
        hint:
          (report.exporting.paused
            ? report.exporting.resumed
              ? 'exporting was resumed; the backup is incomplete'
              : 'exporting may still be paused; see the report above'
            : 'the backup is incomplete; exporting was not paused') + cleanUp,
      });
  }
}
