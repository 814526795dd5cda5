/**
 * Whether the rendered Helm fixtures (../shared/fixtures/helm, or $CAMUNDA_FIXTURES_DIR) are there, and what a test
 * that needs them does when they are not. They live outside the repository, so a fresh clone has none: there the
 * tests that need them are skipped with a message saying why, and everything else runs on test/world/resources.
 * CI (CI=true, or REQUIRE_FIXTURES=1 which .ci/run sets) must run them, so there a missing directory is a failure,
 * not a skip, like the container tier without Docker and the release tests without dist/release.
 */
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { fixturesDir, listFixtureScenarios } from './world/cluster-from-manifests.js';

const truthy = (value: string | undefined): boolean => ['1', 'true'].includes((value ?? '').toLowerCase());

export const FIXTURES_DIR = fixturesDir();
export const fixturesPresent = existsSync(FIXTURES_DIR) && listFixtureScenarios().length > 0;
export const fixturesRequired = truthy(process.env['REQUIRE_FIXTURES']) || truthy(process.env['CI']);
/** True when tests that need the fixtures run (present, or required so that their absence fails). */
export const fixturesRun = fixturesPresent || fixturesRequired;

const missing = `Helm fixtures not found at ${FIXTURES_DIR} (set CAMUNDA_FIXTURES_DIR to where they live)`;
/** The note appended to the name of a skipped suite. */
export const fixturesSkipNote = fixturesPresent ? '' : ` [SKIPPED: ${missing}]`;

let warned = false;
function warnOnce(): void {
  if (warned) return;
  warned = true;
  console.warn(`tests that need the rendered charts are skipped: ${missing}`);
}

function failingSuite(name: string): void {
  describe(name, () => {
    it('has the Helm fixtures (CI=true / REQUIRE_FIXTURES=1 require them)', () => {
      throw new Error(`${missing}; CI must run the fixture tests`);
    });
  });
}

/** describe() for tests that need the rendered charts: runs with them, fails loudly in CI without them, skips elsewhere. */
export function describeWithFixtures(name: string, body: () => void): void {
  if (fixturesPresent) return void describe(name, body);
  if (fixturesRequired) return failingSuite(name);
  warnOnce();
  describe.skip(`${name}${fixturesSkipNote}`, body);
}

/** it() for a single test that needs the rendered charts, inside a suite that otherwise runs without them. */
export function itWithFixtures(name: string, body: () => Promise<void> | void, timeout?: number): void {
  if (fixturesPresent) return void it(name, body, timeout);
  if (fixturesRequired) return void it(`${name} (needs the Helm fixtures)`, () => {
    throw new Error(`${missing}; CI must run the fixture tests`);
  });
  warnOnce();
  it.skip(`${name}${fixturesSkipNote}`, body);
}

/**
 * it (and it.each) for tests that need the rendered charts, where describeWithFixtures/itWithFixtures do not fit:
 * skipped without them; run when present or required (then the missing file fails the test, naming it).
 */
export const itNeedingFixtures = fixturesRun ? it : it.skip;
