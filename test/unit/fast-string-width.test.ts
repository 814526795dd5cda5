/**
 * The string-width the bundles use (scripts/build/fast-string-width.cjs): printable ASCII answered by length, the rest
 * by string-width itself, so the start-up shortcut never changes how a line of help is measured.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const fastStringWidth = require('../../scripts/build/fast-string-width.cjs') as (text: string, options?: object) => number;
// What the wrapper falls back to when run unbundled (the build points it at cliui's copy instead).
const stringWidth = (require('string-width') as { default: (text: string, options?: object) => number }).default;

describe('fast string-width', () => {
  it.each(['', 'kubectl camunda-backup <command> [flags]', '  -n, --namespace  Namespace of the Camunda release   [string]', '~!@#$%^&*()_+{}|:"<>?`-=[]\\;\',./'])(
    'printable ASCII %j is as wide as it is long, as string-width says',
    (text) => {
      expect(fastStringWidth(text)).toBe(text.length);
      expect(fastStringWidth(text)).toBe(stringWidth(text));
    },
  );

  it.each(['日本語のヘルプ', 'exporting resumed ✔', '\u001b[31mred\u001b[39m', 'tab\there', 'e\u0301'])('%j goes to string-width itself', (text) => {
    expect(fastStringWidth(text)).toBe(stringWidth(text));
  });

  it('measures wide and escaped text differently from its length', () => {
    expect(fastStringWidth('日本')).toBe(4);
    expect(fastStringWidth('\u001b[31mred\u001b[39m')).toBe(3);
  });
});
