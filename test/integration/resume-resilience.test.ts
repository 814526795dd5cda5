/**
 * Resuming exporting survives what an unlucky operator meets at 3 a.m. (issue 11): the chosen gateway/orchestration
 * pod going away while exporting is paused (the resume fails over to another Ready pod behind the Service), an API
 * server that drops exec and port-forward for a few seconds (the resume keeps trying with back-off), a resume that
 * answers 204 but leaves a partition paused (create reads the brokers back), Ctrl-C during the retries, and a
 * zeebe-record snapshot request lost on the way (re-sent at once instead of waiting out the settle window).
 * Every test runs in both access modes, on the project's own demo resources.
 */
import { describe, expect, it } from 'vitest';
import type { World } from '../world/index.js';
import { describeRun, runCli } from './helpers/run-cli.js';
import { count, dumpLog, expectResumedAfterPause, indexOf, isPause, isResume, isSnapshotPut } from './helpers/sim-log.js';
import { withWorld } from './helpers/world-run.js';

const ID = '1700000600';
const MODES = ['port-forward', 'exec'] as const;

/** Runs `action` once, the first time `condition` holds while the CLI runs. */
function once(condition: () => boolean, action: () => void): () => void {
  let done = false;
  const timer = setInterval(() => {
    if (done || !condition()) return;
    done = true;
    action();
  }, 5);
  return () => clearInterval(timer);
}

/** The pod that received the pause: the one every call of this backup goes to. */
function pausedThrough(world: World): string {
  const entry = world.log[indexOf(world, isPause)];
  if (!entry) throw new Error(`no pause in the log\n${dumpLog(world)}`);
  return entry.pod;
}

/** Deletes the pod the backup goes to as soon as exporting is paused; its process ends, so its open streams break. */
function deleteChosenPodOncePaused(world: World): { stop: () => void; deleted: () => string | undefined } {
  let deleted: string | undefined;
  const stop = once(
    () => count(world, isPause) > 0,
    () => {
      deleted = pausedThrough(world);
      world.workloads.deletePod(world.namespace, deleted);
      world.api.dropStreams(deleted);
    },
  );
  return { stop, deleted: () => deleted };
}

describe('resume fails over to another Ready pod behind the Service (item 2)', () => {
  it.each(MODES)('8.7 (%s): the chosen gateway pod is deleted while paused → resumed through the other replica, exit 4', async (access) => {
    // The deleted pod stays Terminating (not Ready, nothing answers) for the whole run.
    await withWorld({ resources: 'demo-8.7', durations: { zeebe: 20_000 }, workloadTiming: { terminateMs: 60_000 } }, async (world) => {
      const chosen = deleteChosenPodOncePaused(world);
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', access, '-o', 'json']).finally(chosen.stop);
      const deleted = chosen.deleted();
      expect(deleted, 'the chosen pod was deleted').toBeDefined();
      // The Zeebe backup was on the deleted pod: it failed, and exporting was resumed anyway.
      expect(result.code, describeRun(result)).toBe(4);
      const report = result.json();
      expect(report.exporting).toMatchObject({ paused: true, resumed: true });
      expectResumedAfterPause(world);
      const resumedAt = world.log.filter((e) => isResume(e) && e.status === 200).map((e) => e.pod);
      expect(resumedAt.length, dumpLog(world)).toBeGreaterThan(0);
      expect(resumedAt).not.toContain(deleted);
      expect(resumedAt[0]).toMatch(/^camunda-zeebe-gateway-/);
      expect(result.stderr).toMatch(new RegExp(`pod/${deleted}:9600 did not answer .*; trying pod/camunda-zeebe-gateway-\\S+, another Ready pod behind Service camunda-zeebe-gateway`));
    });
  });

  it.each(MODES)('8.8 (%s): the chosen orchestration pod is deleted while paused → resumed through another one, brokers read back', async (access) => {
    await withWorld({ resources: 'demo-8.8', durations: { webapps: 20_000 }, workloadTiming: { terminateMs: 60_000 } }, async (world) => {
      const chosen = deleteChosenPodOncePaused(world);
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', access]).finally(chosen.stop);
      expect(chosen.deleted()).toBe('camunda-zeebe-0');
      expect(result.code, describeRun(result)).toBe(4);
      expectResumedAfterPause(world);
      const resumedAt = world.log.filter((e) => isResume(e) && e.status === 200).map((e) => e.pod);
      expect(resumedAt).toEqual(['camunda-zeebe-1']);
      expect(result.stdout).toMatch(/Exporting: paused for .*resumed/);
      expect(result.stderr).toMatch(/resumed through pod\/camunda-zeebe-1:9600\); \d+ partition replica\(s\) confirm EXPORTING/);
    });
  });

  it.each(MODES)('resume command (%s): the chosen pod does not answer the resume → the other replica resumes, exit 0', async (access) => {
    await withWorld({ resources: 'demo-8.7' }, async (world) => {
      world.sims.zeebe!.pause(true);
      const [first] = world.objects.pods
        .map((pod) => String((pod as { metadata: { name: string } }).metadata.name))
        .filter((name) => name.startsWith('camunda-zeebe-gateway-'))
        .sort();
      // The chosen pod (first Ready by name) drops every resume without an answer.
      world.faults.http.push({ pod: first, path: '/actuator/exporting/resume', action: 'close' });
      const result = await runCli(world, ['resume', '-n', world.namespace, '--access', access, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(0);
      const report = result.json();
      expect(report.resumed).toBe(true);
      expect(report.target).not.toContain(first);
      expect(report.target).toMatch(/^pod\/camunda-zeebe-gateway-\S+:9600$/);
      expect(world.sims.zeebe!.isPaused()).toBe(false);
    });
  });
});

describe('resume keeps trying for minutes, with back-off and progress (item 3)', () => {
  it.each(MODES)('8.7 (%s): the API server drops exec and port-forward for 12 s right after the pause → resumed once it is back', async (access) => {
    await withWorld({ resources: 'demo-8.7' }, async (world) => {
      let restored: NodeJS.Timeout | undefined;
      const stop = once(
        () => count(world, isPause) > 0 && world.log[indexOf(world, isPause)]!.status === 200,
        () => {
          world.api.faults.streamOutage = true;
          world.api.dropStreams();
          restored = setTimeout(() => (world.api.faults.streamOutage = false), 12_000);
        },
      );
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', access], { killAfterMs: 60_000 }).finally(() => {
        stop();
        clearTimeout(restored);
      });
      // The steps after the pause could not reach anything: the backup failed, but exporting was resumed.
      expect(result.code, describeRun(result)).toBe(4);
      expectResumedAfterPause(world);
      expect(result.stderr).toMatch(/Resume Zeebe exporting: attempt 1 failed \(pod\/camunda-zeebe-gateway-\S+:9600\): .*; next try in \S+, giving up in \S+/);
      expect(result.stderr).toMatch(/attempt [3-9] failed/);
      expect(result.stderr).not.toMatch(/STILL PAUSED/);
    });
  }, 70_000);

  it.each(MODES)('8.8 (%s): a resume refused for every attempt gives up after --resume-timeout with exit 5 and the command', async (access) => {
    await withWorld({ resources: 'demo-8.8', faults: { resume: { failTimes: 1000 } } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', access, '--resume-timeout', '3s']);
      expect(result.code, describeRun(result)).toBe(5);
      const attempts = count(world, isResume);
      expect(attempts).toBeGreaterThan(2);
      expect(result.stderr).toContain(`resuming failed ${attempts} times`);
      expect(result.stderr).toContain('!!! ZEEBE EXPORTING IS STILL PAUSED !!!');
      expect(result.stderr).toContain(`kubectl camunda-backup resume --context fake -n camunda --release camunda --access ${access}`);
      expect(world.sims.zeebe!.isPaused()).toBe(true);
    });
  });

  it.each(MODES)('8.7 (%s): Ctrl-C during the retries keeps trying and says so; a second Ctrl-C gives up loudly, exit 130', async (access) => {
    await withWorld({ resources: 'demo-8.7', faults: { resume: { failTimes: 1000 } } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', access, '--resume-timeout', '2m'], {
        signalWhen: () => count(world, isResume) >= 1,
        signalAgainWhen: () => count(world, isResume) >= 3,
      });
      expect(result.code, describeRun(result)).toBe(130);
      expect(result.durationMs).toBeLessThan(60_000);
      expect(result.stderr).toMatch(/SIGINT: still resuming Zeebe exporting, which must not stay paused .*send it again to give up/);
      expect(result.stderr).toContain('!!! ZEEBE EXPORTING IS STILL PAUSED !!!');
      expect(result.stderr).toContain(`kubectl camunda-backup resume --context fake -n camunda --release camunda --access ${access}`);
      expect(result.stdout).toMatch(/resuming was given up by a second signal/);
      expect(result.stderr).toMatch(/^error: interrupted by SIGINT/m);
      expect(world.sims.zeebe!.isPaused()).toBe(true);
    });
  });

  it.each(MODES)('resume command (%s): Ctrl-C while retrying stops, exit 130 with the command to resume by hand', async (access) => {
    await withWorld({ resources: 'demo-8.8', faults: { resume: { failTimes: 1000 } } }, async (world) => {
      world.sims.zeebe!.pause(true);
      const result = await runCli(world, ['resume', '-n', world.namespace, '--access', access], { signalWhen: () => count(world, isResume) >= 2 });
      expect(result.code, describeRun(result)).toBe(130);
      expect(result.stdout).toContain(`kubectl camunda-backup resume --context fake -n camunda --release camunda --access ${access}`);
      expect(result.stderr).toMatch(/Zeebe exporting may STILL BE PAUSED/);
      expect(world.sims.zeebe!.isPaused()).toBe(true);
    });
  });
});

describe('create reads the brokers back after its resume (item 4)', () => {
  it.each(MODES)('8.7 (%s): a 204 that left a partition paused is sent again until the brokers confirm, exit 0', async (access) => {
    await withWorld({ resources: 'demo-8.7', faults: { resume: { failTimes: 0, unappliedTimes: 1 } } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', access, '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(0);
      expect(count(world, isResume)).toBe(2);
      expect(result.stderr).toMatch(/the resume answered "status":204, but brokers still report paused partitions: 3@camunda-zeebe-\d SOFT_PAUSED/);
      expectResumedAfterPause(world);
    });
  });

  it.each(MODES)('8.8 (%s): brokers still paused after every 204 → exit 5, the command, the partitions named', async (access) => {
    await withWorld({ resources: 'demo-8.8', faults: { resume: { failTimes: 0, unappliedTimes: 1000, stuckPartition: 2 } } }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID, '--access', access, '--resume-timeout', '2s', '-o', 'json']);
      expect(result.code, describeRun(result)).toBe(5);
      const report = result.json();
      expect(report.state).toBe('CLEANUP_FAILED');
      expect(report.exporting).toMatchObject({ paused: true, resumed: false });
      expect(report.error.message).toMatch(/brokers still report paused partitions: 2@camunda-zeebe-\d SOFT_PAUSED/);
      expect(report.exporting.resumeCommand).toContain(`kubectl camunda-backup resume --context fake -n camunda --release camunda --access ${access}`);
      expect(result.stderr).toContain('!!! ZEEBE EXPORTING IS STILL PAUSED !!!');
      expect(world.sims.zeebe!.exporting.get(2)).toBe('SOFT_PAUSED');
    });
  });
});

describe('a lost zeebe-record snapshot request is re-sent (item 7)', () => {
  it.each(MODES)('8.7 (%s): the PUT is dropped without an answer → sent again at once, the backup completes, the pause stays short', async (access) => {
    await withWorld(
      { resources: 'demo-8.7', faults: { http: [{ component: 'elasticsearch', method: 'PUT', path: 'camunda_zeebe_records_backup_', action: 'close', count: 1 }] } },
      async (world) => {
        const result = await runCli(world, ['create', '--backup-id', ID, '--access', access, '-o', 'json']);
        expect(result.code, describeRun(result)).toBe(0);
        expect(count(world, isSnapshotPut), dumpLog(world)).toBe(2);
        const report = result.json();
        expect(report.parts.find((p: { part: string }) => p.part === 'zeebe-records')).toMatchObject({ state: 'COMPLETED', details: { resent: 1 } });
        // Without the re-send, exporting stayed paused for the 15 s settle window and the part FAILED.
        expect(report.exporting.pausedMs).toBeLessThan(8_000);
        expectResumedAfterPause(world);
      },
    );
  });
});
