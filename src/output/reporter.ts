import type { RunEvent } from '../events.js';
import { formatDuration } from '../format-duration.js';
import { redactSecrets } from './redact.js';

/** Where progress goes: stderr in production, a string collector in tests. */
export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

export interface ReporterOptions {
  readonly stream: ProgressStream;
  /** Environment, read for CI, NO_COLOR and TERM. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** false with --no-color. */
  readonly color: boolean;
  /** Adds one line per HTTP request (-v). */
  readonly verbose: boolean;
}

export interface ProgressReporter {
  readonly emit: (event: RunEvent) => void;
  /** Clears the live status line; call before anything else is written to the stream. */
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

type Formatters = { readonly [K in RunEvent['kind']]: (event: Extract<RunEvent, { kind: K }>) => string | undefined };

/**
 * Renders run events as short stderr lines. On an interactive terminal (stderr is a TTY and CI is unset)
 * polling progress updates one live line in place; everywhere else every event is its own line, and a
 * progress message identical to the step's previous one is dropped so long polls stay readable in CI logs.
 * Colour only on a TTY, never with NO_COLOR, TERM=dumb or --no-color. Every line is redacted.
 */
export function createReporter(options: ReporterOptions): ProgressReporter {
  const { stream, env } = options;
  const live = stream.isTTY === true && !isSet(env.CI) && env.TERM !== 'dumb';
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const paint = live && options.color && !noColor ? COLORS : PLAIN;
  const titles = new Map<string, string>();
  const lastProgress = new Map<string, string>();
  let liveLine = false;

  const titleOf = (step: string): string => titles.get(step) ?? step;
  const formatters: Formatters = {
    'step-started': (e) => {
      titles.set(e.step, e.title);
      return `${paint.dim('•')} ${e.title}`;
    },
    'step-progress': (e) => `  ${e.step}: ${e.message}`,
    'step-succeeded': (e) => `${paint.ok('✓')} ${titleOf(e.step)} ${paint.dim(`(${formatDuration(e.durationMs)})`)}${e.message ? `: ${e.message}` : ''}`,
    'step-failed': (e) => `${paint.bad('✗')} ${titleOf(e.step)}: ${e.message}`,
    'step-skipped': (e) => `${paint.dim('-')} ${titleOf(e.step)} skipped: ${e.reason}`,
    'cleanup-started': (e) => `${paint.dim('•')} cleanup: ${e.title}`,
    'cleanup-succeeded': (e) => `${paint.ok('✓')} cleanup: ${e.title}`,
    'cleanup-failed': (e) => `${paint.bad('✗')} cleanup failed: ${e.title}: ${e.message}`,
    http: (e) => (options.verbose ? paint.dim(`  ${e.method} ${e.path} → ${e.status} (${formatDuration(e.durationMs)}) via ${e.via}`) : undefined),
    warning: (e) => `${paint.warn('warning:')} ${e.message}`,
    info: (e) => e.message,
  };

  const clearLive = (): void => {
    if (liveLine) stream.write(CLEAR_LINE);
    liveLine = false;
  };

  const emit = (event: RunEvent): void => {
    if (event.kind === 'step-progress') {
      if (lastProgress.get(event.step) === event.message) return;
      lastProgress.set(event.step, event.message);
    }
    const format = formatters[event.kind] as (e: RunEvent) => string | undefined;
    const line = format(event);
    if (line === undefined) return;
    const text = redactSecrets(line);
    if (event.kind === 'step-progress') {
      if (live) {
        stream.write(`${CLEAR_LINE}${paint.dim(fit(text, stream.columns))}`);
        liveLine = true;
        return;
      }
      clearLive();
      stream.write(`${paint.dim(text)}\n`);
      return;
    }
    clearLive();
    stream.write(`${text}\n`);
  };

  return { emit, close: clearLive };
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/** A live line must not wrap, or the carriage return no longer erases it. */
function fit(text: string, columns: number | undefined): string {
  const width = (columns ?? 80) - 1;
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
}
