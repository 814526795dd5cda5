// Build-time tools that are not project dependencies: installed from the registry into the git-ignored cache
// (its own package.json), so the project's package.json and lockfile stay untouched.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { run } from './exec.mjs';

export const TOOL_VERSIONS = {
  // Node's own injector for single-executable applications (what the Node docs use).
  postject: '1.0.0-alpha.6',
  // Drops the Mach-O code signature that injection would otherwise leave broken (codesign is macOS-only).
  'macho-unsign': '2.0.6',
};

/** @param {string} cacheDir */
export function ensureTools(cacheDir) {
  const dir = join(cacheDir, 'release-tools');
  const installed = Object.entries(TOOL_VERSIONS).every(([name, version]) => {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === version;
  });
  if (!installed) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'release-tools', private: true, dependencies: TOOL_VERSIONS }, null, 2),
    );
    run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
      cwd: dir,
      quiet: true,
    });
  }
  const require = createRequire(join(dir, 'package.json'));
  return {
    postjectCli: require.resolve('postject/dist/cli.js'),
    /** @type {(data: ArrayBufferLike | ArrayBufferView) => ArrayBuffer | null} */
    unsignMachO: require('macho-unsign').unsign,
  };
}
