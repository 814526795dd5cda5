import { describe, expect, it } from 'vitest';
import { classifyBackupError, componentMessage, latestIdFromConflict } from './component-errors.js';

const json = (value: unknown): string => JSON.stringify(value);

describe('componentMessage', () => {
  it.each([
    ['Operate problem+json', json({ status: 400, message: 'No backup with id [5] found.', instance: 'abc', type: 'x' }), 'No backup with id [5] found.'],
    ['Tasklist problem+json', json({ status: 404, message: 'No backup repository configured.', instance: 'abc' }), 'No backup repository configured.'],
    [
      'Optimize',
      json({ errorCode: 'badRequest', errorMessage: 'Bad request', detailedMessage: 'Cannot execute backup request because no Elasticsearch snapshot repository name found in Optimize configuration.', reportDefinition: null }),
      'Cannot execute backup request because no Elasticsearch snapshot repository name found in Optimize configuration.',
    ],
    ['Optimize without detail', json({ errorCode: 'x', errorMessage: 'Something broke', detailedMessage: null }), 'Something broke'],
    ['Zeebe', json({ message: 'A backupId must be provided and it must be > 0' }), 'A backupId must be provided and it must be > 0'],
    [
      'exporting',
      json({ body: { message: 'Expected 3 members of partition 1 but found 2', cause: null }, status: 500, contentType: null }),
      'Expected 3 members of partition 1 but found 2',
    ],
    ['Spring 404', json({ timestamp: '2025-01-01T00:00:00Z', status: 404, error: 'Not Found', path: '/actuator/backups' }), 'Not Found: nothing is mapped at /actuator/backups'],
    [
      'Elasticsearch',
      json({ error: { root_cause: [], type: 'repository_missing_exception', reason: '[backups] missing' }, status: 404 }),
      'repository_missing_exception: [backups] missing',
    ],
    ['RFC 9457', json({ type: 'about:blank', title: 'RESOURCE_EXHAUSTED', status: 503, detail: 'Broker is busy' }), 'Broker is busy'],
    ['plain text', 'upstream connect error or disconnect/reset before headers', 'upstream connect error or disconnect/reset before headers'],
  ])('%s', (_name, body, expected) => {
    expect(componentMessage(body, 400)).toBe(expected);
  });

  it('quotes long unknown bodies briefly and names empty ones', () => {
    expect(componentMessage('x'.repeat(500)).length).toBeLessThanOrEqual(201);
    expect(componentMessage('', 502)).toBe('HTTP 502 with an empty body');
  });
});

describe('classifyBackupError: by status and message', () => {
  it.each([
    [400, json({ status: 400, message: 'No backup with id [7] found.' }), 'not-found'],
    [500, json({ status: 500, message: 'No backup with id [7] found.' }), 'not-found'],
    [404, json({ errorCode: 'notFound', errorMessage: 'x', detailedMessage: 'No Optimize backup with ID [7] could be found.' }), 'not-found'],
    [404, json({ message: 'Backup with id 7 does not exist' }), 'not-found'],
    [400, json({ status: 400, message: 'No backup repository configured.' }), 'no-repository'],
    [404, json({ message: 'No repository with name [x] could be found.' }), 'no-repository'],
    [500, json({ errorCode: 'x', detailedMessage: 'No repository with name [x] could be found.' }), 'no-repository'],
    [400, json({ message: 'Cannot process backup requests. No backup store is configured. To use this feature, configure backup in broker configuration.' }), 'no-backup-store'],
    [409, json({ message: 'Requested backup has id 5. The latest backup has id 9.' }), 'id-conflict'],
    [400, json({ message: 'A backup with ID [5] already exists. Found snapshots: [a]' }), 'id-conflict'],
    [404, json({ timestamp: 't', status: 404, error: 'Not Found', path: '/actuator/backups' }), 'endpoint-absent'],
    [500, json({ message: 'Elasticsearch exploded' }), 'other'],
    [404, json({ message: 'something else entirely' }), 'other'],
  ])('%i %s → %s', (status, body, kind) => {
    expect(classifyBackupError(status, body)).toBe(kind);
  });

  it('reads the latest id from a Zeebe conflict', () => {
    expect(latestIdFromConflict('Requested backup has id 5. The latest backup has id 1748937221.')).toBe(1748937221);
    expect(latestIdFromConflict('nope')).toBeUndefined();
  });
});
