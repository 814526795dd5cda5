import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../events.js';
import { createReporter } from './reporter.js';

function collect(options: { isTTY?: boolean; env?: Record<string, string>; color?: boolean; verbose?: boolean; columns?: number } = {}) {
  const chunks: string[] = [];
  const stream = { write: (chunk: string) => chunks.push(chunk), isTTY: options.isTTY ?? false, columns: options.columns };
  const reporter = createReporter({ stream, env: options.env ?? {}, color: options.color ?? true, verbose: options.verbose ?? false });
  return { reporter, text: () => chunks.join(''), chunks };
}

const run: RunEvent[] = [
  { kind: 'step-started', step: 'backup-operate', title: 'Back up Operate' },
  { kind: 'http', method: 'POST', path: '/actuator/backups', status: 200, via: 'port-forward pod/op:9600', durationMs: 12 },
  { kind: 'step-progress', step: 'backup-operate', message: 'IN_PROGRESS' },
  { kind: 'step-progress', step: 'backup-operate', message: 'IN_PROGRESS' },
  { kind: 'step-progress', step: 'backup-operate', message: 'IN_PROGRESS (3 of 6 snapshots)' },
  { kind: 'step-succeeded', step: 'backup-operate', durationMs: 9_800 },
  { kind: 'step-skipped', step: 'backup-tasklist', reason: 'disabled in the Helm values' },
  { kind: 'step-failed', step: 'backup-zeebe', message: 'zeebe: FAILED: no space left' },
  { kind: 'cleanup-started', title: 'Resume Zeebe exporting' },
  { kind: 'cleanup-succeeded', title: 'Resume Zeebe exporting' },
  { kind: 'cleanup-failed', title: 'Close port-forwards', message: 'timeout' },
  { kind: 'warning', message: 'forced procedure 8.7' },
  { kind: 'info', message: 'backup ID 1748937221' },
];

describe('createReporter', () => {
  it('prints one plain line per event when stderr is not a terminal, dropping repeated progress and HTTP lines', () => {
    const { reporter, text } = collect();
    run.forEach(reporter.emit);
    expect(text()).toBe(
      [
        '• Back up Operate',
        '  backup-operate: IN_PROGRESS',
        '  backup-operate: IN_PROGRESS (3 of 6 snapshots)',
        '✓ Back up Operate (9.8s)',
        '- backup-tasklist skipped: disabled in the Helm values',
        '✗ backup-zeebe: zeebe: FAILED: no space left',
        '• cleanup: Resume Zeebe exporting',
        '✓ cleanup: Resume Zeebe exporting',
        '✗ cleanup failed: Close port-forwards: timeout',
        'warning: forced procedure 8.7',
        'backup ID 1748937221',
        '',
      ].join('\n'),
    );
  });

  it('adds every HTTP call with -v', () => {
    const { reporter, text } = collect({ verbose: true });
    reporter.emit(run[1] as RunEvent);
    expect(text()).toBe('  POST /actuator/backups → 200 (12ms) via port-forward pod/op:9600\n');
  });

  it('keeps progress on one live line on a terminal, and clears it before the next permanent line', () => {
    const { reporter, chunks } = collect({ isTTY: true, color: false, columns: 30 });
    reporter.emit({ kind: 'step-progress', step: 'backup-operate', message: 'IN_PROGRESS with a long explanation' });
    reporter.emit({ kind: 'step-succeeded', step: 'backup-operate', durationMs: 1000 });
    reporter.close();
    // 29 characters: a line as wide as the terminal would wrap and the carriage return could not erase it.
    expect(chunks).toEqual(['\r\u001b[2K  backup-operate: IN_PROGRES…', '\r\u001b[2K', '✓ backup-operate (1.0s)\n']);
  });

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
    expect(text().includes('\u001b[')).toBe(coloured);
  });

  it('prints every progress event as its own line in CI, even on a terminal', () => {
    const { reporter, text } = collect({ isTTY: true, env: { CI: 'true' } });
    reporter.emit({ kind: 'step-progress', step: 'backup-zeebe', message: 'IN_PROGRESS' });
    reporter.emit({ kind: 'step-progress', step: 'backup-zeebe', message: 'COMPLETED' });
    expect(text()).toBe('  backup-zeebe: IN_PROGRESS\n  backup-zeebe: COMPLETED\n');
  });

  it('redacts secrets in any line', () => {
    const { reporter, text } = collect({ verbose: true });
    reporter.emit({ kind: 'warning', message: 'Elasticsearch said: Authorization: Basic ZWxhc3RpYzpwdw==' });
    reporter.emit({ kind: 'http', method: 'GET', path: '/_snapshot?password=x1', status: 200, via: 'exec pod/es', durationMs: 3 });
    expect(text()).not.toMatch(/ZWxhc3RpYzpwdw|x1/);
  });
});
