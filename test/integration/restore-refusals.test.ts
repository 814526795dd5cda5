/**
 * `restore` refuses before any change (issue 12 items 3 and 4): the built CLI against the test world, in both access
 * modes, on 8.7 and 8.8 (our own resources), 8.9, 8.10 and 8.9 on an RDBMS (the Helm fixtures). Each refusal exits 3 (2
 * for an ID no part knows, a bad ID, or no way to confirm), lists every failed check with its fix, and changes
 * nothing: the API server saw no request but reads, SelfSubjectAccessReviews and the Lease, and the components and
 * the search engine saw only reads.
 */
import { spawn } from 'node:child_process';
import { describe, expect } from 'vitest';
import type { World } from '../world/index.js';
import { itWithFixtures } from '../fixtures-available.js';
import { seedBackup, settle, SEED_DURATIONS } from './helpers/lifecycle-seed.js';
import { assertBuilt, BIN, cliEnv, describeRun, runCli, STACK_FRAME, type CliResult } from './helpers/run-cli.js';
import { readmeRoles } from './helpers/readme-roles.js';
import { changesSince, dumpLog, markOf } from './helpers/sim-log.js';
import { editConfigMapFile, setChartVersion, setImageTag } from './helpers/tamper.js';
import { configuredCluster, fixture, itOnLine, relayFlags, withWorld, type Line } from './helpers/world-run.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const COMPLETE = 21;
const INCOMPLETE = 22;
const UNKNOWN = 99;
const ACCESS = ['port-forward', 'exec'] as const;



/** Runs the CLI and asserts the refusal: the exit code, no stack trace, and not one change. */
async function refused(world: World, args: readonly string[], code: 2 | 3): Promise<CliResult> {
  const mark = markOf(world);
  const result = await runCli(world, ['restore', ...args, '-n', world.namespace]);
  expect(result.code, describeRun(result)).toBe(code);
  expect(result.stderr).not.toMatch(STACK_FRAME);
  expect(changesSince(world, mark), dumpLog(world)).toEqual([]);
  return result;
}

/** The failed check of that title, its message and fix, as the checklist prints it on stderr. */
function failedCheck(result: CliResult, title: string): string {
  const lines = result.stderr.split('\n');
  const at = lines.findIndex((l) => l.includes(`FAIL ${title}`));
  expect(at, `no failed check "${title}" in:\n${result.stderr}`).toBeGreaterThanOrEqual(0);
  return `${lines[at] ?? ''}\n${lines[at + 1] ?? ''}`;
}

function objectsNamed(list: unknown[] | undefined, name: string): Json[] {
  return ((list ?? []) as Json[]).filter((o) => o['metadata']?.['name'] === name || String(o['metadata']?.['name']).startsWith(`${name}-`));
}

/** Takes the Zeebe backup store env off the brokers' StatefulSet and its pods (a release that never had one). */
function removeBackupStore(world: World): void {
  const strip = (spec: Json): void => {
    for (const container of (spec['containers'] ?? []) as Json[]) container['env'] = ((container['env'] ?? []) as Json[]).filter((e) => !/BACKUP_STORE$/.test(String(e['name'])));
  };
  for (const sts of objectsNamed(world.objects.statefulSets, 'camunda-zeebe')) strip(sts['spec']['template']['spec']);
  for (const pod of (world.objects.pods as Json[]).filter((p) => /^camunda-zeebe-\d+$/.test(String(p['metadata']['name'])))) strip(pod['spec']);
}

/** The release's configured partition count becomes 4 (the backups have 3). */
function setPartitionCount(world: World, count: number): void {
  for (const configMap of world.objects.configMaps as Json[]) {
    const name = String(configMap['metadata']['name']);
    if (!/^camunda-zeebe-configuration/.test(name)) continue;
    for (const file of Object.keys(configMap['data'] ?? {})) {
      if (/(partition-count|partitionsCount):/.test(String(configMap['data'][file]))) {
        editConfigMapFile(world, name, file, (text) => text.replace(/((?:partition-count|partitionsCount):\s*)"?\d+"?/g, `$1"${count}"`));
      }
    }
  }
}

const IMAGE: Record<Line, string> = { '8.6': 'camunda/zeebe', '8.7': 'camunda/zeebe', '8.8': 'camunda/camunda', '8.9': 'camunda/camunda', '8.10': 'camunda/camunda' };

/** The refusals of a release on the Elasticsearch/OpenSearch path, in one world (each undone before the next). */
async function searchRefusals(world: World, line: Line, access: string): Promise<void> {
  seedBackup(world, COMPLETE);
  seedBackup(world, INCOMPLETE, { without: [line === '8.7' ? 'tasklist' : 'webapps'] });
  await settle(world);
  const flags = ['--access', access, ...relayFlags(line, world)];

  // An ID no part knows: bad input, exit 2.
  const unknown = await refused(world, [String(UNKNOWN), ...flags, '--yes'], 2);
  expect(unknown.stderr).toMatch(new RegExp(`error: unknown backup ID ${UNKNOWN}: no part of release camunda knows it; nothing was changed`));

  // No terminal and no --yes: exit 2 before any change.
  const unconfirmed = await refused(world, [String(COMPLETE), ...flags], 2);
  expect(unconfirmed.stderr).toMatch(/restore needs confirmation, but there is no terminal to ask; nothing was changed/);

  // Incomplete in one part: the verdict of status.
  const incomplete = await refused(world, [String(INCOMPLETE), ...flags, '--yes'], 3);
  expect(failedCheck(incomplete, 'Backup complete in every part')).toMatch(new RegExp(`backup ${INCOMPLETE} is INCOMPLETE: .*missing[\\s\\S]*fix: pick a backup that is COMPLETE in every part: kubectl camunda-backup list`));
  expect(incomplete.stderr).toMatch(/error: restore refused, nothing was changed: 1 check\(s\) failed/);
  // The checks that passed are listed too.
  expect(incomplete.stderr).toMatch(/ok {3}Partition count: the backup's equals the release's: 3 partition\(s\)/);

  // The release's partition count differs from the backup's.
  setPartitionCount(world, 4);
  const partitions = await refused(world, [String(COMPLETE), ...flags, '--yes'], 3);
  expect(failedCheck(partitions, "Partition count: the backup's equals the release's")).toMatch(/the backup has 3 partition\(s\), release camunda is configured with 4/);
  setPartitionCount(world, 3);

  // What runs is not what the backup was taken with (a failed upgrade not yet rolled back).
  // On a pre-release line, the next pre-release of the same version is another version too.
  const drifted = line === '8.10' ? '8.10.0-alpha5' : `${line}.999`;
  setImageTag(world, IMAGE[line], drifted);
  const versions = await refused(world, [String(COMPLETE), ...flags, '--yes'], 3);
  const running = drifted.replace(/\./g, '\\.');
  expect(failedCheck(versions, 'Versions')).toMatch(new RegExp(`taken with ${line.replace('.', '\\.')}\\.\\d+(-alpha4)?, ${running} runs \\(the versions must be equal\\)[\\s\\S]*fix: install the chart whose Camunda version`));

  // The identity lacks verbs the restore needs: each one named, with what it is for. The versions still differ:
  // two failed checks, both listed.
  world.api.faults.deny = [
    { verb: 'delete', resource: 'persistentvolumeclaims' },
    { verb: 'get', resource: 'pods', subresource: 'log' },
    { verb: 'patch', resource: 'statefulsets', subresource: 'scale', group: 'apps' },
  ];
  const rbac = await refused(world, [String(COMPLETE), ...flags, '--yes'], 3);
  world.api.faults.deny = [];
  const denied = failedCheck(rbac, 'Permissions (RBAC) for the restore');
  expect(denied).toMatch(/delete persistentvolumeclaims \(to delete the Zeebe volumes before the restore/);
  expect(denied).toMatch(/get pods\/log \(to read whether the restore succeeded/);
  expect(denied).toMatch(/patch statefulsets\/scale camunda-zeebe \(apps\) \(to scale the brokers down and up/);
  expect(denied).toMatch(/fix: bind the restore Role from the README/);
  expect(rbac.stderr).toMatch(/error: restore refused, nothing was changed: 2 check\(s\) failed: Versions.* \| Permissions \(RBAC\) for the restore: denied/);
  expect(rbac.stderr).toMatch(/hint: install the chart whose Camunda version .* \| bind the restore Role from the README/);
}

/** Refusals that need their own world: the store, the chart, the repository. */
async function environmentRefusals(world: World, line: Line, access: string): Promise<void> {
  seedBackup(world, COMPLETE);
  await settle(world);
  const args = [String(COMPLETE), '--access', access, ...relayFlags(line, world), '--yes'];

  removeBackupStore(world);
  const store = await refused(world, args, 3);
  expect(failedCheck(store, 'Zeebe backup store configured on the StatefulSet')).toMatch(/backup store of StatefulSet camunda-zeebe is NONE|no readable backup store setting/);

  if (line === '8.7') {
    setChartVersion(world, '12.0.2', '8.7.0');
    const chart = await refused(world, args, 3);
    expect(failedCheck(chart, "Chart's start script runs the restore application")).toMatch(/chart 12\.0\.2 is older than 12\.1\.0: its startup\.sh ignores ZEEBE_RESTORE[\s\S]*fix: upgrade the release to chart 12\.1\.0 or newer/);
    setChartVersion(world, '12.13.3', '8.7.0');
  }
  // A start script without the restore branch (an old or edited chart): refused, whatever the chart version says.
  const configMap = line === '8.8' ? 'camunda-zeebe-configuration-unified' : 'camunda-zeebe-configuration';
  editConfigMapFile(world, configMap, 'startup.sh', (text) => text.replace(/"\$\{?ZEEBE_RESTORE\}?" = "true"/, '"${ZEEBE_NO_RESTORE}" = "true"'));
  const script = await refused(world, args, 3);
  expect(failedCheck(script, "Chart's start script runs the restore application")).toMatch(/has no ZEEBE_RESTORE branch/);
}

describe('restore refuses before any change', () => {
  itOnLine('8.7')('a backup ID that is no positive integer: exit 2 before any cluster call', async () => {
    await withWorld({ resources: 'demo-8.7', durations: SEED_DURATIONS }, async (world) => {
      for (const bad of ['abc', '0', '-3', '1.5']) {
        const mark = markOf(world);
        const result = await refused(world, [bad, '--yes'], 2);
        expect(result.stderr).toMatch(new RegExp(`error: invalid backup ID "${bad.replace('.', '\\.')}"`));
        expect(world.api.requests.slice(mark.api)).toEqual([]);
      }
    });
  }, 60_000);

  for (const access of ACCESS) {
    for (const line of ['8.7', '8.8', '8.9', '8.10'] as const) {
      itOnLine(line)(`${line}, --access ${access}: unknown and bad IDs, no confirmation, incomplete backup, partitions, versions, RBAC`, async () => {
        await withWorld({ ...configuredCluster(line), durations: SEED_DURATIONS }, (world) => searchRefusals(world, line, access));
      }, 120_000);

      itOnLine(line)(`${line}, --access ${access}: no Zeebe backup store, an old chart, a start script without the restore branch`, async () => {
        await withWorld({ ...configuredCluster(line), durations: SEED_DURATIONS }, (world) => environmentRefusals(world, line, access));
      }, 60_000);
    }

    itOnLine('8.8')(`8.8, --access ${access}: the snapshot repository is not registered`, async () => {
      await withWorld({ ...configuredCluster('8.8'), durations: SEED_DURATIONS }, async (world) => {
        seedBackup(world, COMPLETE);
        await settle(world);
        world.sims.search?.repositories.delete('camunda-backup');
        const result = await refused(world, [String(COMPLETE), '--access', access, '--yes'], 3);
        expect(failedCheck(result, 'Snapshot repository registered and readable')).toMatch(/"camunda-backup" is not registered in Elasticsearch: .*missing[\s\S]*fix: register it again with the same name and settings \(PUT \/_snapshot\/camunda-backup\)/);
        // The backup cannot be judged without the repository either: both are listed.
        expect(failedCheck(result, 'Backup complete in every part')).toMatch(/backup 21 is /);
      });
    }, 60_000);

    itOnLine('8.8')(`8.8, --access ${access}: Elasticsearch fails a read while the plan is made: exit 3, one line naming it, no internal error`, async () => {
      await withWorld({ ...configuredCluster('8.8'), durations: SEED_DURATIONS }, async (world) => {
        seedBackup(world, COMPLETE);
        await settle(world);
        world.faults.http.push({ component: 'elasticsearch', method: 'GET', path: '/_cat/indices/', status: 500, message: 'node not connected' });
        const result = await refused(world, [String(COMPLETE), '--access', access, '--yes'], 3);
        expect(result.stderr).toMatch(/error: Elasticsearch at \S+ failed a read while planning the restore: .*node not connected.*\(HTTP 500 from GET \/_cat\/indices\/.*; nothing was changed\nhint: fix the search engine \(kubectl camunda-backup check --context \S+ -n camunda --release camunda --access \S+ shows its health\)/);
        expect(result.stderr).not.toMatch(/internal error/);
      });
    }, 60_000);

    itWithFixtures(`8.9 RDBMS, --access ${access}: no completed Zeebe backup, versions more than one minor apart, partitions, no confirmation`, async () => {
      await withWorld({ fixture: fixture('8.9', 'rdbms-backup-continuous'), durations: SEED_DURATIONS }, async (world) => {
        // The checks run in the first of the two runs, while Camunda still runs (before the database is restored).
        const flags = ['--stop-for-database-restore', '--access', access, '--yes'];
        const none = await refused(world, flags, 3);
        expect(failedCheck(none, 'A completed Zeebe backup to restore from')).toMatch(/no completed Zeebe backup/);

        world.sims.zeebe?.take(undefined);
        await settle(world);
        const unconfirmed = await refused(world, ['--stop-for-database-restore', '--access', access], 2);
        expect(unconfirmed.stderr).toMatch(/no terminal to ask/);

        // One minor newer is allowed on RDBMS; two are not.
        setImageTag(world, 'camunda/camunda', '8.11.0');
        const versions = await refused(world, flags, 3);
        expect(failedCheck(versions, 'Versions: the same or one minor newer than the backup')).toMatch(/8\.11\.0 runs \(RDBMS allows the same version or one minor newer\)/);
        setImageTag(world, 'camunda/camunda', '8.10.0');

        setPartitionCount(world, 2);
        const partitions = await refused(world, flags, 3);
        expect(failedCheck(partitions, "Partition count: the backup's equals the release's")).toMatch(/the backup has 3 partition\(s\), release camunda is configured with 2/);
        // The versions passed this time: 8.10 restores an 8.9 backup on RDBMS.
        expect(partitions.stderr).toMatch(/ok {3}Versions: the same or one minor newer than the backup/);
        expect(partitions.stderr).not.toMatch(/Snapshot repository/);

        // --database-restored without a first run that stopped Camunda: the database was restored while it ran.
        const unstopped = await refused(world, ['--database-restored', '--access', access, '--yes'], 3);
        expect(unstopped.stderr).toMatch(/error: --database-restored continues an RDBMS restore whose first run stopped Camunda, and release camunda has none: the database must be restored while every Camunda workload is stopped .*; nothing was changed/);
        expect(unstopped.stderr).toMatch(new RegExp(`hint: 1\\. kubectl camunda-backup restore --context \\S+ -n ${world.namespace} --release camunda --access ${access} --stop-for-database-restore --yes .*3\\. kubectl camunda-backup restore .*--database-restored --yes`));
        // And no restore at all without one of the two flags.
        const plain = await refused(world, ['--access', access, '--yes'], 2);
        expect(plain.stderr).toMatch(/error: a backup ID is required.*\nhint: .*on an RDBMS installation run --stop-for-database-restore first/);
      });
    }, 120_000);
  }

  for (const access of ACCESS) {
    itOnLine('8.8')(`--access ${access}: the brokers' StatefulSet at 0 replicas and no journal: the plan is refused (exit 3), with the way out`, async () => {
      await withWorld({ ...configuredCluster('8.8'), durations: SEED_DURATIONS }, async (world) => {
        seedBackup(world, COMPLETE);
        await settle(world);
        const sts = objectsNamed(world.objects.statefulSets, 'camunda-zeebe')[0];
        if (!sts) throw new Error('no statefulset');
        sts['spec']['replicas'] = 0;
        world.workloads.specChanged(sts);
        const started = Date.now();
        while (world.objects.pods.some((p) => /^camunda-zeebe-\d+$/.test(String((p as Json)['metadata']['name'])))) {
          if (Date.now() - started > 5_000) throw new Error('broker pods still there');
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        for (const extra of [['--yes'], ['--dry-run']]) {
          const result = await refused(world, [String(COMPLETE), '--access', access, ...extra], 3);
          expect(result.stderr).toMatch(/error: statefulset\/camunda-zeebe has 0 replicas and no unfinished restore journal recorded how many brokers it runs: .* every Zeebe data PVC as an orphan; nothing was changed/);
          expect(result.stderr).toMatch(new RegExp(`hint: if a restore stopped it, continue that restore \\(see kubectl camunda-backup restore --status --context \\S+ -n ${world.namespace} --release camunda --access ${access}; its journal is configmap/camunda-camunda-restore`));
          expect(result.stderr).toMatch(new RegExp(`kubectl scale statefulset camunda-zeebe --context \\S+ -n ${world.namespace} --replicas=<clusterSize>`));
        }
      });
    }, 60_000);
  }

  describe.skipIf(process.platform !== 'linux')('on a terminal', () => {
    itOnLine('8.7')('shows the destructive parts and wants the release name: "y", another name, Ctrl-D and Ctrl-C decline with exit 2, nothing changed', async () => {
      await withWorld({ ...configuredCluster('8.7'), durations: SEED_DURATIONS }, async (world) => {
        seedBackup(world, COMPLETE);
        await settle(world);
        for (const [answer, said] of [
          ['y\r', '"y" is not the release name'],
          ['camunda2\r', '"camunda2" is not the release name'],
          ['\x04', 'no answer at the prompt (Ctrl-D)'],
          ['\x03', 'no answer at the prompt (Ctrl-C)'],
        ] as const) {
          const mark = markOf(world);
          const result = await restoreAtPrompt(world, [String(COMPLETE), '-n', world.namespace], answer);
          expect(result.code, result.output).toBe(2);
          expect(result.output).toContain(`Restoring backup ${COMPLETE} into release camunda in namespace camunda destroys its current data:`);
          expect(result.output).toMatch(/indices deleted in pod\/camunda-elasticsearch-master-0:9200 \(\d+\):\r?\n\s+- operate-/);
          expect(result.output).toMatch(/Zeebe volumes deleted \(PVCs\) \(3\):\r?\n\s+- data-camunda-zeebe-0/);
          expect(result.output).toContain(said);
          expect(result.output).toMatch(/the restore was not confirmed.*nothing was changed/);
          expect(result.output).not.toMatch(/internal error|report it|\n\s+at /i);
          expect(changesSince(world, mark), dumpLog(world)).toEqual([]);
        }
      });
    }, 120_000);
  });

  itOnLine('8.8')("the README's Roles (create's and restore's, nothing else) are enough: every check passes and the restore completes", async () => {
    const roles = readmeRoles();
    expect(roles.map((r) => r.name).sort()).toEqual(['camunda-backup', 'camunda-backup-restore']);
    const rules = roles.flatMap((role) => role.rules);
    await withWorld(
      { ...configuredCluster('8.8'), durations: { ...SEED_DURATIONS, restore: 60 }, workloadTiming: { startMs: 10, readyMs: 30, terminateMs: 30, backoffMs: 400, maxBackoffMs: 400 }, role: rules },
      async (world) => {
        seedBackup(world, COMPLETE);
        await settle(world);
        const run = await runCli(world, ['restore', String(COMPLETE), '-n', world.namespace, '--yes', '--poll-interval', '500ms', '--wait-timeout', '20s']);
        expect(run.code, describeRun(run)).toBe(0);
        expect(run.stderr).toMatch(/ok {3}Permissions \(RBAC\) for the restore: granted: /);
        expect(run.stderr).not.toMatch(/ FAIL /);
        // Nothing the restore asked for was forbidden on the way.
        expect(world.api.requests.filter((r) => r.status === 403 && !r.path.includes('/coordination.k8s.io/')).map((r) => `${r.method} ${r.path}`)).toEqual([]);
      },
    );
  }, 90_000);
});

/** Runs restore on a pseudo-terminal (util-linux `script`) and types `answer` at the release-name prompt. */
function restoreAtPrompt(world: World, args: readonly string[], answer: string): Promise<{ code: number | null; output: string }> {
  assertBuilt();
  const command = `exec ${[process.execPath, BIN, 'restore', ...args].map((word) => `'${word}'`).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: cliEnv(world), stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let typed = false;
  const onData = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (!typed && output.includes('to restore, anything else cancels: ')) {
      typed = true;
      child.stdin.write(answer);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

