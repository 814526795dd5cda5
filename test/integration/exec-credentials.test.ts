/**
 * Credentials stay off command lines: with a secured Elasticsearch and --access exec, a full create, status and
 * delete send the search engine's credentials to curl on stdin, never in the exec request (its `command=`
 * parameters are what an API server's audit log records). The fake API server keeps every exec request it got;
 * none may hold the password, the Basic token or the header. Both exec protocols: v5 closes stdin after the
 * credentials; a v4-only API server (Kubernetes 1.29) cannot, so it is told once and a shell in the pod hands them on.
 */
import { describe, expect, it } from 'vitest';
import type { World } from '../world/index.js';
import { describeRun, partOf, runCli } from './helpers/run-cli.js';
import { dumpLog, isSnapshotPut } from './helpers/sim-log.js';
import { withWorld } from './helpers/world-run.js';

const USER = 'elastic';
const PASSWORD = 'pw-for-the-audit-log-test-7f3a';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const ID = '1764300000';

/** Every piece of the secret that must not appear in any exec request. */
const SECRETS = [PASSWORD, BASIC, 'Authorization', 'Basic '];

function execRequests(world: World): typeof world.api.requests {
  return world.api.requests.filter((r) => r.kind === 'exec');
}

function expectNoCredentialInAnyExec(world: World): void {
  const execs = execRequests(world);
  expect(execs.length).toBeGreaterThan(0);
  for (const request of execs) {
    const seen = `${(request.argv ?? []).join('\u0000')}\u0000${decodeURIComponent(request.query.replace(/\+/g, ' '))}`;
    for (const secret of SECRETS) expect(seen, `exec ${request.pod}: ${JSON.stringify(request.argv)}`).not.toContain(secret);
  }
}

describe('exec mode: the search engine credentials never reach an exec command line', () => {
  for (const protocol of ['v5', 'v4'] as const) {
    it(`create, status and delete against a secured Elasticsearch (exec protocol ${protocol})`, async () => {
      await withWorld({ resources: 'demo-8.7', execProtocol: protocol, searchCredentials: { username: USER, password: PASSWORD } }, async (world) => {
        const create = await runCli(world, ['create', '--access', 'exec', '--backup-id', ID, '-o', 'json']);
        expect(create.code, describeRun(create)).toBe(0);
        expect(partOf(create.json(), 'zeebe-records')?.state).toBe('COMPLETED');
        const status = await runCli(world, ['status', ID, '--access', 'exec']);
        expect(status.code, describeRun(status)).toBe(0);
        const remove = await runCli(world, ['delete', ID, '--access', 'exec', '--yes']);
        expect(remove.code, describeRun(remove)).toBe(0);

        // The engine demanded the credentials and got them: every call to it was answered, none with 401.
        const search = world.log.filter((e) => e.component === 'elasticsearch');
        expect(search.length, dumpLog(world)).toBeGreaterThan(0);
        expect(search.filter((e) => e.status === 401), dumpLog(world)).toEqual([]);
        expect(world.log.find(isSnapshotPut)?.status, dumpLog(world)).toBe(200);
        expect(world.log.some((e) => e.component === 'elasticsearch' && e.method === 'DELETE' && e.path.includes(`camunda_zeebe_records_backup_${ID}`))).toBe(true);

        expectNoCredentialInAnyExec(world);
        for (const run of [create, status, remove]) expect(run.stdout + run.stderr).not.toContain(PASSWORD);

        const withStdin = execRequests(world).filter((r) => r.stdin === true);
        const notice = /exec protocol v4 only .*cannot close stdin/;
        if (protocol === 'v5') {
          // curl reads its config from stdin, which v5 closes after it.
          expect(withStdin.length).toBeGreaterThan(0);
          expect(withStdin.every((r) => r.protocol === 'v5.channel.k8s.io' && r.argv?.[0] === 'curl' && r.argv.includes('--config'))).toBe(true);
          expect(create.stderr).not.toMatch(notice);
        } else {
          // Each run asks for v5 once (refused by the kubelet's streaming server: a bare 403), says so once, then
          // hands the credentials over through sh with stdin open.
          expect(execRequests(world).filter((r) => r.status === 403)).toHaveLength(3);
          expect(withStdin.length).toBeGreaterThan(0);
          expect(withStdin.filter((r) => r.status === 101).every((r) => r.protocol === 'v4.channel.k8s.io' && r.argv?.[0] === 'sh')).toBe(true);
          for (const run of [create, status, remove]) expect(run.stderr.match(new RegExp(notice, 'g')) ?? []).toHaveLength(1);
        }
      });
    }, 60_000);
  }
});
