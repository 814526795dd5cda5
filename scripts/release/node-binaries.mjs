// Node binaries for each target, taken from the registry's node-<os>-<arch> packages with `npm pack`
// (npm checks the registry's integrity hash). Tarballs and extracted binaries are cached, so reruns are fast.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './exec.mjs';

/**
 * @param {string} cacheDir e.g. <repo>/.cache/node-bin
 * @param {string} pkg registry package name
 * @param {string} version exact version
 * @returns {{ tarball: string, integrity: string }}
 */
export function packNodePackage(cacheDir, pkg, version) {
  mkdirSync(cacheDir, { recursive: true });
  const tarball = join(cacheDir, `${pkg}-${version}.tgz`);
  const meta = `${tarball}.json`;
  if (existsSync(tarball) && existsSync(meta)) {
    return { tarball, integrity: JSON.parse(readFileSync(meta, 'utf8')).integrity };
  }
  const out = run('npm', ['pack', `${pkg}@${version}`, '--pack-destination', cacheDir, '--json'], {
    quiet: true,
  });
  const [info] = JSON.parse(out);
  if (!info || info.filename !== `${pkg}-${version}.tgz`) {
    throw new Error(`npm pack ${pkg}@${version} returned an unexpected tarball: ${info?.filename}`);
  }
  writeFileSync(meta, JSON.stringify({ name: pkg, version, integrity: info.integrity }, null, 2));
  return { tarball, integrity: info.integrity };
}

/**
 * Extracts one file of a package tarball (once) and returns its path.
 * @param {string} tarball
 * @param {string} member path inside the tarball
 * @param {string} destDir
 */
export function extractMember(tarball, member, destDir) {
  const dest = join(destDir, member);
  if (existsSync(dest)) return dest;
  const tmp = `${destDir}.partial`;
  mkdirSync(tmp, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', tmp, member]);
  mkdirSync(join(dest, '..'), { recursive: true });
  renameSync(join(tmp, member), dest);
  return dest;
}

/**
 * @param {string} cacheDir
 * @param {import('./targets.mjs').Target} target
 * @param {string} version
 */
export function nodeBinaryFor(cacheDir, target, version) {
  const { tarball, integrity } = packNodePackage(cacheDir, target.npmPackage, version);
  const path = extractMember(tarball, target.nodePath, join(cacheDir, `${target.npmPackage}-${version}`));
  return { path, tarball, integrity, pkg: `${target.npmPackage}@${version}` };
}
