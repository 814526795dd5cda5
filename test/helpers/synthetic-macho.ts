/**
 * A small, valid-shaped arm64 Mach-O executable built byte by byte, shaped like a Node SEA after postject: __TEXT
 * (header, load commands, padding, code holding the flipped SEA fuse), a NODE_SEA segment with the blob, and
 * __LINKEDIT last with a symbol and a string table, ending at the end of the file. Unsigned, like postject's output.
 */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface SyntheticOptions {
  blob?: Uint8Array;
  /** Bytes of __LINKEDIT; odd by default so the file ends off a 16-byte boundary and the last page is short. */
  linkeditSize?: number;
  /** Where __TEXT's first section starts; 432 (= the end of the load commands) leaves no header padding. */
  firstSectionOffset?: number;
  /** MH_EXECUTE (2) by default; MH_DYLIB is 6. */
  filetype?: number;
}

const PAGE = 0x1000;
const VM_BASE = 0x1_0000_0000n;
const roundUp = (n: number, to: number): number => Math.ceil(n / to) * to;

export function syntheticMachO(opts: SyntheticOptions = {}): { file: Buffer; blob: Buffer } {
  const blob = Buffer.from(opts.blob ?? Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7 + 3) & 0xff)));
  const linkeditSize = opts.linkeditSize ?? 0x1235;
  const sectionStart = opts.firstSectionOffset ?? PAGE;
  const textSize = roundUp(sectionStart + 0x800, PAGE);
  const seaOff = textSize;
  const seaSize = roundUp(blob.length, PAGE);
  const linkeditOff = seaOff + seaSize;
  const file = Buffer.alloc(linkeditOff + linkeditSize);

  const commands: Buffer[] = [];
  const segment = (name: string, vmaddr: bigint, vmsize: number, fileoff: number, filesize: number, prot: number, sections: { name: string; offset: number; size: number }[]): Buffer => {
    const b = Buffer.alloc(72 + sections.length * 80);
    b.writeUInt32LE(0x19, 0);
    b.writeUInt32LE(b.length, 4);
    b.write(name, 8, 'latin1');
    b.writeBigUInt64LE(vmaddr, 24);
    b.writeBigUInt64LE(BigInt(vmsize), 32);
    b.writeBigUInt64LE(BigInt(fileoff), 40);
    b.writeBigUInt64LE(BigInt(filesize), 48);
    b.writeUInt32LE(prot, 56);
    b.writeUInt32LE(prot, 60);
    b.writeUInt32LE(sections.length, 64);
    sections.forEach((s, i) => {
      const at = 72 + i * 80;
      b.write(s.name, at, 'latin1');
      b.write(name, at + 16, 'latin1');
      b.writeBigUInt64LE(vmaddr + BigInt(s.offset - fileoff), at + 32);
      b.writeBigUInt64LE(BigInt(s.size), at + 40);
      b.writeUInt32LE(s.offset, at + 48);
    });
    return b;
  };
  const textVm = roundUp(textSize, 0x4000);
  const seaVm = roundUp(seaSize, 0x4000);
  commands.push(segment('__TEXT', VM_BASE, textVm, 0, textSize, 5, [{ name: '__text', offset: sectionStart, size: 0x800 }]));
  commands.push(segment('NODE_SEA', VM_BASE + BigInt(textVm), seaVm, seaOff, seaSize, 1, [{ name: '__NODE_SEA_BLOB', offset: seaOff, size: blob.length }]));
  commands.push(segment('__LINKEDIT', VM_BASE + BigInt(textVm + seaVm), roundUp(linkeditSize, 0x4000), linkeditOff, linkeditSize, 1, []));
  const symtab = Buffer.alloc(24);
  symtab.writeUInt32LE(0x02, 0);
  symtab.writeUInt32LE(24, 4);
  symtab.writeUInt32LE(linkeditOff, 8);
  symtab.writeUInt32LE(2, 12);
  symtab.writeUInt32LE(linkeditOff + 32, 16);
  symtab.writeUInt32LE(linkeditSize - 32, 20);
  commands.push(symtab);
  const loadCommands = Buffer.concat(commands);
  if (32 + loadCommands.length > sectionStart) throw new Error('load commands overlap the first section');

  file.writeUInt32LE(0xfeedfacf, 0);
  file.writeUInt32LE(0x0100000c, 4); // CPU_TYPE_ARM64
  file.writeUInt32LE(0, 8);
  file.writeUInt32LE(opts.filetype ?? 2, 12);
  file.writeUInt32LE(commands.length, 16);
  file.writeUInt32LE(loadCommands.length, 20);
  file.writeUInt32LE(0x00200085, 24); // NOUNDEFS | DYLDLINK | TWOLEVEL | PIE
  loadCommands.copy(file, 32);

  // Code: a recognisable pattern with the flipped fuse in it, as postject leaves it.
  for (let i = sectionStart; i < sectionStart + 0x800; i++) file[i] = (i * 13) & 0xff;
  file.write(`${SEA_FUSE}:1`, sectionStart + 0x100, 'latin1');
  blob.copy(file, seaOff);
  for (let i = linkeditOff + 32; i < file.length; i++) file[i] = 0x61 + (i % 26);
  return { file, blob };
}
