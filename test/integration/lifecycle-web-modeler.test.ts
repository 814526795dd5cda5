/**
 * The Web Modeler dump through the real Kubernetes client: pg_dump runs in the database pod over the exec
 * WebSocket (v5 and v4) and is streamed into a local file. The password stays in the pod: no exec argv carries it.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithFixtures } from '../fixtures-available.js';
import { runWebModelerDump } from '../../src/backup/take/web-modeler-dump.js';
import { discoverInstallation } from '../../src/camunda/discover.js';
import { createKubeClient } from '../../src/kube/create-kube-client.js';
import { pgDumpText } from '../world/sim/pg-dump.js';
import type { RunEvent } from '../../src/events.js';
import { fixture, withWorld } from './helpers/world-run.js';

describeWithFixtures('Web Modeler dump', () => {
  for (const protocol of ['v5', 'v4'] as const) {
    it(`8.9 web-modeler fixture (exec ${protocol}): streams pg_dump into the file`, async () => {
      await withWorld({ fixture: fixture('8.9', 'web-modeler'), execProtocol: protocol, pgDump: { rows: 20_000 } }, async (world) => {
        const kube = createKubeClient({ kubeconfig: world.kubeconfigPath, env: {} });
        const installation = await discoverInstallation(kube, { namespace: world.namespace, access: 'exec', webModeler: true, snapshotRepository: 'camunda-backup' });
        expect(installation.webModeler).toMatchObject({ database: 'web-modeler', username: 'web-modeler', pod: { pod: 'camunda-postgresql-web-modeler-0', container: 'postgresql' } });
        const file = join(mkdtempSync(join(tmpdir(), 'wm-it-')), 'web-modeler-1.sql');
        const events: RunEvent[] = [];
        const part = await runWebModelerDump(installation.webModeler!, { outputPath: file, timeoutMs: 30_000 }, { kube, emit: (e) => events.push(e) });
        expect(part, JSON.stringify(part)).toMatchObject({ part: 'web-modeler', state: 'COMPLETED', details: { file } });
        const expected = pgDumpText('web-modeler', 20_000);
        expect(statSync(file).size).toBe(Buffer.byteLength(expected));
        expect(readFileSync(file, 'utf8')).toBe(expected);
        expect(part.details?.['bytes']).toBe(Buffer.byteLength(expected));

        const execs = world.api.requests.filter((r) => r.kind === 'exec');
        expect(execs).toHaveLength(1);
        const argv = execs[0]!.argv ?? [];
        expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
        const secret = world.objects.secrets
          .map((s) => s as { metadata?: { name?: string }; data?: Record<string, string> })
          .find((s) => s.metadata?.name === 'camunda-postgresql-web-modeler');
        const password = Buffer.from(secret?.data?.['password'] ?? '', 'base64').toString('utf8');
        expect(password.length).toBeGreaterThan(0);
        expect(argv.join(' ')).not.toContain(password);
        expect(JSON.stringify(events)).not.toContain(password);
      });
    });
  }

  it('a failing pg_dump leaves no file behind and reports PostgreSQL\'s words', async () => {
    await withWorld({ fixture: fixture('8.9', 'web-modeler'), pgDump: { failWith: 'could not connect to server: Connection refused' } }, async (world) => {
      const kube = createKubeClient({ kubeconfig: world.kubeconfigPath, env: {} });
      const installation = await discoverInstallation(kube, { namespace: world.namespace, access: 'exec', webModeler: true, snapshotRepository: 'camunda-backup' });
      const file = join(mkdtempSync(join(tmpdir(), 'wm-it-')), 'dump.sql');
      const part = await runWebModelerDump(installation.webModeler!, { outputPath: file, timeoutMs: 30_000 }, { kube, emit: () => undefined });
      expect(part).toMatchObject({ state: 'FAILED', message: expect.stringContaining('pg_dump exited with 1: pg_dump: error: could not connect to server') });
      expect(() => statSync(file)).toThrow();
    });
  });
});
