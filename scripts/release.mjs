// Builds the krew release: the esbuild bundle, a Node single-executable per platform, .tar.gz/.zip archives with
// sha256, and plugin.yaml rendered from its template so the hashes always match what was built.
//
//   node scripts/release.mjs [--skip-build] [--bundle file.cjs] [--targets linux_amd64,windows_amd64]
//
// --bundle embeds another CommonJS bundle (implies --skip-build); it needs its .map beside it for the notices.
//
// Env: RELEASE_BASE_URL (archive download prefix), RELEASE_HOMEPAGE, RELEASE_CACHE_DIR (default .cache),
// RELEASE_NODE_VERSION (default in scripts/release/targets.mjs; a version without a PINNED entry there is a trial:
// its packages are recorded, not checked), SOURCE_DATE_EPOCH (archive mtimes),
// RELEASE_CODE_CACHE=0 (no V8 code cache in the linux/amd64 binary: slower start, bit-reproducible archive).
// Output: dist/release/{<archives>, sha256sums.txt, release.json, plugin.yaml, sea-prep.blob, stage/<os>_<arch>/}. Nothing
// outside dist/ is written: the manifest's hashes change with every build (the linux/amd64 code cache differs), so
// the repository keeps only the template (scripts/release/plugin.template.yaml) and a build never dirties the tree.
import process from 'node:process';
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { archiveFileName, binFileName, NODE_VERSION, OMITTED, TARGETS, targetId } from './release/targets.mjs';
import { extractMember, nodeBinaryFor, packNodePackage } from './release/node-binaries.mjs';
import { ensureTools } from './release/tools.mjs';
import { buildExecutable, makeBlob } from './release/sea.mjs';
import { SIZE_BUDGET, sha256File, sizeOf, writeTarGz, writeZip } from './release/archive.mjs';
import { renderManifest } from './release/manifest.mjs';
import { renderNotices } from './release/notices.mjs';
import { hasCommand, run } from './release/exec.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    'skip-build': { type: 'boolean', default: false },
    bundle: { type: 'string' },
    targets: { type: 'string' },
  },
});

const started = Date.now();
const step = (msg) => process.stderr.write(`[release ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const cacheDir = process.env.RELEASE_CACHE_DIR ?? join(root, '.cache');
const nodeCache = join(cacheDir, 'node-bin');
const outDir = join(root, 'dist', 'release');
const bundle = opts.bundle ? resolve(opts.bundle) : join(root, 'dist', 'kubectl-camunda_backup.cjs');

const wanted = opts.targets?.split(',').map((s) => s.trim());
const unknown = wanted?.filter((id) => !TARGETS.some((t) => targetId(t) === id)) ?? [];
if (unknown.length > 0) {
  throw new Error(`unknown target(s) ${unknown.join(', ')}; known: ${TARGETS.map(targetId).join(', ')}`);
}
const targets = wanted ? TARGETS.filter((t) => wanted.includes(targetId(t))) : TARGETS;

if (process.platform !== 'linux' || process.arch !== 'x64') {
  throw new Error('the release is built on linux x64: the SEA blob is made by the Node linux-x64 binary');
}

if (!opts['skip-build'] && !opts.bundle) {
  step('bundling (scripts/build.mjs)');
  run(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root });
}
if (!existsSync(bundle)) throw new Error(`${relative(root, bundle)} is missing: run npm run build`);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

step(`tools and Node ${NODE_VERSION} binaries (cache: ${relative(root, cacheDir) || cacheDir})`);
const tools = ensureTools(cacheDir);
const hostTarget = TARGETS.find((t) => t.os === 'linux' && t.arch === 'amd64');
if (!hostTarget) throw new Error('linux/amd64 target missing from targets.mjs');
const hostNode = nodeBinaryFor(nodeCache, hostTarget, NODE_VERSION);
// Same license for every platform of a version; only the linux packages ship the file.
const nodeLicense = extractMember(
  packNodePackage(nodeCache, hostTarget.npmPackage, NODE_VERSION).tarball,
  'package/LICENSE',
  join(nodeCache, `${hostTarget.npmPackage}-${NODE_VERSION}`),
);

step('SEA blobs');
const portableBlob = makeBlob(hostNode.path, bundle, join(outDir, 'work'));
// The host target's blob is made by the binary it is injected into, so V8 accepts its code cache.
// V8's code cache is not byte-for-byte deterministic: RELEASE_CODE_CACHE=0 gives reproducible archives instead.
const hostBlob =
  process.env.RELEASE_CODE_CACHE === '0' ? portableBlob : makeBlob(hostNode.path, bundle, join(outDir, 'work'), { codeCache: true });
const notices = renderNotices({ bundle, nodeLicense, nodeVersion: NODE_VERSION });

/** @type {{ target: import('./release/targets.mjs').Target, archive: string, sha256: string, size: number, binSize: number, nodePackage: string, integrity: string, nodeSha256: string, pinned: boolean, codeCache: boolean, signature: string, smoke: string }[]} */
const built = [];
for (const target of targets) {
  const id = targetId(target);
  step(`${id}: Node binary`);
  const node = nodeBinaryFor(nodeCache, target, NODE_VERSION);
  const stage = join(outDir, 'stage', id);
  const exe = join(stage, binFileName(target));
  step(`${id}: inject`);
  const blob = target.codeCache && target === hostTarget ? hostBlob : portableBlob;
  buildExecutable({ target, nodeBinary: node.path, blob, out: exe, tools });
  copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
  writeFileSync(join(stage, 'THIRD_PARTY_NOTICES'), notices);
  const smoke = smokeTest(target, exe);
  step(`${id}: archive (${smoke})`);
  const files = [binFileName(target), 'LICENSE', 'THIRD_PARTY_NOTICES'];
  const archive = join(outDir, archiveFileName(target));
  if (target.archive === 'zip') writeZip(stage, files, archive);
  else writeTarGz(stage, files, archive);
  built.push({
    target,
    archive: archiveFileName(target),
    sha256: await sha256File(archive),
    size: sizeOf(archive),
    binSize: sizeOf(exe),
    nodePackage: node.pkg,
    integrity: node.integrity,
    nodeSha256: node.sha256,
    pinned: node.pinned,
    codeCache: blob === hostBlob,
    signature: target.sign ?? 'none',
    smoke,
  });
}
// The blob every target but the host carries, kept for the tests that check it is embedded byte for byte.
copyFileSync(portableBlob, join(outDir, 'sea-prep.blob'));
rmSync(join(outDir, 'work'), { recursive: true, force: true });

const manifest = renderManifest({
  templatePath: join(root, 'scripts', 'release', 'plugin.template.yaml'),
  version,
  built,
});
writeFileSync(join(outDir, 'plugin.yaml'), manifest);
const complete = targets.length === TARGETS.length;

writeFileSync(join(outDir, 'sha256sums.txt'), built.map((b) => `${b.sha256}  ${b.archive}\n`).join(''));
writeFileSync(
  join(outDir, 'release.json'),
  `${JSON.stringify(
    {
      version,
      node: NODE_VERSION,
      complete,
      sizeBudgetBytes: SIZE_BUDGET,
      targets: built.map(({ target, ...rest }) => ({ os: target.os, arch: target.arch, ...rest })),
      omitted: OMITTED,
      // What the manifest was rendered with, so a test can render the template again and compare.
      manifestEnv: Object.fromEntries(['RELEASE_BASE_URL', 'RELEASE_HOMEPAGE'].filter((k) => process.env[k]).map((k) => [k, process.env[k]])),
    },
    null,
    2,
  )}\n`,
);

const mb = (n) => (n / 1e6).toFixed(1);
const print = (line) => process.stdout.write(`${line}\n`);
print('');
print('platform        archive                                            size MB  binary MB  smoke');
for (const b of built) {
  print(
    `${`${b.target.os}/${b.target.arch}`.padEnd(15)} ${b.archive.padEnd(50)} ${mb(b.size).padStart(7)}${
      b.size > SIZE_BUDGET ? ' OVER' : ''
    }  ${mb(b.binSize).padStart(9)}  ${b.smoke}`,
  );
}
for (const o of OMITTED) print(`${`${o.os}/${o.arch}`.padEnd(15)} not shipped: ${o.reason}`);
print('');
print(
  `dist/release/plugin.yaml written${complete ? '' : ' (partial: only the targets built)'}; ` +
    `done in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);

/**
 * Runs the executable where this machine can: natively for linux/amd64, under qemu-user for linux/arm64 and under
 * Wine for windows/amd64 when those are installed. The darwin executables are checked structurally by
 * buildExecutable only (darwin/arm64 with its signature); running them needs a Mac.
 * @param {import('./release/targets.mjs').Target} target
 * @param {string} exe
 */
function smokeTest(target, exe) {
  /** @type {{ bin: string, pre: string[], env: NodeJS.ProcessEnv, via: string } | null} */
  let launcher = null;
  if (target.os === 'linux' && target.arch === 'amd64') launcher = { bin: exe, pre: [], env: process.env, via: '' };
  else if (target.os === 'linux' && target.arch === 'arm64') {
    if (!hasCommand('qemu-aarch64-static') || !existsSync('/usr/aarch64-linux-gnu/lib')) {
      return 'not run: needs qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross';
    }
    launcher = { bin: 'qemu-aarch64-static', pre: ['-L', '/usr/aarch64-linux-gnu', exe], env: process.env, via: ' under qemu' };
  } else if (target.os === 'windows') {
    const wine = wineCommand();
    if (!wine) return 'structural checks only (wine64 not installed)';
    launcher = { bin: wine.bin, pre: [exe], env: wine.env, via: ' under Wine' };
  }
  if (!launcher) return target.sign ? `structural checks and ${target.sign} signature verified; not run` : 'structural checks only';
  const { bin, pre, env, via } = launcher;

  const shown = runCaptured(bin, [...pre, '--version'], env);
  if (shown.status !== 0 || shown.out !== version || shown.err !== '') {
    throw new Error(`${targetId(target)}: --version failed (exit ${shown.status}): ${shown.out}\n${shown.err}`);
  }
  // A command that loads the Kubernetes client, against a cluster that refuses: exit 3 with the CLI's own error and
  // no runtime warning (Node 22 warns on deprecated built-ins the bundle may pull in, e.g. punycode).
  const kubeconfig = join(outDir, 'work', 'refused.kubeconfig');
  writeFileSync(
    kubeconfig,
    'apiVersion: v1\nkind: Config\ncurrent-context: x\n' +
      'clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]\n' +
      'users: [{ name: u, user: { token: t } }]\n' +
      'contexts: [{ name: x, context: { cluster: c, user: u, namespace: ns } }]\n',
  );
  const refused = runCaptured(bin, [...pre, 'create', '--kubeconfig', kubeconfig], env);
  if (refused.status !== 3 || !refused.err.startsWith('error: ') || /\(node:\d+\)|Warning:/.test(refused.err)) {
    throw new Error(`${targetId(target)}: create against a refused cluster: exit ${refused.status}, stderr:\n${refused.err}`);
  }
  return `ran${via}: --version, create vs refused cluster (exit 3, no warnings)`;
}

/**
 * Runs to completion with stdio in files, not pipes: Node under Wine fails to open a pipe as stdout (EBADF).
 * @param {string} bin @param {string[]} args @param {NodeJS.ProcessEnv} env
 */
function runCaptured(bin, args, env) {
  const outFile = join(outDir, 'work', 'smoke.out');
  const errFile = join(outDir, 'work', 'smoke.err');
  const [outFd, errFd] = [openSync(outFile, 'w'), openSync(errFile, 'w')];
  let res;
  try {
    res = spawnSync(bin, args, { stdio: ['ignore', outFd, errFd], timeout: 120_000, env });
  } finally {
    closeSync(outFd);
    closeSync(errFd);
  }
  return {
    status: res.status ?? res.signal,
    out: readFileSync(outFile, 'utf8').trim(),
    err: readFileSync(errFile, 'utf8').trim(),
  };
}

/** Wine with its own prefix in the cache, set to Windows 10 (Node 22 refuses the default Windows 7). */
function wineCommand() {
  const bin = ['/usr/lib/wine/wine64', '/usr/bin/wine64', '/usr/bin/wine'].find((p) => existsSync(p));
  if (!bin) return null;
  const prefix = join(cacheDir, 'wine');
  const env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all' };
  const marker = join(prefix, '.win10');
  if (!existsSync(marker)) {
    spawnSync(bin, ['winecfg', '/v', 'win10'], { env, stdio: 'ignore', timeout: 300_000 });
    writeFileSync(marker, '');
  }
  return { bin, env };
}
