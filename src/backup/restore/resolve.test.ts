import { describe, expect, it } from 'vitest';
import { ExitCode, PreconditionError } from '../../errors.js';
import { procedureForLine, type VersionProcedure } from '../../camunda/versions.js';
import { camundaIndexPrefixes, lookForeign, usageMetricsKept } from './resolve.js';

const procedure = (line: string): VersionProcedure => {
  const found = procedureForLine(line);
  if (!found) throw new Error(line);
  return found;
};

describe('camundaIndexPrefixes', () => {
  it("are the release's configured prefixes, once each, sorted", () => {
    const prefixes = [
      { prefix: 'prod-operate-', owner: 'orchestration cluster', from: 'env' },
      { prefix: 'prod-camunda-', owner: 'orchestration cluster', from: 'env' },
      { prefix: 'zeebe-record-b_', owner: 'Zeebe exporter', from: 'env' },
      { prefix: 'prod-operate-', owner: 'orchestration cluster', from: 'env' },
    ];
    expect(camundaIndexPrefixes({ release: 'b', indexPrefixes: { prefixes, unresolved: [] } })).toEqual(['prod-camunda-', 'prod-operate-', 'zeebe-record-b_']);
  });

  it('refuses (exit 3, nothing changed) when a prefix cannot be read, or none were read: never a guessed default', () => {
    const unresolved = () => camundaIndexPrefixes({ release: 'b', indexPrefixes: { prefixes: [], unresolved: ['the Operate index prefix comes from env X (Secret s, key k), which discovery does not read'] } });
    expect(unresolved).toThrow(PreconditionError);
    expect(unresolved).toThrow(/cannot tell which indices belong to release b: the Operate index prefix comes from env X .*nothing was changed/);
    const unknown = () => camundaIndexPrefixes({ release: 'b', indexPrefixes: undefined });
    expect(unknown).toThrow(/index prefixes of release b are not known/);
    try {
      unknown();
    } catch (error) {
      expect((error as PreconditionError).exitCode).toBe(ExitCode.Precondition);
    }
  });
});

describe('usageMetricsKept (camunda/camunda#47122)', () => {
  const prefixes = ['b-camunda-', 'b-operate-', 'b-tasklist-'];
  const indices = [
    'b-camunda-usage-metric-8.8.0_',
    'b-camunda-usage-metric-8.8.0_2026-11-01',
    'b-camunda-usage-metric-tu-8.8.0_2026-11-01',
    'b-camunda-usage-metric-tu-8.8.0_2026-12-01',
    'b-operate-list-view-8.3.0_2026-11-01',
    'b-camunda-user-8.8.0_',
  ];
  const held = new Set(['b-camunda-usage-metric-8.8.0_', 'b-camunda-usage-metric-tu-8.8.0_2026-12-01']);

  it('8.8 before 8.8.15: the dated usage-metric indices no snapshot holds are kept; the runtime one and everything else go', () => {
    expect(usageMetricsKept({ procedure: procedure('8.8'), camundaVersion: '8.8.14' }, prefixes, indices, held)).toEqual([
      'b-camunda-usage-metric-8.8.0_2026-11-01',
      'b-camunda-usage-metric-tu-8.8.0_2026-11-01',
    ]);
  });

  it('8.9 (fix version unverified): the same rule; a dated index the backup holds is deleted and restored', () => {
    expect(usageMetricsKept({ procedure: procedure('8.9'), camundaVersion: '8.9.16' }, prefixes, indices, held)).toHaveLength(2);
  });

  it('8.8.15 and later, 8.6, 8.7, 8.10: nothing kept (their backups hold them)', () => {
    expect(usageMetricsKept({ procedure: procedure('8.8'), camundaVersion: '8.8.15' }, prefixes, indices, held)).toEqual([]);
    expect(usageMetricsKept({ procedure: procedure('8.8'), camundaVersion: '8.8.35' }, prefixes, indices, held)).toEqual([]);
    expect(usageMetricsKept({ procedure: procedure('8.7'), camundaVersion: '8.7.37' }, ['camunda-'], ['camunda-usage-metric-8.8.0_2026-11-01'], new Set())).toEqual([]);
    expect(usageMetricsKept({ procedure: procedure('8.10'), camundaVersion: '8.10.0' }, prefixes, indices, held)).toEqual([]);
  });

  it('only under an orchestration prefix of this release', () => {
    expect(usageMetricsKept({ procedure: procedure('8.8'), camundaVersion: '8.8.3' }, ['operate-'], ['camunda-usage-metric-8.8.0_2026-11-01'], new Set())).toEqual([]);
  });
});

describe('lookForeign', () => {
  it("names indices under this release's prefix that carry another release's Camunda naming under a longer prefix", () => {
    const prefixes = ['camunda-', 'operate-', 'tasklist-', 'zeebe-record_'];
    const listed = ['camunda-usage-metric-8.8.0_', 'camunda-operate-list-view-8.3.0_', 'camunda-camunda-user-8.8.0_', 'operate-list-view-8.3.0_', 'operate-tasklist-task-8.5.0_', 'zeebe-record_job_8.8.0_2026-12-01'];
    expect(lookForeign(listed, prefixes)).toEqual(['camunda-operate-list-view-8.3.0_', 'camunda-camunda-user-8.8.0_', 'operate-tasklist-task-8.5.0_']);
  });
  it("a longer prefix of this release's own is its own (8.6: Operate `custom-`, Optimize `custom-optimize-`)", () => {
    expect(lookForeign(['custom-list-view-8.3.0_', 'custom-optimize-report_v1'], ['custom-', 'custom-optimize-'])).toEqual([]);
  });
});
