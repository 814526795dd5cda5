// Child-process helpers for the release scripts: fail loudly with the command's own stderr.
import process from 'node:process';
import { spawnSync } from 'node:child_process';

/**
 * Runs a command to completion; returns stdout. Throws with stderr when it fails.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, quiet?: boolean, input?: string | Buffer }} [opts]
 */
export function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (res.error) {
    const hint = /** @type {NodeJS.ErrnoException} */ (res.error).code === 'ENOENT' ? ` (is ${cmd} installed?)` : '';
    throw new Error(`${cmd}: ${res.error.message}${hint}`);
  }
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${res.status ?? res.signal}\n${res.stderr}${res.stdout}`);
  }
  if (!opts.quiet && res.stderr.trim()) process.stderr.write(res.stderr);
  return res.stdout;
}

/** @param {string} cmd */
export function hasCommand(cmd) {
  const res = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return res.status === 0;
}
