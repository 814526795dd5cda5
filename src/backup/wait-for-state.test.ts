import { describe, expect, it } from 'vitest';
import { nextPollDelay, waitForState } from './wait-for-state.js';

describe('nextPollDelay', () => {
  it.each([
    [0, 50],
    [100, 50],
    [400, 100],
    [2_000, 500],
    [3_600, 900],
    [60_000, 1_000],
  ])('after %i ms of waiting, polls again in %i ms (initial 50, interval 1 s)', (elapsed, delay) => {
    expect(nextPollDelay(elapsed, 50, 1_000)).toBe(delay);
  });

  it('never exceeds a small interval', () => {
    expect([nextPollDelay(0, 50, 20), nextPollDelay(10_000, 50, 20)]).toEqual([20, 20]);
  });
});

describe('waitForState', () => {
  it('returns the final value and reports each change of state once', async () => {
    const states = ['IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS', 'COMPLETED'];
    const progress: string[] = [];
    let reads = 0;
    const final = await waitForState({
      read: async () => states[Math.min(reads++, states.length - 1)]!,
      isDone: (state) => state === 'COMPLETED',
      describe: (state) => state,
      onProgress: (message) => progress.push(message),
      signal: new AbortController().signal,
      initialIntervalMs: 1,
      maxIntervalMs: 4,
    });
    expect(final).toBe('COMPLETED');
    expect(reads).toBe(4);
    expect(progress).toEqual(['IN_PROGRESS', 'COMPLETED']);
  });

  it('stops at once on abort, with the signal reason, even in a long sleep', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const waiting = waitForState({
      read: async () => 'IN_PROGRESS',
      isDone: () => false,
      describe: (state) => state,
      onProgress: () => setTimeout(() => controller.abort('SIGINT'), 5),
      signal: controller.signal,
      initialIntervalMs: 60_000,
      maxIntervalMs: 60_000,
    });
    await expect(waiting).rejects.toBe('SIGINT');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('stops at once on abort while a read hangs', async () => {
    const controller = new AbortController();
    const waiting = waitForState({
      read: () => new Promise<string>(() => undefined),
      isDone: () => false,
      describe: (state) => state,
      onProgress: () => undefined,
      signal: controller.signal,
      maxIntervalMs: 10,
    });
    setTimeout(() => controller.abort('SIGTERM'), 5);
    await expect(waiting).rejects.toBe('SIGTERM');
  });

  it('a failing read ends the wait with its error', async () => {
    await expect(
      waitForState({
        read: async () => {
          throw new Error('HTTP 500');
        },
        isDone: () => false,
        describe: String,
        onProgress: () => undefined,
        signal: new AbortController().signal,
        maxIntervalMs: 1,
      }),
    ).rejects.toThrow('HTTP 500');
  });
});
