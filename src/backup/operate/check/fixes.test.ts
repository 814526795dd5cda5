import { describe, expect, it } from 'vitest';
import { ComponentHttpError } from '../../../camunda/management-api.js';
import { HttpReachError } from '../../../reach/http-reach-error.js';
import { PartUnavailableError } from '../../part-clients.js';
import { fixFor } from './fixes.js';

const answer = (status: number, body: unknown) =>
  new ComponentHttpError({ method: 'GET', path: '/actuator/backups' }, { status, body: JSON.stringify(body) });

describe('fixFor: the fix follows the kind of failure, not its wording', () => {
  it('component error kinds', () => {
    expect(fixFor(answer(500, { message: 'No backup store is configured' }), 'zeebe')).toMatch(/configure a Zeebe backup store/);
    expect(fixFor(answer(400, { message: 'No backup repository configured.' }), 'operate')).toMatch(/configure the snapshot repository of operate/);
    expect(fixFor(answer(404, { error: { type: 'repository_missing_exception', reason: '[x] missing' }, status: 404 }), 'zeebe-records')).toMatch(
      /register the repository in Elasticsearch\/OpenSearch/,
    );
    expect(fixFor(answer(404, { timestamp: 't', status: 404, error: 'Not Found', path: '/actuator/backups' }), 'operate')).toMatch(/Camunda version/);
    expect(fixFor(answer(502, { message: 'Expected to send request to all 3 partitions' }), 'zeebe')).toMatch(/list -v shows the calls/);
  });

  it('a part the layout already knew it cannot ask: the layout\'s own hint', () => {
    const problem = { message: "no snapshot repository name found in the components' configuration", hint: 'pass --snapshot-repository <name>' };
    expect(fixFor(new PartUnavailableError(problem), 'zeebe-records')).toBe('pass --snapshot-repository <name>');
  });

  it('no answer at all: the transport', () => {
    expect(fixFor(new HttpReachError('connect', 'connection refused'), 'operate')).toMatch(/--access exec/);
    expect(fixFor(new Error('something else'), 'operate')).toMatch(/list -v/);
  });
});
