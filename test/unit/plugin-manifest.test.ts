/**
 * The krew manifest against the rules krew-index CI enforces (krew internal/index/validation), and, when the release
 * was built, against the archives it names: every referenced archive exists with that sha256 and holds the bin and
 * the LICENSE. The schema's own teeth are tested on broken manifests, so a rule that stopped biting would show.
 *
 * The repository keeps only the template (scripts/release/plugin.template.yaml); `npm run release` renders
 * dist/release/plugin.yaml from it, so a build never leaves the tree dirty. Without a release the template is
 * rendered here with placeholder hashes; with one, the written manifest must be exactly the template rendered with
 * the archives release.json records.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderManifest } from '../../scripts/release/manifest.mjs';
import { TARGETS } from '../../scripts/release/targets.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RELEASE_DIR = join(ROOT, 'dist', 'release');
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The os/arch pairs krew accepts (validate.go's osArchPairs). */
const SUPPORTED: Readonly<Record<string, readonly string[]>> = {
  windows: ['386', 'amd64', 'arm64'],
  linux: ['386', 'amd64', 'arm', 'arm64', 'ppc64le'],
  darwin: ['386', 'amd64', 'arm64'],
};
const PAIRS = Object.entries(SUPPORTED).flatMap(([os, arches]) => arches.map((arch) => ({ os, arch })));
const WINDOWS_RESERVED = ['CON', 'PRN', 'AUX', 'NUL', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`COM${n}`, `LPT${n}`])];
/** What this project ships (README platform table). */
const EXPECTED_PLATFORMS = ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64'];

// semver.org's regular expression, with krew's mandatory "v".
const SEMVER_V =
  /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

const matchExpression = z.strictObject({
  key: z.string().min(1),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
});
const SELECTOR_KEY = z.enum(['os', 'arch'], { error: 'selector keys must be os or arch' });
const selector = z
  .strictObject({
    matchLabels: z
      .partialRecord(SELECTOR_KEY, z.string())
      .refine((labels) => Object.keys(labels).length > 0, '`matchLabels` specified but empty')
      .optional(),
    matchExpressions: z.array(matchExpression.extend({ key: SELECTOR_KEY })).min(1, '`matchExpressions` specified but empty').optional(),
  })
  .refine((s) => s.matchLabels !== undefined || s.matchExpressions !== undefined, 'selector must not be empty');
type Selector = z.infer<typeof selector>;

const platform = z
  .strictObject({
    selector,
    uri: z.url({ protocol: /^https?$/ }).regex(/\.(tar\.gz|zip)$/, 'uri must name a .tar.gz or .zip archive'),
    sha256: z.string().regex(/^[a-f0-9]{64}$/, 'sha256 must be 64 lowercase hex digits'),
    bin: z.string().min(1),
    files: z.array(z.strictObject({ from: z.string().min(1), to: z.string().min(1) })).min(1, '`files` has to be unspecified or non-empty').optional(),
  })
  .superRefine((p, ctx) => {
    const os = p.selector.matchLabels?.['os'];
    if (os === 'windows' && !p.bin.endsWith('.exe')) ctx.addIssue({ code: 'custom', message: 'windows bin must be an .exe' });
    if (os !== undefined && os !== 'windows' && p.bin.endsWith('.exe')) ctx.addIssue({ code: 'custom', message: `${os} bin must not be an .exe` });
    if (os === 'windows' && !p.uri.endsWith('.zip')) ctx.addIssue({ code: 'custom', message: 'windows archive must be a .zip' });
    if (os !== undefined && os !== 'windows' && !p.uri.endsWith('.tar.gz')) ctx.addIssue({ code: 'custom', message: `${os} archive must be a .tar.gz` });
  });
type Platform = z.infer<typeof platform>;

const krewManifest = z
  .strictObject({
    apiVersion: z.literal('krew.googlecontainertools.github.com/v1alpha2'),
    kind: z.literal('Plugin'),
    metadata: z.strictObject({
      name: z
        .string()
        .regex(/^[\w-]+$/, 'name must match ^[\\w-]+$')
        .refine((n) => !WINDOWS_RESERVED.includes(n.toUpperCase()), 'name is reserved on Windows'),
    }),
    spec: z.strictObject({
      version: z.string().regex(SEMVER_V, 'version must be semver with a leading v'),
      homepage: z.url().optional(),
      shortDescription: z
        .string()
        .trim()
        .min(1)
        .refine((s) => !s.includes('\n'), 'shortDescription must be a single line'),
      description: z.string().trim().min(1),
      caveats: z.string().optional(),
      platforms: z.array(platform).min(1),
    }),
  })
  .superRefine((m, ctx) => {
    for (const [i, p] of m.spec.platforms.entries()) {
      const matched = PAIRS.filter((pair) => selectorMatches(p.selector, pair));
      if (matched.length === 0) ctx.addIssue({ code: 'custom', path: ['spec', 'platforms', i], message: 'selector matches no supported os/arch pair' });
    }
    for (const pair of PAIRS) {
      const owners = m.spec.platforms.filter((p) => selectorMatches(p.selector, pair));
      if (owners.length > 1) ctx.addIssue({ code: 'custom', path: ['spec', 'platforms'], message: `selectors overlap on ${pair.os}/${pair.arch}` });
    }
  });
type Manifest = z.infer<typeof krewManifest>;

/** Kubernetes label-selector semantics (what krew evaluates against {os, arch}). */
function selectorMatches(s: Selector, labels: Readonly<Record<string, string>>): boolean {
  const byLabels = Object.entries(s.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (s.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        return value !== undefined && (e.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(e.values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
    }
  });
  return byLabels && byExpressions;
}

function pairsOf(p: Platform): string[] {
  return PAIRS.filter((pair) => selectorMatches(p.selector, pair)).map((pair) => `${pair.os}/${pair.arch}`);
}

const TEMPLATE = join(ROOT, 'scripts', 'release', 'plugin.template.yaml');
const GENERATED = join(RELEASE_DIR, 'plugin.yaml');

/** The template rendered for every target, each with a distinct placeholder hash. */
function renderedTemplate(): string {
  const built = TARGETS.map((target, i) => ({ target, sha256: createHash('sha256').update(`placeholder ${i}`).digest('hex') }));
  return renderManifest({ templatePath: TEMPLATE, version: PACKAGE_VERSION, built, env: {} });
}

/** What users install: the manifest the release wrote, or (before any release) the template rendered. */
function readManifest(): unknown {
  return parse(existsSync(GENERATED) ? readFileSync(GENERATED, 'utf8') : renderedTemplate());
}

function issues(candidate: unknown): string[] {
  const result = krewManifest.safeParse(candidate);
  return result.success ? [] : result.error.issues.map((i) => i.message);
}

describe('generated release files stay out of the repository', () => {
  it('no plugin.yaml with hashes at the repository root: the release writes dist/release/plugin.yaml only', () => {
    expect(existsSync(join(ROOT, 'plugin.yaml'))).toBe(false);
    expect(readFileSync(join(ROOT, 'scripts', 'release.mjs'), 'utf8')).not.toMatch(/writeFileSync\(join\(root, 'plugin\.yaml'\)/);
  });

  it('the template has no platforms (they come from the archives of a build)', () => {
    expect((parse(readFileSync(TEMPLATE, 'utf8')) as { spec: { platforms: unknown[] } }).spec.platforms).toEqual([]);
  });
});

describe(`krew manifest rules (${existsSync(GENERATED) ? 'dist/release/plugin.yaml' : 'the template rendered with placeholder hashes; no release built'})`, () => {
  const raw = readManifest();

  it('passes the krew manifest schema', () => {
    expect(issues(raw)).toEqual([]);
  });

  const manifest = krewManifest.parse(raw);

  it('is camunda-backup at the package version, as krew-index wants it (plugins/camunda-backup.yaml)', () => {
    expect(manifest.metadata.name).toBe('camunda-backup');
    expect(manifest.spec.version).toBe(`v${PACKAGE_VERSION}`);
  });

  it('ships every platform we build, one platform each, with distinct archives under the version tag', () => {
    expect(manifest.spec.platforms.flatMap(pairsOf).sort()).toEqual([...EXPECTED_PLATFORMS].sort());
    const uris = manifest.spec.platforms.map((p) => p.uri);
    expect(new Set(uris.map((u) => basename(u))).size).toBe(uris.length);
    for (const uri of uris) expect(uri).toContain(`/v${PACKAGE_VERSION}/`);
  });

  it('installs the bin and the LICENSE (krew-index CI fails an install without a license file)', () => {
    for (const p of manifest.spec.platforms) {
      const from = (p.files ?? [{ from: '*', to: '.' }]).map((f) => f.from);
      if (!from.includes('*')) expect(from, p.uri).toEqual(expect.arrayContaining([p.bin, 'LICENSE']));
      expect(p.bin === 'kubectl-camunda_backup' || p.bin === 'kubectl-camunda_backup.exe', p.bin).toBe(true);
    }
  });

  it('states in the caveats the RBAC the plugin needs', () => {
    const caveats = manifest.spec.caveats ?? '';
    for (const needed of ['secrets', 'pods', 'services', 'configmaps', 'pods/portforward', 'pods/exec', 'get, create']) {
      expect(caveats).toContain(needed);
    }
  });
});

describe('the krew manifest schema rejects what krew-index rejects', () => {
  const good = krewManifest.parse(readManifest());
  const clone = (): Manifest => structuredClone(good);
  const first = (m: Manifest): Platform => m.spec.platforms[0]!;

  it.each<[string, (m: Manifest) => void, RegExp]>([
    ['an uppercase sha256', (m) => void (first(m).sha256 = `ABCDEF${'0'.repeat(58)}`), /lowercase/],
    ['a short sha256', (m) => void (first(m).sha256 = 'abc'), /lowercase/],
    ['a version without v', (m) => void (m.spec.version = PACKAGE_VERSION), /semver/],
    ['a two-line shortDescription', (m) => void (m.spec.shortDescription = 'Back up\nCamunda'), /single line/],
    ['an invalid name', (m) => void (m.metadata.name = 'camunda backup'), /name must match/],
    ['a .tar.xz archive', (m) => void (first(m).uri = first(m).uri.replace(/\.(tar\.gz|zip)$/, '.tar.xz')), /\.tar\.gz or \.zip/],
    ['an empty selector', (m) => void (first(m).selector = {}), /must not be empty/],
    ['empty matchLabels', (m) => void (first(m).selector = { matchLabels: {} }), /specified but empty/],
    ['a selector key other than os/arch', (m) => void (first(m).selector = { matchLabels: { os: 'linux', distro: 'debian' } as never }), /"distro"|os or arch/],
    ['an empty files list', (m) => void (first(m).files = []), /non-empty/],
    ['a Windows-reserved name', (m) => void (m.metadata.name = 'nul'), /reserved/],
    ['an unsupported os/arch pair', (m) => void (first(m).selector = { matchLabels: { os: 'linux', arch: 's390x' } }), /no supported/],
    [
      'overlapping selectors',
      (m) => void m.spec.platforms.push({ ...first(m), selector: { matchExpressions: [{ key: 'os', operator: 'In', values: ['linux', 'darwin'] }] } }),
      /overlap/,
    ],
    [
      'a windows bin without .exe',
      (m) => void m.spec.platforms.filter((p) => p.selector.matchLabels?.['os'] === 'windows').forEach((p) => (p.bin = 'kubectl-camunda_backup')),
      /\.exe/,
    ],
    ['an unknown field', (m) => void Object.assign(m.spec, { shortDesc: 'typo' }), /.+/],
  ])('%s', (_name, mutate, message) => {
    const broken = clone();
    mutate(broken);
    const found = issues(broken);
    expect(found.length, 'rejected').toBeGreaterThan(0);
    expect(found.join('\n')).toMatch(message);
  });

  it('evaluates matchExpressions like krew (NotIn, Exists)', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'os', operator: 'NotIn', values: ['windows'] }] }, { os: 'linux', arch: 'amd64' })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'os', operator: 'NotIn', values: ['windows'] }] }, { os: 'windows', arch: 'amd64' })).toBe(false);
    expect(selectorMatches({ matchLabels: { os: 'linux' }, matchExpressions: [{ key: 'arch', operator: 'Exists' }] }, { os: 'linux', arch: 'arm' })).toBe(true);
  });
});

// The archives exist only after `npm run release` (CI runs it before the tests, with REQUIRE_RELEASE_ARTIFACTS=1,
// which turns a missing build into a failure instead of a skip).
const releaseJson = join(RELEASE_DIR, 'release.json');
const releaseState = existsSync(releaseJson) ? ((JSON.parse(readFileSync(releaseJson, 'utf8')) as { complete?: boolean }).complete ? 'complete' : 'partial') : 'absent';
const built = releaseState === 'complete';
const required = process.env['REQUIRE_RELEASE_ARTIFACTS'] === '1';
const skipReason = {
  complete: '',
  partial: ' [SKIPPED: dist/release is a partial build (--targets); run "npm run release" to check the archives]',
  absent: ' [SKIPPED: dist/release not built; run "npm run release" to check the archives]',
}[releaseState];

describe.skipIf(!built && !required)(`plugin.yaml against the archives in dist/release${skipReason}`, () => {
  const manifest = krewManifest.parse(readManifest());
  const release = (): { version: string; complete: boolean; targets: { os: string; arch: string; archive: string; sha256: string }[]; omitted: { os: string; arch: string }[] } =>
    JSON.parse(readFileSync(releaseJson, 'utf8'));

  it('is exactly the template rendered with the archives release.json records (template and manifest agree)', () => {
    const r = release() as ReturnType<typeof release> & { manifestEnv?: Record<string, string> };
    const built = r.targets.map((t) => ({ target: TARGETS.find((x) => x.os === t.os && x.arch === t.arch)!, sha256: t.sha256 }));
    expect(built.every((b) => b.target !== undefined)).toBe(true);
    expect(readFileSync(GENERATED, 'utf8')).toBe(renderManifest({ templatePath: TEMPLATE, version: r.version, built, env: r.manifestEnv ?? {} }));
  });

  it('comes from a complete release of this version', () => {
    expect(existsSync(releaseJson), `${releaseJson} missing: run "npm run release"`).toBe(true);
    const r = release();
    expect(r.version).toBe(PACKAGE_VERSION);
    expect(r.complete, 'dist/release is a partial build (--targets); run "npm run release" for all platforms').toBe(true);
    // Every platform krew users expect is shipped, none left out.
    expect(r.targets.map((t) => `${t.os}/${t.arch}`).sort()).toEqual([...EXPECTED_PLATFORMS].sort());
    expect(r.omitted).toEqual([]);
  });

  for (const p of manifest.spec.platforms) {
    const name = basename(new URL(p.uri).pathname);
    it(`${pairsOf(p).join(', ')}: ${name} exists with the manifest's sha256 and holds the bin and LICENSE`, () => {
      const file = join(RELEASE_DIR, name);
      expect(existsSync(file), `${file} missing: run "npm run release"`).toBe(true);
      const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
      expect(sha256, `${name}: plugin.yaml is stale or the archive was rebuilt; rerun "npm run release"`).toBe(p.sha256);
      const entries = name.endsWith('.zip')
        ? execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).split('\n').filter(Boolean)
        : execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
      for (const f of p.files ?? []) expect(entries, name).toContain(f.from);
      expect(entries).toEqual(expect.arrayContaining([p.bin, 'LICENSE']));
      if (name.endsWith('.tar.gz')) {
        const listing = execFileSync('tar', ['-tvzf', file, p.bin], { encoding: 'utf8' });
        expect(listing, 'bin is executable').toMatch(/^-rwxr-xr-x /);
      }
      // Hashing and listing a ~40 MB archive twice takes seconds on a loaded 2-core machine.
    }, 60_000);
  }
});
