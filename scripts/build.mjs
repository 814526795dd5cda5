// Bundles the CLI twice: as ESM chunks that bin/ runs (a command loads only what it needs, so `--help` starts fast),
// and as one CommonJS file that the krew single-executable embeds (Node's SEA runs a single CommonJS script).
// Also bundles the simulated cluster into an ESM module for `npm run demo` and the benchmark.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const stub = join(root, 'dist', 'optional-stub.cjs');
mkdirSync(join(root, 'dist'), { recursive: true });
// Behave like an absent optional module: ws and friends probe with try/require and fall back to plain JS.
writeFileSync(stub, "throw Object.assign(new Error('optional module not bundled'), { code: 'MODULE_NOT_FOUND' });\n");

// Optional native helpers of ws and friends; without the alias a single-executable prints a warning on every run.
const optional = ['bufferutil', 'utf-8-validate', 'supports-color', 'encoding'];

// Start-up: `--help` measures every help line with string-width, whose 7.x and 8.x copies cost ~50 ms of each
// start between them (see scripts/build/fast-string-width.cjs). Every ESM import of string-width gets the wrapper
// with an ASCII fast path; require() callers (cli-table3's 4.x, a different API) keep theirs.
const fastStringWidth = {
  name: 'fast-string-width',
  setup(b) {
    const wrapper = join(root, 'scripts', 'build', 'fast-string-width.cjs');
    const fromYargs = createRequire(createRequire(join(root, 'package.json')).resolve('yargs'));
    const cliuiDir = dirname(fromYargs.resolve('cliui'));
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData?.real) return undefined;
      if (args.importer !== wrapper) return args.kind === 'import-statement' ? { path: wrapper } : undefined;
      const real = await b.resolve('string-width', { kind: 'import-statement', resolveDir: cliuiDir, pluginData: { real: true } });
      const { version: v } = JSON.parse(readFileSync(join(dirname(real.path), 'package.json'), 'utf8'));
      if (!v.startsWith('7.')) throw new Error(`string-width ${v} next to cliui: check fast-string-width.mjs still fits it (written for 7.x)`);
      return real;
    });
  },
};

const shared = {
  plugins: [fastStringWidth],
  entryPoints: [join(root, 'src/cli/main.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  alias: {
    ...Object.fromEntries(optional.map((name) => [name, stub])),
    // node-fetch's whatwg-url asks for the built-in punycode, which Node 22 (the single executable's runtime) flags
    // as deprecated on every run; the userland package of the same name is what it means.
    punycode: join(root, 'node_modules', 'punycode', 'punycode.js'),
  },
  logLevel: 'warning',
};

// Chunk names change between builds; build aside and swap, so a CLI running from dist/cli never sees a half-written tree.
const esmOut = join(root, 'dist/cli');
const esmNext = `${esmOut}.next-${process.pid}`;
const esmOld = `${esmOut}.old-${process.pid}`;
await build({
  ...shared,
  outdir: esmNext,
  format: 'esm',
  splitting: true,
  outExtension: { '.js': '.mjs' },
  define: { CLI_VERSION: JSON.stringify(version) },
  // Bundled CommonJS dependencies (ws, client-node's) call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
if (existsSync(esmOut)) renameSync(esmOut, esmOld);
renameSync(esmNext, esmOut);
rmSync(esmOld, { recursive: true, force: true });

await build({
  ...shared,
  outfile: join(root, 'dist/kubectl-camunda_backup.cjs'),
  format: 'cjs',
  // yargs 18 is ESM-only and reads import.meta.url, which a CommonJS bundle lacks; give it the bundle's own URL.
  define: { CLI_VERSION: JSON.stringify(version), 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});

await build({
  entryPoints: [join(root, 'test/world/index.ts')],
  outfile: join(root, 'dist/test-world.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
