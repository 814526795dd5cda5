/**
 * The fake API server's Leases against the real client-node (through the tool's LeaseApi), with the API server's
 * semantics: 409 AlreadyExists on create, 404 on get, 409 Conflict on a stale replace, delete preconditions, RBAC
 * per verb with the coordination.k8s.io group, and MicroTime with six fraction digits on the wire.
 */
import { request as httpsRequest } from 'node:https';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKubeClient } from '../../src/kube/create-kube-client.js';
import type { KubeClient, LeaseSpec } from '../../src/kube/kube-client.js';
import { KubeApiError } from '../../src/kube/kube-errors.js';
import { startWorld, type World } from '../world/index.js';

const T0 = Date.parse('2026-12-06T06:00:00.123Z');
const spec = (holder: string, at = T0): LeaseSpec => ({ holderIdentity: holder, leaseDurationSeconds: 60, acquireTime: at, renewTime: at, leaseTransitions: 0 });

async function failure(promise: Promise<unknown>): Promise<KubeApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KubeApiError);
  return error as KubeApiError;
}

describe('fake API server: coordination.k8s.io/v1 Leases', () => {
  let world: World;
  let kube: KubeClient;
  beforeEach(async () => {
    world = await startWorld({ resources: 'demo-8.7' });
    kube = createKubeClient({ kubeconfig: world.kubeconfigPath, env: {} });
  });
  afterEach(() => world.stop());

  it('create, get, replace with the current resourceVersion, delete; MicroTime on the wire has six fraction digits', async () => {
    expect(await kube.leases.read('camunda', 'l1')).toBeUndefined();
    const created = await kube.leases.create('camunda', 'l1', spec('a'));
    expect(created).toMatchObject({ name: 'l1', namespace: 'camunda', holderIdentity: 'a', leaseDurationSeconds: 60, acquireTime: T0, renewTime: T0 });
    const stored = world.api.leases.get('camunda', 'l1')!;
    expect((stored['spec'] as Record<string, unknown>)['renewTime']).toBe('2026-12-06T06:00:00.123000Z');
    const read = await kube.leases.read('camunda', 'l1');
    expect(read?.resourceVersion).toBe(created.resourceVersion);
    const renewed = await kube.leases.replace(read!, { ...spec('a'), renewTime: T0 + 20_000 });
    expect(renewed.renewTime).toBe(T0 + 20_000);
    expect(Number(renewed.resourceVersion)).toBeGreaterThan(Number(created.resourceVersion));
    expect(renewed.uid).toBe(created.uid);
    await kube.leases.delete(renewed);
    expect(world.api.leases.get('camunda', 'l1')).toBeUndefined();
  });

  it('409 AlreadyExists on a second create, 409 Conflict on a stale replace and a stale delete', async () => {
    const first = await kube.leases.create('camunda', 'l2', spec('a'));
    const exists = await failure(kube.leases.create('camunda', 'l2', spec('b')));
    expect(exists).toMatchObject({ httpStatus: 409, reason: 'AlreadyExists' });
    expect(exists.message).toContain('leases.coordination.k8s.io "l2" already exists');
    await kube.leases.replace(first, spec('b'));
    const stale = await failure(kube.leases.replace(first, spec('c')));
    expect(stale).toMatchObject({ httpStatus: 409, reason: 'Conflict' });
    expect(stale.message).toContain('the object has been modified');
    const staleDelete = await failure(kube.leases.delete(first));
    expect(staleDelete).toMatchObject({ httpStatus: 409, reason: 'Conflict' });
    expect(staleDelete.message).toContain('Precondition failed: ResourceVersion in precondition');
    expect(world.api.leases.get('camunda', 'l2')).toBeDefined();
  });

  it('RBAC: 403 per verb, worded with the coordination.k8s.io group', async () => {
    world.api.faults.deny = [{ verb: 'create', resource: 'leases' }];
    expect(await kube.leases.read('camunda', 'l3')).toBeUndefined();
    const denied = await failure(kube.leases.create('camunda', 'l3', spec('a')));
    expect(denied.httpStatus).toBe(403);
    expect(denied.message).toBe(
      'leases.coordination.k8s.io is forbidden: User "system:serviceaccount:camunda:backup" cannot create resource "leases" in API group "coordination.k8s.io" in the namespace "camunda"',
    );
  });

  it('a plain Date (three fraction digits) is refused like the real server refuses it: 400, nothing stored', async () => {
    const body = JSON.stringify({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l4' }, spec: { holderIdentity: 'a', renewTime: new Date(T0).toISOString() } });
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpsRequest(
        `${world.api.url}/apis/coordination.k8s.io/v1/namespaces/camunda/leases`,
        { method: 'POST', ca: world.api.caPem, headers: { authorization: `Bearer ${world.api.token}`, 'content-type': 'application/json' } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('RFC3339Micro');
    expect(world.api.leases.get('camunda', 'l4')).toBeUndefined();
  });
});
