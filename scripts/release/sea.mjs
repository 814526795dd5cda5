// Node single-executable application: one preparation blob for every target, injected into each platform's
// Node binary. Without code cache or snapshot the blob holds only the script, so one blob made by the Node 22
// linux-x64 binary is valid for the same Node version on every OS/arch.
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hasCommand, run } from './exec.mjs';
import { adHocSign, hasValidAdHocSignature } from './macho-sign.mjs';
import { BIN_NAME } from './targets.mjs';

export const SEA_RESOURCE = 'NODE_SEA_BLOB';
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const MACHO_SEGMENT = 'NODE_SEA';

/**
 * @param {string} node22 a Node binary of the release's Node version that runs on this machine
 * @param {string} bundle the CommonJS bundle to embed
 * @param {string} workDir
 * @param {{ codeCache?: boolean }} [opts] codeCache: embed V8's compiled code for the bundle. Only valid for
 *   the very Node build that made the blob (V8 rejects it elsewhere), so only for the build machine's own target.
 */
export function makeBlob(node22, bundle, workDir, opts = {}) {
  mkdirSync(workDir, { recursive: true });
  const name = opts.codeCache ? 'sea-prep-codecache' : 'sea-prep';
  const config = join(workDir, `${name}.json`);
  const blob = join(workDir, `${name}.blob`);
  writeFileSync(
    config,
    JSON.stringify(
      {
        main: bundle,
        output: blob,
        disableExperimentalSEAWarning: true,
        // A snapshot would tie the blob to the machine's V8 build too, and needs the CLI written for it.
        useSnapshot: false,
        useCodeCache: Boolean(opts.codeCache),
      },
      null,
      2,
    ),
  );
  run(node22, ['--experimental-sea-config', config], { quiet: true });
  return blob;
}

/**
 * Copies a target's Node binary, prepares it for injection, injects the blob, and checks the result.
 * @param {object} args
 * @param {import('./targets.mjs').Target} args.target
 * @param {string} args.nodeBinary
 * @param {string} args.blob
 * @param {string} args.out
 * @param {ReturnType<typeof import('./tools.mjs').ensureTools>} args.tools
 */
export function buildExecutable({ target, nodeBinary, blob, out, tools }) {
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(nodeBinary, out);
  chmodSync(out, 0o755);

  if (target.strip) {
    if (!hasCommand(target.strip)) {
      throw new Error(
        `${target.strip} is needed to strip the ${target.os}/${target.arch} binary` +
          (target.strip.startsWith('aarch64-') ? ' (apt-get install -y binutils-aarch64-linux-gnu)' : ''),
      );
    }
    run(target.strip, ['--strip-all', out]);
  }
  if (target.format === 'macho') {
    const unsigned = tools.unsignMachO(readFileSync(out));
    if (unsigned) writeFileSync(out, Buffer.from(unsigned));
  }
  if (target.format === 'pe') {
    writeFileSync(out, removeAuthenticode(readFileSync(out)));
  }

  const args = [tools.postjectCli, out, SEA_RESOURCE, blob, '--sentinel-fuse', SEA_FUSE];
  if (target.format === 'macho') args.push('--macho-segment-name', MACHO_SEGMENT);
  run(process.execPath, args, { quiet: true });

  if (target.format === 'pe') writeFileSync(out, withPeChecksum(readFileSync(out)));
  // After injection, when nothing changes the file any more: the signature hashes every byte before it.
  if (target.sign === 'ad-hoc') writeFileSync(out, adHocSign(readFileSync(out), { identifier: BIN_NAME }));
  verifyExecutable(target, readFileSync(out), readFileSync(blob));
}

/**
 * What can be checked without running the binary: the fuse is flipped, the blob is embedded byte for byte, and
 * the signature is the one the target wants: a valid ad-hoc one on darwin/arm64, none elsewhere (no stale one:
 * a broken signature is worse than none).
 * @param {Pick<import('./targets.mjs').Target, 'os' | 'arch' | 'format' | 'sign'>} target
 * @param {Buffer} exe
 * @param {Buffer} blob
 */
export function verifyExecutable(target, exe, blob) {
  const where = `${target.os}/${target.arch}`;
  const flipped = exe.indexOf(`${SEA_FUSE}:1`);
  if (flipped < 0 || exe.indexOf(`${SEA_FUSE}:0`) >= 0 || exe.lastIndexOf(`${SEA_FUSE}:1`) !== flipped) {
    throw new Error(`${where}: the SEA fuse was not flipped exactly once`);
  }
  if (exe.indexOf(blob) < 0) throw new Error(`${where}: the SEA blob is not embedded`);
  if (target.format === 'macho') {
    if (target.sign === 'ad-hoc') {
      if (!hasValidAdHocSignature(exe, { identifier: BIN_NAME })) throw new Error(`${where}: no valid ad-hoc code signature`);
    } else if (machoLoadCommands(exe).some((c) => c.cmd === LC_CODE_SIGNATURE)) {
      throw new Error(`${where}: Mach-O still carries a code signature`);
    }
    if (!machoSegmentNames(exe).includes(MACHO_SEGMENT)) throw new Error(`${where}: no ${MACHO_SEGMENT} segment`);
  }
  if (target.format === 'pe' && peDirectory(exe, PE_SECURITY_DIR).size !== 0) {
    throw new Error(`${where}: PE still carries an Authenticode signature`);
  }
}

const PE_SECURITY_DIR = 4;

/** @param {Buffer} exe @param {number} index */
function peDirectory(exe, index) {
  const pe = exe.readUInt32LE(0x3c);
  if (exe.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new Error('not a PE file');
  const optional = pe + 24;
  const magic = exe.readUInt16LE(optional);
  const dirs = optional + (magic === 0x20b ? 112 : 96);
  const entry = dirs + index * 8;
  return { entry, offset: exe.readUInt32LE(entry), size: exe.readUInt32LE(entry + 4), checksumAt: optional + 64 };
}

/**
 * Drops the Authenticode certificate table (what `signtool remove /s` does): injection would invalidate it.
 * @param {Buffer} exe
 */
export function removeAuthenticode(exe) {
  const { entry, offset, size } = peDirectory(exe, PE_SECURITY_DIR);
  if (size === 0) return exe;
  // The table is always last in a signed image; anything after it would be lost by truncating.
  if (offset + size !== exe.length) throw new Error('PE certificate table is not at the end of the file');
  const out = Buffer.from(exe.subarray(0, offset));
  out.writeUInt32LE(0, entry);
  out.writeUInt32LE(0, entry + 4);
  return out;
}

/**
 * Recomputes the optional header's CheckSum (the imagehlp algorithm) after the image changed.
 * @param {Buffer} exe
 */
export function withPeChecksum(exe) {
  const { checksumAt } = peDirectory(exe, PE_SECURITY_DIR);
  const out = Buffer.from(exe);
  out.writeUInt32LE(0, checksumAt);
  let sum = 0;
  const even = out.length & ~1;
  for (let i = 0; i < even; i += 2) {
    sum += out.readUInt16LE(i);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  if (out.length & 1) {
    sum += out[out.length - 1] ?? 0;
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  sum = (sum & 0xffff) + (sum >>> 16);
  out.writeUInt32LE((sum + out.length) >>> 0, checksumAt);
  return out;
}

const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;

/**
 * The load commands of a thin little-endian 64-bit Mach-O: kind and offset.
 * @param {Buffer} exe
 */
function machoLoadCommands(exe) {
  if (exe.readUInt32LE(0) !== 0xfeedfacf) throw new Error('not a 64-bit little-endian Mach-O');
  const ncmds = exe.readUInt32LE(16);
  const commands = [];
  let at = 32;
  for (let i = 0; i < ncmds; i += 1) {
    commands.push({ cmd: exe.readUInt32LE(at), at });
    at += exe.readUInt32LE(at + 4);
  }
  return commands;
}

/**
 * Names of the LC_SEGMENT_64 commands of a thin little-endian 64-bit Mach-O.
 * @param {Buffer} exe
 */
export function machoSegmentNames(exe) {
  return machoLoadCommands(exe)
    .filter((c) => c.cmd === LC_SEGMENT_64)
    .map((c) => exe.toString('latin1', c.at + 8, c.at + 24).replace(/\0+$/, ''));
}
