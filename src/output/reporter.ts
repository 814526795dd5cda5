import { UsageError } from '../errors.js';
import type { RunEvent, StepId } from '../events.js';
import { formatDuration } from '../format-duration.js';
import { parseDurationMs } from '../parse-duration.js';
import { redactSecrets } from './redact.js';

/** Where progress goes: stderr in production, a string collector in tests. */
export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
  /** Every byte written to the stream by anyone (a Node socket's count): tells whether others wrote below the live lines. */
  readonly bytesWritten?: number | undefined;
}

/** The reporter's time: the wall clock in production, a hand-driven one in tests. */
export interface ReporterClock {
  now(): number;
  /** Calls `tick` every `intervalMs` until the returned function is called; must not keep the process alive. */
  every(intervalMs: number, tick: () => void): () => void;
}

export const systemClock: ReporterClock = {
  now: () => Date.now(),
  every(intervalMs, tick) {
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** How often a log (not a terminal) gets a timestamped line naming what still runs. */
export const DEFAULT_HEARTBEAT_MS = 30_000;
/** Sets that interval: a duration such as 30s or 5m, 0 for no heartbeat lines. */
export const HEARTBEAT_ENV = 'CAMUNDA_BACKUP_HEARTBEAT';
/** How often the live lines on a terminal redraw their elapsed times. */
const LIVE_REDRAW_MS = 1_000;

export interface ReporterOptions {
  readonly stream: ProgressStream;
  /** Environment, read for CI, NO_COLOR and TERM. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** false with --no-color. */
  readonly color: boolean;
  /** Adds one line per HTTP request (-v). */
  readonly verbose: boolean;
  readonly clock?: ReporterClock | undefined;
  /** Interval of the heartbeat lines in a log; 0 turns them off. Default: $CAMUNDA_BACKUP_HEARTBEAT, else DEFAULT_HEARTBEAT_MS. */
  readonly heartbeatMs?: number | undefined;
}

export interface ProgressReporter {
  readonly emit: (event: RunEvent) => void;
  /** Clears the live lines and stops the timer; call before anything else is written to the stream. */
  close(): void;
}

type Paint = (text: string) => string;
interface Palette {
  readonly ok: Paint;
  readonly bad: Paint;
  readonly warn: Paint;
  readonly dim: Paint;
}

const ansi = (open: number, close: number): Paint => (text) => `\u001b[${open}m${text}\u001b[${close}m`;
const COLORS: Palette = { ok: ansi(32, 39), bad: ansi(31, 39), warn: ansi(33, 39), dim: ansi(2, 22) };
const PLAIN: Palette = { ok: (t) => t, bad: (t) => t, warn: (t) => t, dim: (t) => t };
const CLEAR_LINE = '\r\u001b[2K';
const UP_AND_CLEAR = '\u001b[1A\u001b[2K';

/** A step (or a cleanup that names no step of its own) that has started and not ended. */
interface Running {
  readonly title: string;
  readonly startedAt: number;
  message?: string | undefined;
}

/** A cleanup in progress; `spoken`: it reported steps of its own (the resume), so its own lines would repeat them. */
interface OpenCleanup {
  readonly key: string;
  spoken: boolean;
}

type Formatters = { readonly [K in RunEvent['kind']]: (event: Extract<RunEvent, { kind: K }>) => string | undefined };

/**
 * Renders run events on stderr, in the user's words (step titles, never step IDs), one line per finished step.
 *
 * On an interactive terminal (stderr is a TTY, CI unset, TERM not dumb) every running step has a live line at the
 * bottom with its elapsed time and latest state, parallel steps one line each, and while this run holds exporting
 * paused a last line counts the window ("exporting paused 12s"); the lines redraw every second and make way for
 * each permanent line. Everywhere else (CI, CronJob logs) nothing is redrawn: a step's state is a line when it
 * changes, and every `heartbeatMs` a timestamped line names what still runs, so a quiet log still shows the run
 * is alive and for how long. A failure's reason is left to the command's error, which states it once; a cleanup
 * that reports its own step (resuming exporting) is that one line. Colour only on a terminal, never with
 * NO_COLOR, TERM=dumb or --no-color. Every line is redacted.
 */
export function createReporter(options: ReporterOptions): ProgressReporter {
  const { stream, env } = options;
  const clock = options.clock ?? systemClock;
  const heartbeatMs = options.heartbeatMs ?? heartbeatMsOf(env[HEARTBEAT_ENV]);
  const live = stream.isTTY === true && !isSet(env.CI) && env.TERM !== 'dumb';
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const paint = live && options.color && !noColor ? COLORS : PLAIN;

  const titles = new Map<StepId, string>();
  const running = new Map<string, Running>();
  const lastProgress = new Map<StepId, string>();
  const cleanups: OpenCleanup[] = [];
  let pausedSince: number | undefined;
  let drawnLines = 0;
  let lastDrawn = '';
  /** The stream's byte count right after our last write. */
  let bytesAfterOurs: number | undefined;
  let stopTimer: (() => void) | undefined;

  const titleOf = (step: StepId): string => titles.get(step) ?? step;
  const elapsedSince = (startedAt: number): string => formatElapsed(clock.now() - startedAt);
  const tookFor = (step: StepId, durationMs: number | undefined): string => {
    const ms = durationMs ?? (running.has(step) ? clock.now() - running.get(step)!.startedAt : undefined);
    return ms === undefined ? '' : ` ${paint.dim(`(${formatDuration(ms)})`)}`;
  };
  const describeRunning = (entry: Running): string => `${entry.title} (${elapsedSince(entry.startedAt)})${entry.message ? `: ${entry.message}` : ''}`;
  const pausedText = (): string | undefined => (pausedSince === undefined ? undefined : `exporting paused ${elapsedSince(pausedSince)}`);

  const finish = (step: StepId): void => {
    running.delete(step);
    lastProgress.delete(step);
  };

  const formatters: Formatters = {
    'step-started': (e) => {
      titles.set(e.step, e.title);
      running.set(e.step, { title: e.title, startedAt: clock.now() });
      const cleanup = cleanups.at(-1);
      if (cleanup) {
        cleanup.spoken = true;
        running.delete(cleanup.key);
      }
      return undefined;
    },
    'step-progress': (e) => {
      const entry = running.get(e.step);
      if (entry) entry.message = e.message;
      // A step with a live line shows its state there; one that never said it started gets a line of its own.
      if ((live && entry) || lastProgress.get(e.step) === e.message) return undefined;
      lastProgress.set(e.step, e.message);
      return paint.dim(`  ${titleOf(e.step)}: ${e.message}`);
    },
    'step-succeeded': (e) => {
      const line = `${paint.ok('✓')} ${titleOf(e.step)}${tookFor(e.step, e.durationMs)}${e.message ? `: ${e.message}` : ''}`;
      finish(e.step);
      return line;
    },
    'step-failed': (e) => {
      const line = e.stopped ? `${paint.warn('■')} ${titleOf(e.step)} stopped${tookFor(e.step, e.durationMs)}` : `${paint.bad('✗')} ${titleOf(e.step)} failed${tookFor(e.step, e.durationMs)}`;
      finish(e.step);
      return line;
    },
    'step-skipped': (e) => `${paint.dim('-')} ${e.title ?? titleOf(e.step)} skipped: ${e.reason}`,
    'cleanup-started': (e) => {
      const key = `cleanup:${cleanups.length}:${e.title}`;
      cleanups.push({ key, spoken: false });
      running.set(key, { title: e.title, startedAt: clock.now() });
      return undefined;
    },
    'cleanup-succeeded': (e) => {
      const cleanup = endCleanup();
      return cleanup?.spoken ? undefined : `${paint.ok('✓')} ${e.title}`;
    },
    'cleanup-failed': (e) => {
      const cleanup = endCleanup();
      return cleanup?.spoken ? undefined : `${paint.bad('✗')} ${e.title} failed`;
    },
    exporting: (e) => {
      if (!e.paused) pausedSince = undefined;
      else pausedSince ??= clock.now();
      return undefined;
    },
    http: (e) => (options.verbose ? paint.dim(`  ${e.method} ${e.path} → ${e.status} (${formatDuration(e.durationMs)}) via ${e.via}`) : undefined),
    warning: (e) => `${paint.warn('warning:')} ${e.message}`,
    info: (e) => e.message,
  };

  function endCleanup(): OpenCleanup | undefined {
    const cleanup = cleanups.pop();
    if (cleanup) running.delete(cleanup.key);
    return cleanup;
  }

  /** The live lines: one per running step, then the paused window. */
  const liveLines = (): string[] => {
    const fitted = (text: string): string => fit(redactSecrets(text), stream.columns);
    const lines = [...running.values()].map((entry) => paint.dim(fitted(`… ${describeRunning(entry)}`)));
    const paused = pausedText();
    if (paused) lines.push(paint.warn(fitted(`  ${paused}`)));
    return lines;
  };

  const erase = (): string => {
    if (drawnLines === 0) return '';
    const text = CLEAR_LINE + UP_AND_CLEAR.repeat(drawnLines - 1);
    drawnLines = 0;
    return text;
  };

  /** Writes permanent lines (none for a plain redraw) and, on a terminal, the live lines below them, in one write. */
  const write = (lines: readonly string[]): void => {
    const permanent = lines.map((line) => `${redactSecrets(line)}\n`).join('');
    if (!live) {
      if (permanent) stream.write(permanent);
      return;
    }
    // Someone else wrote below the live lines (the interrupt notice, a Node warning): erasing would erase their
    // text, so those lines stay as they are and new live lines start below.
    if (drawnLines > 0 && stream.bytesWritten !== undefined && stream.bytesWritten !== bytesAfterOurs) drawnLines = 0;
    const region = liveLines();
    const drawn = region.join('\n');
    // Events that change nothing visible (an HTTP call without -v) must not make the terminal flicker.
    if (!permanent && drawnLines === region.length && drawn === lastDrawn) return;
    const chunk = erase() + permanent + drawn;
    drawnLines = region.length;
    lastDrawn = drawn;
    if (chunk) stream.write(chunk);
    bytesAfterOurs = stream.bytesWritten;
  };

  const heartbeat = (): void => {
    const parts = [...running.values()].map(describeRunning);
    const paused = pausedText();
    if (paused) parts.push(paused);
    if (parts.length === 0) return;
    write([`${timestamp(clock.now())} still running: ${parts.join('; ')}`]);
  };

  /** A timer only while something runs or exporting is paused: redraws on a terminal, heartbeats in a log. */
  const updateTimer = (): void => {
    const busy = running.size > 0 || pausedSince !== undefined;
    if (busy && !stopTimer) {
      const intervalMs = live ? LIVE_REDRAW_MS : heartbeatMs;
      if (intervalMs > 0) stopTimer = clock.every(intervalMs, live ? () => write([]) : heartbeat);
    } else if (!busy && stopTimer) {
      stopTimer();
      stopTimer = undefined;
    }
  };

  const emit = (event: RunEvent): void => {
    const format = formatters[event.kind] as (e: RunEvent) => string | undefined;
    const line = format(event);
    updateTimer();
    if (line !== undefined) write([line]);
    else if (live) write([]);
  };

  const close = (): void => {
    stopTimer?.();
    stopTimer = undefined;
    if (!live || drawnLines === 0) return;
    if (stream.bytesWritten !== undefined && stream.bytesWritten !== bytesAfterOurs) drawnLines = 0;
    else stream.write(erase());
  };

  return { emit, close };
}

/** Milliseconds between heartbeat lines from $CAMUNDA_BACKUP_HEARTBEAT; a value that is no duration is refused before anything runs. */
export function heartbeatMsOf(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_HEARTBEAT_MS;
  if (value.trim() === '0') return 0;
  const ms = parseDurationMs(value);
  if (ms === undefined) throw new UsageError(`${HEARTBEAT_ENV}="${value}" is not a duration`, { hint: 'set it to a duration such as 30s or 5m, or 0 for no heartbeat lines' });
  return ms;
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/** Whole seconds while counting up: "7s", "1m05s", "1h02m". */
function formatElapsed(ms: number): string {
  return ms < 60_000 ? `${Math.max(0, Math.floor(ms / 1000))}s` : formatDuration(ms);
}

/** UTC to the second, as log collectors sort and people compare across time zones: 2026-06-03T07:55:15Z. */
function timestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** A live line (plain text) must not wrap, or the cursor movements no longer erase it. */
function fit(text: string, columns: number | undefined): string {
  // A pseudo-terminal without a size reports 0 columns.
  const width = (columns !== undefined && columns > 0 ? columns : 80) - 1;
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
}
