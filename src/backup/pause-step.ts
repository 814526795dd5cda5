/**
 * Soft-pausing Zeebe exporting, with resuming as the step's cleanup: registered before the pause (a failed pause may
 * have paused some partitions, §3.5), so every exit path after it resumes, retried until "status":204.
 */
import { messageOf } from '../errors.js';
import { formatDuration } from '../format-duration.js';
import { apiFor } from './open-channels.js';
import type { PlanAction } from './plan.js';
import { resumeWithRetries } from './resume.js';
import type { Step } from './runner.js';
import type { StepContext } from './step-context.js';

export function pauseStep(action: Extract<PlanAction, { kind: 'pause-exporting' }>, ctx: StepContext): Step {
  const { plan, channels, run, exporting } = ctx;
  return {
    id: 'pause-exporting',
    title: 'Soft-pause Zeebe exporting',
    // Registered before the pause: a failed pause may have paused some partitions (§3.5).
    cleanup: {
      title: 'Resume Zeebe exporting',
      async run() {
        // No run signal here: the run may be aborted, and the resume must be tried regardless.
        const api = apiFor(plan, channels, action.endpoint, { emit: run.emit });
        run.emit({ kind: 'step-started', step: 'resume-exporting', title: 'Resume Zeebe exporting' });
        const started = run.now();
        try {
          await resumeWithRetries(api, action.resumePath, plan.timing.resumeRetryDelaysMs, (message) =>
            run.emit({ kind: 'step-progress', step: 'resume-exporting', message }),
          );
        } catch (error) {
          exporting.resumed = false;
          run.emit({ kind: 'step-failed', step: 'resume-exporting', message: messageOf(error) });
          throw error;
        }
        exporting.resumed = true;
        exporting.pausedMs = exporting.pauseStartedMs === undefined ? null : run.now() - exporting.pauseStartedMs;
        run.emit({ kind: 'step-succeeded', step: 'resume-exporting', durationMs: run.now() - started, message: `exporting was paused for ${formatDuration(exporting.pausedMs ?? 0)}` });
      },
    },
    async run() {
      exporting.paused = true;
      exporting.pauseStartedMs = run.now();
      // Not abortable: Zeebe applies a pause it received even when the caller stopped waiting (and curl in a pod
      // outlives its exec), so a resume sent before the answer can land first and leave exporting paused. The
      // pause is quick; the request timeout bounds it; the runner sees the abort right after.
      await apiFor(plan, channels, action.endpoint, { emit: run.emit }).pauseExporting(action.pausePath);
      return 'exporting soft-paused';
    },
  };
}
