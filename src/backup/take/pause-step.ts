/**
 * Soft-pausing Zeebe exporting, with resuming as the step's cleanup: registered before the pause (a failed pause may
 * have paused some partitions, §3.5), so every exit path after it resumes, retried until "status":204 and the
 * brokers confirm it (resume-exporting.ts). The resume-exporting action runs that cleanup at the latest after the
 * Zeebe backup, before anything that follows.
 */
import { messageOf } from '../../errors.js';
import { formatDuration } from '../../format-duration.js';
import { resumeUntilConfirmed } from '../resume-exporting.js';
import type { PauseAction, PlanAction } from './plan.js';
import type { ActionKind } from './step-context.js';

export const pauseExporting: ActionKind<PauseAction> = {
  describe(action, _plan, calls) {
    calls.call('pause-exporting', 'POST', action.endpoint, action.pausePath, { note: 'success is "status":204 in the body; resume is registered first' });
  },
  step(action, ctx) {
    const { plan, pool, run, exporting } = ctx;
    return {
      id: 'pause-exporting',
      title: 'Soft-pause Zeebe exporting',
      // Registered before the pause: a failed pause may have paused some partitions (§3.5).
      cleanup: {
        title: 'Resume Zeebe exporting',
        async run() {
          // Not the run's signal: the run may be aborted, and the resume must be tried regardless. Only a second
          // signal (giveUp) stops its retries.
          run.emit({ kind: 'step-started', step: 'resume-exporting', title: 'Resume Zeebe exporting' });
          const started = run.now();
          const outcome = await resumeUntilConfirmed(
            { zeebe: action.endpoint, resumePath: action.resumePath, namespace: plan.namespace, release: plan.release },
            { pool, kube: ctx.kube, emit: run.emit, stop: run.giveUp, interrupt: run.interrupt, timing: plan.timing.resume, now: run.now },
          );
          exporting.resumeAttempts = outcome.attempts;
          for (const message of outcome.warnings) run.emit({ kind: 'warning', message });
          if (!outcome.resumed) {
            exporting.resumed = false;
            exporting.resumeGivenUp = outcome.stopped;
            const message = outcome.stopped ? `given up by ${messageOf(run.giveUp?.reason)} after ${outcome.attempts} attempt(s): ${outcome.message ?? 'no answer'}` : (outcome.message ?? 'no answer');
            run.emit({ kind: 'step-failed', step: 'resume-exporting', message });
            throw new Error(message);
          }
          exporting.resumed = true;
          run.emit({ kind: 'exporting', paused: false });
          exporting.pausedMs = exporting.pauseStartedMs === undefined ? null : run.now() - exporting.pauseStartedMs;
          const confirmed = outcome.partitions && outcome.partitions.length > 0 ? `; ${outcome.partitions.length} partition replica(s) confirm EXPORTING` : '';
          run.emit({
            kind: 'step-succeeded',
            step: 'resume-exporting',
            durationMs: run.now() - started,
            message: `exporting was paused for ${formatDuration(exporting.pausedMs ?? 0)}${outcome.target !== action.endpoint.where ? ` (resumed through ${outcome.target})` : ''}${confirmed}`,
          });
        },
      },
      async run() {
        exporting.paused = true;
        exporting.pauseStartedMs = run.now();
        run.emit({ kind: 'exporting', paused: true });
        // Not abortable: Zeebe applies a pause it received even when the caller stopped waiting (and curl in a pod
        // outlives its exec), so a resume sent before the answer can land first and leave exporting paused. The
        // pause is quick; the request timeout bounds it; the runner sees the abort right after.
        await (await pool.api(action.endpoint, { emit: run.emit, signal: null })).pauseExporting(action.pausePath);
        return 'exporting soft-paused';
      },
    };
  },
};

export const resumeExporting: ActionKind<Extract<PlanAction, { kind: 'resume-exporting' }>> = {
  describe(action, _plan, calls) {
    calls.call('resume-exporting', 'POST', action.endpoint, action.resumePath, {
      note: `runs on every exit path after the pause, retried with back-off until "status":204 and the brokers' /actuator/partitions confirm it${action.endpoint.service ? ` (another Ready pod behind Service ${action.endpoint.service} when this one does not answer)` : ''}`,
    });
  },
  step: () => ({ cleanupsNow: true }),
};
