import { describe, expect, it } from 'vitest';
import { aBackupReport } from '../../test/unit/builders/backup-report.js';
import { SecretValue } from '../secret-value.js';
import { parse as parseYaml } from 'yaml';
import { renderSummaryDocument } from './summary-json.js';

describe('renderSummaryDocument', () => {
  it('prints the report exactly, pretty, as one object followed by a newline', () => {
    const report = aBackupReport();
    const text = renderSummaryDocument(report, 'json');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "schemaVersion": 1,\n');
    expect(JSON.parse(text)).toEqual(report);
  });

  it('keeps the documented field names stable', () => {
    const json = JSON.parse(renderSummaryDocument(aBackupReport({ error: { message: 'x', step: 'backup-zeebe' } }), 'json')) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'schemaVersion', 'command', 'backupId', 'release', 'namespace', 'camundaVersion', 'chartVersion', 'access', 'state', 'startedAt', 'durationMs', 'parts', 'exporting', 'warnings', 'error',
    ]);
    expect(Object.keys(json['exporting'] as object)).toEqual(['paused', 'resumed', 'pausedMs']);
  });

  it('never prints credentials, even inside details', () => {
    const text = renderSummaryDocument(
      aBackupReport({
        parts: [{ part: 'zeebe-records', state: 'FAILED', message: 'Authorization: Basic ZWxhc3RpYzpwdw==', details: { url: 'https://elastic:pw123@es:9200', token: new SecretValue('t0ken') } }],
      }),
      'json',
    );
    expect(text).not.toMatch(/ZWxhc3RpYzpwdw|pw123|t0ken/);
    expect(text).toContain('[redacted]');
  });

  it('prints the same document as YAML with -o yaml: same fields, same order, same redaction', () => {
    const report = aBackupReport({
      error: { message: 'x', step: 'backup-zeebe' },
      exporting: { paused: true, resumed: false, pausedMs: 1200, resumeCommand: 'kubectl camunda-backup resume --context prod -n camunda --release camunda --access exec\nkubectl exec …' },
      parts: [{ part: 'zeebe-records', state: 'FAILED', message: 'Authorization: Basic ZWxhc3RpYzpwdw==' }],
    });
    const yaml = renderSummaryDocument(report, 'yaml');
    const json = JSON.parse(renderSummaryDocument(report, 'json')) as Record<string, unknown>;
    const parsed = parseYaml(yaml) as Record<string, unknown>;
    expect(parsed).toEqual(json);
    expect(Object.keys(parsed)).toEqual(Object.keys(json));
    expect(yaml).toMatch(/^schemaVersion: 1\ncommand: create\n/);
    expect(yaml).not.toMatch(/ZWxhc3RpYzpwdw/);
    expect(yaml.endsWith('\n')).toBe(true);
  });
});
