import { describe, expect, it } from 'vitest';
import type { CreateOutcome } from '../run-record.js';
import { judgeBackup, type JudgedPart } from './verdict.js';

const parts = (states: Record<string, JudgedPart['state']>, messages: Record<string, string> = {}): JudgedPart[] =>
  Object.entries(states).map(([part, state]) => ({ part, state, message: messages[part] }));

describe('judgeBackup', () => {
  it('is COMPLETE and restorable only when every present part completed; skipped parts do not count', () => {
    expect(judgeBackup(parts({ operate: 'COMPLETED', tasklist: 'COMPLETED', optimize: 'SKIPPED', zeebe: 'COMPLETED' }))).toEqual({
      verdict: 'COMPLETE',
      restorable: true,
      reasons: [],
    });
  });

  it('a missing part makes it INCOMPLETE, naming the part', () => {
    const judged = judgeBackup(parts({ operate: 'COMPLETED', tasklist: 'NOT_FOUND', zeebe: 'COMPLETED' }));
    expect(judged.verdict).toBe('INCOMPLETE');
    expect(judged.restorable).toBe(false);
    expect(judged.reasons).toEqual(['tasklist: missing (the component has no backup with this ID)']);
  });

  it('FAILED wins over everything, with the component words in the reason', () => {
    const judged = judgeBackup(
      parts({ operate: 'IN_PROGRESS', tasklist: 'ERROR', zeebe: 'FAILED', optimize: 'NOT_FOUND' }, { zeebe: 'partition 1: disk full', tasklist: 'HTTP 502' }),
    );
    expect(judged.verdict).toBe('FAILED');
    expect(judged.reasons).toContain('zeebe: FAILED: partition 1: disk full');
    expect(judged.reasons).toContain('tasklist: could not be read: HTTP 502');
  });

  it.each([['INCOMPATIBLE'], ['DELETED']] as const)('%s counts as failed', (state) => {
    expect(judgeBackup(parts({ operate: state, zeebe: 'COMPLETED' })).verdict).toBe('FAILED');
  });

  it('an unreadable part leaves the verdict UNKNOWN unless a failure decides', () => {
    expect(judgeBackup(parts({ operate: 'ERROR', zeebe: 'COMPLETED' })).verdict).toBe('UNKNOWN');
  });

  it('a running part is IN_PROGRESS, also when others are not there yet', () => {
    expect(judgeBackup(parts({ operate: 'IN_PROGRESS', zeebe: 'NOT_FOUND' })).verdict).toBe('IN_PROGRESS');
  });

  it('NOT_FOUND when no part knows the ID', () => {
    expect(judgeBackup(parts({ operate: 'NOT_FOUND', zeebe: 'NOT_FOUND', optimize: 'SKIPPED' }))).toMatchObject({ verdict: 'NOT_FOUND', restorable: false });
  });

  it('UNKNOWN when nothing can hold a backup', () => {
    expect(judgeBackup(parts({ operate: 'SKIPPED' })).verdict).toBe('UNKNOWN');
  });

  it('independent parts (RDBMS): a part without this ID is no missing piece', () => {
    expect(judgeBackup(parts({ optimize: 'NOT_FOUND', zeebe: 'COMPLETED' }), { independentParts: true }).verdict).toBe('COMPLETE');
    expect(judgeBackup(parts({ optimize: 'NOT_FOUND', zeebe: 'COMPLETED' })).verdict).toBe('INCOMPLETE');
    expect(judgeBackup(parts({ optimize: 'NOT_FOUND', zeebe: 'NOT_FOUND' }), { independentParts: true }).verdict).toBe('NOT_FOUND');
  });
});

describe('judgeBackup with the create run record', () => {
  const all = parts({ operate: 'COMPLETED', tasklist: 'COMPLETED', zeebe: 'COMPLETED' });
  const outcome = (state: CreateOutcome['state'], reason?: string): CreateOutcome => ({ state, startedAt: '2026-12-06T08:00:00.000Z', by: 'alice', reason });

  it('a completed create, or none recorded, keeps the parts\' verdict', () => {
    expect(judgeBackup(all, { createOutcome: outcome('COMPLETED') })).toEqual({ verdict: 'COMPLETE', restorable: true, reasons: [] });
    expect(judgeBackup(all, { createOutcome: undefined }).verdict).toBe('COMPLETE');
  });

  it.each(['INTERRUPTED', 'TIMED_OUT', 'FAILED', 'DID_NOT_FINISH'] as const)('%s: every part COMPLETED is still INCOMPLETE, never restorable', (state) => {
    const judged = judgeBackup(all, { createOutcome: outcome(state, 'interrupted by SIGINT during backup-zeebe') });
    expect(judged).toMatchObject({ verdict: 'INCOMPLETE', restorable: false });
    expect(judged.reasons[0]).toMatch(state === 'DID_NOT_FINISH' ? /interrupted by SIGINT/ : new RegExp(`create did not complete \\(${state}: interrupted by SIGINT`));
  });

  it('a create that did not complete turns a part still running into INCOMPLETE: it will never become restorable', () => {
    expect(judgeBackup(parts({ operate: 'COMPLETED', zeebe: 'IN_PROGRESS' }), { createOutcome: outcome('INTERRUPTED') }).verdict).toBe('INCOMPLETE');
  });

  it('FAILED and NOT_FOUND stay, with the run named among the reasons', () => {
    const judged = judgeBackup(parts({ operate: 'FAILED', zeebe: 'COMPLETED' }), { createOutcome: outcome('FAILED', 'operate: disk full') });
    expect(judged.verdict).toBe('FAILED');
    expect(judged.reasons.at(-1)).toMatch(/create did not complete/);
    expect(judgeBackup(parts({ operate: 'NOT_FOUND', zeebe: 'NOT_FOUND' }), { createOutcome: outcome('INTERRUPTED') }).verdict).toBe('NOT_FOUND');
  });

  it.each(['RUNNING', 'RUNNING_UNCONFIRMED'] as const)('%s: IN_PROGRESS and not restorable, even when every part says COMPLETED', (state) => {
    expect(judgeBackup(all, { createOutcome: outcome(state, 'create is still running') })).toEqual({ verdict: 'IN_PROGRESS', restorable: false, reasons: ['create is still running'] });
  });
});
