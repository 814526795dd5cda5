/**
 * --resume-timeout, shared by create and resume: how long resuming Zeebe exporting is retried (with back-off and a
 * line per failed attempt) before the command gives up with exit 5 and prints the command to resume by hand.
 */
import { z } from 'zod';
import { parseDurationMs } from '../parse-duration.js';

/** Below a second there is no room for a retry at all. */
export const MIN_RESUME_TIMEOUT_MS = 1_000;
/** Longer than an hour nobody waits at a terminal, and a scheduled job should rather fail loudly. */
export const MAX_RESUME_TIMEOUT_MS = 3_600_000;

export const RESUME_TIMEOUT_OPTION = {
  type: 'string',
  requiresArg: true,
  describe: 'Keep retrying the resume of exporting this long (with back-off) before exit 5, e.g. 90s, 10m (1s to 1h; default 5m)',
} as const;

export const resumeTimeout = z.string().transform((text, ctx) => {
  const ms = parseDurationMs(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `--resume-timeout: "${text}" is not a duration; use e.g. 90s, 5m or 1h` });
    return z.NEVER;
  }
  if (ms < MIN_RESUME_TIMEOUT_MS || ms > MAX_RESUME_TIMEOUT_MS) {
    ctx.addIssue({ code: 'custom', message: `--resume-timeout: between 1s and 1h (got "${text}")` });
    return z.NEVER;
  }
  return ms;
});
