#!/usr/bin/env node
// Builds the simulator images of the container tier locally (no registry is reachable, nothing is pulled):
// FROM scratch + Node from the registry's node-linux-<arch> package + the glibc libraries it links + the bundled
// simulators (test/container/sim-entry.ts); a second image adds the host's curl and its libraries.
// Tags carry a hash of everything that goes into the images, so an unchanged build is skipped.
//
//   node scripts/container-images.mjs           build if needed, print the two tags
//   node scripts/container-images.mjs --json    same, as one JSON object on stdout (what the tests read)
//   node scripts/container-images.mjs --force   build even when the tags exist
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Node 22 LTS, the line the krew binaries use; the tarball cache is shared with scripts/release. */
export const NODE_VERSION = process.env.CONTAINER_NODE_VERSION ?? '22.23.3';
export const IMAGE_BASE = 'camunda-backup-sim';
export const IMAGE_CURL = 'camunda-backup-sim-curl';
const CURL = '/usr/bin/curl';

const cacheDir = join(root, '.cache');
const nodeBinDir = join(cacheDir, 'node-bin');
const workDir = join(cacheDir, 'container');

function sh(file, args, options = {}) {
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function nodePackage() {
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
  if (!arch || process.platform !== 'linux') throw new Error(`container images need a linux x64/arm64 host, not ${process.platform}/${process.arch}`);
  return `node-linux-${arch}`;
}

/** The Node binary of the registry package (npm checks the tarball's integrity), extracted once. */
function nodeBinary() {
  const pkg = nodePackage();
  const tarball = join(nodeBinDir, `${pkg}-${NODE_VERSION}.tgz`);
  if (!existsSync(tarball)) {
    mkdirSync(nodeBinDir, { recursive: true });
    sh('npm', ['pack', `${pkg}@${NODE_VERSION}`, '--pack-destination', nodeBinDir, '--silent']);
    if (!existsSync(tarball)) throw new Error(`npm pack ${pkg}@${NODE_VERSION} did not produce ${tarball}`);
  }
  const binary = join(workDir, `${pkg}-${NODE_VERSION}`, 'node');
  if (!existsSync(binary)) {
    mkdirSync(workDir, { recursive: true });
    const tmp = mkdtempSync(join(workDir, 'node-'));
    sh('tar', ['-xzf', tarball, '-C', tmp, 'package/bin/node']);
    mkdirSync(dirname(binary), { recursive: true });
    try {
      renameSync(join(tmp, 'package', 'bin', 'node'), binary);
    } catch (error) {
      if (!existsSync(binary)) throw error; // another run got there first
    }
    rmSync(tmp, { recursive: true, force: true });
  }
  return binary;
}

/** Shared libraries a dynamically linked binary loads, as absolute paths (ld.so included). */
function sharedLibraries(binary) {
  const out = sh('ldd', [binary]);
  const libs = new Set();
  for (const line of out.split('\n')) {
    const match = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
    if (match?.[1]) libs.add(match[1]);
  }
  if (libs.size === 0) throw new Error(`ldd found no libraries for ${binary}:\n${out}`);
  return [...libs].sort();
}

async function bundleSimulators() {
  const result = await build({
    entryPoints: [join(root, 'test/container/sim-entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    write: false,
    legalComments: 'none',
    // CommonJS dependencies (selfsigned, …) call require(); an ESM bundle has to provide it.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'error',
  });
  const file = result.outputFiles?.[0];
  if (!file) throw new Error('esbuild produced no bundle');
  return Buffer.from(file.contents);
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** sha256 of a big file, remembered by size and mtime so the Node binary is read once. */
function fileHash(path) {
  const memoPath = join(workDir, 'hashes.json');
  let memo = {};
  try {
    memo = JSON.parse(readFileSync(memoPath, 'utf8'));
  } catch {
    // first run
  }
  const { size, mtimeMs } = statSync(path);
  const known = memo[path];
  if (known && known.size === size && known.mtimeMs === mtimeMs) return known.sha;
  const sha = sha256(readFileSync(path));
  memo[path] = { size, mtimeMs, sha };
  mkdirSync(workDir, { recursive: true });
  writeFileSync(memoPath, JSON.stringify(memo, null, 2));
  return sha;
}

/** Every file of the two root filesystems: image path → where it comes from (a host path or a Buffer). */
async function layers() {
  const node = nodeBinary();
  const nodeLibs = sharedLibraries(node);
  if (!existsSync(CURL)) throw new Error(`${CURL} is missing: install Debian's curl (apt-get install -y curl), the image with curl copies it`);
  const curlLibs = sharedLibraries(CURL).filter((lib) => !nodeLibs.includes(lib));
  const base = new Map([['usr/local/bin/node', node], ['app/sim.mjs', await bundleSimulators()], ...nodeLibs.map((lib) => [lib.slice(1), lib])]);
  const curl = new Map([['usr/bin/curl', CURL], ...curlLibs.map((lib) => [lib.slice(1), lib])]);
  return { base, curl };
}

function contentHash(dockerfile, { base, curl }) {
  const hash = createHash('sha256').update(dockerfile);
  for (const [name, files] of [['base', base], ['curl', curl]]) {
    for (const [path, source] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
      hash.update(`\0${name}/${path}\0${typeof source === 'string' ? fileHash(source) : sha256(source)}`);
    }
  }
  return hash.digest('hex').slice(0, 16);
}

function imageExists(tag) {
  return spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], { stdio: 'ignore' }).status === 0;
}

function writeTree(dir, files) {
  for (const [path, source] of files) {
    const dest = join(dir, path);
    mkdirSync(dirname(dest), { recursive: true });
    if (typeof source === 'string') copyFileSync(source, dest);
    else writeFileSync(dest, source);
    chmodSync(dest, typeof source === 'string' ? statSync(source).mode & 0o777 : 0o644);
  }
}

function dockerBuild(context, target, tag) {
  const result = spawnSync('docker', ['build', '--quiet', '--target', target, '--tag', tag, context], { encoding: 'utf8', env: { ...process.env, DOCKER_CLI_HINTS: 'false' } });
  if (result.status !== 0) throw new Error(`docker build --target ${target} failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
}

/** Older tags of our images, left by earlier builds; an image still in use stays (docker refuses). */
function pruneOldTags(repository, keep) {
  const tags = sh('docker', ['images', repository, '--format', '{{.Repository}}:{{.Tag}}']).split('\n').filter((t) => t && t !== keep);
  for (const tag of tags) spawnSync('docker', ['rmi', tag], { stdio: 'ignore' });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** One build at a time on this machine (test files start in parallel); a lock whose owner died is taken over. */
async function withBuildLock(fn) {
  const lock = join(workDir, 'build.lock');
  mkdirSync(workDir, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let owner = 0;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // being created right now
      }
      if (owner && !alive(owner)) rmSync(lock, { recursive: true, force: true });
      else await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Makes sure both images exist and returns their tags.
 * @param {{ force?: boolean, log?: (line: string) => void }} [options]
 * @returns {Promise<{ base: string, curl: string, built: boolean, ms: number, nodeVersion: string }>}
 */
export async function ensureSimImages(options = {}) {
  return withBuildLock(() => buildIfNeeded(options));
}

async function buildIfNeeded(options) {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const dockerfilePath = join(root, 'test/container/images/Dockerfile');
  const dockerfile = readFileSync(dockerfilePath);
  const files = await layers();
  const hash = contentHash(dockerfile, files);
  const tags = { base: `${IMAGE_BASE}:${hash}`, curl: `${IMAGE_CURL}:${hash}` };
  const built = options.force === true || !imageExists(tags.base) || !imageExists(tags.curl);
  if (built) {
    log(`building ${tags.base} and ${tags.curl}`);
    mkdirSync(workDir, { recursive: true });
    const context = mkdtempSync(join(workDir, 'context-'));
    try {
      copyFileSync(dockerfilePath, join(context, 'Dockerfile'));
      writeTree(join(context, 'base'), files.base);
      // The simulators write a kubeconfig and certificates below os.tmpdir().
      mkdirSync(join(context, 'base', 'tmp'));
      chmodSync(join(context, 'base', 'tmp'), 0o1777);
      writeTree(join(context, 'curl'), files.curl);
      dockerBuild(context, 'base', tags.base);
      dockerBuild(context, 'curl', tags.curl);
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
    pruneOldTags(IMAGE_BASE, tags.base);
    pruneOldTags(IMAGE_CURL, tags.curl);
  } else {
    log(`images up to date: ${tags.base}, ${tags.curl}`);
  }
  return { ...tags, built, ms: Date.now() - started, nodeVersion: NODE_VERSION };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const json = process.argv.includes('--json');
  const force = process.argv.includes('--force');
  try {
    const result = await ensureSimImages({ force, log: (line) => process.stderr.write(`container-images: ${line}\n`) });
    process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${result.base}\n${result.curl}\n`);
  } catch (error) {
    process.stderr.write(`container-images: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
