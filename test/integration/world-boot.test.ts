import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { PassThrough } from 'node:stream';
import { Exec, KubeConfig, type V1Status } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { describeWithFixtures } from '../fixtures-available.js';
import { listFixtureScenarios, startWorld, type World } from '../world/index.js';
import { podOf } from './world-helpers.js';

function listPods(world: World): Promise<{ status: number; names: string[] }> {
  const url = new URL(world.api.url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: url.hostname, port: url.port, path: `/api/v1/namespaces/${world.namespace}/pods`, ca: world.api.caPem, headers: { authorization: `Bearer ${world.api.token}` } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          const body = JSON.parse(text) as { items?: Array<{ metadata: { name: string } }> };
          resolve({ status: res.statusCode ?? 0, names: (body.items ?? []).map((p) => p.metadata.name) });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function exec(world: World, pod: string, container: string, command: string[]): Promise<{ stdout: string; stderr: string; status: V1Status | undefined }> {
  const kc = new KubeConfig();
  kc.loadFromFile(world.kubeconfigPath);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    let status: V1Status | undefined;
    new Exec(kc)
      .exec(world.namespace, pod, container, command, stdout, stderr, null, false, (s) => {
        status = s;
      })
      .then((ws) =>
        ws.on('close', () => {
          // Nothing more arrives once the socket is closed: end both streams and answer when what they hold was read.
          const drained = [stdout, stderr].map((s) => (s.readableEnded ? undefined : once(s.writableEnded ? s : s.end(), 'end')));
          void Promise.all(drained).then(() => resolve({ stdout: out, stderr: err, status }));
        }),
      )
      .catch(reject);
  });
}

const MANAGEMENT: Record<string, [string, number] | undefined> = {
  operate: ['operate', 9600],
  tasklist: ['tasklist', 9600],
  optimize: ['optimize', 8092],
  'zeebe-gateway': ['zeebe-gateway', 9600],
};

describeWithFixtures('startWorld boots every fixture scenario', () => {
  for (const { chartVersion, scenario } of listFixtureScenarios()) {
    it(`${chartVersion}/${scenario}`, async () => {
      const world = await startWorld({ fixture: { chartVersion, scenario } });
      try {
        expect(existsSync(world.env['KUBECONFIG']!)).toBe(true);
        expect(readFileSync(world.kubeconfigPath, 'utf8')).toContain('certificate-authority-data');
        const pods = await listPods(world);
        expect(pods.status).toBe(200);
        expect(pods.names.sort()).toEqual(world.sims.pods.map((p) => p.name).sort());
        // Every Camunda management Service leads to a simulator through cluster DNS.
        const from = world.sims.pods[0]!.name;
        for (const [role, target] of Object.entries(MANAGEMENT)) {
          if (!target || !world.sims.pods.some((p) => p.role === role)) continue;
          const local = world.network.resolve(world.namespace, from, `camunda-${target[0]}.${world.namespace}.svc.cluster.local`, target[1]);
          expect(local, role).toEqual(expect.any(Number));
        }
        if (world.sims.minor === '8.8' || world.sims.minor === '8.9' || world.sims.minor === '8.10') {
          expect(world.network.resolve(world.namespace, from, 'camunda-zeebe-gateway', 9600)).toEqual(expect.any(Number));
        }
        expect(world.sims.zeebe).toBeDefined();
      } finally {
        await world.stop();
      }
    });
  }
});

describeWithFixtures('context paths (context-path scenarios)', () => {
  it('8.7: Operate/Tasklist/gateway answer under their base path only; Optimize stays at /', async () => {
    const world = await startWorld({ fixture: { chartVersion: '12.13.3', scenario: 'context-path' } });
    try {
      const operate = world.portOf(podOf(world, 'operate'), 9600);
      // No repository configured in this scenario: Operate's own 400, not the Spring 404.
      expect(await (await fetch(`http://127.0.0.1:${operate}/operate/actuator/backups`)).json()).toMatchObject({ status: 400, message: 'No backup repository configured.' });
      expect((await fetch(`http://127.0.0.1:${operate}/actuator/backups`)).status).toBe(404);
      const gateway = world.portOf(podOf(world, 'zeebe-gateway'), 9600);
      expect((await fetch(`http://127.0.0.1:${gateway}/zeebe/actuator/exporting/resume`, { method: 'POST' })).status).toBe(200);
      const optimize = world.portOf(podOf(world, 'optimize'), 8092);
      expect((await fetch(`http://127.0.0.1:${optimize}/actuator/backups`)).status).toBe(400);
    } finally {
      await world.stop();
    }
  });

  it('8.8: the orchestration management API moves under /orchestration', async () => {
    const world = await startWorld({ fixture: { chartVersion: '13.12.7', scenario: 'context-path' } });
    try {
      const pod = world.portOf('camunda-zeebe-0', 9600);
      expect((await fetch(`http://127.0.0.1:${pod}/orchestration/actuator/backupRuntime`)).status).toBe(400);
      expect((await fetch(`http://127.0.0.1:${pod}/actuator/backupRuntime`)).status).toBe(404);
    } finally {
      await world.stop();
    }
  });
});

describeWithFixtures('8.10 backupRuntime answers (15.0.0-alpha4)', () => {
  it.each([
    ['backup-configured', { default: 5 }],
    ['physical-tenants', { default: 5, tenanta: 5 }],
  ])('%s: backupId and a backupIds map with every Physical Tenant', async (scenario, backupIds) => {
    const world = await startWorld({ fixture: { chartVersion: '15.0.0-alpha4', scenario } });
    try {
      const port = world.portOf('camunda-zeebe-0', 9600);
      const response = await fetch(`http://127.0.0.1:${port}/actuator/backupRuntime`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ backupId: 5 }) });
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ backupId: 5, backupIds, message: expect.stringContaining('A backup with id 5 has been scheduled') });
    } finally {
      await world.stop();
    }
  });
});

describe('startWorld boots the demo resources (no fixtures needed)', () => {
  for (const resources of ['demo-8.7', 'demo-8.8']) {
    it(resources, async () => {
      const world = await startWorld({ resources });
      try {
        const pods = await listPods(world);
        expect(pods.status).toBe(200);
        expect(pods.names.length).toBeGreaterThan(3);
        expect(world.sims.zeebe?.config.store).toBe('S3');
        expect(world.sims.search?.repositories.has('camunda-backup')).toBe(true);
        const kinds = Object.keys(world.sims.backups).sort();
        expect(kinds).toEqual(resources === 'demo-8.7' ? ['operate', 'optimize', 'tasklist'] : ['optimize', 'webapps']);
        for (const engine of Object.values(world.sims.backups)) expect(engine?.config.repository).toBe('camunda-backup');
      } finally {
        await world.stop();
      }
    });
  }
});

describe('pod network and exec through the fake API server (demo-8.7)', () => {
  it('routes localhost, pod IPs, service names and round-robins a Service over its pods', async () => {
    const world = await startWorld({ resources: 'demo-8.7' });
    try {
      const operate = podOf(world, 'operate');
      const operatePort = world.portOf(operate, 9600);
      expect(world.network.resolve('camunda', operate, 'localhost', 9600)).toBe(operatePort);
      expect(world.network.resolve('camunda', operate, '127.0.0.1', 8080)).toBeUndefined();
      const es = podOf(world, 'elasticsearch');
      for (const host of ['camunda-operate', 'camunda-operate.camunda', 'camunda-operate.camunda.svc', 'camunda-operate.camunda.svc.cluster.local']) {
        expect(world.network.resolve('camunda', es, host, 9600), host).toBe(operatePort);
      }
      const ip = world.sims.pods.find((p) => p.name === operate)!.ip!;
      expect(world.network.resolve('camunda', es, ip, 9600)).toBe(operatePort);
      expect(world.network.resolve('camunda', es, 'camunda-zeebe-1.camunda-zeebe.camunda.svc.cluster.local', 9600)).toBe(world.portOf('camunda-zeebe-1', 9600));
      const gateways = new Set([0, 1, 2, 3].map(() => world.network.resolve('camunda', es, 'camunda-zeebe-gateway', 9600)));
      expect(gateways.size).toBe(2);
      expect(world.network.podPort('camunda', es, 9200)).toBe(world.portOf(es, 9200));
      expect(world.network.hasBinary('camunda', es, 'elasticsearch', 'curl')).toBe(true);
      expect(world.network.hasBinary('camunda', operate, 'operate', 'pg_dump')).toBe(false);
    } finally {
      await world.stop();
    }
  });

  it('runs real curl in the Elasticsearch pod against the Operate Service and logs the call', async () => {
    const world = await startWorld({ resources: 'demo-8.7' });
    try {
      const result = await exec(world, podOf(world, 'elasticsearch'), 'elasticsearch', ['curl', '-sS', 'http://camunda-operate:9600/actuator/backups']);
      expect(result.stdout).toBe('[]');
      expect(result.status?.status).toBe('Success');
      expect(world.log.some((e) => e.component === 'operate' && e.path === '/actuator/backups' && e.status === 200)).toBe(true);
    } finally {
      await world.stop();
    }
  });

  it('pods without curl: exec fails like a real image without the binary', async () => {
    const world = await startWorld({ resources: 'demo-8.7', binaries: { camunda: ['bash', 'sh'] } });
    try {
      const operate = podOf(world, 'operate');
      expect(world.network.hasBinary('camunda', operate, 'operate', 'curl')).toBe(false);
      const result = await exec(world, operate, 'operate', ['curl', '-sS', 'http://localhost:9600/actuator/backups']);
      expect(result.stdout).toBe('');
      expect(result.status?.status).toBe('Failure');
    } finally {
      await world.stop();
    }
  });
});

describeWithFixtures('pg_dump in the Web Modeler PostgreSQL pod (14.8.4 web-modeler)', () => {
  it('streams a deterministic SQL dump; an unknown database fails with PostgreSQL\'s message', async () => {
    const world = await startWorld({ fixture: { chartVersion: '14.8.4', scenario: 'web-modeler' }, pgDump: { rows: 500 } });
    try {
      const pod = podOf(world, 'postgresql-web-modeler');
      const dump = await exec(world, pod, 'postgresql', ['pg_dump', '-U', 'web-modeler', '-d', 'web-modeler']);
      expect(dump.status?.status).toBe('Success');
      expect(dump.stdout.startsWith('--\n-- PostgreSQL database dump\n')).toBe(true);
      expect(dump.stdout).toContain('process-499.bpmn');
      expect(dump.stdout.endsWith('-- PostgreSQL database dump complete\n--\n')).toBe(true);
      const again = await exec(world, pod, 'postgresql', ['sh', '-c', 'PGPASSWORD=x pg_dump -U web-modeler web-modeler']);
      expect(again.stdout).toBe(dump.stdout);
      const wrong = await exec(world, pod, 'postgresql', ['pg_dump', '-U', 'web-modeler', '-d', 'nope']);
      expect(wrong.status?.status).toBe('Failure');
      expect(wrong.stderr).toContain('FATAL:  database "nope" does not exist');
    } finally {
      await world.stop();
    }
  });
});
