/**
 * The dry run cannot drift from the run: on every chart line (8.6 to 8.10, RDBMS included), the changing calls a
 * happy `create` makes (what the simulated components received) are exactly the non-GET calls `create --dry-run`
 * printed for the same cluster, on the same pods, in an order the printed order numbers allow.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../world/cluster-from-manifests.js';
import type { SimRequest } from '../world/index.js';
import { describeRun, runCli } from './helpers/run-cli.js';
import { dumpLog, isMutating } from './helpers/sim-log.js';
import { fixture, LINES, withWorld, type Line } from './helpers/world-run.js';

interface PlannedCall {
  readonly order: number;
  readonly step: string;
  readonly method: string;
  readonly path: string;
  readonly target: string;
}

const CASES: ReadonlyArray<{ readonly name: string; readonly line: Line; readonly scenario: string; readonly args: readonly string[] }> = [
  { name: '8.6', line: '8.6', scenario: 'backup-configured', args: ['--backup-id', '1700000301'] },
  { name: '8.7', line: '8.7', scenario: 'backup-configured', args: ['--backup-id', '1700000302'] },
  { name: '8.8', line: '8.8', scenario: 'backup-configured', args: ['--backup-id', '1700000303'] },
  { name: '8.9', line: '8.9', scenario: 'backup-configured', args: ['--backup-id', '1700000304'] },
  // The cluster chooses the ID on RDBMS: --backup-id is refused there.
  { name: '8.9 RDBMS', line: '8.9', scenario: 'rdbms-backup-continuous', args: [] },
  { name: '8.10', line: '8.10', scenario: 'backup-configured', args: ['--backup-id', '1700000305'] },
  { name: '8.10 RDBMS', line: '8.10', scenario: 'rdbms-backup-continuous', args: [] },
];

const fixturesPresent = (line: Line, scenario: string): boolean => existsSync(join(fixturesDir(), LINES[line], `${scenario}.yaml`));

/** The pod a dry-run target names ("pod/camunda-zeebe-0:9600"), or undefined for a URL. */
const podOf = (target: string): string | undefined => /^pod\/([^:\s]+)/.exec(target)?.[1];

/** Generated IDs are unknown to the dry run: the run's ID takes the place of the placeholder. */
const pathKey = (path: string): string => path.replace(/\/\d{10,}(?=$|[/?])/g, '/{id}').replace(/_\d{10,}(?=$|[/?])/g, '_{id}');

describe('create --dry-run prints exactly the changing calls a happy run makes', () => {
  for (const c of CASES) {
    const present = fixturesPresent(c.line, c.scenario);
    const skipped = present ? '' : ` — skipped: no rendered chart ${LINES[c.line]}/${c.scenario}.yaml in ${fixturesDir()} (set CAMUNDA_FIXTURES_DIR)`;
    it.skipIf(!present)(`${c.name} (${c.scenario})${skipped}`, async () => {
      await withWorld({ fixture: fixture(c.line, c.scenario) }, async (world) => {
        const dry = await runCli(world, ['create', '--access', 'port-forward', ...c.args, '--dry-run', '-o', 'json']);
        expect(dry.code, describeRun(dry)).toBe(0);
        expect(world.log.filter(isMutating), 'the dry run changed nothing').toEqual([]);
        const planned = (dry.json<{ plan: PlannedCall[] }>().plan ?? []).filter((call) => call.method !== 'GET' && call.method !== 'EXEC');
        expect(planned.length).toBeGreaterThan(0);

        const run = await runCli(world, ['create', '--access', 'port-forward', ...c.args, '-o', 'json']);
        expect(run.code, describeRun(run)).toBe(0);
        const made: SimRequest[] = world.log.filter(isMutating);
        const log = dumpLog(world);

        const key = (method: string, path: string): string => `${method} ${pathKey(path)}`;
        expect(made.map((e) => key(e.method, e.path)).sort(), log).toEqual(planned.map((p) => key(p.method, p.path)).sort());
        // Each call reached the pod the dry run named, and no call ran before one the dry run ordered earlier.
        let lastOrder = 0;
        for (const entry of made) {
          const match = planned.find((p) => key(p.method, p.path) === key(entry.method, entry.path) && (podOf(p.target) ?? entry.pod) === entry.pod);
          expect(match, `${entry.method} ${entry.path} on ${entry.pod} was printed by the dry run\n${log}`).toBeDefined();
          expect(match!.order, `order of ${entry.method} ${entry.path}\n${log}`).toBeGreaterThanOrEqual(lastOrder);
          lastOrder = match!.order;
        }
      });
    });
  }
});
