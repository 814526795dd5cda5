import { describe, expect, it } from 'vitest';
import { aBackupReport } from '../../test/unit/builders/backup-report.js';
import { SecretValue } from '../secret-value.js';
import { renderSummaryJson } from './summary-json.js';

describe('renderSummaryJson', () => {
  it('prints the report exactly, pretty, as one object followed by a newline', () => {
    const report = aBackupReport();
    const text = renderSummaryJson(report);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "schemaVersion": 1,\n');
    expect(JSON.parse(text)).toEqual(report);
  });

  it('keeps the documented field names stable', () => {
    const json = JSON.parse(renderSummaryJson(aBackupReport({ error: { message: 'x', step: 'backup-zeebe' } }))) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'schemaVersion', 'command', 'backupId', 'release', 'namespace', 'camundaVersion', 'chartVersion', 'access', 'state', 'startedAt', 'durationMs', 'parts', 'exporting', 'warnings', 'error',
    ]);
    expect(Object.keys(json['exporting'] as object)).toEqual(['paused', 'resumed', 'pausedMs']);
  });

  it('never prints credentials, even inside details', () => {
    const text = renderSummaryJson(
      aBackupReport({
        parts: [{ part: 'zeebe-records', state: 'FAILED', message: 'Authorization: Basic ZWxhc3RpYzpwdw==', details: { url: 'https://elastic:pw123@es:9200', token: new SecretValue('t0ken') } }],
      }),
    );
    expect(text).not.toMatch(/ZWxhc3RpYzpwdw|pw123|t0ken/);
    expect(text).toContain('[redacted]');
  });
});
