/**
 * Soft-pausing Zeebe exporting, with resuming as the step's cleanup: registered before the pause (a failed pause may
 * have paused some partitions, §3.5), so every exit path after it resumes, retried until "status":204. The
 * resume-exporting action runs that cleanup at the latest after the Zeebe backup, before anything that follows.
 */
import { messageOf } from '../../errors.js';
import { formatDuration } from '../../format-duration.js';
import { resumeWithRetries } from '../exporting.js';
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
          // No run signal here: the run may be aborted, and the resume must be tried regardless.
          run.emit({ kind: 'step-started', step: 'resume-exporting', title: 'Resume Zeebe exporting' });
          const started = run.now();
          try {
            const api = await pool.api(action.endpoint, { emit: run.emit, signal: null });
            await resumeWithRetries(api, action.resumePath, plan.timing.resumeRetryDelaysMs, (message) =>
              run.emit({ kind: 'step-progress', step: 'resume-exporting', message }),
            );
          } catch (error) {
            exporting.resumed = false;
            run.emit({ kind: 'step-failed', step: 'resume-exporting', message: messageOf(error) });
            throw error;
          }
          exporting.resumed = true;
          run.emit({ kind: 'exporting', paused: false });
          exporting.pausedMs = exporting.pauseStartedMs === undefined ? null : run.now() - exporting.pauseStartedMs;
          run.emit({ kind: 'step-succeeded', step: 'resume-exporting', durationMs: run.now() - started, message: `exporting was paused for ${formatDuration(exporting.pausedMs ?? 0)}` });
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
    calls.call('resume-exporting', 'POST', action.endpoint, action.resumePath, { note: 'runs on every exit path after the pause, retried until "status":204' });
  },
  step: () => ({ cleanupsNow: true }),
};
