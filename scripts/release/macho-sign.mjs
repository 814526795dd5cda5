// Ad-hoc code signature for a thin 64-bit Mach-O, written on Linux. Apple Silicon kills any arm64 executable without
// a valid signature; an ad-hoc one (no identity, no certificate) is enough. The layout is the one Go's linker writes
// for every darwin/arm64 binary: an embedded-signature SuperBlob holding one CodeDirectory with a SHA-256 hash per
// 4 KiB page of everything before the signature. Integers inside the signature are big-endian; the Mach-O
// structures around it are little-endian.
//
// Two bugs that macOS 27 kills binaries for are avoided by construction: the last page is hashed at its real length
// (never zero-padded to 4096), and the file ends exactly where the signature ends.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';

const MH_MAGIC_64 = 0xfeedfacf;
const MH_EXECUTE = 2;
const MACH_HEADER_64_SIZE = 32;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const LINKEDIT_DATA_COMMAND_SIZE = 16;

const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CSSLOT_CODEDIRECTORY = 0;
const CD_VERSION_EXECSEG = 0x20400;
const CS_ADHOC = 0x2;
const CS_LINKER_SIGNED = 0x20000;
const CS_HASHTYPE_SHA256 = 2;
const CS_EXECSEG_MAIN_BINARY = 0x1;
const SUPERBLOB_HEADER_SIZE = 12;
const BLOB_INDEX_SIZE = 8;
const CODEDIRECTORY_HEADER_SIZE = 88;

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
const HASH_SIZE = 32;
/** Apple's codesign_allocate wants the signature on a 16-byte boundary (Go's doMachoLink pads for it). */
const SIGNATURE_ALIGN = 16;
/** arm64 VM page: __LINKEDIT's vmsize is rounded to it, as ld64 does. */
const VM_PAGE = 0x4000;

/** @param {number} n @param {number} to */
const roundUp = (n, to) => Math.ceil(n / to) * to;

/**
 * Bytes of the signature for `codeLimit` bytes of code and the identifier.
 * @param {number} codeLimit
 * @param {string} identifier
 */
export function signatureSize(codeLimit, identifier) {
  const slots = Math.ceil(codeLimit / PAGE_SIZE);
  return SUPERBLOB_HEADER_SIZE + BLOB_INDEX_SIZE + CODEDIRECTORY_HEADER_SIZE + Buffer.byteLength(identifier) + 1 + slots * HASH_SIZE;
}

/**
 * The parts of a thin 64-bit Mach-O the signer must touch.
 * @param {Buffer} file
 */
function readLayout(file) {
  if (file.length < MACH_HEADER_64_SIZE) throw new Error('not a Mach-O file: too short');
  const magic = file.readUInt32LE(0);
  if (magic === 0xbebafeca || magic === 0xcafebabe) throw new Error('fat (universal) Mach-O: sign each architecture on its own');
  if (magic !== MH_MAGIC_64) throw new Error('not a thin 64-bit little-endian Mach-O');
  const filetype = file.readUInt32LE(12);
  const ncmds = file.readUInt32LE(16);
  const sizeofcmds = file.readUInt32LE(20);
  const commandsEnd = MACH_HEADER_64_SIZE + sizeofcmds;
  if (commandsEnd > file.length) throw new Error('load commands run past the end of the file');

  /** @type {{ name: string, at: number, vmaddr: bigint, vmsize: bigint, fileoff: number, filesize: number }[]} */
  const segments = [];
  let codeSignatureAt = -1;
  let firstSectionOffset = file.length;
  let at = MACH_HEADER_64_SIZE;
  for (let i = 0; i < ncmds; i += 1) {
    if (at + 8 > commandsEnd) throw new Error('load command runs past sizeofcmds');
    const cmd = file.readUInt32LE(at);
    const cmdsize = file.readUInt32LE(at + 4);
    if (cmdsize < 8 || at + cmdsize > commandsEnd) throw new Error(`load command ${i} has a bad size ${cmdsize}`);
    if (cmd === LC_SEGMENT_64) {
      const fileoff = Number(file.readBigUInt64LE(at + 40));
      const filesize = Number(file.readBigUInt64LE(at + 48));
      segments.push({
        name: file.toString('latin1', at + 8, at + 24).replace(/\0+$/, ''),
        at,
        vmaddr: file.readBigUInt64LE(at + 24),
        vmsize: file.readBigUInt64LE(at + 32),
        fileoff,
        filesize,
      });
      const nsects = file.readUInt32LE(at + 64);
      for (let s = 0; s < nsects; s += 1) {
        const offset = file.readUInt32LE(at + 72 + s * 80 + 48);
        if (offset !== 0) firstSectionOffset = Math.min(firstSectionOffset, offset);
      }
      // A segment mapped from the file's start holds the header; its contents begin after the load commands.
      if (filesize > 0 && fileoff >= commandsEnd) firstSectionOffset = Math.min(firstSectionOffset, fileoff);
    } else if (cmd === LC_CODE_SIGNATURE) {
      if (codeSignatureAt >= 0) throw new Error('more than one LC_CODE_SIGNATURE');
      codeSignatureAt = at;
    }
    at += cmdsize;
  }
  if (at !== commandsEnd) throw new Error('load commands do not fill sizeofcmds');
  const text = segments.find((s) => s.name === '__TEXT');
  const linkedit = segments.find((s) => s.name === '__LINKEDIT');
  if (!text) throw new Error('no __TEXT segment');
  if (!linkedit) throw new Error('no __LINKEDIT segment');
  const lastInFile = segments.reduce((a, b) => (b.fileoff + b.filesize > a.fileoff + a.filesize ? b : a));
  // By where a segment ends: Go puts an empty-in-memory __DWARF at __LINKEDIT's address.
  const lastInVm = segments.reduce((a, b) => (b.vmaddr + b.vmsize > a.vmaddr + a.vmsize ? b : a));
  if (lastInFile !== linkedit || lastInVm !== linkedit) throw new Error('__LINKEDIT is not the last segment');
  return { filetype, ncmds, sizeofcmds, commandsEnd, firstSectionOffset, text, linkedit, codeSignatureAt };
}

/**
 * Signs a thin 64-bit Mach-O ad hoc and returns the signed file; the input is not changed. An existing signature at
 * the end of the file is replaced; without one, an LC_CODE_SIGNATURE is added in the header's padding.
 * @param {Buffer} input
 * @param {{ identifier: string }} opts identifier: shown by `codesign -d`; the binary's name by convention
 * @returns {Buffer}
 */
export function adHocSign(input, { identifier }) {
  if (!identifier || identifier.includes('\0')) throw new Error('the identifier must be a non-empty string without NUL');
  const layout = readLayout(input);
  const { linkedit, text } = layout;

  // Where the unsigned content ends: before an existing signature, else at the end of __LINKEDIT (= end of file).
  let contentEnd = input.length;
  if (layout.codeSignatureAt >= 0) {
    const dataoff = input.readUInt32LE(layout.codeSignatureAt + 8);
    const datasize = input.readUInt32LE(layout.codeSignatureAt + 12);
    if (dataoff + datasize !== input.length) throw new Error('the existing code signature does not end the file');
    contentEnd = dataoff;
  }
  if (linkedit.fileoff + linkedit.filesize !== input.length) throw new Error('__LINKEDIT does not end at the end of the file');

  const codeLimit = roundUp(contentEnd, SIGNATURE_ALIGN);
  const size = signatureSize(codeLimit, identifier);
  if (codeLimit + size > 0xffffffff) throw new Error('file too large for a 32-bit code limit');

  const out = Buffer.alloc(codeLimit + size);
  input.copy(out, 0, 0, contentEnd);

  // Header and load commands are hashed too, so they get their final values first.
  let signatureCommand = layout.codeSignatureAt;
  if (signatureCommand < 0) {
    signatureCommand = layout.commandsEnd;
    const room = layout.firstSectionOffset - layout.commandsEnd;
    const padding = out.subarray(signatureCommand, signatureCommand + LINKEDIT_DATA_COMMAND_SIZE);
    if (room < LINKEDIT_DATA_COMMAND_SIZE || padding.some((b) => b !== 0)) {
      throw new Error('no room in the header padding for LC_CODE_SIGNATURE');
    }
    out.writeUInt32LE(layout.ncmds + 1, 16);
    out.writeUInt32LE(layout.sizeofcmds + LINKEDIT_DATA_COMMAND_SIZE, 20);
    out.writeUInt32LE(LC_CODE_SIGNATURE, signatureCommand);
    out.writeUInt32LE(LINKEDIT_DATA_COMMAND_SIZE, signatureCommand + 4);
  }
  out.writeUInt32LE(codeLimit, signatureCommand + 8);
  out.writeUInt32LE(size, signatureCommand + 12);
  const linkeditSize = codeLimit + size - linkedit.fileoff;
  // vmsize only grows, and then to whole arm64 pages as ld64 does; one that already covers the segment (Go's linker
  // writes it unrounded) is kept, so re-signing a signed file changes nothing but the signature.
  if (linkedit.vmsize < BigInt(linkeditSize)) out.writeBigUInt64LE(BigInt(roundUp(linkeditSize, VM_PAGE)), linkedit.at + 32);
  out.writeBigUInt64LE(BigInt(linkeditSize), linkedit.at + 48);

  // SuperBlob with a single index entry.
  let p = codeLimit;
  out.writeUInt32BE(CSMAGIC_EMBEDDED_SIGNATURE, p);
  out.writeUInt32BE(size, p + 4);
  out.writeUInt32BE(1, p + 8);
  out.writeUInt32BE(CSSLOT_CODEDIRECTORY, p + 12);
  out.writeUInt32BE(SUPERBLOB_HEADER_SIZE + BLOB_INDEX_SIZE, p + 16);

  // CodeDirectory, version 0x20400 (with the executable-segment fields).
  p += SUPERBLOB_HEADER_SIZE + BLOB_INDEX_SIZE;
  const slots = Math.ceil(codeLimit / PAGE_SIZE);
  const identOffset = CODEDIRECTORY_HEADER_SIZE;
  const hashOffset = identOffset + Buffer.byteLength(identifier) + 1;
  out.writeUInt32BE(CSMAGIC_CODEDIRECTORY, p);
  out.writeUInt32BE(hashOffset + slots * HASH_SIZE, p + 4);
  out.writeUInt32BE(CD_VERSION_EXECSEG, p + 8);
  out.writeUInt32BE(CS_ADHOC | CS_LINKER_SIGNED, p + 12);
  out.writeUInt32BE(hashOffset, p + 16);
  out.writeUInt32BE(identOffset, p + 20);
  out.writeUInt32BE(0, p + 24); // no special slots: no requirements, no entitlements
  out.writeUInt32BE(slots, p + 28);
  out.writeUInt32BE(codeLimit, p + 32);
  out.writeUInt8(HASH_SIZE, p + 36);
  out.writeUInt8(CS_HASHTYPE_SHA256, p + 37);
  out.writeUInt8(0, p + 38); // platform
  out.writeUInt8(PAGE_SHIFT, p + 39);
  // +40 spare2, +44 scatterOffset, +48 teamOffset, +52 spare3, +56 codeLimit64: zero (already)
  out.writeBigUInt64BE(BigInt(text.fileoff), p + 64);
  out.writeBigUInt64BE(BigInt(text.filesize), p + 72);
  out.writeBigUInt64BE(layout.filetype === MH_EXECUTE ? BigInt(CS_EXECSEG_MAIN_BINARY) : 0n, p + 80);
  out.write(identifier, p + identOffset, 'utf8'); // NUL terminator: the buffer is zeroed

  // One hash per page of everything before the signature; the last page at its real length.
  for (let i = 0; i < slots; i += 1) {
    const start = i * PAGE_SIZE;
    const page = out.subarray(start, Math.min(start + PAGE_SIZE, codeLimit));
    createHash('sha256').update(page).digest().copy(out, p + hashOffset + i * HASH_SIZE);
  }
  return out;
}

/**
 * Whether the file carries exactly the ad-hoc signature adHocSign writes for its content: every page hash, the
 * code limit, the sizes in the header and the end of the file. The release's own check; the tests judge the
 * signature with an independently written verifier as well.
 * @param {Buffer} file
 * @param {{ identifier: string }} opts
 */
export function hasValidAdHocSignature(file, opts) {
  try {
    return adHocSign(file, opts).equals(file);
  } catch {
    return false;
  }
}
