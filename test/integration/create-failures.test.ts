/**
 * `create` failure paths end to end: every exit after the pause resumes exporting (asserted from the request log
 * and the simulated cluster's exporter state), the exit codes match the contract, the component's own words
 * reach the user.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { until } from './helpers/until.js';
import { fixturesSkipNote, itNeedingFixtures, itWithFixtures } from '../fixtures-available.js';
import { describeRun, partOf, runCli, STACK_FRAME } from './helpers/run-cli.js';
import {
  count,
  dumpLog,
  expectNeverPaused,
  expectNoMutation,
  expectResumedAfterPause,
  indexOf,
  isHistoryTake,
  isPause,
  isResume,
  isSnapshotPut,
  isWebappTake,
  isZeebeTake,
} from './helpers/sim-log.js';
import { configuredCluster, fixture, itOnLine, withWorld } from './helpers/world-run.js';

const ID = '1700000500';

describe('create: a component ends FAILED', () => {
  it('8.7: Operate FAILED before the pause → exit 4, its failureReason shown, exporting never paused, Zeebe untouched', async () => {
    await withWorld({ resources: 'demo-8.7', faults: { outcome: { operate: { state: 'FAILED' } } } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID]);
      expect(result.code, describeRun(result)).toBe(4);
      const reason = `There were failures with the following snapshots: camunda_operate_${ID}_`;
      expect(result.stdout).toContain(reason);
      expect(result.stderr).toContain(reason);
      expect(result.stdout).toMatch(/operate\s+FAILED/);
      expectNeverPaused(world);
      expect(count(world, isZeebeTake)).toBe(0);
      expect(count(world, isSnapshotPut)).toBe(0);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    });
  });

  it('8.8: web apps FAILED after the pause → exit 4, failureReason in the JSON, exporting resumed, no runtime backup', async () => {
    await withWorld({ resources: 'demo-8.8', faults: { outcome: { webapps: { state: 'FAILED' } } } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(4);
      const report = result.json();
      expect(report.state).toBe('FAILED');
      const webapps = partOf(report, 'webapps');
      expect(webapps?.state).toBe('FAILED');
      expect(webapps?.message).toContain(`There were failures with the following snapshots: camunda_webapps_${ID}_`);
      expect(report.error.step).toBe('backup-webapps');
      expect(report.exporting).toMatchObject({ paused: true, resumed: true });
      expectResumedAfterPause(world);
      expect(count(world, isZeebeTake)).toBe(0);
      expect(count(world, isSnapshotPut)).toBe(0);
    });
  });

  itWithFixtures('8.9: Zeebe backup FAILED → exit 4 with the partition reason, exporting resumed', async () => {
    await withWorld({ fixture: fixture('8.9', 'backup-configured'), faults: { outcome: { zeebe: { state: 'FAILED', failureReason: 'S3 said: SlowDown' } } } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec']);
      expect(result.code, describeRun(result)).toBe(4);
      expect(result.stderr).toContain('Backup on partition 1 failed due to S3 said: SlowDown');
      expect(result.stdout).toMatch(/zeebe\s+FAILED/);
      expectResumedAfterPause(world);
    });
  });

  itNeedingFixtures.each(['port-forward', 'exec'] as const)(`8.10 %s: Zeebe backup FAILED after the pause → exit 4 with the partition reason, exporting resumed${fixturesSkipNote}`, async (access) => {
    await withWorld({ fixture: fixture('8.10', 'backup-configured'), faults: { outcome: { zeebe: { state: 'FAILED', failureReason: 'S3 said: SlowDown' } } } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', access, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(4);
      const report = result.json();
      expect(report).toMatchObject({ state: 'FAILED', chartVersion: '15.0.0-alpha4', exporting: { paused: true, resumed: true } });
      expect(report.error.step).toBe('backup-zeebe');
      expect(partOf(report, 'zeebe')?.message).toContain('Backup on partition 1 failed due to S3 said: SlowDown');
      expectResumedAfterPause(world);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    });
  });
});

describe('create: zeebe-record snapshot FAILED or PARTIAL after the pause', () => {
  it('8.7 FAILED (text) → exit 4, resumed, no Zeebe backup', async () => {
    await withWorld({ resources: 'demo-8.7', faults: { snapshot: [{ state: 'FAILED' }] } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID]);
      expect(result.code, describeRun(result)).toBe(4);
      expect(result.stderr).toMatch(new RegExp(`snapshot camunda_zeebe_records_backup_${ID} ended FAILED`));
      expect(result.stdout).toMatch(/zeebe-records\s+FAILED/);
      expectResumedAfterPause(world);
      expect(indexOf(world, isSnapshotPut)).toBeGreaterThan(indexOf(world, isPause));
      expect(count(world, isZeebeTake), dumpLog(world)).toBe(0);
    });
  });

  itWithFixtures('8.9 PARTIAL (json, exec) → exit 4, resumed, no runtime backup', async () => {
    await withWorld({ fixture: fixture('8.9', 'backup-configured'), faults: { snapshot: [{ state: 'PARTIAL' }] } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec', '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(4);
      const report = result.json();
      expect(report.error.step).toBe('backup-zeebe-records');
      expect(report.error.message).toContain('PARTIAL');
      expect(partOf(report, 'zeebe-records')?.state).toBe('FAILED');
      expect(report.exporting).toMatchObject({ paused: true, resumed: true });
      expectResumedAfterPause(world);
      expect(count(world, isZeebeTake)).toBe(0);
    });
  });

  itNeedingFixtures.each(['port-forward', 'exec'] as const)(`8.10 %s: the external Elasticsearch ends the snapshot FAILED → exit 4, resumed, no runtime backup${fixturesSkipNote}`, async (access) => {
    await withWorld({ fixture: fixture('8.10', 'backup-configured'), faults: { snapshot: [{ state: 'FAILED' }] } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', access]);
      expect(result.code, describeRun(result)).toBe(4);
      expect(result.stderr).toMatch(new RegExp(`snapshot camunda_zeebe_records_backup_${ID} ended FAILED`));
      expect(result.stdout).toMatch(/zeebe-records\s+FAILED/);
      expect(world.log[indexOf(world, isSnapshotPut)]!.component).toBe('elasticsearch');
      expectResumedAfterPause(world);
      expect(count(world, isZeebeTake), dumpLog(world)).toBe(0);
    });
  });
});

describe('create: exporting pause answers body status 500', () => {
  it('8.7 partial pause → exit 4, resume attempted, no partition left paused, nothing after the pause', async () => {
    await withWorld({ resources: 'demo-8.7', faults: { pause: { failTimes: 1, partial: true } } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID]);
      expect(result.code, describeRun(result)).toBe(4);
      expect(result.stderr).toMatch(/Expected 3 members of partition 2 but found 2/);
      expect(result.stderr).toMatch(/status 500/);
      expectResumedAfterPause(world);
      expect(count(world, isSnapshotPut)).toBe(0);
      expect(count(world, isZeebeTake)).toBe(0);
    });
  });

  it('8.8 (pause first) → exit 4, resumed, no web-app or Optimize backup started', async () => {
    await withWorld({ resources: 'demo-8.8', faults: { pause: { failTimes: 1, partial: true, message: 'Failed to pause exporting on partition 3' } } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(4);
      const report = result.json();
      expect(report.error.step).toBe('pause-exporting');
      expect(report.error.message).toContain('Failed to pause exporting on partition 3');
      expectResumedAfterPause(world);
      expect(count(world, isHistoryTake) + count(world, isWebappTake('optimize'))).toBe(0);
    });
  });
});

describe('create: Zeebe refuses the ID (not higher than an earlier backup)', () => {
  for (const line of ['8.7', '8.9'] as const) {
    itOnLine(line)(`${line}: exit 2 before any change, naming the latest ID`, async () => {
      await withWorld({ ...configuredCluster(line) }, async (world) => {
        world.sims.zeebe!.take(1_700_000_900);
        const before = world.sims.zeebe!.backups.size;
        const result = await runCli(world, ['create', '--backup-id', ID]);
        expect(result.code, describeRun(result)).toBe(2);
        expect(result.stderr).toContain(`backup ID ${ID} is not higher than the latest Zeebe backup 1700000900`);
        expect(result.stderr).toContain('--backup-id 1700000901');
        expect(world.log.filter((e) => e.method !== 'GET'), dumpLog(world)).toEqual([]);
        expect(world.sims.zeebe!.backups.size).toBe(before);
        expect(world.sims.zeebe!.isPaused()).toBe(false);
        expect(result.stderr).not.toMatch(STACK_FRAME);
      });
    });
  }
});

describe('create: Zeebe refuses the ID only at the POST (a higher backup was deleted, so no list shows it)', () => {
  it('8.8: exit 4 with Zeebe\'s 409 reason and the ID to go above, exporting resumed', async () => {
    await withWorld({ resources: 'demo-8.8' }, async (world) => {
      world.sims.zeebe!.take(1_700_000_900);
      world.sims.zeebe!.delete(1_700_000_900);
      const result = await runCli(world, ['create', '--backup-id', ID]);
      expect(result.code, describeRun(result)).toBe(4);
      expect(result.stderr).toContain(`Requested backup has id ${ID}. The latest backup has id 1700000900.`);
      expect(result.stderr).toContain('HTTP 409');
      expect(result.stderr).toContain('choose a higher --backup-id (above 1700000900)');
      expect(world.log.find(isZeebeTake)?.status).toBe(409);
      expectResumedAfterPause(world);
    });
  });
});

describe('create: resuming fails permanently', () => {
  it('8.7 text: exit 5, a loud block with the exact resume command', async () => {
    await withWorld({ resources: 'demo-8.7', faults: { resume: { failTimes: 1000 } } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID]);
      expect(result.code, describeRun(result)).toBe(5);
      expect(result.stderr).toContain('!!! ZEEBE EXPORTING IS STILL PAUSED !!!');
      expect(result.stderr).toContain('kubectl camunda-backup resume --context fake -n camunda --release camunda');
      expect(result.stderr).toMatch(/curl -sS -X POST http:\/\/127\.0\.0\.1:9600\/actuator\/exporting\/resume/);
      expect(result.stderr).toMatch(/error: Zeebe exporting is STILL PAUSED/);
      // Tried more than once, and the simulated cluster really is still paused: the tool says so honestly.
      expect(count(world, isResume), dumpLog(world)).toBeGreaterThan(1);
      expect(world.sims.zeebe!.isPaused()).toBe(true);
      expect(result.stdout).not.toMatch(/Exporting: paused for .*resumed\./);
    });
  });

  it('8.8 json: exit 5, exporting.resumed false with exporting.resumeCommand, the loud block still on stderr', async () => {
    await withWorld({ resources: 'demo-8.8', faults: { resume: { failTimes: 1000 } } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec', '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(5);
      const report = result.json();
      expect(report.state).toBe('CLEANUP_FAILED');
      expect(report.exporting).toMatchObject({ paused: true, resumed: false });
      // The world's kubeconfig names its context "fake"; the printed commands name it too (issue 15: same cluster).
      expect(report.exporting.resumeCommand).toContain('kubectl camunda-backup resume --context fake -n camunda --release camunda --access exec');
      expect(report.exporting.resumeCommand).toMatch(/kubectl exec --context fake -n camunda .*camunda-zeebe-0.*exporting\/resume/s);
      expect(report.error.step).toBe('resume-exporting');
      expect(result.stderr).toContain('!!! ZEEBE EXPORTING IS STILL PAUSED !!!');
      expect(world.sims.zeebe!.isPaused()).toBe(true);
    });
  });
});

describe('create: --timeout', () => {
  it('8.7: slow Zeebe, --timeout 2s → exit 4 naming the timeout, exporting resumed, part TIMED_OUT', async () => {
    await withWorld({ resources: 'demo-8.7', durations: { zeebe: 30_000 } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--timeout', '2s', '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(4);
      const report = result.json();
      expect(report.error.message).toMatch(/timed out after 2\.0s \(--timeout\)/);
      expect(partOf(report, 'zeebe')?.state).toBe('TIMED_OUT');
      expect(report.exporting).toMatchObject({ paused: true, resumed: true });
      expectResumedAfterPause(world);
      expect(result.durationMs).toBeLessThan(10_000);
    });
  });

  it('8.8: slow web apps (after the pause), --timeout 2s → exit 4, resumed', async () => {
    await withWorld({ resources: 'demo-8.8', durations: { webapps: 30_000 } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--timeout', '2s', '--access', 'exec']);
      expect(result.code, describeRun(result)).toBe(4);
      expect(result.stderr).toMatch(/timed out after 2\.0s \(--timeout\)/);
      expectResumedAfterPause(world);
      expect(count(world, isZeebeTake)).toBe(0);
    });
  });
});

describe('create: SIGINT / SIGTERM after the pause', () => {
  const afterZeebePost = (world: Parameters<typeof count>[0]) => () => count(world, isZeebeTake) > 0;

  it('8.7 exec, SIGINT while Zeebe backs up → exit 130, exporting resumed', async () => {
    await withWorld({ resources: 'demo-8.7', durations: { zeebe: 20_000 } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec'], { signal: 'SIGINT', signalWhen: afterZeebePost(world) });
      expect(result.signalledAt, 'signal sent').toBeDefined();
      expect(result.code, describeRun(result)).toBe(130);
      expect(result.killedBy).toBeNull();
      expect(result.stderr).toMatch(/interrupted by SIGINT/);
      expect(result.stderr).toMatch(/exporting was resumed/);
      expectResumedAfterPause(world);
      // The resume came after the signal.
      const resume = world.log.find(isResume)!;
      expect(resume.at).toBeGreaterThanOrEqual(result.signalledAt!);
    });
  });

  it('8.8 port-forward -o json, SIGTERM while Zeebe backs up → exit 143, state INTERRUPTED, exporting resumed', async () => {
    await withWorld({ resources: 'demo-8.8', durations: { zeebe: 20_000 } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '-o', 'json'], { signal: 'SIGTERM', signalWhen: afterZeebePost(world) });
      expect(result.code, describeRun(result)).toBe(143);
      const report = result.json();
      expect(report.state).toBe('INTERRUPTED');
      expect(report.exporting).toMatchObject({ paused: true, resumed: true });
      expect(partOf(report, 'zeebe')?.state).toBe('INTERRUPTED');
      expectResumedAfterPause(world);
    });
  });

  itWithFixtures('8.9 SIGINT during the web-app backups (just after the pause) → exit 130, resumed, nothing started after', async () => {
    await withWorld({ fixture: fixture('8.9', 'backup-configured'), durations: { webapps: 20_000 } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID], { signal: 'SIGINT', signalWhen: () => count(world, isHistoryTake) > 0 });
      expect(result.code, describeRun(result)).toBe(130);
      expectResumedAfterPause(world);
      expect(count(world, isSnapshotPut) + count(world, isZeebeTake)).toBe(0);
    });
  });

  it('8.7 exec, SIGINT while the zeebe-record snapshot PUT waits for completion → exit 130 at once, resumed, no Zeebe backup', async () => {
    await withWorld({ resources: 'demo-8.7', durations: { snapshot: 20_000 } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec'], { signal: 'SIGINT', signalWhen: () => count(world, isSnapshotPut) > 0 });
      expect(result.code, describeRun(result)).toBe(130);
      expectResumedAfterPause(world);
      expect(count(world, isZeebeTake)).toBe(0);
      // The in-flight exec was abandoned, not waited for.
      expect(world.log.find(isResume)!.at - result.signalledAt!).toBeLessThan(5_000);
    });
  });

  it.each(['port-forward', 'exec'] as const)(
    '8.7 %s, SIGINT while the pause call is in flight (slow Zeebe) → the resume lands after the pause, not before it',
    async (access) => {
      // Zeebe applies the pause 1.5 s after it received it, whether or not the caller still waits for the answer.
      await withWorld({ resources: 'demo-8.7', faults: { http: [{ path: /\/actuator\/exporting\/pause/, delayMs: 1_500 }] } }, async (world) => {
        const result = await runCli(world, ['create', '--backup-id', ID, '--access', access], { signal: 'SIGINT', signalWhen: () => count(world, isPause) > 0 });
        expect(result.code, describeRun(result)).toBe(130);
        // Judge the cluster once Zeebe has answered the pause (the tool waits for that answer before it resumes). A
        // pause whose caller went away is never answered; after 5 s it has landed anyway, and the checks below judge.
        await until(() => world.log.filter(isPause).every((e) => e.status !== 0), { intervalMs: 20, timeoutMs: 5_000 }).catch(() => undefined);
        expect(world.sims.zeebe!.isPaused(), dumpLog(world)).toBe(false);
        expect(count(world, isZeebeTake)).toBe(0);
      });
    },
  );

  it('8.7 SIGINT before the pause (web apps running) → exit 130, exporting never paused', async () => {
    await withWorld({ resources: 'demo-8.7', durations: { webapps: 20_000 } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID], { signal: 'SIGINT', signalWhen: () => count(world, isWebappTake('operate')) > 0 });
      expect(result.code, describeRun(result)).toBe(130);
      expect(result.stderr).toMatch(/exporting was not paused/);
      expectNeverPaused(world);
    });
  });
});

describe('create: exec connection dropped mid-call', () => {
  it('8.7: the pause exec drops → exit 4, exporting resumed (a dropped pause may have paused some partitions)', async () => {
    await withWorld({ resources: 'demo-8.7', apiFaults: { execDropAfterMs: 1, execDropMatch: 'exporting/pause' } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec']);
      expect(result.code, describeRun(result)).toBe(4);
      expect(result.stderr).toMatch(/connection lost/);
      expect(count(world, isResume), dumpLog(world)).toBeGreaterThan(0);
      expect(world.sims.zeebe!.isPaused()).toBe(false);
      expect(count(world, isZeebeTake)).toBe(0);
    });
  });

  it('8.7: the snapshot PUT drops while ES keeps snapshotting → the tool asks ES and completes (exit 0)', async () => {
    await withWorld(
      { resources: 'demo-8.7', durations: { snapshot: 1_500 }, apiFaults: { execDropAfterMs: 400, execDropMatch: 'wait_for_completion' } },
      async (world) => {
        const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec', '-o', 'json']);
        expect(result.code, describeRun(result)).toBe(0);
        const put = world.log.find(isSnapshotPut)!;
        expect(put.status, 'the PUT got no answer').toBe(0);
        expect(count(world, isSnapshotPut), 'not sent twice').toBe(1);
        expect(partOf(result.json(), 'zeebe-records')?.details?.['state']).toBe('SUCCESS');
        expectResumedAfterPause(world);
      },
    );
  });

  it('8.8: every Zeebe status poll drops → exit 4 after a few retries, exporting resumed', async () => {
    await withWorld(
      { resources: 'demo-8.8', durations: { zeebe: 60_000 }, apiFaults: { execDropAfterMs: 5, execDropMatch: `backupRuntime/${ID}` } },
      async (world) => {
        const result = await runCli(world, ['create', '--backup-id', ID, '--access', 'exec', '--poll-interval', '500ms']);
        expect(result.code, describeRun(result)).toBe(4);
        expect(result.stderr).toMatch(/zeebe: .*connection lost/);
        expectResumedAfterPause(world);
      },
    );
  });
});

describe('create: bad input before anything changes', () => {
  for (const id of ['0', '-5', 'abc', '1.5', '17e8', '9007199254740993']) {
    it(`--backup-id ${id} → exit 2, no cluster call at all`, async () => {
      await withWorld({ resources: 'demo-8.7' }, async (world) => {
        const result = await runCli(world, ['create', '--backup-id', id]);
        expect(result.code, describeRun(result)).toBe(2);
        expect(result.stderr).toMatch(/^error: --backup-id: invalid backup ID/m);
        expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
        expect(world.log).toEqual([]);
        expect(world.api.requests).toEqual([]);
      });
    });
  }

  it('a backup ID Operate already has → exit 2, nothing changed', async () => {
    await withWorld({ resources: 'demo-8.7' }, async (world) => {
      world.sims.backups.operate!.take('elsewhere', Number(ID));
      const result = await runCli(world, ['create', '--backup-id', ID]);
      expect(result.code, describeRun(result)).toBe(2);
      expect(result.stderr).toContain(`backup ID ${ID} is taken`);
      expectNoMutation(world);
    });
  });

  it('unknown --release → exit 2 naming the releases there, nothing changed', async () => {
    await withWorld({ resources: 'demo-8.8' }, async (world) => {
      const result = await runCli(world, ['create', '--release', 'nope']);
      expect(result.code, describeRun(result)).toBe(2);
      expect(result.stderr).toContain('Helm release "nope" not found in namespace camunda');
      expect(result.stderr).toContain('Helm releases in camunda: camunda');
      expect(world.log).toEqual([]);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    });
  });

  itWithFixtures('--backup-id on an 8.9 RDBMS release with continuous backups → exit 2 (the cluster chooses IDs), nothing changed', async () => {
    await withWorld({ fixture: fixture('8.9', 'rdbms-backup-continuous') }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID]);
      expect(result.code, describeRun(result)).toBe(2);
      expect(result.stderr).toMatch(/generates the backup ID itself/);
      expectNoMutation(world);
    });
  });
});

/**
 * A machine with several clusters: the run is pointed at one with --kubeconfig/--context while the shell's own
 * KUBECONFIG (and that file's current-context) point elsewhere. The resume command printed after exit 5 must reach
 * the paused cluster when pasted into that shell, not report success against another.
 */
describe('create: the printed resume reaches the same cluster', () => {
  /** A kubeconfig file holding the world as context `prod` plus a decoy context (current) that refuses connections. */
  function kubeconfigs(world: { api: { kubeconfig(options: { namespace?: string; context?: string }): string } }): { both: string; decoyOnly: string } {
    const dir = mkdtempSync(join(tmpdir(), 'two-clusters '));
    const config = parseYaml(world.api.kubeconfig({ namespace: 'camunda', context: 'prod' })) as Record<string, Array<Record<string, unknown>>>;
    const decoy = {
      clusters: [{ name: 'decoy', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'decoy-user', user: { token: 'decoy' } }],
      contexts: [{ name: 'decoy', context: { cluster: 'decoy', user: 'decoy-user', namespace: 'camunda' } }],
    };
    const both = join(dir, 'prod and decoy.yaml');
    writeFileSync(both, stringifyYaml({ ...config, clusters: [...config['clusters']!, ...decoy.clusters], users: [...config['users']!, ...decoy.users], contexts: [...config['contexts']!, ...decoy.contexts], 'current-context': 'decoy' }), { mode: 0o600 });
    const decoyOnly = join(dir, 'decoy.yaml');
    writeFileSync(decoyOnly, stringifyYaml({ apiVersion: 'v1', kind: 'Config', ...decoy, 'current-context': 'decoy' }), { mode: 0o600 });
    return { both, decoyOnly };
  }

  /** `kubectl camunda-backup <args>` as a shell would split the printed line (single quotes only, as shellWord writes). */
  function argsOf(line: string): string[] {
    const words = [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!));
    expect(words.slice(0, 2)).toEqual(['kubectl', 'camunda-backup']);
    return words.slice(2);
  }

  it.each(['port-forward', 'exec'] as const)('%s: exit 5 prints --kubeconfig and --context; the printed resume, run from a shell pointed elsewhere, resumes this cluster', async (access) => {
    await withWorld({ resources: 'demo-8.8', faults: { resume: { failTimes: 1000 } } }, async (world) => {
      const files = kubeconfigs(world);
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', access, '--kubeconfig', files.both, '--context', 'prod', '-o', 'json'], {
        env: { KUBECONFIG: files.decoyOnly },
      });
      expect(result.code, describeRun(result)).toBe(5);
      const command = String(result.json().exporting.resumeCommand);
      const [toolLine, rawLine] = command.split('\n');
      const target = `--kubeconfig '${files.both}' --context prod -n camunda`;
      expect(toolLine).toBe(`kubectl camunda-backup resume ${target} --release camunda --access ${access}`);
      expect(rawLine).toContain(access === 'exec' ? `kubectl exec ${target} ` : `kubectl port-forward ${target} `);
      // The loud block on stderr prints the same lines.
      expect(result.stderr).toContain(`    ${toolLine}`);
      expect(world.sims.zeebe!.isPaused()).toBe(true);

      world.faults.resume.failTimes = 0;
      const resumed = await runCli(world, argsOf(toolLine!), { env: { KUBECONFIG: files.decoyOnly } });
      expect(resumed.code, describeRun(resumed)).toBe(0);
      expect(world.sims.zeebe!.isPaused()).toBe(false);
    });
  });

  it('without --context, the context the kubeconfig chose is named, so a later change of current-context cannot redirect it', async () => {
    await withWorld({ resources: 'demo-8.8', faults: { resume: { failTimes: 1000 } } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(5);
      expect(String(result.json().exporting.resumeCommand).split('\n')[0]).toBe('kubectl camunda-backup resume --context fake -n camunda --release camunda --access port-forward');
    });
  });
});
