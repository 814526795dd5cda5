/**
 * The release's own check of each built executable (scripts/release/sea.mjs verifyExecutable), on synthetic
 * Mach-O files: darwin/arm64 must carry a valid ad-hoc signature, darwin/amd64 must carry none.
 */
import { describe, expect, it } from 'vitest';
import { adHocSign } from '../../scripts/release/macho-sign.mjs';
import { SEA_FUSE as RELEASE_FUSE, verifyExecutable } from '../../scripts/release/sea.mjs';
import { SEA_FUSE, syntheticMachO } from '../helpers/synthetic-macho.js';

const arm64 = { os: 'darwin', arch: 'arm64', format: 'macho', sign: 'ad-hoc' } as const;
const amd64 = { os: 'darwin', arch: 'amd64', format: 'macho', sign: null } as const;
const ID = 'kubectl-camunda_backup';

describe("the release's executable check", () => {
  const { file: unsigned, blob } = syntheticMachO();
  const signed = adHocSign(unsigned, { identifier: ID });

  it('uses the fuse the synthetic executables carry', () => {
    expect(RELEASE_FUSE).toBe(SEA_FUSE);
  });

  it('darwin/arm64: accepts a valid ad-hoc signature, rejects none, a tampered one and a foreign identifier', () => {
    expect(() => verifyExecutable(arm64, signed, blob)).not.toThrow();
    expect(() => verifyExecutable(arm64, unsigned, blob)).toThrow(/darwin\/arm64: no valid ad-hoc code signature/);
    const tampered = Buffer.from(signed);
    tampered[5000]! ^= 1;
    expect(() => verifyExecutable(arm64, tampered, blob)).toThrow(/no valid ad-hoc code signature/);
    expect(() => verifyExecutable(arm64, Buffer.concat([signed, Buffer.alloc(16)]), blob)).toThrow(/no valid ad-hoc/);
    expect(() => verifyExecutable(arm64, adHocSign(unsigned, { identifier: 'a.out' }), blob)).toThrow(/no valid ad-hoc/);
  });

  it('darwin/amd64: accepts an unsigned executable and still rejects any signature', () => {
    expect(() => verifyExecutable(amd64, unsigned, blob)).not.toThrow();
    expect(() => verifyExecutable(amd64, signed, blob)).toThrow(/darwin\/amd64: Mach-O still carries a code signature/);
  });

  it('both: the fuse flipped exactly once and the blob embedded', () => {
    const twice = Buffer.concat([unsigned.subarray(0, 64), Buffer.from(`${SEA_FUSE}:1`), unsigned.subarray(64 + SEA_FUSE.length + 2)]);
    expect(() => verifyExecutable(amd64, twice, blob)).toThrow(/fuse was not flipped exactly once/);
    const other = Buffer.from(blob);
    other[0]! ^= 1;
    expect(() => verifyExecutable(arm64, signed, other)).toThrow(/blob is not embedded/);
  });
});
