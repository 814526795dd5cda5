/**
 * The entry point and the only code that touches the process: argv, stdout/stderr, signals and the exit code.
 * Everything else gets its dependencies from here (CliDeps).
 */
import { constants } from 'node:os';
import { hideBin } from 'yargs/helpers';
import { ExitCode, exitCodeFor, messageOf } from '../errors.js';
import { formatError } from '../output/format-error.js';
import { redactSecrets } from '../output/redact.js';
import type { createConnector as CreateConnector } from '../reach/connector.js';
import type { CliDeps } from './cli-deps.js';
import { VERBOSITY, verbosityOfArgv } from './global-options.js';
import { runCommandLine } from './parser.js';

/** Set by the esbuild bundle from package.json; undefined when running from source. */
declare const CLI_VERSION: string | undefined;

/** After the result is out, leftover handles (a socket client-node did not close) must not keep the process alive. */
const EXIT_GRACE_MS = 2_000;

/**
 * Every signal whose default action would end the process and that Node lets a program handle: each one stops a
 * run like Ctrl-C does (exporting resumed first), and the exit code is 128 + its number (README "Exit codes").
 * - SIGUSR1 is included although Node would open its debugger on it instead: that debugger listens without
 *   authentication on 127.0.0.1:9229 in a process that holds cluster credentials. Debug with `node --inspect`.
 * - Left out: SIGKILL and SIGSTOP (cannot be caught); SIGILL, SIGBUS, SIGFPE, SIGSEGV, SIGABRT, SIGTRAP and SIGSYS
 *   (a broken process, where Node says running JavaScript is unsafe); SIGPIPE and SIGXFSZ (Node ignores them, the
 *   failed write reports instead); SIGPROF (V8's CPU profiler samples with it).
 * - Windows knows only SIGINT (Ctrl-C), SIGBREAK (Ctrl-Break) and SIGHUP (console window closed; Windows ends the
 *   process about 10 s later).
 */
const TERMINATING_SIGNALS: readonly NodeJS.Signals[] = (
  process.platform === 'win32'
    ? (['SIGINT', 'SIGBREAK', 'SIGHUP', 'SIGTERM'] as const)
    : (['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGVTALRM', 'SIGXCPU', 'SIGIO', 'SIGPWR', 'SIGSTKFLT'] as const)
).filter((signal) => signal in constants.signals);

async function main(): Promise<void> {
  const argv = hideBin(process.argv);
  const verbose = verbosityOfArgv(argv) >= VERBOSITY.apiRequests;
  const controller = new AbortController();
  const giveUp = new AbortController();
  let signals = 0;
  let finished = false;

  // First signal: abort, so the runner resumes exporting (if it paused it) and reports what it did. Later ones:
  // keep cleaning up, because dying now could leave exporting paused. Only the report knows what was changed, so
  // the line printed here promises nothing about exporting.
  const onSignal = (signal: NodeJS.Signals): void => {
    // Everything is printed and the exit code set; only leftover handles are keeping the process up.
    if (finished) process.exit();
    signals += 1;
    if (signals === 1) {
      process.stderr.write(`\n${signal} received: stopping; exporting is resumed before exit if this run paused it…\n`);
      controller.abort(signal);
    } else {
      // A resume still being retried gives up now and says loudly how to resume by hand; other cleanups go on.
      process.stderr.write(`${signal} received: still stopping; the tool exits as soon as its cleanup is done (a resume being retried gives up after its current attempt)\n`);
      if (!giveUp.signal.aborted) giveUp.abort(signal);
    }
  };
  const listeners = TERMINATING_SIGNALS.map((signal) => [signal, (): void => onSignal(signal)] as const);
  // A stray error in a socket callback must not kill a run that may have paused exporting; report and go on.
  const onStray = (error: unknown): void => {
    process.stderr.write(redactSecrets(`warning: unexpected error outside the run: ${verbose && error instanceof Error ? (error.stack ?? error.message) : messageOf(error)}\n`));
  };
  // `… | head` closing stdout early must not stop a run before it resumed exporting.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : onStray(error)));
  // Nor stderr closing (`2>&1 | head`): unheard, its error would reach onStray, whose write fails again, a loop
  // that starves the event loop so the resume never goes out. There is nowhere left to report it.
  process.stderr.on('error', () => undefined);
  for (const [signal, listener] of listeners) process.on(signal, listener);
  process.on('unhandledRejection', onStray);
  process.on('uncaughtException', onStray);

  // A connector needs a Kubernetes client, so the connector module (node:http, WebSockets) loads with the client
  // instead of with --help; createConnector stays synchronous for the commands.
  let connectorFactory: typeof CreateConnector | undefined;
  const deps: CliDeps = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
    giveUp: giveUp.signal,
    now: Date.now,
    // Loaded on first use: client-node alone would double the start-up time of --help.
    createKubeClient: async (options) => {
      const [{ createKubeClient }, { createConnector }] = await Promise.all([import('../kube/create-kube-client.js'), import('../reach/connector.js')]);
      connectorFactory = createConnector;
      return createKubeClient(options);
    },
    createConnector: (...args) => {
      if (!connectorFactory) throw new Error('internal error: createConnector called before createKubeClient');
      return connectorFactory(...args);
    },
    loadBackupApi: async () => {
      const [{ discoverInstallation }, { buildCreatePlan, describeCreatePlan, runCreatePlan }] = await Promise.all([
        import('../camunda/discover.js'),
        import('../backup/take/create.js'),
      ]);
      return { discoverInstallation, buildCreatePlan, describeCreatePlan, runCreatePlan };
    },
  };
  const version = typeof CLI_VERSION === 'string' ? CLI_VERSION : 'dev';

  try {
    await runCommandLine(deps, version, argv);
    process.exitCode = ExitCode.Ok;
  } catch (error) {
    process.stderr.write(formatError(error, { verbose }));
    process.exitCode = exitCodeFor(error);
  } finally {
    finished = true;
    setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
  }
}

void main();
