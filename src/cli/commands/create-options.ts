/**
 * `create` flags → CreateCommandOptions, validated once with zod before any cluster call. Every problem is
 * reported in one line as a UsageError (exit 2): bad IDs, bad durations, flags that do not go together.
 */
import { z } from 'zod';
import { newBackupId, parseBackupId } from '../../backup/backup-id.js';
import { UsageError, messageOf } from '../../errors.js';
import { GlobalOptionsSchema } from '../global-options-schema.js';
import type { GlobalArgs, GlobalOptions } from '../global-options.js';
import { parseDurationMs } from '../parse-duration.js';
import { DEFAULT_RESUME_TIMEOUT_MS } from '../../backup/resume-exporting.js';
import { resumeTimeout } from './resume-timeout-option.js';

export interface CreateArgs extends GlobalArgs {
  readonly 'backup-id'?: string | undefined;
  readonly 'dry-run': boolean;
  readonly timeout: string;
  readonly 'poll-interval': string;
  readonly 'web-modeler'?: boolean | undefined;
  readonly 'web-modeler-output'?: string | undefined;
  readonly force?: boolean | undefined;
  readonly 'resume-timeout'?: string | undefined;
}

export interface CreateCommandOptions extends GlobalOptions {
  readonly backupId: number;
  /** false when the ID was derived from the clock. */
  readonly backupIdGiven: boolean;
  readonly dryRun: boolean;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  /** --web-modeler: dump Web Modeler's database even when the Helm values do not say it is enabled. */
  readonly webModeler: boolean;
  /** --web-modeler-output; default web-modeler-<backupId>.sql. */
  readonly webModelerOutput?: string | undefined;
  /** --force: start even when exporting is already paused. */
  readonly force: boolean;
  /** --resume-timeout: how long resuming exporting is retried before exit 5. */
  readonly resumeTimeoutMs: number;
}

/**
 * The longest --timeout. Node's timers hold at most 2^31-1 ms (24.8 days) and fire at once beyond it; a day is far
 * above any backup's duration and still short enough that a stuck run is noticed.
 */
export const MAX_TIMEOUT_MS = 24 * 3_600_000;
/** The shortest --poll-interval: faster polling only loads the components (Camunda's docs poll every 5 s). */
export const MIN_POLL_INTERVAL_MS = 500;

/** An optional backup ID argument or flag, checked by the one rule (backup-id.ts); `label` prefixes the message. */
export const backupIdFlag = (label = '') =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      try {
        return parseBackupId(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `${label}${messageOf(error)}` });
        return z.NEVER;
      }
    });

/** A duration flag ("90s", "30m") as milliseconds, within bounds; shared by the commands that take durations. */
export const durationFlag = (flag: string, bounds: { readonly min?: [number, string]; readonly max?: [number, string] } = {}) =>
  z.string().transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `${flag}: "${text}" is not a duration; use e.g. 90s, 30m or 1h` });
      return z.NEVER;
    }
    if (ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `${flag}: must be longer than 0` });
      return z.NEVER;
    }
    if (bounds.min && ms < bounds.min[0]) {
      ctx.addIssue({ code: 'custom', message: `${flag}: at least ${bounds.min[1]} ("${text}" would flood the components with status calls)` });
      return z.NEVER;
    }
    if (bounds.max && ms > bounds.max[0]) {
      ctx.addIssue({ code: 'custom', message: `${flag}: at most ${bounds.max[1]} (got "${text}")` });
      return z.NEVER;
    }
    return ms;
  });

const CreateSchema = z
  .object({
    'backup-id': backupIdFlag('--backup-id: '),
    'dry-run': z.boolean(),
    timeout: durationFlag('--timeout', { max: [MAX_TIMEOUT_MS, '24h'] }),
    'poll-interval': durationFlag('--poll-interval', { min: [MIN_POLL_INTERVAL_MS, '500ms'] }),
    'web-modeler': z.boolean().optional(),
    'web-modeler-output': z.string().min(1, '--web-modeler-output: empty path').optional(),
    force: z.boolean().optional(),
    'resume-timeout': resumeTimeout.optional(),
  })
  .superRefine((args, ctx) => {
    if (args['poll-interval'] > args.timeout) {
      ctx.addIssue({ code: 'custom', message: '--poll-interval: must not be longer than --timeout' });
    }
  });

/** Validates the create flags; the backup ID defaults to the unix seconds of nowMs. */
export function parseCreateOptions(argv: CreateArgs, nowMs: number): CreateCommandOptions {
  const global = GlobalOptionsSchema.safeParse(argv);
  const create = CreateSchema.safeParse(argv);
  if (!global.success || !create.success) {
    const issues = [...(global.error?.issues ?? []), ...(create.error?.issues ?? [])];
    throw new UsageError(issues.map(describeIssue).join('; '), { usage: 'create' });
  }
  const backupId = create.data['backup-id'];
  return {
    ...global.data,
    backupId: backupId ?? newBackupId(nowMs),
    backupIdGiven: backupId !== undefined,
    dryRun: create.data['dry-run'],
    timeoutMs: create.data.timeout,
    pollIntervalMs: create.data['poll-interval'],
    webModeler: create.data['web-modeler'] ?? false,
    webModelerOutput: create.data['web-modeler-output'],
    force: create.data.force ?? false,
    resumeTimeoutMs: create.data['resume-timeout'] ?? DEFAULT_RESUME_TIMEOUT_MS,
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom') return issue.message;
  const flag = issue.path.length > 0 ? `--${issue.path.join('.')}: ` : '';
  return `${flag}${issue.message}`;
}
