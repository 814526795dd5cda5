// `npm run demo`: starts the simulated cluster from test/world/resources (no shared fixtures needed), then runs a real
// `kubectl camunda-backup` command against it through the fake Kubernetes API server. Builds first only when the build
// is older than the sources. The CLI's stdout is passed through untouched (so `-o json` pipes into jq); everything the
// demo says itself goes to stderr, ending with what the simulated cluster saw of exporting.
//
// Usage: npm run demo [-- [command] [demo flags] [CLI flags…]]
//   command            create (default), status, list, delete, check, resume
//   --resources NAME   resource set under test/world/resources (demo-8.7, demo-8.8, …; default demo-8.7)
//   --scenario NAME    webapp-fails | snapshot-fails | interrupt | left-paused (see SCENARIOS below)
//   --log              print the requests the simulated components received, in order
//   --slow             components take seconds, not fractions of one: watch the live progress lines (in a log or
//                      with CI=true, the heartbeat lines; CAMUNDA_BACKUP_HEARTBEAT=2s shows them sooner)
//   any other flag goes to the CLI (`--access exec`, `-o json`, `--keep 1`, …)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line = '') => process.stderr.write(`${line}\n`);

const COMMANDS = ['create', 'status', 'list', 'delete', 'check', 'resume'];
/** Failure scenarios: faults set on the simulated cluster before the command runs, and what to expect. */
const SCENARIOS = {
  'webapp-fails': {
    about: 'a web-app backup ends FAILED: the run stops with exit 4 and exporting is resumed (or was never paused on 8.6/8.7)',
    faults: (world) => {
      const kind = world.sims.backups.webapps ? 'webapps' : 'operate';
      world.faults.outcome[kind] = { state: 'FAILED', failureReason: 'simulated: snapshot failed on a data node', count: 1 };
    },
  },
  'snapshot-fails': {
    about: 'the zeebe-record snapshot fails after exporting was paused: exit 4, exporting resumed',
    faults: (world) => {
      world.faults.snapshot.push({ state: 'FAILED', nameContains: 'zeebe_records', count: 1 });
    },
  },
  interrupt: {
    about: 'Ctrl-C (SIGINT) arrives while the Zeebe backup runs: exporting is resumed, exit 130',
    interruptOn: (entry) => entry.method === 'POST' && /\/actuator\/(backups|backupRuntime)(\?|$)/.test(entry.path) && /zeebe|orchestration/.test(entry.component),
  },
  'left-paused': {
    about: 'a crashed earlier run left exporting paused: `check` reports it, `resume` ends it',
    paused: true,
  },
};

function parseArgs(argv) {
  const args = [...argv];
  const take = (flag) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args.splice(at, 2)[1] : undefined;
  };
  const resources = take('--resources') ?? 'demo-8.7';
  const scenario = take('--scenario');
  const logAt = args.indexOf('--log');
  const showLog = logAt >= 0;
  if (showLog) args.splice(logAt, 1);
  const slowAt = args.indexOf('--slow');
  const slow = slowAt >= 0;
  if (slow) args.splice(slowAt, 1);
  const command = COMMANDS.includes(args[0]) ? args.shift() : 'create';
  if (scenario !== undefined && !(scenario in SCENARIOS)) {
    say(`demo: unknown --scenario ${scenario}; one of ${Object.keys(SCENARIOS).join(', ')}`);
    process.exit(2);
  }
  return { resources, scenario, showLog, slow, command, cliArgs: args };
}

/** Newest modification time below a path (files only), 0 when absent. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** Build when the bundles are missing or older than anything they are built from. */
function buildIfStale() {
  const outputs = [join(root, 'dist', 'cli', 'main.mjs'), join(root, 'dist', 'test-world.mjs')];
  const built = Math.min(...outputs.map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0)));
  const sources = Math.max(...['src', join('test', 'world'), join('scripts', 'build.mjs'), 'package.json'].map((p) => newest(join(root, p))));
  if (built > sources) return;
  say(built === 0 ? 'demo: building the CLI (first run)…' : 'demo: sources changed since the last build; building…');
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: ['ignore', 2, 2] });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** What the demo has to say about the run once it ended. */
const afterRun = [];

function runCli(world, args, { quiet = false, interruptOn } = {}) {
  const child = spawn(process.execPath, [join(root, 'bin', 'kubectl-camunda_backup'), ...args], {
    env: { ...process.env, ...world.env },
    stdio: quiet ? 'ignore' : 'inherit',
  });
  let watcher;
  if (interruptOn) {
    const seen = world.log.length;
    watcher = setInterval(() => {
      if (world.log.slice(seen).some(interruptOn)) {
        clearInterval(watcher);
        // Said after the run: a line written now would land among the CLI's live progress lines on a terminal,
        // which redraw over it. The CLI's own "SIGINT received" line marks the moment.
        afterRun.push('demo: sent SIGINT (as Ctrl-C would) while the Zeebe backup ran');
        child.kill('SIGINT');
      }
    }, 20);
  }
  return new Promise((resolve) =>
    child.on('close', (exitCode, signal) => {
      clearInterval(watcher);
      resolve(exitCode ?? (signal ? 128 : 1));
    }),
  );
}

/** Backups for the operating commands to show: one complete, one failed in a web app, one complete and newest. */
async function seedBackups(world, access) {
  const base = Math.floor(Date.now() / 1000) - 3 * 86_400;
  const ids = [base, base + 86_400, base + 2 * 86_400];
  say(`demo: taking backups ${ids.join(', ')} first (the middle one with a failed web-app backup)…`);
  for (const [index, id] of ids.entries()) {
    if (index === 1) SCENARIOS['webapp-fails'].faults(world);
    await runCli(world, ['create', '--backup-id', String(id), ...access], { quiet: true });
  }
  return ids;
}

/** The pause window as the simulated Zeebe saw it: first pause request to the last resume request after it. */
function pausedWindow(log) {
  const exporting = (op) => log.filter((e) => e.method === 'POST' && e.path.startsWith(`/actuator/exporting/${op}`));
  const pause = exporting('pause')[0];
  if (!pause) return undefined;
  const resume = exporting('resume').filter((e) => e.at >= pause.at).at(-1);
  return resume ? resume.at - pause.at : undefined;
}

const options = parseArgs(process.argv.slice(2));
buildIfStale();
const { startWorld } = await import('../dist/test-world.mjs');
/** --slow: long enough to see elapsed times and the paused window count up. */
const SLOW_DURATIONS = { webapps: 8_000, optimize: 6_000, zeebe: 5_000, snapshot: 2_000 };
const world = await startWorld({ resources: options.resources, ...(options.slow ? { durations: SLOW_DURATIONS } : {}) });
// Ctrl-C reaches the CLI through the terminal's process group; keep the simulated cluster alive until it exits.
process.on('SIGINT', () => {});

const scenario = options.scenario ? SCENARIOS[options.scenario] : undefined;
say(`Simulated cluster "${options.resources}" is up: fake API server ${world.api.url}, namespace ${world.namespace}.`);
if (scenario) say(`Scenario ${options.scenario}: ${scenario.about}.`);

const accessAt = options.cliArgs.indexOf('--access');
const access = accessAt >= 0 ? options.cliArgs.slice(accessAt, accessAt + 2) : [];
const cliArgs = [...options.cliArgs];
if (['status', 'list', 'delete'].includes(options.command)) {
  const ids = await seedBackups(world, access);
  const hasTarget = cliArgs.some((a) => /^\d+$/.test(a) || a === '--keep' || a === '--older-than');
  if (options.command === 'status' && !hasTarget) cliArgs.unshift(String(ids[1]));
  if (options.command === 'delete' && !hasTarget) cliArgs.unshift(String(ids[0]));
  if (options.command === 'delete' && !cliArgs.includes('--yes') && !cliArgs.includes('-y') && !process.stdin.isTTY) cliArgs.push('--yes');
}
// As a run killed with SIGKILL after its pause would leave it: soft-paused, which survives restarts.
if (scenario?.paused) world.sims.zeebe?.pause(true);
scenario?.faults?.(world);
const logStart = world.log.length;

say(`$ KUBECONFIG=${world.kubeconfigPath} kubectl camunda-backup ${[options.command, ...cliArgs].join(' ')}\n`);
const code = await runCli(world, [options.command, ...cliArgs], { interruptOn: scenario?.interruptOn });
const runLog = world.log.slice(logStart);

if (options.showLog) {
  const start = runLog[0]?.at ?? 0;
  say('\nWhat the simulated components received, in order:');
  for (const entry of runLog) {
    say(`  +${String(entry.at - start).padStart(5)}ms  ${entry.component.padEnd(14)} ${entry.method.padEnd(6)} ${entry.path}  → ${entry.status}`);
  }
}

const window = pausedWindow(runLog);
const pausedNow = world.sims.zeebe?.isPaused() ?? false;
say('');
afterRun.forEach((line) => say(line));
say(`demo: \`${options.command}\` exited ${code}.`);
say(
  `demo: the simulated Zeebe saw ${window === undefined ? 'no pause in this run' : `exporting paused for ${(window / 1000).toFixed(2)} s`}; ` +
    `exporting is ${pausedNow ? 'STILL PAUSED' : 'not paused'} now.${options.showLog ? '' : ' (--log shows every request)'}`,
);
await world.stop();
process.exitCode = code;
