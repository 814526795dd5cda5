/**
 * `create`'s progress on stderr as a CI log or a CronJob's log shows it (stderr is a pipe here): timestamped
 * heartbeat lines while steps run, the exporting-paused counter, "N of M" totals that never grow, step titles
 * instead of IDs, no redraws, and a failure's reason said once.
 */
import { describe, expect, it } from 'vitest';
import { describeRun, runCli } from './helpers/run-cli.js';
import { withWorld } from './helpers/world-run.js';

const ID = '1700000700';
/** Long enough for several heartbeats at 100 ms, and parts that start one after the other. */
const SLOW = { webapps: 1_500, optimize: 1_000, zeebe: 800, snapshot: 300 };
const HEARTBEAT = { CAMUNDA_BACKUP_HEARTBEAT: '100ms' };
const HEARTBEAT_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) still running: (.+)$/;
const STEP_IDS = /\b(backup-(webapps|operate|tasklist|optimize|zeebe|zeebe-records)|pause-exporting|resume-exporting)\b/;

function heartbeats(stderr: string): RegExpExecArray[] {
  return stderr.split('\n').flatMap((line) => {
    const match = HEARTBEAT_LINE.exec(line);
    return match ? [match] : [];
  });
}

/** Every "N of M snapshots done" total said for one step title, in order, in progress and heartbeat lines alike. */
function totalsOf(stderr: string, title: string): number[] {
  const escaped = title.replace(/[()]/g, '\\$&');
  return [...stderr.matchAll(new RegExp(`${escaped}(?: \\(\\d+s\\))?: \\w+ \\(\\d+ of (\\d+) snapshots done\\)`, 'g'))].map((match) => Number(match[1]));
}

describe('create progress in a log (stderr not a terminal)', () => {
  it('8.8: timestamped heartbeats at a steady interval, the paused counter, totals that never grow, no redraws, no step IDs', async () => {
    await withWorld({ resources: 'demo-8.8', durations: SLOW }, async (world) => {
      const started = Date.now();
      const result = await runCli(world, ['create', '--backup-id', ID], { env: HEARTBEAT });
      expect(result.code, describeRun(result)).toBe(0);
      const { stderr } = result;

      const beats = heartbeats(stderr);
      expect(beats.length, stderr).toBeGreaterThanOrEqual(5);
      for (const [, time] of beats) {
        const at = Date.parse(time!);
        expect(at).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000);
        expect(at).toBeLessThanOrEqual(Date.now());
      }
      // The web apps run while exporting is paused (8.8 pauses first): the heartbeat names them and counts the window.
      const webappBeats = beats.filter(([, , what]) => what!.includes('Back up web apps (Operate, Tasklist) ('));
      expect(webappBeats.length, stderr).toBeGreaterThan(0);
      expect(webappBeats.every(([, , what]) => /exporting paused \d+s$/.test(what!)), stderr).toBe(true);

      const totals = totalsOf(stderr, 'Back up web apps (Operate, Tasklist)');
      expect(totals.length, stderr).toBeGreaterThan(1);
      expect(new Set(totals), stderr).toEqual(new Set([5]));
      expect(new Set(totalsOf(stderr, 'Back up Optimize')), stderr).toEqual(new Set([2]));

      expect(stderr).not.toContain('\r');
      expect(stderr).not.toContain('\u001b');
      expect(stderr).not.toMatch(STEP_IDS);
      // Node's listener warning (a dozen concurrent calls on the run's signal) must not land among the progress lines.
      expect(stderr).not.toContain('MaxListenersExceededWarning');
      // One resume is one line (a heartbeat that falls while it runs names it too: that is the heartbeat's line).
      const heartbeat = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ still running: /;
      expect(stderr.split('\n').filter((line) => line.includes('Resume Zeebe exporting') && !heartbeat.test(line))).toEqual([expect.stringMatching(/^✓ Resume Zeebe exporting \(\d+ms\): exporting was paused for /)]);
    });
  });

  it('8.7: parts started one by one still count toward the total the snapshot names give', async () => {
    await withWorld({ resources: 'demo-8.7', durations: SLOW }, async (world) => {
      const result = await runCli(world, ['create', '--backup-id', ID], { env: HEARTBEAT });
      expect(result.code, describeRun(result)).toBe(0);
      const totals = totalsOf(result.stderr, 'Back up Operate');
      expect(totals.length, result.stderr).toBeGreaterThan(1);
      expect(new Set(totals), result.stderr).toEqual(new Set([6]));
    });
  });

  it('CAMUNDA_BACKUP_HEARTBEAT=0 turns the heartbeat off; a value that is no duration is refused with exit 2', async () => {
    await withWorld({ resources: 'demo-8.7' }, async (world) => {
      const quiet = await runCli(world, ['create', '--backup-id', ID], { env: { CAMUNDA_BACKUP_HEARTBEAT: '0' } });
      expect(quiet.code, describeRun(quiet)).toBe(0);
      expect(heartbeats(quiet.stderr)).toEqual([]);
      const refused = await runCli(world, ['create', '--backup-id', String(Number(ID) + 1)], { env: { CAMUNDA_BACKUP_HEARTBEAT: 'often' } });
      expect(refused.code, describeRun(refused)).toBe(2);
      expect(refused.stderr).toMatch(/^error: CAMUNDA_BACKUP_HEARTBEAT="often" is not a duration$/m);
    });
  });
});

describe("create: a failing web app's reason is said once", () => {
  it.each([
    ['8.8', 'demo-8.8', 'webapps', 'text'],
    ['8.8', 'demo-8.8', 'webapps', 'json'],
    ['8.7', 'demo-8.7', 'operate', 'text'],
  ] as const)('%s (%s): %s FAILED, %s output → its reason once in stderr, in the error; the failed step named by its title', async (_line, resources, kind, output) => {
    await withWorld({ resources, durations: SLOW }, async (world) => {
      world.faults.outcome[kind] = { state: 'FAILED', count: 1 };
      const result = await runCli(world, ['create', '--backup-id', ID, ...(output === 'json' ? ['-o', 'json'] : [])], { env: HEARTBEAT });
      expect(result.code, describeRun(result)).toBe(4);
      const reason = 'There were failures with the following snapshots';
      expect(result.stderr.split(reason).length - 1, result.stderr).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^error: backup ${ID} failed: ${kind}: ${reason}`, 'm'));
      const title = kind === 'webapps' ? 'Back up web apps \\(Operate, Tasklist\\)' : 'Back up Operate';
      expect(result.stderr).toMatch(new RegExp(`^✗ ${title} failed \\(`, 'm'));
      expect(result.stderr).not.toMatch(STEP_IDS);
      if (output === 'text') expect(result.stdout.split(reason).length - 1, result.stdout).toBe(1);
    });
  });
});
