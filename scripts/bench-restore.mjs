// `npm run bench:restore`: the restore's own overhead (issue 12 item 10), measured (not asserted) against the
// simulated cluster with fixed simulated durations of the work a restore waits for: each snapshot restore, and the
// restore application on the brokers (in parallel). Kubernetes itself is fast here (pods start and stop in tens of
// milliseconds), so whatever the run takes beyond the simulated work is the tool's: discovery, the checks, the plan,
// scaling and waiting, index deletion, log reading, undoing restore mode, verification.
//   target: overhead <= 10% of the simulated work
// The yardstick, run in the same process against a world set up the same way: the docs' procedure as a shell script
// (scripts/bench/docs-restore.sh: kubectl, the docs' curl calls, `sleep 5` loops). Output judges both ratios.
// Usage: npm run bench:restore [-- --runs 3] [-- --json] [-- --indices 300]
//   --indices N: N more dated zeebe-record indices in the backup (a long-running installation has hundreds); the
//   tool's round trips must grow with the work (requests' worth of names), not with the number of indices.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexStateOf, startWorld } from '../dist/test-world.mjs';
import { median } from './bench/median.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'kubectl-camunda_backup');
const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1] ?? 0) || 2;
const asJson = argv.includes('--json');
const extraIndices = argv.includes('--indices') ? Number(argv[argv.indexOf('--indices') + 1]) || 0 : 0;

/** Fixed simulated durations (ms): each snapshot's restore, and the restore application on a broker. */
/** A small installation: real snapshot restores take from seconds to hours, a broker's download from S3 minutes. */
const SNAPSHOT_RESTORE_MS = 5_000;
const BROKER_RESTORE_MS = 20_000;
/** The backup itself is only the starting point: fast. Kubernetes: quick pods; the kubelet's real 10 s back-off. */
const durations = { webapps: 100, optimize: 100, zeebe: 100, snapshot: 50, restore: BROKER_RESTORE_MS };
const workloadTiming = { startMs: 20, readyMs: 40, terminateMs: 40, backoffMs: 10_000, maxBackoffMs: 300_000 };
const TARGET = 0.1;
const RESOURCES = 'demo-8.8';
const REPOSITORY = 'camunda-backup';

/** Runs a command; `firstChangeMs`: when its progress first named a changing step (the tool's "• Stop …" line). */
function run(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    let firstChangeMs;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (firstChangeMs === undefined && /^\S+ Stop /m.test(stderr)) firstChangeMs = performance.now() - started;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve({ ms, stdout, firstChangeMs });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-3_000)}`));
    });
  });
}

/** A world with one complete backup taken by `create`, and the fixed restore durations set. */
async function withBackup(fn) {
  const world = await startWorld({ resources: RESOURCES, durations, workloadTiming });
  try {
    // One exporter index per value type and day: N days' worth of one type.
    for (let i = 0; i < extraIndices; i++) world.sims.search.indices.push(`zeebe-record_job_8.8.0_${new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)}`);
    const created = await run(process.execPath, [cli, 'create', '-n', world.namespace, '-o', 'json'], world.env);
    const backupId = JSON.parse(created.stdout).backupId;
    const search = indexStateOf(world.sims.search);
    search.restoreDurationMs = SNAPSHOT_RESTORE_MS;
    return await fn(world, backupId, search);
  } finally {
    await world.stop();
  }
}

/** The simulated work of one restore: every snapshot restored one after the other, then the brokers (in parallel). */
const simulatedWorkMs = (search) => search.restores.length * SNAPSHOT_RESTORE_MS + BROKER_RESTORE_MS;

/**
 * The round trips one restore run made: calls the search engine received (each one `kubectl exec … curl` in exec
 * mode, one port-forwarded request otherwise) and requests the API server received, with the ones that cost most.
 */
function roundTrips(world, logFrom, requestsFrom) {
  const searchCalls = world.log.slice(logFrom).filter((e) => e.component === 'elasticsearch' || e.component === 'opensearch');
  const requests = world.api.requests.slice(requestsFrom);
  const byMethod = (list) => Object.fromEntries([...new Set(list.map((e) => e.method))].sort().map((m) => [m, list.filter((e) => e.method === m).length]));
  const rest = requests.filter((r) => r.kind === 'rest');
  return {
    search: { total: searchCalls.length, ...byMethod(searchCalls) },
    api: {
      total: requests.length,
      exec: requests.filter((r) => r.kind === 'exec').length,
      portforward: requests.filter((r) => r.kind === 'portforward').length,
      rest: rest.length,
      journalWrites: rest.filter((r) => r.method !== 'GET' && /\/configmaps(\/[^/]*-camunda-restore)?$/.test(r.path)).length,
      podLogReads: rest.filter((r) => r.method === 'GET' && /\/pods\/[^/]+\/log$/.test(r.path)).length,
    },
  };
}

async function measureTool(access) {
  return withBackup(async (world, backupId, search) => {
    const logFrom = world.log.length;
    const requestsFrom = world.api.requests.length;
    const { ms, firstChangeMs } = await run(process.execPath, [cli, 'restore', String(backupId), '-n', world.namespace, '--access', access, '--yes'], world.env);
    return { wallMs: ms, beforeFirstChangeMs: firstChangeMs ?? 0, snapshots: search.restores.length, workMs: simulatedWorkMs(search), roundTrips: roundTrips(world, logFrom, requestsFrom), indices: search.restores.reduce((n, r) => n + r.indices.length, 0) };
  });
}

async function measureDocsScript() {
  return withBackup(async (world, backupId, search) => {
    const pod = world.sims.pods.find((p) => p.role === 'elasticsearch' && p.ports[9200]);
    if (!pod) throw new Error('no Elasticsearch pod');
    const es = `http://127.0.0.1:${pod.ports[9200]}`;
    const { ms } = await run('bash', [join(root, 'scripts', 'bench', 'docs-restore.sh'), String(backupId), es, REPOSITORY, world.namespace, 'camunda'], world.env);
    return { wallMs: ms, snapshots: search.restores.length, workMs: simulatedWorkMs(search) };
  });
}

function summary(samples) {
  const wallMs = Math.round(median(samples.map((s) => s.wallMs)));
  const workMs = Math.round(median(samples.map((s) => s.workMs)));
  const beforeFirstChangeMs = samples[0].beforeFirstChangeMs === undefined ? undefined : Math.round(median(samples.map((s) => s.beforeFirstChangeMs)));
  return {
    wallMs,
    workMs,
    snapshots: samples[0].snapshots,
    overheadMs: wallMs - workMs,
    overheadRatio: Number(((wallMs - workMs) / workMs).toFixed(3)),
    beforeFirstChangeMs,
    ...(samples[0].roundTrips ? { roundTrips: samples[0].roundTrips, indicesRestored: samples[0].indices } : {}),
  };
}

const results = { runs, resources: RESOURCES, extraIndices, snapshotRestoreMs: SNAPSHOT_RESTORE_MS, brokerRestoreMs: BROKER_RESTORE_MS, workloadTiming, tool: {}, docsScript: undefined, target: TARGET };
for (const access of ['port-forward', 'exec']) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await measureTool(access));
  results.tool[access] = summary(samples);
}
const docs = [];
for (let i = 0; i < Math.min(runs, 2); i++) docs.push(await measureDocsScript());
results.docsScript = summary(docs);
for (const r of Object.values(results.tool)) {
  r.vsDocs = Number((r.wallMs / results.docsScript.wallMs).toFixed(2));
  r.verdict = r.overheadRatio <= TARGET ? 'PASS' : 'FAIL';
}

if (asJson) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const d = results.docsScript;
  const lines = [
    `Restore of one backup (${RESOURCES}, ${d.snapshots} snapshots): simulated work = ${d.snapshots} x ${SNAPSHOT_RESTORE_MS} ms snapshot restores + ${BROKER_RESTORE_MS} ms broker restore = ${s(d.workMs)}; median of ${runs} runs.`,
    '',
    'run                          wall time   overhead   overhead / work (target <= 10%)   vs docs script',
  ];
  for (const [access, r] of Object.entries(results.tool)) {
    lines.push(
      `restore --access ${access.padEnd(12)} ${s(r.wallMs).padStart(9)}  ${s(r.overheadMs).padStart(9)}   ${`${(r.overheadRatio * 100).toFixed(1)}%`.padStart(7)}  ${r.verdict.padEnd(24)} ${`${r.vsDocs.toFixed(2)}x`.padStart(6)}`,
    );
  }
  lines.push(`docs script (sleep 5)        ${s(d.wallMs).padStart(9)}  ${s(d.overheadMs).padStart(9)}   ${`${(d.overheadRatio * 100).toFixed(1)}%`.padStart(7)}  ${'(yardstick)'.padEnd(24)} ${'1.00x'.padStart(6)}`);
  lines.push('', "Where the tool's overhead goes:");
  for (const [access, r] of Object.entries(results.tool)) {
    lines.push(`  ${access}: ${s(r.beforeFirstChangeMs)} before the first change (start-up, discovery, checks, plan), ${s(r.overheadMs - r.beforeFirstChangeMs)} while it runs (steps, journal, waits, verification)`);
  }
  lines.push('', `Round trips of one run (${results.tool['port-forward']?.indicesRestored ?? '?'} indices restored from ${d.snapshots} snapshots):`);
  const counts = (o) => Object.entries(o).filter(([k]) => k !== 'total').map(([k, v]) => `${v} ${k}`).join(', ');
  for (const [access, r] of Object.entries(results.tool)) {
    const { search, api } = r.roundTrips;
    lines.push(`  ${access}: ${search.total} search-engine calls (${counts(search)}); ${api.total} API-server requests (${counts(api)})`);
  }
  const failed = Object.entries(results.tool).filter(([, r]) => r.verdict !== 'PASS');
  lines.push('', failed.length === 0 ? `Verdict: PASS, the tool's overhead is within ${TARGET * 100}% of the simulated work in both access modes.` : `Verdict: FAIL for ${failed.map(([a]) => a).join(', ')}: overhead above ${TARGET * 100}% of the simulated work.`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
