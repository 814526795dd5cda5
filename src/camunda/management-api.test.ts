import { describe, expect, it } from 'vitest';
import { ComponentHttpError, ExportingError, managementApi } from './management-api.js';
import { exportingFailed, exportingOk, fakeCluster, memoryReporter, ok } from '../../test/unit/create-test-kit.js';
import type { Route } from '../../test/unit/create-test-kit.js';
import { searchApi, snapshotProblem, zeebeRecordsSnapshotBody } from './search-api.js';

async function api(routes: Record<string, Route>, basePath = '') {
  const cluster = fakeCluster(routes);
  const reporter = memoryReporter();
  const http = await cluster.connect({ kind: 'pod', pod: { namespace: 'ns', pod: 'p', container: 'c', port: 9600 } });
  return { api: managementApi({ http, emit: reporter.emit }, basePath), http, reporter, cluster };
}

describe('managementApi', () => {
  it('judges exporting by the body status, not the HTTP code', async () => {
    const { api: client } = await api({
      'p POST /actuator/exporting/pause?soft=true': exportingFailed('Expected 3 members of partition 1 but found 2'),
      'p POST /actuator/exporting/resume': exportingOk,
    });
    await expect(client.pauseExporting('/actuator/exporting/pause?soft=true')).rejects.toThrow(ExportingError);
    await expect(client.pauseExporting('/actuator/exporting/pause?soft=true')).rejects.toThrow(/Expected 3 members of partition 1 but found 2 \(status 500 in the body\)/);
    await expect(client.resumeExporting('/actuator/exporting/resume')).resolves.toBeUndefined();
  });

  it('an exporting answer without a body status is not success', async () => {
    const { api: client } = await api({ 'p POST /actuator/exporting/resume': ok({ hello: 'world' }) });
    await expect(client.resumeExporting('/actuator/exporting/resume')).rejects.toThrow(/unexpected response/);
  });

  it('prefixes the context path and emits an http event per call', async () => {
    const { api: client, reporter, cluster } = await api({ 'p GET /operate/actuator': ok({ _links: { backups: {}, 'backups-id': {} } }) }, '/operate');
    expect(await client.actuatorLinks()).toEqual(['backups', 'backups-id']);
    expect(cluster.keys()).toEqual(['p GET /operate/actuator']);
    expect(reporter.of('http')).toEqual([{ kind: 'http', method: 'GET', path: '/operate/actuator', status: 200, via: 'fake pod/p', durationMs: expect.any(Number) as unknown }]);
  });

  it('carries the component message and kind in errors', async () => {
    const { api: client } = await api({ 'p GET /actuator/backups/5': { status: 400, body: { status: 400, message: 'No backup with id [5] found.', instance: 'x' } } });
    const error = await client.webappBackup('/actuator/backups', 5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComponentHttpError);
    expect(error).toMatchObject({ status: 400, kind: 'not-found', componentMessage: 'No backup with id [5] found.' });
    expect((error as Error).message).toBe('No backup with id [5] found. (HTTP 400 from GET /actuator/backups/5)');
  });

  it('reads web-app details with null failures and Optimize COMPLETE', async () => {
    const { api: client } = await api({
      'p GET /actuator/backups/5': ok({ backupId: 5, state: 'COMPLETE', failureReason: null, details: [{ snapshotName: 's', state: 'SUCCESS', startTime: 't', failures: null }] }),
    });
    expect(await client.webappBackup('/actuator/backups', 5)).toMatchObject({ state: 'COMPLETED', details: [{ failures: null }] });
  });

  it('an unknown state is an error quoting the body', async () => {
    const { api: client } = await api({ 'p GET /actuator/backups/5': ok({ backupId: 5, state: 'WEIRD' }) });
    await expect(client.zeebeBackup('/actuator/backups', 5)).rejects.toThrow(/state.*WEIRD/);
  });

  it('takes a backup: snapshots, message, generated id, or no body at all', async () => {
    const { api: client, cluster } = await api({
      'p POST /actuator/backupHistory': ok({ scheduledSnapshots: ['a', 'b'] }),
      'p POST /actuator/backups': ok({ message: 'scheduled' }, 202),
      'p POST /actuator/backupRuntime': ok({ backupId: 1760000000123, message: 'scheduled' }, 202),
    });
    expect(await client.takeBackup('/actuator/backupHistory', 5)).toEqual({ scheduledSnapshots: ['a', 'b'] });
    expect(await client.takeBackup('/actuator/backups', 5)).toEqual({ message: 'scheduled', backupId: undefined });
    expect(await client.takeBackup('/actuator/backupRuntime', undefined)).toEqual({ message: 'scheduled', backupId: 1760000000123 });
    expect(cluster.calls.map((call) => call.body)).toEqual([{ backupId: 5 }, { backupId: 5 }, undefined]);
  });

  it('reads the 8.10 runtime answer: backupId and the per-tenant backupIds; neither can fail an accepted call', async () => {
    const message = 'A backup with id 5 has been scheduled.';
    const { api: client } = await api({
      'p POST /actuator/backupRuntime': ok({ backupId: 5, backupIds: { default: 5 }, message }, 202),
      'p POST /c1/actuator/backupRuntime': ok({ backupIds: { default: 1760000000123, tenanta: 1760000000456 }, message }, 202),
      'p POST /c2/actuator/backupRuntime': ok({ backupId: '5', backupIds: ['default'], failureReason: null, message }, 202),
      'p POST /c3/actuator/backupRuntime': ok({ backupId: 5, backupIds: { default: 'five' }, message }, 202),
    });
    expect(await client.takeBackup('/actuator/backupRuntime', 5)).toEqual({ message, backupId: 5, backupIds: { default: 5 } });
    // Continuous mode without backupId: the default tenant's generated id.
    expect(await client.takeBackup('/c1/actuator/backupRuntime', undefined)).toEqual({ message, backupId: 1760000000123, backupIds: { default: 1760000000123, tenanta: 1760000000456 } });
    // Fields of another shape are dropped, the acceptance stands.
    expect(await client.takeBackup('/c2/actuator/backupRuntime', 5)).toEqual({ message });
    expect(await client.takeBackup('/c3/actuator/backupRuntime', 5)).toEqual({ message, backupId: 5 });
  });

  it('parses both shapes of the 8.9 runtime state ranges', async () => {
    const { api: client } = await api({
      'p GET /actuator/backupRuntime/state': ok({
        checkpointStates: [],
        backupStates: [{ checkpointId: 7, partitionId: 1, checkpointType: 'MANUAL_BACKUP', firstLogPosition: 3 }],
        ranges: [{ partitionId: 1, start: 5, end: { checkpointId: 7, checkpointType: 'MANUAL_BACKUP' } }],
      }),
    });
    const state = await client.runtimeState('/actuator/backupRuntime');
    expect(state.ranges?.[0]?.start).toBe(5);
  });
});

describe('searchApi', () => {
  it('builds the zeebe-records body per engine', () => {
    expect(zeebeRecordsSnapshotBody('elasticsearch', 'zeebe-record*')).toEqual({ indices: 'zeebe-record*', feature_states: ['none'] });
    expect(zeebeRecordsSnapshotBody('opensearch', 'zeebe-record*')).toEqual({ indices: 'zeebe-record*' });
  });

  it('tells a missing snapshot from a missing repository', async () => {
    const cluster = fakeCluster({
      'http://es:9200 GET /_snapshot/repo/snap': { status: 404, body: { error: { type: 'snapshot_missing_exception', reason: '[repo:snap] is missing' }, status: 404 } },
      'http://es:9200 GET /_snapshot/gone/snap': { status: 404, body: { error: { type: 'repository_missing_exception', reason: '[gone] missing' }, status: 404 } },
    });
    const search = searchApi({ http: await cluster.connect({ kind: 'url', url: 'http://es:9200' }), emit: () => undefined });
    await expect(search.snapshot('repo', 'snap')).resolves.toBeUndefined();
    await expect(search.snapshot('gone', 'snap')).rejects.toMatchObject({ kind: 'no-repository' });
  });

  it('judges a finished snapshot by state and failed shards', () => {
    expect(snapshotProblem({ snapshot: 's', state: 'SUCCESS', shards: { total: 2, failed: 0, successful: 2 } })).toBeUndefined();
    expect(snapshotProblem({ snapshot: 's', state: 'PARTIAL', shards: { total: 2, failed: 1 } })).toMatch(/PARTIAL/);
    expect(snapshotProblem({ snapshot: 's', state: 'SUCCESS', shards: { total: 2, failed: 1 } })).toMatch(/1 failed shard/);
  });
});
