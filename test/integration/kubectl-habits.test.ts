/**
 * kubectl's habits, seen from outside the built CLI against the simulated cluster: -v levels, --quiet, -o yaml and
 * -o wide, hints whose commands reach the same cluster, and TLS failures of the API server said as TLS problems.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { issueServerCertificate } from '../world/kube/tls.js';
import type { World } from '../world/index.js';
import { describeRun, runCli, STACK_FRAME } from './helpers/run-cli.js';
import { seedBackup, SEED_DURATIONS, settle } from './helpers/lifecycle-seed.js';
import { mutatingCalls } from './helpers/sim-log.js';
import { withWorld } from './helpers/world-run.js';

const BASE = 1_700_000_000;

/** Two backups (one complete, one missing its zeebe-record snapshot) in the project's own 8.7 demo release. */
async function withSeededWorld(body: (world: World) => Promise<void>): Promise<void> {
  await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
    seedBackup(world, BASE + 1);
    seedBackup(world, BASE + 2, { without: ['zeebe-records'] });
    await settle(world);
    await body(world);
  });
}

/** A copy of the world's kubeconfig, changed by `edit`, in a directory removed afterwards. */
async function withKubeconfig<T>(world: World, edit: (yaml: string) => string | Promise<string>, body: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'habits-'));
  try {
    const path = join(dir, 'kubeconfig');
    writeFileSync(path, await edit(readFileSync(world.kubeconfigPath, 'utf8')), { mode: 0o600 });
    return await body(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('-v levels', () => {
  it('0 (default) shows progress only; 4 adds a line per component call; 6 also each Kubernetes API request', async () => {
    await withSeededWorld(async (world) => {
      const quiet = await runCli(world, ['list', '-n', world.namespace]);
      const four = await runCli(world, ['list', '-n', world.namespace, '-v', '4']);
      const six = await runCli(world, ['list', '-n', world.namespace, '--v=6']);
      for (const result of [quiet, four, six]) expect(result.code, describeRun(result)).toBe(0);
      const componentCall = /^\s+GET \/\S*actuator\/backups\S* → 200 \(\S+\) via port-forward/m;
      const apiRequest = /^\s+GET \/api\/v1\/namespaces\/[^/]+\/pods → 200 \(\S+\) via Kubernetes API$/m;
      expect(quiet.stderr).not.toMatch(componentCall);
      expect(quiet.stderr).not.toMatch(apiRequest);
      expect(four.stderr).toMatch(componentCall);
      expect(four.stderr).not.toMatch(apiRequest);
      expect(six.stderr).toMatch(componentCall);
      expect(six.stderr).toMatch(apiRequest);
      // Never a header or a token, at any level.
      expect(six.stderr).not.toMatch(/authorization|bearer/i);
      expect(six.stdout).toBe(quiet.stdout);
    });
  });
});

describe('--quiet', () => {
  it('prints the result and nothing else on success', async () => {
    await withSeededWorld(async (world) => {
      const result = await runCli(world, ['list', '-n', world.namespace, '--quiet']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^BACKUP ID\s+AGE\s+/m);
    });
  });

  it('still prints the error and its hint', async () => {
    await withSeededWorld(async (world) => {
      const result = await runCli(world, ['status', String(BASE + 2), '-n', world.namespace, '-q']);
      expect(result.code, describeRun(result)).toBe(4);
      expect(result.stderr).toMatch(/^error: backup \d+ is INCOMPLETE[^\n]*\nhint: [^\n]+\n$/);
    });
  });
});

describe('-o yaml and -o wide', () => {
  it('list -o yaml is the -o json document in YAML; -o wide adds TIME and WHY NOT; the default fits 100 columns', async () => {
    await withSeededWorld(async (world) => {
      const json = await runCli(world, ['list', '-n', world.namespace, '-o', 'json']);
      const yaml = await runCli(world, ['list', '-n', world.namespace, '-o', 'yaml']);
      const wide = await runCli(world, ['list', '-n', world.namespace, '-o', 'wide']);
      const text = await runCli(world, ['list', '-n', world.namespace]);
      for (const result of [json, yaml, wide, text]) expect(result.code, describeRun(result)).toBe(0);
      expect(parseYaml(yaml.stdout)).toEqual(json.json());
      expect(yaml.stdout).toMatch(/^schemaVersion: 1\ncommand: list\n/);
      expect(wide.stdout).toMatch(/^BACKUP ID\s+TIME\s+AGE\s+OPTIMIZE\s+OPERATE\s+TASKLIST\s+ZEEBE-RECORDS\s+ZEEBE\s+RESTORABLE\s+WHY NOT$/m);
      expect(wide.stdout).toMatch(new RegExp(`^${BASE + 2}\\s+${new Date((BASE + 2) * 1000).toISOString().replace(/\./g, '\\.')}\\s+\\d+y\\d*d?\\s.*no \\(INCOMPLETE\\)\\s+zeebe-records: missing`, 'm'));
      expect(text.stdout).toMatch(new RegExp(`^${BASE + 1}\\s+\\d+y\\d*d?\\s+COMPLETED\\s+COMPLETED\\s+COMPLETED\\s+COMPLETED\\s+COMPLETED\\s+yes$`, 'm'));
      const table = text.stdout.slice(text.stdout.indexOf('BACKUP ID')).split('\n');
      expect(Math.max(...table.map((line) => line.length))).toBeLessThanOrEqual(100);
    });
  });

  it('status -o yaml and check -o yaml parse to their JSON documents', async () => {
    await withSeededWorld(async (world) => {
      for (const args of [['status', String(BASE + 1)], ['check']]) {
        const json = await runCli(world, [...args, '-n', world.namespace, '-o', 'json']);
        const yaml = await runCli(world, [...args, '-n', world.namespace, '-o', 'yaml']);
        expect(yaml.code, describeRun(yaml)).toBe(json.code);
        const fromJson = json.json<Record<string, unknown>>();
        const fromYaml = parseYaml(yaml.stdout) as Record<string, unknown>;
        // Same fields in the same order (check's messages carry times, so the values may differ by a second).
        expect(Object.keys(fromYaml)).toEqual(Object.keys(fromJson));
        expect(fromYaml['command']).toBe(args[0]);
      }
    });
  });
});

describe('hints reach the same cluster', () => {
  it('the commands a failed status names carry the run\'s --kubeconfig, context, namespace, release and access', async () => {
    await withSeededWorld(async (world) => {
      await withKubeconfig(world, (yaml) => yaml, async (kubeconfig) => {
        // Another cluster in the environment: the printed command must not depend on it.
        const result = await runCli(world, ['status', '1700000999', '--kubeconfig', kubeconfig, '-n', world.namespace, '--access', 'exec'], { env: { KUBECONFIG: '/nonexistent/elsewhere' } });
        expect(result.code, describeRun(result)).toBe(4);
        expect(result.stderr).toContain(
          `hint: no component has a backup with this ID; see kubectl camunda-backup list --kubeconfig ${kubeconfig} --context fake -n ${world.namespace} --release camunda --access exec\n`,
        );
      });
    });
  });

  it('check\'s fixes name create and resume with the same flags', async () => {
    await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
      const result = await runCli(world, ['check', '-n', world.namespace, '--context', 'fake']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(result.stdout).toContain(`fix: take one now: kubectl camunda-backup create --context fake -n ${world.namespace} --release camunda --access port-forward`);
    });
  });
});

describe('TLS failures of the API server', () => {
  it('a kubeconfig with the wrong CA: one error line that says TLS and what to check, exit 3, no stack, nothing changed', async () => {
    const other = await issueServerCertificate({ ca: 'some-other-ca', server: 'elsewhere', altNames: [{ type: 2, value: 'elsewhere' }] });
    await withWorld({ resources: 'demo-8.7' }, async (world) => {
      const wrongCa = (yaml: string): string => yaml.replace(/certificate-authority-data: \S+/, `certificate-authority-data: ${Buffer.from(other.caPem).toString('base64')}`);
      await withKubeconfig(world, wrongCa, async (kubeconfig) => {
        for (const command of ['list', 'create']) {
          const result = await runCli(world, [command, '--kubeconfig', kubeconfig, '-n', world.namespace, '--request-timeout', '5s']);
          expect(result.code, describeRun(result)).toBe(3);
          expect(result.stderr).toMatch(
            /^error: TLS: cannot trust the API server at https:\/\/127\.0\.0\.1:\d+: its certificate is not signed by a certificate authority the kubeconfig trusts \([^\n]+\)\nhint: check the certificate-authority[^\n]*Do not switch verification off[^\n]*\n$/,
          );
          expect(result.stderr).not.toMatch(STACK_FRAME);
          expect(result.stdout).toBe('');
        }
        expect(mutatingCalls(world)).toEqual([]);
      });
    });
  });

  it('a server name the certificate does not carry (tls-server-name): said as a host name problem', async () => {
    await withWorld({ resources: 'demo-8.7' }, async (world) => {
      const otherName = (yaml: string): string => yaml.replace(/(\n(\s+)certificate-authority-data: \S+)/, '$1\n$2tls-server-name: not-the-api-server.example');
      await withKubeconfig(world, otherName, async (kubeconfig) => {
        const result = await runCli(world, ['list', '--kubeconfig', kubeconfig, '-n', world.namespace, '--request-timeout', '5s']);
        expect(result.code, describeRun(result)).toBe(3);
        expect(result.stderr).toMatch(/^error: TLS: cannot trust the API server at [^\n]*: its certificate is not valid for the host name in the server address/);
        expect(result.stderr).toMatch(/\nhint: check the server address [^\n]*tls-server-name/);
      });
    });
  });
});
