// Types of macho-sign.mjs for the TypeScript tests.
import type { Buffer } from 'node:buffer';

export declare const PAGE_SHIFT: number;
export declare const PAGE_SIZE: number;
export declare function signatureSize(codeLimit: number, identifier: string): number;
export declare function adHocSign(input: Buffer, opts: { identifier: string }): Buffer;
export declare function hasValidAdHocSignature(file: Buffer, opts: { identifier: string }): boolean;
