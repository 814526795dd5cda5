import { describe, expect, it } from 'vitest';
import { runSteps, SiblingFailedError, type Step } from './runner.js';
import { memoryReporter } from '../../../test/unit/create-test-kit.js';
import { sleep } from '../wait-for-state.js';

function step(id: Step['id'], log: string[], options: { fail?: string; cleanup?: boolean; failCleanup?: boolean; waitFor?: boolean } = {}): Step {
  return {
    id,
    title: `Run ${id}`,
    cleanup: options.cleanup
      ? {
          title: `undo ${id}`,
          async run() {
            log.push(`undo ${id}`);
            if (options.failCleanup) throw new Error(`cannot undo ${id}`);
          },
        }
      : undefined,
    async run(signal) {
      log.push(`run ${id}`);
      if (options.waitFor) await sleep(60_000, signal);
      if (options.fail) throw new Error(options.fail);
    },
  };
}

describe('runSteps', () => {
  it('runs in order and cleans up last in, first out', async () => {
    const log: string[] = [];
    const reporter = memoryReporter();
    const result = await runSteps(
      [step('pause-exporting', log, { cleanup: true }), step('backup-zeebe-records', log, { cleanup: true }), step('backup-zeebe', log)],
      { emit: reporter.emit, signal: new AbortController().signal },
    );
    expect(result.outcome).toEqual({ kind: 'completed' });
    expect(log).toEqual(['run pause-exporting', 'run backup-zeebe-records', 'run backup-zeebe', 'undo backup-zeebe-records', 'undo pause-exporting']);
    expect(reporter.of('step-succeeded').map((event) => event.step)).toEqual(['pause-exporting', 'backup-zeebe-records', 'backup-zeebe']);
  });

  it('registers a cleanup before its step runs, so a failed step is still undone; later steps never run', async () => {
    const log: string[] = [];
    const result = await runSteps([step('pause-exporting', log, { cleanup: true, fail: 'status 500' }), step('backup-zeebe', log)], {
      emit: () => undefined,
      signal: new AbortController().signal,
    });
    expect(result.outcome).toMatchObject({ kind: 'failed', step: 'pause-exporting' });
    expect(log).toEqual(['run pause-exporting', 'undo pause-exporting']);
  });

  it('runs the registered cleanups even when something outside a step throws (here the reporter)', async () => {
    const log: string[] = [];
    const emit = (event: { kind: string; step?: string }): void => {
      if (event.kind === 'step-started' && event.step === 'backup-zeebe') throw new Error('reporter broke');
    };
    const run = runSteps([step('pause-exporting', log, { cleanup: true }), step('backup-zeebe', log)], { emit, signal: new AbortController().signal });
    await expect(run).rejects.toThrow('reporter broke');
    expect(log).toEqual(['run pause-exporting', 'undo pause-exporting']);
  });

  it('runs every cleanup even when one fails, and reports the failure', async () => {
    const log: string[] = [];
    const reporter = memoryReporter();
    const result = await runSteps([step('pause-exporting', log, { cleanup: true }), step('backup-zeebe', log, { cleanup: true, failCleanup: true })], {
      emit: reporter.emit,
      signal: new AbortController().signal,
    });
    expect(log.slice(-2)).toEqual(['undo backup-zeebe', 'undo pause-exporting']);
    expect(result.cleanupFailures.map((failure) => failure.title)).toEqual(['undo backup-zeebe']);
    expect(reporter.of('cleanup-failed')).toEqual([{ kind: 'cleanup-failed', title: 'undo backup-zeebe', message: 'cannot undo backup-zeebe' }]);
  });

  it('an abort stops the running step at once and still cleans up', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    setTimeout(() => controller.abort('SIGINT'), 10);
    const result = await runSteps([step('pause-exporting', log, { cleanup: true }), step('backup-zeebe', log, { waitFor: true }), step('resume-exporting', log)], {
      emit: () => undefined,
      signal: controller.signal,
    });
    expect(result.outcome).toEqual({ kind: 'aborted', step: 'backup-zeebe', reason: 'SIGINT' });
    expect(log).toEqual(['run pause-exporting', 'run backup-zeebe', 'undo pause-exporting']);
  });

  it('parallel steps: the first failure stops the siblings and is the one reported', async () => {
    const log: string[] = [];
    const reporter = memoryReporter();
    const result = await runSteps(
      [{ parallel: [step('backup-operate', log, { waitFor: true }), step('backup-tasklist', log, { fail: 'FAILED' }), step('backup-optimize', log, { waitFor: true })] }, step('pause-exporting', log)],
      { emit: reporter.emit, signal: new AbortController().signal },
    );
    expect(result.outcome).toMatchObject({ kind: 'failed', step: 'backup-tasklist' });
    expect(log).not.toContain('run pause-exporting');
    const failed = reporter.of('step-failed');
    // The stopped sibling names the failed step by its title, the words the user saw, not by its ID.
    expect(failed.find((event) => event.step === 'backup-operate')).toMatchObject({ message: new SiblingFailedError('backup-tasklist', 'Run backup-tasklist').message, stopped: true });
    expect(new SiblingFailedError('backup-tasklist', 'Run backup-tasklist').message).toBe('stopped waiting because "Run backup-tasklist" failed');
    expect(failed.find((event) => event.step === 'backup-tasklist')).toMatchObject({ message: 'FAILED', stopped: false });
  });
});
