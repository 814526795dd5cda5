import { describe, expect, it } from 'vitest';
import { anInstallation, fakeCluster, memoryReporter, ok, webappBackup, zeebeBackup, type Route } from '../../../../test/unit/create-test-kit.js';
import { KubeApiError } from '../../../kube/kube-errors.js';
import type { AccessCheck, KubeClient, Pod } from '../../../kube/kube-client.js';
import { UsageError } from '../../../errors.js';
import type { Installation } from '../../../camunda/installation.js';
import { DEFAULT_MAX_BACKUP_AGE_MS, runCheck, type CheckDeps } from './check.js';

const NOW = Date.parse('2026-11-27T06:00:00Z');
const RECENT = Math.floor(NOW / 1000) - 3600;

const broker = (index: number): Pod => ({
  name: `camunda-zeebe-${index}`,
  namespace: 'camunda',
  labels: { 'app.kubernetes.io/instance': 'camunda', 'app.kubernetes.io/component': 'zeebe-broker' },
  annotations: {},
  phase: 'Running',
  ready: true,
  deleting: false,
  containers: [{ name: 'zeebe', image: 'camunda/zeebe:8.7.3', env: [], envFrom: [], ports: [{ name: 'http', containerPort: 9600 }], readinessProbe: { path: '/actuator/health/readiness', port: 'http' } }],
});

function fakeKube(options: { deny?: (check: AccessCheck) => string | undefined; accessError?: Error } = {}): KubeClient {
  return {
    namespace: 'camunda',
    contextName: 'test-context',
    listPods: async (_ns: string, selector: string) => (selector.includes('zeebe-broker') ? [broker(0), broker(1)] : []),
    checkAccess: async (checks: readonly AccessCheck[]) => {
      if (options.accessError) throw options.accessError;
      return checks.map((check) => {
        const reason = options.deny?.(check);
        return { ...check, allowed: reason === undefined, reason };
      });
    },
  } as unknown as KubeClient;
}

const partitions = (phase: string, ids: number[]) => ok(Object.fromEntries(ids.map((id) => [String(id), { role: 'LEADER', exporterPhase: phase, exportedPosition: 10 }])));

function healthyRoutes(): Record<string, Route> {
  const up = ok({ status: 'UP' });
  return {
    'optimize-0 GET /actuator/health': up,
    'operate-0 GET /actuator/health': up,
    'tasklist-0 GET /actuator/health': up,
    'gateway-0 GET /actuator/health': up,
    'search-0 GET /_cluster/health': ok({ cluster_name: 'es', status: 'green' }),
    'search-0 GET /_snapshot/camunda-backups': ok({ 'camunda-backups': { type: 's3' } }),
    'optimize-0 GET /actuator/backups': ok([webappBackup(RECENT, 'COMPLETED', 'optimize')]),
    'operate-0 GET /actuator/backups': ok([webappBackup(RECENT, 'COMPLETED', 'operate')]),
    'tasklist-0 GET /actuator/backups': ok([webappBackup(RECENT, 'COMPLETED', 'tasklist')]),
    'search-0 GET /_snapshot/camunda-backups/camunda_zeebe_records_backup_*': ok({ snapshots: [{ snapshot: `camunda_zeebe_records_backup_${RECENT}`, state: 'SUCCESS', shards: { total: 1, failed: 0 } }] }),
    'gateway-0 GET /actuator/backups': ok([zeebeBackup(RECENT, 'COMPLETED')]),
    'camunda-zeebe-0 GET /actuator/partitions': partitions('EXPORTING', [1, 2]),
    'camunda-zeebe-1 GET /actuator/partitions': partitions('EXPORTING', [2, 3]),
  };
}

const installation = anInstallation('8.7', {
  components: anInstallation('8.7').components.map((c) => ({ ...c, repositoryName: c.part === 'zeebe' ? undefined : 'camunda-backups' })),
});

async function check(routes: Record<string, Route>, overrides: Partial<CheckDeps> & { discovered?: Installation | Error } = {}) {
  const cluster = fakeCluster(routes);
  const discovered = overrides.discovered ?? installation;
  const report = await runCheck(
    { access: 'port-forward', cluster: {}, discovery: { namespace: 'camunda', access: 'port-forward' }, maxBackupAgeMs: DEFAULT_MAX_BACKUP_AGE_MS, nowMs: NOW },
    {
      kube: overrides.kube ?? fakeKube(),
      discover: async () => {
        if (discovered instanceof Error) throw discovered;
        return discovered;
      },
      connect: cluster.connect,
      emit: memoryReporter().emit,
    },
  );
  return { report, cluster, status: (id: string) => report.checks.find((item) => item.id === id)?.status };
}

describe('runCheck', () => {
  it('passes on a healthy installation with a recent complete backup, and changes nothing', async () => {
    const { report, cluster } = await check(healthyRoutes());
    expect(report.checks.filter((item) => item.status !== 'PASS')).toEqual([]);
    expect(report.result).toBe('PASS');
    expect(report.checks.map((item) => item.id)).toEqual([
      'kube-api',
      'rbac',
      'release',
      'health:optimize',
      'health:operate',
      'health:tasklist',
      'health:zeebe-gateway',
      'health:search',
      'repository-config',
      'search-repository',
      'backup-api:optimize',
      'backup-api:operate',
      'backup-api:tasklist',
      'backup-api:zeebe-records',
      'backup-api:zeebe',
      'exporting',
      'newest-backup',
    ]);
    expect(cluster.mutations()).toEqual([]);
  });

  it('fails when a broker reports a paused partition, and says how to resume', async () => {
    const { report, status } = await check({ ...healthyRoutes(), 'camunda-zeebe-1 GET /actuator/partitions': partitions('SOFT_PAUSED', [2, 3]) });
    expect(status('exporting')).toBe('FAIL');
    const item = report.checks.find((c) => c.id === 'exporting')!;
    expect(item.message).toMatch(/partition 2 SOFT_PAUSED, partition 3 SOFT_PAUSED/);
    expect(item.fix).toMatch(/kubectl camunda-backup resume -n camunda --release camunda --access port-forward/);
    expect(report.result).toBe('FAIL');
  });

  it('warns, not fails, when the version does not expose the partitions endpoint', async () => {
    const routes = healthyRoutes();
    delete routes['camunda-zeebe-0 GET /actuator/partitions'];
    delete routes['camunda-zeebe-1 GET /actuator/partitions'];
    const { status } = await check(routes);
    expect(status('exporting')).toBe('WARN');
  });

  it('warns about an old newest backup and about none at all', async () => {
    const old = RECENT - 30 * 86_400;
    const routes = healthyRoutes();
    for (const [key, part] of [['optimize-0 GET /actuator/backups', 'optimize'], ['operate-0 GET /actuator/backups', 'operate'], ['tasklist-0 GET /actuator/backups', 'tasklist']] as const) {
      routes[key] = ok([webappBackup(old, 'COMPLETED', part)]);
    }
    routes['search-0 GET /_snapshot/camunda-backups/camunda_zeebe_records_backup_*'] = ok({ snapshots: [{ snapshot: `camunda_zeebe_records_backup_${old}`, state: 'SUCCESS' }] });
    routes['gateway-0 GET /actuator/backups'] = ok([zeebeBackup(old, 'COMPLETED')]);
    const { report } = await check(routes);
    expect(report.checks.find((c) => c.id === 'newest-backup')).toMatchObject({ status: 'WARN', message: expect.stringMatching(/30\.\d days old/) });
    expect(report.result).toBe('WARN');
  });

  it('fails on an unhealthy component and on a missing repository', async () => {
    const { report, status } = await check({
      ...healthyRoutes(),
      'tasklist-0 GET /actuator/health': { status: 503, body: { status: 'DOWN' } },
      'search-0 GET /_snapshot/camunda-backups': { status: 404, body: { error: { type: 'repository_missing_exception', reason: '[camunda-backups] missing' }, status: 404 } },
    });
    expect(status('health:tasklist')).toBe('FAIL');
    expect(report.checks.find((c) => c.id === 'health:tasklist')?.message).toMatch(/DOWN \(HTTP 503\)/);
    expect(status('search-repository')).toBe('FAIL');
    expect(status('health:operate')).toBe('PASS');
  });

  it('names the denied permissions; a release that cannot be read fails with the Kubernetes message and skips the rest', async () => {
    const forbidden = new KubeApiError('secrets is forbidden: User "system:serviceaccount:camunda:backup" cannot list resource "secrets" in API group "" in the namespace "camunda"', {
      httpStatus: 403,
      reason: 'Forbidden',
    });
    const { report, cluster } = await check(healthyRoutes(), {
      kube: fakeKube({ deny: (c) => (c.resource === 'secrets' || c.subresource === 'portforward' ? 'no RBAC policy matched' : undefined) }),
      discovered: forbidden,
    });
    const rbac = report.checks.find((c) => c.id === 'rbac')!;
    expect(rbac.status).toBe('FAIL');
    expect(rbac.message).toMatch(/list secrets .*get pods\/portforward .*create pods\/portforward/);
    expect(report.checks.find((c) => c.id === 'release')).toMatchObject({ status: 'FAIL', message: expect.stringContaining('cannot list resource "secrets"') });
    expect(report.checks.filter((c) => c.status === 'SKIP').map((c) => c.id)).toEqual(['health', 'repository-config', 'backup-api', 'exporting', 'newest-backup']);
    expect(cluster.calls).toEqual([]);
  });

  it('an API server that cannot be asked fails the first check and skips the others', async () => {
    const { report } = await check(healthyRoutes(), { kube: fakeKube({ accessError: new KubeApiError('the API server at https://x rejected the credentials (401 Unauthorized)') }) });
    expect(report.checks[0]).toMatchObject({ id: 'kube-api', status: 'FAIL' });
    expect(report.checks.slice(1).every((c) => c.status === 'SKIP')).toBe(true);
  });

  it('several releases stay bad input (exit 2), not a failed check', async () => {
    await expect(check(healthyRoutes(), { discovered: new UsageError('several Camunda releases in namespace camunda: a, b') })).rejects.toThrow(UsageError);
  });

  it('8.9 RDBMS: reports whether continuous backups are on and recent', async () => {
    const rdbms = anInstallation('8.9', { secondaryStorage: 'rdbms', zeebeStore: { store: 'S3', continuous: true } });
    const stamp = new Date(NOW - 3_600_000).toISOString();
    const routes: Record<string, Route> = {
      'optimize-0 GET /actuator/health': ok({ status: 'UP' }),
      'zeebe-0 GET /actuator/health': ok({ status: 'UP' }),
      'search-0 GET /_cluster/health': ok({ status: 'green' }),
      'search-0 GET /_snapshot/camunda-backups': ok({ 'camunda-backups': { type: 's3' } }),
      'optimize-0 GET /actuator/backups': ok([]),
      'zeebe-0 GET /actuator/backupRuntime': ok([]),
      'zeebe-0 GET /actuator/backupRuntime/state': ok({
        checkpointStates: [],
        backupStates: [1, 2].map((partitionId) => ({ partitionId, checkpointId: NOW - 3_600_000, checkpointType: 'SCHEDULED_BACKUP', checkpointTimestamp: stamp })),
        ranges: [1, 2].map((partitionId) => ({ partitionId, start: NOW - 7_200_000, end: NOW - 3_600_000 })),
      }),
      'camunda-zeebe-0 GET /actuator/partitions': partitions('EXPORTING', [1]),
      'camunda-zeebe-1 GET /actuator/partitions': partitions('EXPORTING', [2]),
    };
    const { report } = await check(routes, { discovered: rdbms });
    expect(report.checks.find((c) => c.id === 'continuous-backups')).toMatchObject({ status: 'PASS', message: expect.stringContaining('2 partition(s) backed up') });
    expect(report.checks.some((c) => c.id === 'newest-backup')).toBe(false);

    const off = await check(routes, { discovered: { ...rdbms, zeebeStore: { store: 'S3', continuous: false } } });
    expect(off.report.checks.find((c) => c.id === 'continuous-backups')?.status).toBe('FAIL');
  });
});
