// `npm run demo`: starts the simulated cluster from test/world/resources (no shared fixtures needed), then runs a real
// `kubectl camunda-backup create` against it through the fake Kubernetes API server, and shows what the components saw.
// Usage: npm run demo [-- --resources demo-8.8] [-- --access exec] [extra create flags…]
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWorld } from '../dist/test-world.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const resourcesFlag = args.indexOf('--resources');
const resources = resourcesFlag >= 0 ? args.splice(resourcesFlag, 2)[1] : 'demo-8.7';

const world = await startWorld({ resources });
process.stderr.write(`Simulated cluster "${resources}" is up: fake API server ${world.api.url}, namespace ${world.namespace}.\n`);
process.stderr.write(`$ KUBECONFIG=${world.kubeconfigPath} kubectl camunda-backup create ${args.join(' ')}\n\n`);

const child = spawn(process.execPath, [join(root, 'bin', 'kubectl-camunda_backup'), 'create', ...args], {
  env: { ...process.env, ...world.env },
  stdio: 'inherit',
});
// Ctrl-C reaches the CLI through the terminal's process group; keep the simulated cluster alive until it exits.
process.on('SIGINT', () => {});
const code = await new Promise((resolve) => child.on('close', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1))));

const start = world.log[0]?.at ?? 0;
process.stderr.write('\nWhat the simulated components received, in order:\n');
for (const entry of world.log) {
  process.stderr.write(`  +${String(entry.at - start).padStart(5)}ms  ${entry.component.padEnd(14)} ${entry.method.padEnd(6)} ${entry.path}  → ${entry.status}\n`);
}
await world.stop();
process.exitCode = code;
