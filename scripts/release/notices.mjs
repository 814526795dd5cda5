// THIRD_PARTY_NOTICES for the archives: every npm package the bundle embeds (read from its source map) and
// the Node.js runtime the executable is built from. Both licenses ask for their notice to travel with copies.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * @param {string} bundle path of the .cjs bundle (its .map must sit beside it)
 * @returns {{ name: string, version: string, license: string, dir: string }[]}
 */
export function bundledPackages(bundle) {
  const mapPath = `${bundle}.map`;
  if (!existsSync(mapPath)) throw new Error(`${mapPath} is missing: the bundle must be built with a source map`);
  const { sources, sourceRoot = '' } = JSON.parse(readFileSync(mapPath, 'utf8'));
  const dirs = new Set();
  for (const src of /** @type {string[]} */ (sources)) {
    const abs = resolve(dirname(bundle), sourceRoot, src);
    const m = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(abs);
    if (m?.[1]) dirs.add(m[1]);
  }
  // The same name@version can sit in several node_modules folders; one notice each.
  const byId = new Map();
  for (const dir of dirs) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const id = `${pkg.name}@${pkg.version}`;
    if (!byId.has(id)) byId.set(id, { name: pkg.name, version: pkg.version, license: String(pkg.license ?? 'UNKNOWN'), dir });
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

/** @param {string} dir */
function licenseText(dir) {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  return file ? readFileSync(join(dir, file), 'utf8').trim() : null;
}

/**
 * @param {{ bundle: string, nodeLicense: string, nodeVersion: string }} args
 */
export function renderNotices({ bundle, nodeLicense, nodeVersion }) {
  const rule = '='.repeat(78);
  const parts = [
    'kubectl-camunda_backup is a Node.js single-executable application. It contains the Node.js runtime',
    'and the npm packages listed below, under their own licenses.',
    '',
  ];
  for (const p of bundledPackages(bundle)) {
    parts.push(rule, `${p.name}@${p.version} (${p.license})`, rule, licenseText(p.dir) ?? `License: ${p.license}`, '');
  }
  parts.push(rule, `Node.js v${nodeVersion}`, rule, readFileSync(nodeLicense, 'utf8').trim(), '');
  return parts.join('\n');
}
