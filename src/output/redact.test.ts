import { describe, expect, it } from 'vitest';
import { redactDeep, redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it.each([
    ['Authorization: Bearer abcdef123456', 'Authorization: [redacted]'],
    ['authorization=Basic ZWxhc3RpYzpjaGFuZ2VtZQ==', 'authorization=[redacted]'],
    ['-H "Authorization: Basic ZWxhc3RpYzpjaGFuZ2VtZQ=="', '-H "Authorization: [redacted]"'],
    ['sent Bearer abcdef123456 to the server', 'sent Bearer [redacted] to the server'],
    ['token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl here', 'token [redacted] here'],
    ['{"password":"s3 cr3t","user":"elastic"}', '{"password":"[redacted]","user":"elastic"}'],
    ['{"client_secret": "abc"}', '{"client_secret": "[redacted]"}'],
    ['password=hunter2&user=x', 'password=[redacted]&user=x'],
    ['ELASTIC_PASSWORD: hunter2', 'ELASTIC_PASSWORD: [redacted]'],
    ['client_secret: abc and secret: def', 'client_secret: [redacted] and secret: [redacted]'],
    ['https://elastic:changeme@es.example.com:9200/_snapshot', 'https://elastic:[redacted]@es.example.com:9200/_snapshot'],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it.each([
    'POST /actuator/backups → 202 (12ms) via port-forward pod/camunda-operate-0:9600',
    'operate: IN_PROGRESS (attempt 4)',
    'Backup 1748937221 of release camunda in namespace camunda: COMPLETED in 1m12s',
    'snapshot camunda_zeebe_records_backup_1748937221 SUCCESS, 0 failed shards',
    'kubectl camunda-backup resume -n camunda --release camunda --access exec',
    'GET /api/v1/namespaces/camunda/secrets: etcdserver: request timed out',
    'listing secrets: forbidden by policy',
    'secrets "camunda-elasticsearch" is forbidden: User "system:serviceaccount:camunda:backup" cannot get resource "secrets" in API group "" in the namespace "camunda"',
  ])('leaves ordinary text alone: %s', (text) => {
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('redactDeep', () => {
  it('redacts every string in a JSON-like value and keeps the rest', () => {
    expect(redactDeep({ a: ['Bearer abcdef123456', 3, null], b: { c: true } })).toEqual({ a: ['Bearer [redacted]', 3, null], b: { c: true } });
  });
});
