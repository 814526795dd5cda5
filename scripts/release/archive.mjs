// Reproducible archives: fixed mtimes, owners and order, so the same binaries give the same sha256.
import process from 'node:process';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { hasCommand, run } from './exec.mjs';

/** SOURCE_DATE_EPOCH when set (reproducible-builds convention), else a fixed date. */
export function archiveEpoch() {
  const fromEnv = Number(process.env.SOURCE_DATE_EPOCH);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 1704067200; // 2024-01-01T00:00:00Z
}

/**
 * @param {string} dir directory holding the files
 * @param {string[]} files names inside dir, stored flat
 * @param {string} out .tar.gz path
 */
export function writeTarGz(dir, files, out) {
  rmSync(out, { force: true });
  const tar = `${out}.tar`;
  run('tar', [
    '--create',
    '--format=gnu',
    '--sort=name',
    `--mtime=@${archiveEpoch()}`,
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--mode=u+rwX,go+rX,go-w',
    '--file',
    tar,
    '-C',
    dir,
    '--',
    ...files,
  ]);
  utimesSync(tar, archiveEpoch(), archiveEpoch());
  try {
    // GNU gzip, not node:zlib: Node's zlib trades ratio for speed and leaves the Linux archives ~1.2 MB larger
    // (40.1 vs 38.7 MB). -n keeps name and mtime out of the header.
    gzipWith('gzip', ['-9', '-n', '-c', tar], out);
    // 7-Zip's deflate encoder writes a standard gzip ~5% smaller, but takes ~6x as long: only when it matters.
    if (statSync(out).size > SIZE_BUDGET && hasCommand('7z')) {
      rmSync(out);
      run('7z', ['a', '-tgzip', '-mx=9', '-bd', out, tar], { quiet: true });
    }
  } finally {
    rmSync(tar, { force: true });
  }
}

/** Per-archive size target (issue 5: <= 40 MB). */
export const SIZE_BUDGET = 40e6;

/** @param {string} cmd @param {string[]} args @param {string} out */
function gzipWith(cmd, args, out) {
  const fd = openSync(out, 'w');
  try {
    const res = spawnSync(cmd, args, { stdio: ['ignore', fd, 'pipe'] });
    if (res.status !== 0) throw new Error(`${cmd} failed: ${res.error?.message ?? res.stderr}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * @param {string} dir
 * @param {string[]} files
 * @param {string} out .zip path
 */
export function writeZip(dir, files, out) {
  rmSync(out, { force: true });
  const epoch = archiveEpoch();
  for (const f of files) utimesSync(join(dir, f), epoch, epoch);
  // -X: no uid/gid or extended-time extras; -D: no directory entries; entries in the order given.
  run('zip', ['-q', '-X', '-D', '-9', out, '--', ...files], { cwd: dir, env: { ...process.env, TZ: 'UTC' } });
}

/** @param {string} file */
export async function sha256File(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

/** @param {string} file */
export function sizeOf(file) {
  return statSync(file).size;
}
