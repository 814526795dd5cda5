/** Start a simulated world for one test and always stop it, whatever the test does. */
import { it } from 'vitest';
import { itWithFixtures } from '../../fixtures-available.js';
import { startWorld, type World, type WorldOptions } from '../../world/index.js';

/** Short simulated component durations: enough for several polls, short enough for a fast suite. */
export const FAST: NonNullable<WorldOptions['durations']> = { webapps: 200, optimize: 150, zeebe: 200, snapshot: 100 };

export async function withWorld<T>(options: WorldOptions, body: (world: World) => Promise<T>): Promise<T> {
  const world = await startWorld({ ...options, durations: { ...FAST, ...options.durations } });
  try {
    return await body(world);
  } finally {
    await world.stop();
  }
}

/** The Helm fixtures of each chart line that the integration tests use. */
export const LINES = {
  '8.6': '11.12.3',
  '8.7': '12.13.3',
  '8.8': '13.12.7',
  '8.9': '14.8.4',
  /** A pre-release chart: no released 15.x chart was available (README of the fixtures). */
  '8.10': '15.0.0-alpha4',
} as const;
export type Line = keyof typeof LINES;

export function fixture(line: Line, scenario: string): WorldOptions['fixture'] {
  return { chartVersion: LINES[line], scenario };
}

/**
 * A backup-configured release of one line: our own resource files where the repository has them (8.7, 8.8), so
 * the test runs on any clone; the rendered chart otherwise (such a test runs through `itOnLine`).
 */
export function configuredCluster(line: Line): Pick<WorldOptions, 'fixture' | 'resources'> {
  if (line === '8.7') return { resources: 'demo-8.7' };
  if (line === '8.8') return { resources: 'demo-8.8' };
  return { fixture: fixture(line, 'backup-configured') };
}

/** it() for a test on `configuredCluster(line)`: skipped (or required in CI) like every fixture test when it needs one. */
export function itOnLine(line: Line): typeof itWithFixtures {
  return line === '8.7' || line === '8.8' ? (name, body, timeout) => void it(name, body, timeout) : itWithFixtures;
}

/**
 * 8.10 bundles no search engine (chart 15.x): the external one is reached through a pod, and a restore stops the
 * brokers, so it goes through one the restore keeps running (Identity). No flags on the other lines.
 */
export function relayFlags(line: Line, world: World): string[] {
  if (line !== '8.10') return [];
  const relay = world.sims.pods.find((p) => p.name.includes('identity'))?.name;
  if (!relay) throw new Error('no identity pod to reach the search engine through');
  return ['--exec-pod', relay];
}
