/**
 * Go's linker as an oracle for the ad-hoc signer: Go signs every darwin/arm64 binary it links, also when
 * cross-linking on Linux, in the layout scripts/release/macho-sign.mjs writes. A Go program built here for
 * darwin/arm64 must pass the independent verifier, and re-signing it with our signer must give Go's bytes exactly.
 * Needs the Go toolchain (Debian golang-go); skipped with a message without it, required in CI (.ci/run installs it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adHocSign } from '../../scripts/release/macho-sign.mjs';
import { adHocSignatureProblems, parseMachO, readCodeDirectory } from '../helpers/macho-adhoc-verifier.js';

const go = spawnSync('go', ['version'], { encoding: 'utf8' });
const haveGo = go.status === 0;
const required = process.env['CI'] === 'true';

describe.skipIf(!haveGo && !required)(`ad-hoc signer against Go's linker${haveGo ? ` (${go.stdout.trim()})` : ' [SKIPPED: no Go toolchain (apt-get install golang-go)]'}`, () => {
  let dir = '';
  let signedByGo = Buffer.alloc(0);

  beforeAll(() => {
    expect(haveGo, 'the Go toolchain is missing: apt-get install golang-go').toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'go-darwin-arm64-'));
    writeFileSync(join(dir, 'go.mod'), 'module hello\n\ngo 1.19\n');
    writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() { println("hello from darwin/arm64") }\n');
    const build = spawnSync('go', ['build', '-trimpath', '-o', 'hello', '.'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GOOS: 'darwin', GOARCH: 'arm64', CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOCACHE: process.env['GOCACHE'] ?? join(tmpdir(), 'kubectl-camunda-backup-gocache'), GOPATH: join(dir, 'gopath') },
    });
    expect(build.status, build.stderr).toBe(0);
    signedByGo = readFileSync(join(dir, 'hello'));
  }, 300_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("Go's own signature passes the independent verifier", () => {
    expect(parseMachO(signedByGo).codeSignatures).toHaveLength(1);
    expect(adHocSignatureProblems(signedByGo)).toEqual([]);
    expect(readCodeDirectory(signedByGo)).toMatchObject({ version: 0x20400, flags: 0x20002 });
  });

  it("re-signing Go's binary with our signer gives Go's bytes exactly", () => {
    const { identifier } = readCodeDirectory(signedByGo);
    const ours = adHocSign(signedByGo, { identifier });
    expect(ours.length).toBe(signedByGo.length);
    expect(ours.equals(signedByGo)).toBe(true);
  });

  it('a broken Go signature fails the verifier (its teeth on a file it did not write)', () => {
    const broken = Buffer.from(signedByGo);
    broken[0x4000 + 7]! ^= 0x40;
    expect(adHocSignatureProblems(broken).join('\n')).toMatch(/page hash mismatch on 1 page\(s\), first 4/);
  });
});
