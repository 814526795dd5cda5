import { describe, expect, it } from 'vitest';
import { expectedSnapshotCount } from './expected-snapshot-count.js';

describe('expectedSnapshotCount', () => {
  it.each([
    ['the first of six web-app parts', ['camunda_operate_1748937221_8.7.2_part_1_of_6'], 6],
    ['8.8 web apps, two parts started', ['camunda_webapps_5_8.8.35_part_1_of_5', 'camunda_webapps_5_8.8.35_part_2_of_5'], 5],
    ['Optimize', ['camunda_optimize_5_8.7.3_part_1_of_2'], 2],
    ['names without a count', ['some-snapshot'], undefined],
    ['no names yet', [], undefined],
  ] as const)('%s → %s', (_what, names, expected) => {
    expect(expectedSnapshotCount(names)).toBe(expected);
  });
});
