/**
 * The ad-hoc Mach-O signer (scripts/release/macho-sign.mjs) on small synthetic executables, judged by an
 * independently written verifier (test/helpers/macho-adhoc-verifier.ts) and, where installed, by LLVM's Mach-O
 * parser (llvm-objdump, Debian's llvm package). The verifier's teeth are shown on signatures broken the ways real
 * signers broke them. The real darwin/arm64 release binary is checked in release-darwin-arm64.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adHocSign, signatureSize } from '../../scripts/release/macho-sign.mjs';
import { adHocSignatureProblems, parseMachO, readCodeDirectory } from '../helpers/macho-adhoc-verifier.js';
import { SEA_FUSE, syntheticMachO } from '../helpers/synthetic-macho.js';

const ID = 'kubectl-camunda_backup';

function signed(opts: Parameters<typeof syntheticMachO>[0] = {}): { file: Buffer; blob: Buffer; unsigned: Buffer } {
  const { file: unsigned, blob } = syntheticMachO(opts);
  return { file: adHocSign(unsigned, { identifier: ID }), blob, unsigned };
}

function signatureOf(file: Buffer): { dataoff: number; datasize: number; cdAt: number; hashAt: number; nSlots: number } {
  const sig = parseMachO(file).codeSignatures[0]!;
  const cdAt = sig.dataoff + file.readUInt32BE(sig.dataoff + 16);
  return { ...sig, cdAt, hashAt: cdAt + file.readUInt32BE(cdAt + 16), nSlots: file.readUInt32BE(cdAt + 28) };
}

describe('ad-hoc signer on a synthetic arm64 executable', () => {
  it('writes a signature the independent verifier accepts, with the blob and fuse intact', () => {
    const { file, blob } = signed();
    expect(adHocSignatureProblems(file, { blob, fuse: SEA_FUSE })).toEqual([]);
  });

  it('adds LC_CODE_SIGNATURE in the header padding, signs at the next 16-byte boundary, ends the file there', () => {
    const { file, unsigned } = signed();
    const before = parseMachO(unsigned);
    const after = parseMachO(file);
    expect(before.codeSignatures).toEqual([]);
    expect(after.commandsEnd).toBe(before.commandsEnd + 16);
    const { dataoff, datasize } = after.codeSignatures[0]!;
    expect(unsigned.length % 16).not.toBe(0);
    expect(dataoff).toBe(Math.ceil(unsigned.length / 16) * 16);
    expect(datasize).toBe(signatureSize(dataoff, ID));
    expect(file.length).toBe(dataoff + datasize);
    // Everything before the signature is the input, plus the new command and sizes, plus zero alignment.
    expect(file.subarray(unsigned.length, dataoff).every((b) => b === 0)).toBe(true);
    expect(file.subarray(before.commandsEnd + 16, 0x1000).equals(unsigned.subarray(before.commandsEnd + 16, 0x1000))).toBe(true);
    expect(file.subarray(0x1000, unsigned.length).equals(unsigned.subarray(0x1000))).toBe(true);
    const linkedit = after.segments.find((s) => s.name === '__LINKEDIT')!;
    expect(linkedit.fileoff + linkedit.filesize).toBe(file.length);
    expect(Number(linkedit.vmsize) % 0x4000).toBe(0);
  });

  it('writes the Go linker layout: CodeDirectory 0x20400, ad hoc + linker-signed, the identifier, one slot per page', () => {
    const { file } = signed();
    const cd = readCodeDirectory(file);
    expect(cd).toMatchObject({ version: 0x20400, flags: 0x20002, identifier: ID });
    expect(cd.nCodeSlots).toBe(Math.ceil(cd.codeLimit / 4096));
    expect(cd.codeLimit % 4096, 'the last page is a short one in this fixture').not.toBe(0);
  });

  it('re-signing a signed file replaces the signature in place and gives the same bytes', () => {
    const { file } = signed();
    expect(adHocSign(file, { identifier: ID }).equals(file)).toBe(true);
  });

  it('signs a file whose end is already 16-byte aligned, and one that ends exactly on a page', () => {
    for (const linkeditSize of [0x1230, 0x2000]) {
      const { file, blob, unsigned } = signed({ linkeditSize });
      expect(parseMachO(file).codeSignatures[0]!.dataoff).toBe(unsigned.length);
      expect(adHocSignatureProblems(file, { blob, fuse: SEA_FUSE }), `linkedit ${linkeditSize}`).toEqual([]);
    }
  });

  it('marks only an executable as the main binary', () => {
    const { file } = signed({ filetype: 6 });
    const { cdAt } = signatureOf(file);
    expect(file.readBigUInt64BE(cdAt + 80)).toBe(0n);
    expect(adHocSignatureProblems(file)).toEqual([]);
  });

  it('refuses what it cannot sign correctly', () => {
    const { file: noRoom } = syntheticMachO({ firstSectionOffset: 432 });
    expect(() => adHocSign(noRoom, { identifier: ID })).toThrow(/no room in the header padding/);
    const { file } = syntheticMachO();
    expect(() => adHocSign(Buffer.concat([file, Buffer.alloc(8, 1)]), { identifier: ID })).toThrow(/__LINKEDIT does not end/);
    const fat = Buffer.alloc(64);
    fat.writeUInt32BE(0xcafebabe, 0);
    expect(() => adHocSign(fat, { identifier: ID })).toThrow(/fat/);
    expect(() => adHocSign(Buffer.from('#!/bin/sh\necho not mach-o\n0123456789abcdef'), { identifier: ID })).toThrow(/not a thin 64-bit/);
  });
});

describe('the independent verifier rejects broken signatures', () => {
  const good = signed();
  const fresh = (): Buffer => Buffer.from(good.file);

  it('a flipped byte in the header padding (page 0)', () => {
    const f = fresh();
    const padding = parseMachO(f).commandsEnd + 40;
    expect(f[padding]).toBe(0);
    f[padding] = 1;
    expect(adHocSignatureProblems(f).join('\n')).toMatch(/page hash mismatch on 1 page\(s\), first 0/);
  });

  it('a flipped byte in the SEA blob', () => {
    const f = fresh();
    const section = parseMachO(f).segments.find((s) => s.name === 'NODE_SEA')!.sections[0]!;
    f[section.offset + 1234]! ^= 0xff;
    const problems = adHocSignatureProblems(f, { blob: good.blob }).join('\n');
    expect(problems).toMatch(/page hash mismatch/);
    expect(problems).toMatch(/blob section differs/);
  });

  it('stale bytes after the signature', () => {
    const problems = adHocSignatureProblems(Buffer.concat([fresh(), Buffer.alloc(16, 0xab)])).join('\n');
    expect(problems).toMatch(/signature ends at \d+, the file at \d+/);
    expect(problems).toMatch(/__LINKEDIT does not end at the end of the file/);
  });

  it('the last page hashed zero-padded to 4096 bytes (the Bun signer bug macOS 27 kills for)', () => {
    const f = fresh();
    const { dataoff, hashAt, nSlots } = signatureOf(f);
    const lastStart = (nSlots - 1) * 4096;
    const padded = Buffer.alloc(4096);
    f.copy(padded, 0, lastStart, dataoff);
    createHash('sha256').update(padded).digest().copy(f, hashAt + (nSlots - 1) * 32);
    expect(adHocSignatureProblems(f).join('\n')).toMatch(/page hash mismatch on 1 page\(s\), first \d+, including the last/);
  });

  it('a code limit one page short (the last page left unhashed)', () => {
    const f = fresh();
    const { cdAt, nSlots } = signatureOf(f);
    f.writeUInt32BE(f.readUInt32BE(cdAt + 32) - 4096, cdAt + 32);
    f.writeUInt32BE(nSlots - 1, cdAt + 28);
    expect(adHocSignatureProblems(f).join('\n')).toMatch(/code limit \d+ is not the signature offset/);
  });

  it('a fuse left unflipped, or two fuses', () => {
    const f = fresh();
    const at = f.indexOf(`${SEA_FUSE}:1`);
    f.write('0', at + SEA_FUSE.length + 1, 'latin1');
    expect(adHocSignatureProblems(f, { fuse: SEA_FUSE }).join('\n')).toMatch(/fuse flipped 0 time/);
  });

  it('an unsigned file, and a signature that is not ad hoc', () => {
    expect(adHocSignatureProblems(good.unsigned)).toEqual(['expected exactly one LC_CODE_SIGNATURE, found 0']);
    const f = fresh();
    const { cdAt } = signatureOf(f);
    f.writeUInt32BE(0x20000, cdAt + 12);
    expect(adHocSignatureProblems(f).join('\n')).toMatch(/not flagged ad hoc/);
  });
});

// LLVM's Mach-O reader as a second, unrelated parser: it must read the signed file and see the same layout.
const llvmObjdump = ['llvm-objdump', 'llvm-objdump-14', 'llvm-objdump-15', 'llvm-objdump-16'].find(
  (cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0,
);
const requireOracle = process.env['CI'] === 'true' || process.env['REQUIRE_RELEASE_ARTIFACTS'] === '1';

describe.skipIf(!llvmObjdump && !requireOracle)(`LLVM's Mach-O parser agrees${llvmObjdump ? '' : ' [SKIPPED: llvm-objdump not installed (apt-get install llvm)]'}`, () => {
  it('reads the signed file: one LC_CODE_SIGNATURE at the signature, __LINKEDIT to the end of the file', () => {
    expect(llvmObjdump, 'llvm-objdump missing: apt-get install llvm').toBeDefined();
    const { file } = signed();
    const dir = mkdtempSync(join(tmpdir(), 'macho-sign-'));
    try {
      const path = join(dir, ID);
      writeFileSync(path, file);
      const res = spawnSync(llvmObjdump!, ['--macho', '--private-headers', path], { encoding: 'utf8' });
      expect(res.status, res.stderr).toBe(0);
      expect(res.stderr).toBe('');
      const out = res.stdout;
      const sig = parseMachO(file).codeSignatures[0]!;
      const signatureCommand = /cmd LC_CODE_SIGNATURE\s+cmdsize 16\s+dataoff (\d+)\s+datasize (\d+)/.exec(out);
      expect(signatureCommand, out).not.toBeNull();
      expect(out.match(/LC_CODE_SIGNATURE/g)).toHaveLength(1);
      expect(Number(signatureCommand![1])).toBe(sig.dataoff);
      expect(Number(signatureCommand![1]) + Number(signatureCommand![2])).toBe(file.length);
      const linkedit = /segname __LINKEDIT[\s\S]*?fileoff (\d+)\s+filesize (\d+)/.exec(out);
      expect(Number(linkedit![1]) + Number(linkedit![2])).toBe(file.length);
      expect(out).toMatch(/MH_MAGIC_64\s+ARM64\s+ALL\s+\S+\s+EXECUTE\s+5\s+416\s/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
