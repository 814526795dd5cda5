/**
 * The fake API server's ConfigMap writes against the real client-node (through the tool's ConfigMapApi), with the
 * API server's semantics: 201 on create and 409 AlreadyExists on a second, 404 on get, 409 Conflict on a stale
 * replace or delete, validation of names and sizes, RBAC per verb, and reads through the built-in handlers seeing
 * the written record with its own resourceVersion.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKubeClient } from '../../src/kube/create-kube-client.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import { KubeApiError } from '../../src/kube/kube-errors.js';
import { startWorld, type World } from '../world/index.js';

async function failure(promise: Promise<unknown>): Promise<KubeApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KubeApiError);
  return error as KubeApiError;
}

const stored = (world: World, name: string): Record<string, unknown> | undefined =>
  (world.objects.configMaps as Record<string, Record<string, unknown>>[]).find((c) => c['metadata']?.['name'] === name);

describe('fake API server: ConfigMap records', () => {
  let world: World;
  let kube: KubeClient;
  beforeEach(async () => {
    world = await startWorld({ resources: 'demo-8.7' });
    kube = createKubeClient({ kubeconfig: world.kubeconfigPath, env: {} });
  });
  afterEach(() => world.stop());

  it('create, read (also through readConfigMap), replace with the current resourceVersion, delete', async () => {
    expect(await kube.configMaps.read('camunda', 'camunda-backup-camunda-runs')).toBeUndefined();
    const created = await kube.configMaps.create('camunda', 'camunda-backup-camunda-runs', { '12': '{"state":"running"}' }, { 'app.kubernetes.io/instance': 'camunda' });
    expect(created).toMatchObject({ name: 'camunda-backup-camunda-runs', namespace: 'camunda', data: { '12': '{"state":"running"}' } });
    expect(created.labels).toEqual({ 'app.kubernetes.io/managed-by': 'kubectl-camunda-backup', 'app.kubernetes.io/instance': 'camunda' });
    expect(stored(world, 'camunda-backup-camunda-runs')).toBeDefined();
    const read = await kube.configMaps.read('camunda', 'camunda-backup-camunda-runs');
    expect(read).toEqual(created);
    expect((await kube.readConfigMap('camunda', 'camunda-backup-camunda-runs'))?.data).toEqual({ '12': '{"state":"running"}' });

    const replaced = await kube.configMaps.replace(read!, { '12': '{"state":"completed"}' });
    expect(replaced.uid).toBe(created.uid);
    expect(Number(replaced.resourceVersion)).toBeGreaterThan(Number(created.resourceVersion));
    expect(replaced.labels).toEqual(created.labels);
    expect((await kube.configMaps.read('camunda', 'camunda-backup-camunda-runs'))?.data).toEqual({ '12': '{"state":"completed"}' });

    await kube.configMaps.delete(replaced);
    expect(stored(world, 'camunda-backup-camunda-runs')).toBeUndefined();
    expect(await kube.configMaps.read('camunda', 'camunda-backup-camunda-runs')).toBeUndefined();
  });

  it('409 AlreadyExists on a second create, 409 Conflict on a stale replace and a stale delete', async () => {
    const first = await kube.configMaps.create('camunda', 'journal', { phase: 'plan' });
    const exists = await failure(kube.configMaps.create('camunda', 'journal', { phase: 'other' }));
    expect(exists).toMatchObject({ httpStatus: 409, reason: 'AlreadyExists' });
    expect(exists.message).toContain('configmaps "journal" already exists');
    await kube.configMaps.replace(first, { phase: 'scale-down' });
    const stale = await failure(kube.configMaps.replace(first, { phase: 'lost update' }));
    expect(stale).toMatchObject({ httpStatus: 409, reason: 'Conflict' });
    expect(stale.message).toContain('the object has been modified');
    expect(await failure(kube.configMaps.delete(first))).toMatchObject({ httpStatus: 409, reason: 'Conflict' });
    expect((await kube.configMaps.read('camunda', 'journal'))?.data).toEqual({ phase: 'scale-down' });
  });

  it('validates names, keys and the 1 MiB limit as the API server does', async () => {
    expect(await failure(kube.configMaps.create('camunda', 'Not_A_Name', {}))).toMatchObject({ httpStatus: 422, reason: 'Invalid' });
    expect(await failure(kube.configMaps.create('camunda', 'ok', { 'bad key': 'x' }))).toMatchObject({ httpStatus: 422 });
    const tooLong = await failure(kube.configMaps.create('camunda', 'big', { blob: 'x'.repeat(1024 * 1024 + 1) }));
    expect(tooLong).toMatchObject({ httpStatus: 422 });
    expect(tooLong.message).toContain('Too long');
  });

  it('RBAC per verb: a denied create or update is 403 naming the verb, and nothing is written', async () => {
    await world.stop();
    world = await startWorld({ resources: 'demo-8.7', rbacDeny: [{ verb: 'create', resource: 'configmaps' }] });
    kube = createKubeClient({ kubeconfig: world.kubeconfigPath, env: {} });
    const denied = await failure(kube.configMaps.create('camunda', 'journal', { phase: 'plan' }));
    expect(denied).toMatchObject({ httpStatus: 403 });
    expect(denied.message).toContain('cannot create resource "configmaps"');
    expect(stored(world, 'journal')).toBeUndefined();
  });
});
