import { describe, expect, it } from 'vitest';
import { ComponentHttpError } from '../../../camunda/management-api.js';
import { HttpReachError } from '../../../reach/http-reach-error.js';
import { PartUnavailableError } from '../../part-clients.js';
import { fixFor } from './fixes.js';

/** A run on context prod with its own kubeconfig: every command a fix names must go there. */
const TARGET = { cluster: { kubeconfig: '/etc/kube/prod.yaml', context: 'prod' }, namespace: 'camunda', release: 'camunda', access: 'exec' };
const LIST = 'kubectl camunda-backup list -v 4 --kubeconfig /etc/kube/prod.yaml --context prod -n camunda --release camunda --access exec';

const answer = (status: number, body: unknown) =>
  new ComponentHttpError({ method: 'GET', path: '/actuator/backups' }, { status, body: JSON.stringify(body) });

describe('fixFor: the fix follows the kind of failure, not its wording', () => {
  it('component error kinds', () => {
    expect(fixFor(answer(500, { message: 'No backup store is configured' }), 'zeebe', TARGET)).toMatch(/configure a Zeebe backup store/);
    expect(fixFor(answer(400, { message: 'No backup repository configured.' }), 'operate', TARGET)).toMatch(/configure the snapshot repository of operate/);
    expect(fixFor(answer(404, { error: { type: 'repository_missing_exception', reason: '[x] missing' }, status: 404 }), 'zeebe-records', TARGET)).toMatch(
      /register the repository in Elasticsearch\/OpenSearch/,
    );
    expect(fixFor(answer(404, { timestamp: 't', status: 404, error: 'Not Found', path: '/actuator/backups' }), 'operate', TARGET)).toMatch(/Camunda version/);
    expect(fixFor(answer(502, { message: 'Expected to send request to all 3 partitions' }), 'zeebe', TARGET)).toBe(`see the message; ${LIST} shows the calls`);
  });

  it('a part the layout already knew it cannot ask: the layout\'s own hint', () => {
    const problem = { message: "no snapshot repository name found in the components' configuration", hint: 'pass --snapshot-repository <name>' };
    expect(fixFor(new PartUnavailableError(problem), 'zeebe-records', TARGET)).toBe('pass --snapshot-repository <name>');
  });

  it('no answer at all: the transport', () => {
    expect(fixFor(new HttpReachError('connect', 'connection refused'), 'operate', TARGET)).toMatch(/--access exec/);
    expect(fixFor(new Error('something else'), 'operate', TARGET)).toBe(`see the message; ${LIST} shows the calls`);
  });
});
