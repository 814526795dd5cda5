/** A token without the RBAC a command needs: exit 3 with the Kubernetes message, and nothing changed. */
import { describe, expect, it } from 'vitest';
import { describeRun, runCli } from './helpers/run-cli.js';
import { mutatingCalls } from './helpers/sim-log.js';
import { seedBackup, SEED_DURATIONS, settle } from './helpers/lifecycle-seed.js';
import { withWorld } from './helpers/world-run.js';

const ID = 1_700_000_500;

describe('RBAC', () => {
  for (const args of [['status', String(ID)], ['list'], ['delete', String(ID), '--yes'], ['resume']]) {
    it(`${args[0]}: no "list secrets" (the Helm release cannot be found) → exit 3 with the Kubernetes message`, async () => {
      await withWorld({ resources: 'demo-8.7', rbacDeny: [{ verb: 'list', resource: 'secrets' }] }, async (world) => {
        const result = await runCli(world, [...args, '-n', world.namespace]);
        expect(result.code, describeRun(result)).toBe(3);
        expect(result.stderr).toMatch(/^error: .*secrets is forbidden: User "[^"]+" cannot list resource "secrets" in API group "" in the namespace "camunda"/m);
        expect(result.stderr).not.toMatch(/\n\s+at /);
        expect(world.log).toEqual([]);
      });
    });
  }

  it('delete with exec access but no pods/exec: exit 3 with the Kubernetes message, nothing deleted', async () => {
    await withWorld(
      { resources: 'demo-8.7', durations: SEED_DURATIONS, rbacDeny: [{ verb: 'create', resource: 'pods', subresource: 'exec' }] },
      async (world) => {
        seedBackup(world, ID);
        await settle(world);
        const result = await runCli(world, ['delete', String(ID), '-n', world.namespace, '--access', 'exec', '--yes']);
        expect(result.code, describeRun(result)).toBe(3);
        expect(result.stderr).toMatch(/cannot create resource "pods\/exec" in API group "" in the namespace "camunda"/);
        expect(mutatingCalls(world)).toEqual([]);
      },
    );
  });
});
