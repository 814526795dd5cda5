// Types of the parts of sea.mjs the TypeScript tests use.
import type { Buffer } from 'node:buffer';

export declare const SEA_FUSE: string;
export declare function verifyExecutable(
  target: { os: string; arch: string; format: 'elf' | 'macho' | 'pe'; sign: 'ad-hoc' | null },
  exe: Buffer,
  blob: Buffer,
): void;
export declare function machoSegmentNames(exe: Buffer): string[];
