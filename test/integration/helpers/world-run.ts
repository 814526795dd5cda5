/** Start a simulated world for one test and always stop it, whatever the test does. */
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
