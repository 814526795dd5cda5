/**
 * `kubectl camunda-backup restore <backupId>`: bring a Camunda 8 installation back from one backup ID, planned first,
 * resumable. The flow lives in restore-run.ts; this module only declares the flags and the help, so that --help
 * loads nothing heavy.
 */
import type { CommandModule } from 'yargs';
import type { CliDeps } from '../cli-deps.js';
import type { GlobalArgs } from '../global-options.js';
import type { RestoreArgs } from './restore-options.js';
import type { RestoreGuard } from './restore-run.js';
import { RESTORE_POLL_INTERVAL_DEFAULT, RESTORE_WAIT_TIMEOUT_DEFAULT } from '../../backup/restore/restore-commands.js';

const EXAMPLES: readonly (readonly [string, string])[] = [
  ['Show what a restore of backup 1748937221 would do, and change nothing', '$0 restore 1748937221 -n camunda --dry-run'],
  ['Restore it (after reading the plan)', '$0 restore 1748937221 -n camunda --yes'],
  ['Restore it and load the Web Modeler dump that create wrote', '$0 restore 1748937221 -n camunda --web-modeler-dump web-modeler-1748937221.sql --yes'],
  ['8.9 on an RDBMS, run 1 of 2: check, then stop every Camunda workload (replicas recorded) before the database is restored', '$0 restore --stop-for-database-restore -n camunda'],
  ['8.9 on an RDBMS, run 2 of 2: the database was restored with its vendor tools; now restore Zeebe and start everything', '$0 restore --database-restored -n camunda --yes'],
  ['Where does the last restore stand?', '$0 restore --status -n camunda'],
  ['Give up an unfinished restore that cannot be finished (start the applications again), then restore another ID', '$0 restore --abandon -n camunda'],
];

const RESTORE_EPILOG = [
  'Order: stop the Camunda applications (replicas recorded); delete Camunda\'s indices by exact name;',
  'restore every snapshot of the ID; delete the Zeebe data PVCs; restore Zeebe through the chart\'s start',
  'script (ZEEBE_RESTORE env, never a command override); remove every restore change; start everything at',
  'its recorded replicas; check exporting and that the backup is listed. Each step is verified before the',
  'next and kept in a journal (ConfigMap <release>-camunda-restore): run the same command again to continue',
  'an interrupted or failed restore. While it is unfinished, create, delete, resume and a restore of another',
  'ID refuse; --abandon gives it up (restore mode off, applications started at their recorded replicas, the',
  'data left as it is) so that another ID can be restored.',
  'With --web-modeler-dump, last: stop Web Modeler, replace its database with the dump in one transaction',
  '(public schema dropped first; a failed or cut-off load changes nothing), start Web Modeler again. The dump',
  'is streamed (progress shows the bytes sent) within --web-modeler-timeout; given to a rerun of a restore',
  'planned without it, the load is added to the journal\'s plan as its last phase.',
  '8.9 on an RDBMS, two runs: --stop-for-database-restore checks while Camunda runs, stops it and exits 0',
  'WAITING_FOR_DATABASE; restore the database with the vendor\'s tools then; --database-restored continues',
  '(it refuses without the first run: the database must be restored while Camunda is stopped).',
  'Not restored: Identity/Keycloak, the RDBMS itself, Web Modeler unless --web-modeler-dump is given.',
  '',
  'Examples:',
  ...EXAMPLES.map(([what, command]) => `  # ${what}\n  ${command}\n`),
  'Exit codes:',
  '  0        restored (or planned with --dry-run, --status shown, abandoned with --abandon; RDBMS first run: Camunda stopped, waiting for the database)',
  '  2        bad input: ID not a positive integer, flags that do not go together, no --yes without a terminal',
  '  3        refused before any change (checks, another restore unfinished, release locked); nothing was changed',
  '  4        failed after changes began: the report names the phase, the cluster state and the command to continue\n           (--abandon: it failed, or a started workload did not get ready)',
  '  5        taking restore mode off failed: run the printed kubectl commands',
  '  130/143  stopped by SIGINT/SIGTERM at a safe point; the report names the phase and the command to continue',
].join('\n');

export function restoreCommand(deps: CliDeps, guard?: RestoreGuard): CommandModule<GlobalArgs, RestoreArgs> {
  return {
    command: 'restore [backupId]',
    describe: 'Restore a Camunda 8 installation from one backup ID (planned first, resumable)',
    builder: (yargs) =>
      yargs
        .positional('backupId', { type: 'string', describe: 'The backup ID to restore (see list)' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan (every workload, index, snapshot and PVC by name) and change nothing' })
        .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'Do not ask for confirmation (needed when stdin is not a terminal)' })
        .option('status', { type: 'boolean', default: false, describe: "Show the release's restore journal: phase, steps done, recorded replicas" })
        .option('abandon', { type: 'boolean', default: false, describe: 'Give up the unfinished restore of the release: take restore mode off, start the applications at their recorded replicas, close the journal (data is left as it is)' })
        .option('stop-for-database-restore', { type: 'boolean', default: false, describe: '8.9 on an RDBMS, run 1 of 2: check, stop every Camunda workload (replicas recorded) and wait for the database to be restored' })
        .option('database-restored', { type: 'boolean', default: false, describe: "8.9 on an RDBMS, run 2 of 2: the database was restored with the vendor's tools while Camunda was stopped; restore Zeebe to match it" })
        .option('to', { type: 'string', requiresArg: true, describe: 'RDBMS mode: restore Zeebe up to this ISO time at most, e.g. 2026-12-06T03:00:00Z' })
        .option('web-modeler-dump', { type: 'string', requiresArg: true, describe: 'Replace the Web Modeler database with this pg_dump file (written by create) once everything else is up; Web Modeler is stopped meanwhile' })
        .option('web-modeler-timeout', { type: 'string', requiresArg: true, describe: 'Longest load of the Web Modeler dump, until psql committed it (default 1h; progress shows the bytes sent)' })
        .option('wait-timeout', { type: 'string', default: RESTORE_WAIT_TIMEOUT_DEFAULT, requiresArg: true, describe: 'Longest wait for pods to stop or get ready, per workload' })
        .option('poll-interval', { type: 'string', default: RESTORE_POLL_INTERVAL_DEFAULT, requiresArg: true, describe: 'Longest wait between two polls (at least 500ms)' })
        .group(['dry-run', 'yes', 'status', 'abandon', 'wait-timeout', 'poll-interval'], 'Restore:')
        .group(['stop-for-database-restore', 'database-restored', 'to'], 'RDBMS (8.9):')
        .group(['web-modeler-dump', 'web-modeler-timeout'], 'Web Modeler:')
        .epilog(RESTORE_EPILOG),
    handler: async (argv) => {
      const [{ parseRestoreOptions }, { runRestoreCommand }, { restoreGuard }, { terminalRestoreConfirm }] = await Promise.all([
        import('./restore-options.js'),
        import('./restore-run.js'),
        import('./restore-guard.js'),
        import('./restore-confirm.js'),
      ]);
      const options = parseRestoreOptions(argv);
      if (options.abandon) {
        const { runAbandonCommand } = await import('./restore-abandon.js');
        return runAbandonCommand(options, deps, terminalRestoreConfirm());
      }
      await runRestoreCommand(options, deps, guard ?? restoreGuard(terminalRestoreConfirm()));
    },
  };
}
