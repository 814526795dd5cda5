// `npm run bench`: the speed targets of issue 3, measured (not asserted) against the simulated cluster.
//  (a) how long exporting stays paused beyond the simulated snapshot + Zeebe backup time   target <= 300 ms
//  (b) total wall time of `create` against the docs' procedure as a shell script            target <= 0.5x
//  (c) cold start of `--help`                                                                 target <= 200 ms median
// Usage: npm run bench [-- --runs 5] [-- --json]
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWorld } from '../dist/test-world.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'kubectl-camunda_backup');
const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1] ?? 0) || 3;
const asJson = argv.includes('--json');

/** Fixed simulated durations (ms): a small installation whose backups take seconds, not minutes. */
const durations = { webapps: 2_000, optimize: 1_500, zeebe: 1_000, snapshot: 500 };

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function run(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-2_000)}`));
    });
  });
}

/** Paused window from what the Zeebe simulator saw: pause request → resume request. */
function pausedWindowMs(world) {
  const pause = world.log.find((e) => e.method === 'POST' && e.path.includes('/exporting/pause'));
  const resume = world.log.find((e) => e.method === 'POST' && e.path.includes('/exporting/resume'));
  if (!pause || !resume) throw new Error('no pause/resume in the request log');
  return resume.at - pause.at;
}

async function withWorld(fn) {
  const world = await startWorld({ resources: 'demo-8.7', durations });
  try {
    return await fn(world);
  } finally {
    await world.stop();
  }
}

async function measureTool(access) {
  return withWorld(async (world) => {
    const wallMs = await run(process.execPath, [cli, 'create', '--access', access, '-o', 'json'], world.env);
    const paused = pausedWindowMs(world);
    return { wallMs, pausedMs: paused, pausedOverheadMs: paused - (durations.snapshot + durations.zeebe) };
  });
}

async function measureDocsScript() {
  return withWorld(async (world) => {
    const url = (role, port) => {
      const pod = world.sims.pods.find((p) => p.role === role && p.ports[port]);
      if (!pod) throw new Error(`no ${role} pod with port ${port}`);
      return `http://127.0.0.1:${pod.ports[port]}`;
    };
    const id = Math.floor(Date.now() / 1000);
    const args = [id, url('optimize', 8092), url('operate', 9600), url('tasklist', 9600), url('zeebe-gateway', 9600), url('elasticsearch', 9200), 'camunda-backup'];
    const wallMs = await run('bash', [join(root, 'scripts', 'bench', 'docs-procedure.sh'), ...args.map(String)]);
    const paused = pausedWindowMs(world);
    return { wallMs, pausedMs: paused, pausedOverheadMs: paused - (durations.snapshot + durations.zeebe) };
  });
}

async function measureStartup() {
  const samples = { 'node -e 0': [], 'kubectl-camunda_backup --help': [] };
  for (let i = 0; i < 15; i++) {
    samples['node -e 0'].push(await run(process.execPath, ['-e', '0']));
    samples['kubectl-camunda_backup --help'].push(await run(process.execPath, [cli, '--help']));
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, Math.round(median(values))]));
}

const results = { runs, durations, tool: {}, docsScript: undefined, startupMedianMs: undefined };
for (const access of ['port-forward', 'exec']) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await measureTool(access));
  results.tool[access] = {
    wallMs: Math.round(median(samples.map((s) => s.wallMs))),
    pausedMs: Math.round(median(samples.map((s) => s.pausedMs))),
    pausedOverheadMs: Math.round(median(samples.map((s) => s.pausedOverheadMs))),
  };
}
const docs = [];
for (let i = 0; i < Math.min(runs, 2); i++) docs.push(await measureDocsScript());
results.docsScript = {
  wallMs: Math.round(median(docs.map((s) => s.wallMs))),
  pausedMs: Math.round(median(docs.map((s) => s.pausedMs))),
  pausedOverheadMs: Math.round(median(docs.map((s) => s.pausedOverheadMs))),
};
results.startupMedianMs = await measureStartup();

if (asJson) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  const ratio = (ms) => (ms / results.docsScript.wallMs).toFixed(2);
  const lines = [
    `Simulated durations: web apps ${durations.webapps} ms, Optimize ${durations.optimize} ms, zeebe-record snapshot ${durations.snapshot} ms, Zeebe ${durations.zeebe} ms; median of ${runs} runs.`,
    '',
    'run                      wall time   vs docs script   exporting paused   paused beyond snapshot+Zeebe (target <= 300 ms)',
  ];
  for (const [access, r] of Object.entries(results.tool)) {
    lines.push(`create --access ${access.padEnd(12)} ${String(r.wallMs).padStart(6)} ms   ${ratio(r.wallMs).padStart(10)}x   ${String(r.pausedMs).padStart(12)} ms   ${String(r.pausedOverheadMs).padStart(10)} ms`);
  }
  const d = results.docsScript;
  lines.push(`docs script (sleep 5)     ${String(d.wallMs).padStart(6)} ms   ${'1.00'.padStart(10)}x   ${String(d.pausedMs).padStart(12)} ms   ${String(d.pausedOverheadMs).padStart(10)} ms`);
  lines.push('', `--help cold start, median of 15 (target <= 200 ms): ${results.startupMedianMs['kubectl-camunda_backup --help']} ms (node -e 0: ${results.startupMedianMs['node -e 0']} ms)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
