/**
 * Kubernetes error messages name resources ("…/secrets: etcdserver: request timed out"): the redaction of
 * credentials must leave them whole. The exact line the user sees is asserted, not a pattern.
 */
import { describe, expect, it } from 'vitest';
import { itWithFixtures } from '../fixtures-available.js';
import { describeRun, runCli } from './helpers/run-cli.js';
import { configuredCluster, fixture, withWorld } from './helpers/world-run.js';

describe('redaction keeps Kubernetes messages about secrets intact', () => {
  it.each([['list'], ['status', '1700000500'], ['create', '--backup-id', '1700000500']])(
    '%s: a 500 on listing the Helm release Secrets → the exact Status message, nothing eaten after "secrets"',
    async (...args) => {
      await withWorld(
        {
          ...configuredCluster('8.7'),
          apiFaults: { restError: { path: /\/secrets$/, status: 500, message: 'etcdserver: request timed out', reason: 'InternalError' } },
        },
        async (world) => {
          const result = await runCli(world, [...args, '-n', world.namespace]);
          expect(result.code, describeRun(result)).toBe(3);
          expect(result.stderr.split('\n')[0]).toBe('error: GET /api/v1/namespaces/camunda/secrets: etcdserver: request timed out');
          expect(result.stderr).not.toContain('[redacted]');
        },
      );
    },
  );
});

describe('redaction keeps the warning about an unreadable search password intact', () => {
  itWithFixtures('8.7 external Elasticsearch, no "get secrets": the warning quotes the whole Kubernetes message', async () => {
    await withWorld({ fixture: fixture('8.7', 'elasticsearch-external'), rbacDeny: [{ verb: 'get', resource: 'secrets' }] }, async (world) => {
      const result = await runCli(world, ['list', '-n', world.namespace]);
      const warning = result.stderr.split('\n').find((line) => line.includes('search engine password'));
      expect(warning, describeRun(result)).toBeDefined();
      expect(warning).toBe(
        'warning: Could not read the search engine password from Secret elasticsearch-credentials (secrets "elasticsearch-credentials" is forbidden: ' +
          'User "system:serviceaccount:camunda:backup" cannot get resource "secrets" in API group "" in the namespace "camunda")',
      );
      expect(warning).not.toContain('[redacted]');
    });
  });
});
