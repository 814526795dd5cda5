/**
 * An independent verifier of ad-hoc Mach-O code signatures, the oracle for scripts/release/macho-sign.mjs. It shares
 * no code with the signer: its own parsing of the Mach-O (DataView, not the signer's Buffer readers), its own
 * constants, its own reading of the format (Apple's cs_blobs.h names; Go's cmd/internal/codesign layout).
 * It returns every problem it finds instead of stopping at the first, so a test can say which rule bit.
 */
import { createHash } from 'node:crypto';

const LC = {
  SEGMENT_64: 0x19,
  SYMTAB: 0x02,
  DYSYMTAB: 0x0b,
  CODE_SIGNATURE: 0x1d,
  FUNCTION_STARTS: 0x26,
  DATA_IN_CODE: 0x29,
  DYLD_INFO: 0x22,
  DYLD_INFO_ONLY: 0x80000022,
  DYLD_EXPORTS_TRIE: 0x80000033,
  DYLD_CHAINED_FIXUPS: 0x80000034,
} as const;
/** linkedit_data_command kinds: {cmd, cmdsize, dataoff, datasize}. */
const LINKEDIT_DATA = new Set<number>([LC.FUNCTION_STARTS, LC.DATA_IN_CODE, LC.DYLD_EXPORTS_TRIE, LC.DYLD_CHAINED_FIXUPS]);

export interface Segment {
  name: string;
  vmaddr: bigint;
  vmsize: bigint;
  fileoff: number;
  filesize: number;
  sections: { name: string; offset: number; size: number }[];
}

export interface ParsedMachO {
  filetype: number;
  commandsEnd: number;
  segments: Segment[];
  codeSignatures: { dataoff: number; datasize: number }[];
  /** [offset, length] of every table that must live in __LINKEDIT before the signature. */
  linkeditTables: { what: string; offset: number; length: number }[];
}

export function parseMachO(bytes: Uint8Array): ParsedMachO {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (o: number): number => view.getUint32(o, true);
  const u64 = (o: number): bigint => view.getBigUint64(o, true);
  const name16 = (o: number): string => {
    const raw = bytes.subarray(o, o + 16);
    const end = raw.indexOf(0);
    return Buffer.from(end < 0 ? raw : raw.subarray(0, end)).toString('latin1');
  };
  if (bytes.length < 32 || u32(0) !== 0xfeedfacf) throw new Error('not a thin 64-bit little-endian Mach-O');
  const ncmds = u32(16);
  const commandsEnd = 32 + u32(20);
  const parsed: ParsedMachO = { filetype: u32(12), commandsEnd, segments: [], codeSignatures: [], linkeditTables: [] };
  let off = 32;
  for (let n = 0; n < ncmds; n++) {
    const cmd = u32(off);
    const size = u32(off + 4);
    if (size < 8 || off + size > commandsEnd) throw new Error(`load command #${n} overruns the load commands`);
    if (cmd === LC.SEGMENT_64) {
      const sections = [];
      for (let s = 0, at = off + 72; s < u32(off + 64); s++, at += 80) {
        sections.push({ name: name16(at), offset: u32(at + 48), size: Number(u64(at + 40)) });
      }
      parsed.segments.push({ name: name16(off + 8), vmaddr: u64(off + 24), vmsize: u64(off + 32), fileoff: Number(u64(off + 40)), filesize: Number(u64(off + 48)), sections });
    } else if (cmd === LC.CODE_SIGNATURE) {
      parsed.codeSignatures.push({ dataoff: u32(off + 8), datasize: u32(off + 12) });
    } else if (LINKEDIT_DATA.has(cmd)) {
      parsed.linkeditTables.push({ what: `cmd 0x${cmd.toString(16)}`, offset: u32(off + 8), length: u32(off + 12) });
    } else if (cmd === LC.SYMTAB) {
      parsed.linkeditTables.push({ what: 'symbols', offset: u32(off + 8), length: u32(off + 12) * 16 });
      parsed.linkeditTables.push({ what: 'strings', offset: u32(off + 16), length: u32(off + 20) });
    } else if (cmd === LC.DYSYMTAB) {
      parsed.linkeditTables.push({ what: 'indirect symbols', offset: u32(off + 56), length: u32(off + 60) * 4 });
    } else if (cmd === LC.DYLD_INFO || cmd === LC.DYLD_INFO_ONLY) {
      for (const [what, at] of [['rebase', 8], ['bind', 16], ['weak bind', 24], ['lazy bind', 32], ['export', 40]] as const) {
        parsed.linkeditTables.push({ what, offset: u32(off + at), length: u32(off + at + 4) });
      }
    }
    off += size;
  }
  if (off !== commandsEnd) throw new Error('load commands do not add up to sizeofcmds');
  return parsed;
}

export interface VerifyOptions {
  /** The SEA blob that must be embedded byte for byte as the NODE_SEA segment's section. */
  blob?: Uint8Array;
  /** The SEA sentinel fuse; it must occur exactly once, flipped to :1. */
  fuse?: string;
}

export interface CodeDirectoryView {
  version: number;
  flags: number;
  codeLimit: number;
  nCodeSlots: number;
  identifier: string;
}

/** Every rule the signature breaks; an empty list means a valid ad-hoc signature. */
export function adHocSignatureProblems(bytes: Uint8Array, opts: VerifyOptions = {}): string[] {
  const problems: string[] = [];
  let macho: ParsedMachO;
  try {
    macho = parseMachO(bytes);
  } catch (error) {
    return [(error as Error).message];
  }
  const be = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  if (macho.codeSignatures.length !== 1) return [`expected exactly one LC_CODE_SIGNATURE, found ${macho.codeSignatures.length}`];
  const { dataoff, datasize } = macho.codeSignatures[0]!;
  if (dataoff % 16 !== 0) problems.push(`signature offset ${dataoff} is not 16-byte aligned`);
  if (dataoff + datasize !== bytes.length) problems.push(`signature ends at ${dataoff + datasize}, the file at ${bytes.length}`);

  const byFileEnd = [...macho.segments].sort((a, b) => a.fileoff + a.filesize - (b.fileoff + b.filesize));
  // Ordered by end address: a segment empty in memory (Go's __DWARF) may share __LINKEDIT's start.
  const vmEnd = (s: Segment): bigint => s.vmaddr + s.vmsize;
  const byVm = [...macho.segments].sort((a, b) => (vmEnd(a) < vmEnd(b) ? -1 : vmEnd(a) > vmEnd(b) ? 1 : 0));
  const linkedit = macho.segments.find((s) => s.name === '__LINKEDIT');
  const text = macho.segments.find((s) => s.name === '__TEXT');
  if (!linkedit || !text) return [...problems, 'missing __TEXT or __LINKEDIT'];
  if (byFileEnd.at(-1) !== linkedit || byVm.at(-1) !== linkedit) problems.push('__LINKEDIT is not the last segment');
  if (linkedit.fileoff + linkedit.filesize !== bytes.length) problems.push('__LINKEDIT does not end at the end of the file');
  if (linkedit.vmsize < BigInt(linkedit.filesize)) problems.push('__LINKEDIT vmsize is smaller than its filesize');
  if (dataoff < linkedit.fileoff) problems.push('the signature is not inside __LINKEDIT');
  for (const t of macho.linkeditTables) {
    if (t.length > 0 && t.offset + t.length > dataoff) problems.push(`${t.what} table overlaps the signature`);
  }

  if (dataoff + 20 > bytes.length) return [...problems, 'signature truncated'];
  if (be.getUint32(dataoff, false) !== 0xfade0cc0) return [...problems, 'no embedded-signature SuperBlob magic'];
  if (be.getUint32(dataoff + 4, false) !== datasize) problems.push('SuperBlob length differs from LC_CODE_SIGNATURE datasize');
  const count = be.getUint32(dataoff + 8, false);
  let cdAt = -1;
  for (let i = 0; i < count; i++) {
    if (be.getUint32(dataoff + 12 + i * 8, false) === 0) cdAt = dataoff + be.getUint32(dataoff + 16 + i * 8, false);
  }
  if (cdAt < 0 || cdAt + 88 > bytes.length) return [...problems, 'no CodeDirectory in slot 0'];
  const cd = (o: number): number => be.getUint32(cdAt + o, false);
  if (cd(0) !== 0xfade0c02) return [...problems, 'bad CodeDirectory magic'];
  const version = cd(8);
  const flags = cd(12);
  const hashOffset = cd(16);
  const identOffset = cd(20);
  const nSpecial = cd(24);
  const nCode = cd(28);
  const codeLimit = cd(32);
  const hashSize = bytes[cdAt + 36]!;
  const hashType = bytes[cdAt + 37]!;
  const pageShift = bytes[cdAt + 39]!;
  if (version < 0x20400) problems.push(`CodeDirectory version 0x${version.toString(16)} lacks the exec-segment fields`);
  if ((flags & 0x2) === 0) problems.push('CodeDirectory is not flagged ad hoc');
  if (hashType !== 2 || hashSize !== 32) problems.push('hashes are not SHA-256');
  if (pageShift !== 12) problems.push(`page size 2^${pageShift}, expected 4096`);
  if (nSpecial !== 0) problems.push(`${nSpecial} special slots without their blobs`);
  if (codeLimit !== dataoff) problems.push(`code limit ${codeLimit} is not the signature offset ${dataoff}`);
  const pageSize = 2 ** pageShift;
  if (nCode !== Math.ceil(codeLimit / pageSize)) problems.push(`${nCode} code slots for a code limit of ${codeLimit}`);
  if (cdAt + hashOffset + nCode * hashSize > bytes.length) return [...problems, 'hash slots run past the file'];
  const identEnd = bytes.indexOf(0, cdAt + identOffset);
  if (identEnd < 0 || identEnd >= cdAt + hashOffset) problems.push('identifier is not NUL-terminated before the hashes');

  const execBase = be.getBigUint64(cdAt + 64, false);
  const execLimit = be.getBigUint64(cdAt + 72, false);
  const execFlags = be.getBigUint64(cdAt + 80, false);
  if (execBase !== BigInt(text.fileoff) || execLimit !== BigInt(text.filesize)) problems.push('exec segment differs from __TEXT');
  if (macho.filetype === 2 && (execFlags & 1n) === 0n) problems.push('executable without CS_EXECSEG_MAIN_BINARY');

  // Every page hash, recomputed: the last page at its real length.
  const bad: number[] = [];
  for (let page = 0; page < nCode; page++) {
    const from = page * pageSize;
    const to = Math.min(from + pageSize, codeLimit);
    const want = bytes.subarray(cdAt + hashOffset + page * hashSize, cdAt + hashOffset + (page + 1) * hashSize);
    const got = createHash('sha256').update(bytes.subarray(from, to)).digest();
    if (!got.equals(want)) bad.push(page);
  }
  if (bad.length > 0) problems.push(`page hash mismatch on ${bad.length} page(s), first ${bad[0]}${bad.includes(nCode - 1) ? ', including the last' : ''}`);

  if (opts.fuse !== undefined) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const flipped = occurrences(text, `${opts.fuse}:1`);
    const unflipped = occurrences(text, `${opts.fuse}:0`);
    if (flipped !== 1 || unflipped !== 0) problems.push(`fuse flipped ${flipped} time(s), unflipped ${unflipped} time(s)`);
  }
  if (opts.blob !== undefined) {
    const section = macho.segments.find((s) => s.name === 'NODE_SEA')?.sections.find((s) => s.name === '__NODE_SEA_BLOB');
    if (!section) problems.push('no NODE_SEA,__NODE_SEA_BLOB section');
    else if (section.size !== opts.blob.length || !Buffer.from(bytes.subarray(section.offset, section.offset + section.size)).equals(opts.blob)) {
      problems.push('the SEA blob section differs from the blob');
    }
  }
  return problems;
}

/** The CodeDirectory's header fields, for tests that compare them with expectations. */
export function readCodeDirectory(bytes: Uint8Array): CodeDirectoryView {
  const { codeSignatures } = parseMachO(bytes);
  const sig = codeSignatures[0];
  if (!sig) throw new Error('unsigned');
  const be = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cdAt = sig.dataoff + be.getUint32(sig.dataoff + 16, false);
  const identAt = cdAt + be.getUint32(cdAt + 20, false);
  return {
    version: be.getUint32(cdAt + 8, false),
    flags: be.getUint32(cdAt + 12, false),
    nCodeSlots: be.getUint32(cdAt + 28, false),
    codeLimit: be.getUint32(cdAt + 32, false),
    identifier: Buffer.from(bytes.subarray(identAt, bytes.indexOf(0, identAt))).toString('utf8'),
  };
}

function occurrences(haystack: Buffer, needle: string): number {
  let n = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) n++;
  return n;
}
