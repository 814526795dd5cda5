import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../events.js';
import { UsageError } from '../errors.js';
import { createReporter, DEFAULT_HEARTBEAT_MS, heartbeatMsOf, type ReporterClock } from './reporter.js';

/** A clock the test drives: `advance` fires due timers in order, as the event loop would. */
function fakeClock(startMs = Date.UTC(2026, 5, 3, 7, 55, 0)) {
  let now = startMs;
  const timers: { intervalMs: number; next: number; tick: () => void; live: boolean }[] = [];
  const clock: ReporterClock & { advance(ms: number): void; activeTimers(): number } = {
    now: () => now,
    every(intervalMs, tick) {
      const timer = { intervalMs, next: now + intervalMs, tick, live: true };
      timers.push(timer);
      return () => {
        timer.live = false;
      };
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.live && t.next <= end).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        now = due.next;
        due.next += due.intervalMs;
        due.tick();
      }
      now = end;
    },
    activeTimers: () => timers.filter((t) => t.live).length,
  };
  return clock;
}

const ESCAPE = new RegExp(`^${String.fromCharCode(27)}\\[([0-9;]*)([A-Za-z])`);

/**
 * A terminal that understands what the reporter writes (carriage return, erase line, cursor up, newline; colours
 * ignored), so a test reads the screen a person would see, and fails when a line would wrap.
 */
function fakeTerminal(columns = 100) {
  const screen: string[] = [''];
  let row = 0;
  let col = 0;
  const raw: string[] = [];
  let bytesWritten = 0;
  const write = (chunk: string): void => {
    raw.push(chunk);
    bytesWritten += Buffer.byteLength(chunk);
    for (let i = 0; i < chunk.length; ) {
      const escape = ESCAPE.exec(chunk.slice(i));
      if (escape) {
        const [all, arg, op] = escape;
        if (op === 'K' && arg === '2') screen[row] = '';
        else if (op === 'A') row = Math.max(0, row - Number(arg || 1));
        else if (op !== 'm') throw new Error(`unexpected escape ${JSON.stringify(all)}`);
        i += all.length;
        continue;
      }
      const char = chunk[i]!;
      i++;
      if (char === '\r') col = 0;
      else if (char === '\n') {
        row++;
        col = 0;
        screen[row] ??= '';
      } else {
        const line = (screen[row] ?? '').padEnd(col);
        screen[row] = line.slice(0, col) + char + line.slice(col + 1);
        col++;
        if (col > columns) throw new Error(`line wider than the terminal: ${screen[row]}`);
      }
    }
  };
  const stream = {
    write,
    isTTY: true,
    columns,
    get bytesWritten() {
      return bytesWritten;
    },
  };
  return { stream, screen: () => screen.slice(0, row + 1).filter((line, index) => line !== '' || index < row), raw };
}

function collect(options: { isTTY?: boolean; env?: Record<string, string>; color?: boolean; verbose?: boolean; columns?: number; heartbeatMs?: number } = {}) {
  const chunks: string[] = [];
  const clock = fakeClock();
  const stream = { write: (chunk: string) => chunks.push(chunk), isTTY: options.isTTY ?? false, columns: options.columns };
  const reporter = createReporter({ stream, env: options.env ?? {}, color: options.color ?? true, verbose: options.verbose ?? false, clock, heartbeatMs: options.heartbeatMs });
  return { reporter, clock, text: () => chunks.join(''), chunks };
}

const run: RunEvent[] = [
  { kind: 'step-started', step: 'backup-operate', title: 'Back up Operate' },
  { kind: 'http', method: 'POST', path: '/actuator/backups', status: 200, via: 'port-forward pod/op:9600', durationMs: 12 },
  { kind: 'step-progress', step: 'backup-operate', message: 'IN_PROGRESS (0 of 6 snapshots done)' },
  { kind: 'step-progress', step: 'backup-operate', message: 'IN_PROGRESS (0 of 6 snapshots done)' },
  { kind: 'step-progress', step: 'backup-operate', message: 'IN_PROGRESS (3 of 6 snapshots done)' },
  { kind: 'step-succeeded', step: 'backup-operate', durationMs: 9_800, message: '6 snapshot(s) completed' },
  { kind: 'step-skipped', step: 'backup-tasklist', title: 'Back up Tasklist', reason: 'disabled in the Helm values' },
  { kind: 'step-started', step: 'backup-zeebe', title: 'Back up Zeebe partitions' },
  { kind: 'step-failed', step: 'backup-zeebe', message: 'zeebe: FAILED: no space left', durationMs: 2_000 },
  { kind: 'cleanup-started', title: 'Resume Zeebe exporting' },
  { kind: 'step-started', step: 'resume-exporting', title: 'Resume Zeebe exporting' },
  { kind: 'exporting', paused: false },
  { kind: 'step-succeeded', step: 'resume-exporting', durationMs: 6, message: 'exporting was paused for 12.0s' },
  { kind: 'cleanup-succeeded', title: 'Resume Zeebe exporting' },
  { kind: 'cleanup-started', title: 'Close port-forwards' },
  { kind: 'cleanup-failed', title: 'Close port-forwards', message: 'timeout' },
  { kind: 'warning', message: 'forced procedure 8.7' },
  { kind: 'info', message: 'backup ID 1748937221' },
];

describe('createReporter in a log (stderr not a terminal)', () => {
  it('prints one line per finished step in its title, state changes once each, and no HTTP lines', () => {
    const { reporter, text } = collect();
    run.forEach(reporter.emit);
    expect(text()).toBe(
      [
        '  Back up Operate: IN_PROGRESS (0 of 6 snapshots done)',
        '  Back up Operate: IN_PROGRESS (3 of 6 snapshots done)',
        '✓ Back up Operate (9.8s): 6 snapshot(s) completed',
        '- Back up Tasklist skipped: disabled in the Helm values',
        '✗ Back up Zeebe partitions failed (2.0s)',
        '✓ Resume Zeebe exporting (6ms): exporting was paused for 12.0s',
        '✗ Close port-forwards failed',
        'warning: forced procedure 8.7',
        'backup ID 1748937221',
        '',
      ].join('\n'),
    );
  });

  it("never shows a step's ID, and leaves a failure's reason to the command's error", () => {
    const { reporter, text } = collect();
    run.forEach(reporter.emit);
    expect(text()).not.toMatch(/backup-operate|backup-zeebe|resume-exporting|backup-tasklist/);
    expect(text()).not.toContain('no space left');
  });

  it('one resume is one line: the cleanup that reports its own step adds nothing', () => {
    const { reporter, text } = collect();
    for (const event of run.slice(9, 14)) reporter.emit(event);
    expect(text()).toBe('✓ Resume Zeebe exporting (6ms): exporting was paused for 12.0s\n');
  });

  it('says a stopped step was stopped, not failed', () => {
    const { reporter, clock, text } = collect();
    reporter.emit({ kind: 'step-started', step: 'backup-optimize', title: 'Back up Optimize' });
    clock.advance(1_500);
    reporter.emit({ kind: 'step-failed', step: 'backup-optimize', message: 'stopped waiting because "Back up Operate" failed', stopped: true });
    expect(text()).toBe('■ Back up Optimize stopped (1.5s)\n');
  });

  it('adds every HTTP call with -v', () => {
    const { reporter, text } = collect({ verbose: true });
    reporter.emit(run[1] as RunEvent);
    expect(text()).toBe('  POST /actuator/backups → 200 (12ms) via port-forward pod/op:9600\n');
  });

  it('writes a timestamped heartbeat at a steady interval while steps run, naming each with its time, and the paused window', () => {
    const { reporter, clock, text } = collect();
    reporter.emit({ kind: 'exporting', paused: true });
    clock.advance(2_000);
    reporter.emit({ kind: 'step-started', step: 'backup-webapps', title: 'Back up web apps (Operate, Tasklist)' });
    reporter.emit({ kind: 'step-started', step: 'backup-optimize', title: 'Back up Optimize' });
    reporter.emit({ kind: 'step-progress', step: 'backup-webapps', message: 'IN_PROGRESS (1 of 5 snapshots done)' });
    clock.advance(60_000);
    const lines = text().split('\n');
    const beats = lines.filter((line) => line.includes('still running'));
    expect(beats).toEqual([
      '2026-06-03T07:55:30Z still running: Back up web apps (Operate, Tasklist) (28s): IN_PROGRESS (1 of 5 snapshots done); Back up Optimize (28s); exporting paused 30s',
      '2026-06-03T07:56:00Z still running: Back up web apps (Operate, Tasklist) (58s): IN_PROGRESS (1 of 5 snapshots done); Back up Optimize (58s); exporting paused 1m00s',
    ]);
    expect(text()).not.toContain('\r');
    expect(text()).not.toContain('\u001b');
  });

  it('stops the heartbeat when nothing runs and exporting is resumed, and takes its interval from the options', () => {
    const { reporter, clock, text } = collect({ heartbeatMs: 5_000 });
    reporter.emit({ kind: 'step-started', step: 'backup-zeebe', title: 'Back up Zeebe partitions' });
    clock.advance(12_000);
    expect(text().split('\n').filter((line) => line.includes('still running'))).toHaveLength(2);
    reporter.emit({ kind: 'step-succeeded', step: 'backup-zeebe', durationMs: 12_000 });
    expect(clock.activeTimers()).toBe(0);
    clock.advance(60_000);
    expect(text().split('\n').filter((line) => line.includes('still running'))).toHaveLength(2);
  });

  it('heartbeat 0 turns the heartbeat off', () => {
    const { reporter, clock, text } = collect({ heartbeatMs: 0 });
    reporter.emit({ kind: 'step-started', step: 'backup-zeebe', title: 'Back up Zeebe partitions' });
    clock.advance(120_000);
    expect(text()).toBe('');
  });

  it('prints every state change as its own line in CI, even on a terminal', () => {
    const { reporter, text } = collect({ isTTY: true, env: { CI: 'true' } });
    reporter.emit({ kind: 'step-started', step: 'backup-zeebe', title: 'Back up Zeebe partitions' });
    reporter.emit({ kind: 'step-progress', step: 'backup-zeebe', message: 'IN_PROGRESS' });
    reporter.emit({ kind: 'step-progress', step: 'backup-zeebe', message: 'COMPLETED' });
    expect(text()).toBe('  Back up Zeebe partitions: IN_PROGRESS\n  Back up Zeebe partitions: COMPLETED\n');
  });
});

describe('createReporter on a terminal', () => {
  function onTerminal(columns = 100) {
    const terminal = fakeTerminal(columns);
    const clock = fakeClock();
    const reporter = createReporter({ stream: terminal.stream, env: {}, color: true, verbose: false, clock });
    return { terminal, clock, reporter };
  }

  it('shows each running step on a line of its own with its elapsed time, and counts the paused window', () => {
    const { terminal, clock, reporter } = onTerminal();
    reporter.emit({ kind: 'step-started', step: 'pause-exporting', title: 'Soft-pause Zeebe exporting' });
    reporter.emit({ kind: 'exporting', paused: true });
    reporter.emit({ kind: 'step-succeeded', step: 'pause-exporting', durationMs: 4, message: 'exporting soft-paused' });
    reporter.emit({ kind: 'step-started', step: 'backup-webapps', title: 'Back up web apps (Operate, Tasklist)' });
    reporter.emit({ kind: 'step-started', step: 'backup-optimize', title: 'Back up Optimize' });
    reporter.emit({ kind: 'step-progress', step: 'backup-webapps', message: 'IN_PROGRESS (1 of 5 snapshots done)' });
    reporter.emit({ kind: 'step-progress', step: 'backup-optimize', message: 'IN_PROGRESS (0 of 2 snapshots done)' });
    clock.advance(12_000);
    expect(terminal.screen()).toEqual([
      '✓ Soft-pause Zeebe exporting (4ms): exporting soft-paused',
      '… Back up web apps (Operate, Tasklist) (12s): IN_PROGRESS (1 of 5 snapshots done)',
      '… Back up Optimize (12s): IN_PROGRESS (0 of 2 snapshots done)',
      '  exporting paused 12s',
    ]);

    reporter.emit({ kind: 'step-succeeded', step: 'backup-optimize', durationMs: 12_000, message: '2 snapshot(s) completed' });
    clock.advance(3_000);
    expect(terminal.screen()).toEqual([
      '✓ Soft-pause Zeebe exporting (4ms): exporting soft-paused',
      '✓ Back up Optimize (12.0s): 2 snapshot(s) completed',
      '… Back up web apps (Operate, Tasklist) (15s): IN_PROGRESS (1 of 5 snapshots done)',
      '  exporting paused 15s',
    ]);

    reporter.emit({ kind: 'exporting', paused: false });
    reporter.emit({ kind: 'step-failed', step: 'backup-webapps', message: 'There were failures', durationMs: 15_000 });
    reporter.close();
    expect(terminal.screen()).toEqual([
      '✓ Soft-pause Zeebe exporting (4ms): exporting soft-paused',
      '✓ Back up Optimize (12.0s): 2 snapshot(s) completed',
      '✗ Back up web apps (Operate, Tasklist) failed (15.0s)',
    ]);
    expect(clock.activeTimers()).toBe(0);
  });

  it('never erases what others wrote below the live lines (the interrupt notice): new live lines start under it', () => {
    const { terminal, clock, reporter } = onTerminal();
    reporter.emit({ kind: 'step-started', step: 'backup-zeebe', title: 'Back up Zeebe partitions' });
    reporter.emit({ kind: 'exporting', paused: true });
    clock.advance(3_000);
    terminal.stream.write('\nSIGINT received: stopping\n');
    reporter.emit({ kind: 'step-failed', step: 'backup-zeebe', message: 'SIGINT', stopped: true, durationMs: 3_000 });
    reporter.emit({ kind: 'step-started', step: 'resume-exporting', title: 'Resume Zeebe exporting' });
    reporter.emit({ kind: 'step-progress', step: 'resume-exporting', message: 'attempt 1 of 4 failed; retrying' });
    clock.advance(5_000);
    expect(terminal.screen().slice(2)).toEqual([
      'SIGINT received: stopping',
      '■ Back up Zeebe partitions stopped (3.0s)',
      '… Resume Zeebe exporting (5s): attempt 1 of 4 failed; retrying',
      '  exporting paused 8s',
    ]);
    reporter.emit({ kind: 'exporting', paused: false });
    reporter.emit({ kind: 'step-succeeded', step: 'resume-exporting', durationMs: 5_000, message: 'exporting was paused for 8.0s' });
    reporter.close();
    expect(terminal.screen()).toEqual([
      '… Back up Zeebe partitions (3s)',
      '  exporting paused 3s',
      'SIGINT received: stopping',
      '■ Back up Zeebe partitions stopped (3.0s)',
      '✓ Resume Zeebe exporting (5.0s): exporting was paused for 8.0s',
    ]);
  });

  it('never lets a live line wrap', () => {
    const { terminal, reporter } = onTerminal(30);
    reporter.emit({ kind: 'step-started', step: 'backup-operate', title: 'Back up Operate' });
    reporter.emit({ kind: 'step-progress', step: 'backup-operate', message: 'IN_PROGRESS with a long explanation' });
    // 29 characters: a line as wide as the terminal would wrap, and the cursor movements could not erase it.
    expect(terminal.screen()).toEqual(['… Back up Operate (0s): IN_P…']);
    reporter.close();
    expect(terminal.screen()).toEqual([]);
  });

  it('keeps a progress line of a step that never said it started', () => {
    const { terminal, reporter } = onTerminal();
    reporter.emit({ kind: 'step-progress', step: 'rollout', message: 'waiting for 1 of 3 pods' });
    expect(terminal.screen()).toEqual(['  rollout: waiting for 1 of 3 pods']);
  });
});

describe('createReporter colours and redaction', () => {
  it.each([
    ['a terminal', { isTTY: true }, true],
    ['NO_COLOR', { isTTY: true, env: { NO_COLOR: '1' } }, false],
    ['--no-color', { isTTY: true, color: false }, false],
    ['CI', { isTTY: true, env: { CI: 'true' } }, false],
    ['TERM=dumb', { isTTY: true, env: { TERM: 'dumb' } }, false],
    ['a pipe', { isTTY: false }, false],
  ] as const)('colours on %s: %s', (_name, options, coloured) => {
    const { reporter, text } = collect(options);
    reporter.emit({ kind: 'step-failed', step: 'backup-zeebe', message: 'boom' });
    expect(text().includes('\u001b[3')).toBe(coloured);
  });

  it('redacts secrets in any line, the live ones included', () => {
    const { reporter, text } = collect({ verbose: true });
    reporter.emit({ kind: 'warning', message: 'Elasticsearch said: Authorization: Basic ZWxhc3RpYzpwdw==' });
    reporter.emit({ kind: 'http', method: 'GET', path: '/_snapshot?password=x1', status: 200, via: 'exec pod/es', durationMs: 3 });
    expect(text()).not.toMatch(/ZWxhc3RpYzpwdw|x1/);
    const terminal = fakeTerminal();
    const live = createReporter({ stream: terminal.stream, env: {}, color: false, verbose: false, clock: fakeClock() });
    live.emit({ kind: 'step-started', step: 'backup-zeebe-records', title: 'Snapshot' });
    live.emit({ kind: 'step-progress', step: 'backup-zeebe-records', message: 'retrying: Authorization: Basic ZWxhc3RpYzpwdw==' });
    expect(terminal.raw.join('')).not.toContain('ZWxhc3RpYzpwdw');
  });
});

describe('heartbeatMsOf (CAMUNDA_BACKUP_HEARTBEAT)', () => {
  it.each([
    [undefined, DEFAULT_HEARTBEAT_MS],
    ['', DEFAULT_HEARTBEAT_MS],
    ['0', 0],
    ['500ms', 500],
    ['1m', 60_000],
  ])('%j → %i ms', (value, ms) => {
    expect(heartbeatMsOf(value)).toBe(ms);
  });

  it('refuses a value that is no duration with a usage error (exit 2) naming the variable, as the reporter is made', () => {
    expect(() => heartbeatMsOf('often')).toThrow(UsageError);
    expect(() => createReporter({ stream: { write: () => undefined }, env: { CAMUNDA_BACKUP_HEARTBEAT: 'often' }, color: false, verbose: false })).toThrow(
      'CAMUNDA_BACKUP_HEARTBEAT="often" is not a duration',
    );
  });

  it('the environment sets the interval of the heartbeat lines', () => {
    const chunks: string[] = [];
    const clock = fakeClock();
    const reporter = createReporter({ stream: { write: (chunk: string) => chunks.push(chunk) }, env: { CAMUNDA_BACKUP_HEARTBEAT: '2s' }, color: false, verbose: false, clock });
    reporter.emit({ kind: 'step-started', step: 'backup-zeebe', title: 'Back up Zeebe partitions' });
    clock.advance(6_000);
    expect(chunks.filter((chunk) => chunk.includes('still running'))).toHaveLength(3);
  });
});
