/**
 * Polling for a remote state. Starts fast and backs off to the configured interval: most steps finish within a
 * second, and a fixed `sleep 5` would stretch the window in which exporting is paused. p-wait-for only knows a
 * fixed interval, so this is the small loop it would be with a growing delay added.
 */
import { abortable } from '../camunda/management-api.js';

export interface WaitForStateOptions<T> {
  /** One remote read. It may throw to stop the wait (e.g. a 5xx the caller does not tolerate). */
  read(): Promise<T>;
  isDone(value: T): boolean;
  /** The remote state in a few words, e.g. "IN_PROGRESS (3 of 6 snapshots)". */
  describe(value: T): string;
  /** Called when the described state changes; the reporter shows how long it has lasted. */
  onProgress(message: string): void;
  /** Aborting stops the wait at once, rejecting with the signal's reason. */
  readonly signal: AbortSignal;
  readonly maxIntervalMs: number;
  readonly initialIntervalMs?: number | undefined;
}

const DEFAULT_INITIAL_POLL_MS = 50;

/** Rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason as unknown);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as unknown);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The delay before the next poll: a quarter of the time waited so far, at least `initialMs`, at most `maxMs`.
 * Doubling would notice a 2 s backup only after 3.1 s; this keeps the lag near a quarter of the wait while a
 * minutes-long backup still settles at one poll per `maxMs`.
 */
export function nextPollDelay(elapsedMs: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, Math.max(initialMs, Math.round(elapsedMs / 4)));
}

/** Polls until isDone; returns the value that was done. */
export async function waitForState<T>(options: WaitForStateOptions<T>): Promise<T> {
  const { signal } = options;
  const initialMs = options.initialIntervalMs ?? DEFAULT_INITIAL_POLL_MS;
  const startedAt = performance.now();
  let lastMessage: string | undefined;
  for (;;) {
    if (signal.aborted) throw signal.reason;
    const value = await abortable(options.read(), signal);
    const message = options.describe(value);
    if (message !== lastMessage) {
      options.onProgress(message);
      lastMessage = message;
    }
    if (options.isDone(value)) return value;
    await sleep(nextPollDelay(performance.now() - startedAt, initialMs, options.maxIntervalMs), signal);
  }
}
