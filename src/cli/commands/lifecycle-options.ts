/**
 * Flags of status, list, delete, check and resume → validated options, before any cluster call. Every problem is
 * reported in one line as a UsageError (exit 2). Loaded only when one of these commands runs (zod).
 */
import { z } from 'zod';
import { parseBackupId } from '../../backup/backup-id.js';
import { messageOf, UsageError } from '../../errors.js';
import { GlobalOptionsSchema } from '../global-options-schema.js';
import type { GlobalArgs, GlobalOptions } from '../global-options.js';
import { parseDurationMs } from '../parse-duration.js';
import { DEFAULT_RESUME_TIMEOUT_MS } from '../../backup/resume-exporting.js';
import { resumeTimeout } from './resume-timeout-option.js';

export interface StatusArgs extends GlobalArgs {
  readonly backupId?: string | number | undefined;
}
export interface ListArgs extends GlobalArgs {
  readonly limit?: string | number | undefined;
}
export interface DeleteArgs extends GlobalArgs {
  readonly backupIds?: readonly (string | number)[] | undefined;
  readonly keep?: string | number | undefined;
  readonly 'older-than'?: string | undefined;
  readonly 'dry-run': boolean;
  readonly yes: boolean;
}
export interface CheckArgs extends GlobalArgs {
  readonly 'max-age'?: string | undefined;
}
export interface ResumeArgs extends GlobalArgs {
  readonly 'resume-timeout'?: string | undefined;
}

export interface StatusOptions extends GlobalOptions {
  readonly backupId: number;
}
export interface ListOptions extends GlobalOptions {
  readonly limit?: number | undefined;
}
export interface DeleteOptions extends GlobalOptions {
  readonly ids: readonly number[];
  readonly keep?: number | undefined;
  readonly olderThanMs?: number | undefined;
  readonly olderThanText?: string | undefined;
  readonly dryRun: boolean;
  readonly yes: boolean;
}
export interface CheckOptions extends GlobalOptions {
  readonly maxBackupAgeMs: number;
}
export interface ResumeOptions extends GlobalOptions {
  /** --resume-timeout: how long resuming is retried before exit 5. */
  readonly resumeTimeoutMs: number;
}

const UNIT_MS = { w: 604_800_000, d: 86_400_000 } as const;

/**
 * An age as retention takes it: kubectl-style durations plus days and weeks ("30d", "2w", "1d12h", "36h").
 * undefined when the text is not one.
 */
export function parseAgeMs(text: string): number | undefined {
  const trimmed = text.trim();
  const match = /^((?:\d+(?:\.\d+)?[wd])*)(.*)$/.exec(trimmed);
  if (!match || trimmed === '') return undefined;
  let total = 0;
  for (const [, amount, unit] of (match[1] ?? '').matchAll(/(\d+(?:\.\d+)?)([wd])/g)) total += Number(amount) * UNIT_MS[unit as 'w' | 'd'];
  const rest = match[2] ?? '';
  if (rest !== '') {
    const ms = parseDurationMs(rest);
    if (ms === undefined) return undefined;
    total += ms;
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

const backupIdText = (flag: string) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    try {
      return parseBackupId(String(value));
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `${flag}${messageOf(error)}` });
      return z.NEVER;
    }
  });

const positiveInteger = (flag: string, hint: string) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const text = String(value).trim();
    const number = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(number) || number < 1) {
      ctx.addIssue({ code: 'custom', message: `${flag}: "${text}" is not a whole number of at least 1${hint}` });
      return z.NEVER;
    }
    return number;
  });

const age = (flag: string) =>
  z.string().transform((text, ctx) => {
    const ms = parseAgeMs(text);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `${flag}: "${text}" is not a duration; use e.g. 30d, 2w, 36h` });
      return z.NEVER;
    }
    return ms;
  });

function parse<T>(argv: GlobalArgs, schema: z.ZodType<T>, command: string): GlobalOptions & { readonly extra: T } {
  const global = GlobalOptionsSchema.safeParse(argv);
  const own = schema.safeParse(argv);
  if (!global.success || !own.success) {
    const issues = [...(global.error?.issues ?? []), ...(own.error?.issues ?? [])];
    throw new UsageError(issues.map(describeIssue).join('; '), { usage: command });
  }
  return { ...global.data, extra: own.data };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom') return issue.message;
  const flag = issue.path.length > 0 ? `--${issue.path.join('.')}: ` : '';
  return `${flag}${issue.message}`;
}

export function parseStatusOptions(argv: StatusArgs): StatusOptions {
  const { extra, ...global } = parse(argv, z.object({ backupId: backupIdText('') }), 'status');
  return { ...global, backupId: extra.backupId };
}

export function parseListOptions(argv: ListArgs): ListOptions {
  const { extra, ...global } = parse(argv, z.object({ limit: positiveInteger('--limit', '').optional() }), 'list');
  return { ...global, limit: extra.limit };
}

export function parseDeleteOptions(argv: DeleteArgs): DeleteOptions {
  const schema = z
    .object({
      backupIds: z.array(backupIdText('')).optional(),
      keep: positiveInteger('--keep', ' (it keeps that many complete backups; the newest complete backup is never deleted by retention)').optional(),
      'older-than': age('--older-than').optional(),
      'dry-run': z.boolean(),
      yes: z.boolean(),
    })
    .superRefine((args, ctx) => {
      const ids = args.backupIds ?? [];
      const retention = args.keep !== undefined || args['older-than'] !== undefined;
      if (ids.length > 0 && retention) ctx.addIssue({ code: 'custom', message: 'give backup IDs or --keep/--older-than, not both' });
      if (ids.length === 0 && !retention) ctx.addIssue({ code: 'custom', message: 'say what to delete: backup IDs, --keep N or --older-than <age>' });
    });
  const { extra, ...global } = parse(argv, schema, 'delete');
  return {
    ...global,
    ids: extra.backupIds ?? [],
    keep: extra.keep,
    olderThanMs: extra['older-than'],
    olderThanText: argv['older-than'],
    dryRun: extra['dry-run'],
    yes: extra.yes,
  };
}

export function parseCheckOptions(argv: CheckArgs): CheckOptions {
  const { extra, ...global } = parse(argv, z.object({ 'max-age': age('--max-age') }), 'check');
  return { ...global, maxBackupAgeMs: extra['max-age'] };
}

export function parseResumeOptions(argv: ResumeArgs): ResumeOptions {
  const { extra, ...global } = parse(argv, z.object({ 'resume-timeout': resumeTimeout.optional() }), 'resume');
  return { ...global, resumeTimeoutMs: extra['resume-timeout'] ?? DEFAULT_RESUME_TIMEOUT_MS };
}
