import { describe, expect, it } from 'vitest';
import { skipReason, skipSummary } from '../skip-reasons-reporter.js';

describe('skip reasons in the test output', () => {
  it('reads the reason from both naming styles the tiers use', () => {
    expect(skipReason('release binary: linux/amd64 single-executable [SKIPPED: dist/release not built; run "npm run release"] > runs --version')).toBe(
      'dist/release not built; run "npm run release"',
    );
    expect(skipReason('container tier — skipped: Docker is not available (no socket); start dockerd > create over exec')).toBe(
      'Docker is not available (no socket); start dockerd',
    );
    expect(skipReason('a test that just ran')).toBeUndefined();
  });

  it('lists each reason once with its count and files, and counts the unexplained', () => {
    const lines = skipSummary([
      { fullName: 'a [SKIPPED: no Docker] > x', module: 'test/container/a.test.ts' },
      { fullName: 'a [SKIPPED: no Docker] > y', module: 'test/container/b.test.ts' },
      { fullName: 'k3s — skipped: set K8S_E2E=1', module: 'test/container/k3s.e2e.test.ts' },
      { fullName: 'filtered', module: 'test/unit/x.test.ts' },
      { fullName: 'noted', note: 'ctx.skip said so', module: 'test/unit/y.test.ts' },
    ]);
    expect(lines).toEqual([
      '',
      'Skipped, and why:',
      '  2 test(s) in test/container/a.test.ts, test/container/b.test.ts: no Docker',
      '  1 test(s) in test/container/k3s.e2e.test.ts: set K8S_E2E=1',
      '  1 test(s) in test/unit/y.test.ts: ctx.skip said so',
      '  1 test(s) skipped without a stated reason (a -t filter or .only elsewhere)',
    ]);
    expect(skipSummary([])).toEqual([]);
  });
});
