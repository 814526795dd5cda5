import { describe, expect, it } from 'vitest';
import { restoreFacts } from '../../../test/unit/builders/restore-facts.js';
import { buildRestorePlan, claimOrdinal, RESTORE_PHASES, restoreEnv, withRestoreTo, type RestoreFacts } from './plan.js';

const facts = (over: Partial<RestoreFacts> = {}): RestoreFacts => restoreFacts({
  searchWhere: 'pod/camunda-elasticsearch-master-0:9200',
  indexPrefixes: ['operate-', 'tasklist-'],
  workloads: [
    { kind: 'StatefulSet', name: 'camunda-zeebe', component: 'zeebe-broker', replicas: 3 },
    { kind: 'Deployment', name: 'camunda-optimize', component: 'optimize', replicas: 1 },
  ],
  indices: ['tasklist-task-8.5.0_', 'operate-list-view-8.3.0_'],
  snapshots: [{ part: 'webapps', snapshot: 'camunda_webapps_12_8.8.35_part_1_of_1', repository: 'camunda-backup', indices: ['operate-list-view-8.3.0_'] }],
  claims: ['data-camunda-zeebe-10', 'data-camunda-zeebe-0', 'data-camunda-zeebe-1', 'data-camunda-zeebe-2', 'data-other-0'],
  broker: {
    statefulSet: 'camunda-zeebe',
    container: 'orchestration',
    env: [
      { name: 'CAMUNDA_DATA_BACKUP_STORE', value: 'S3' },
      { name: 'ZEEBE_RESTORE_TO_TIMESTAMP', value: '2026-01-01T00:00:00Z' },
    ],
    livenessProbe: { httpGet: { path: '/actuator/health/liveness', port: 9600 } },
  },
  webModelerDeployed: false,
  ...over,
});

describe('buildRestorePlan', () => {
  it('orders the steps by phase as documented and names everything exactly', () => {
    const plan = buildRestorePlan(facts());
    const phases = plan.steps.map((s) => s.phase);
    expect([...phases].sort((a, b) => RESTORE_PHASES.indexOf(a) - RESTORE_PHASES.indexOf(b))).toEqual(phases);
    expect(plan.steps.map((s) => s.id)).toEqual([
      'scale-down:statefulset/camunda-zeebe',
      'scale-down:deployment/camunda-optimize',
      'delete-indices:1/1',
      'verify-indices-gone',
      'restore-snapshot:camunda_webapps_12_8.8.35_part_1_of_1',
      'delete-pvc:data-camunda-zeebe-0',
      'delete-pvc:data-camunda-zeebe-1',
      'delete-pvc:data-camunda-zeebe-2',
      'delete-pvc:data-camunda-zeebe-10',
      'patch-restore-mode',
      'restore-scale-up:statefulset/camunda-zeebe',
      'await-broker-restore',
      'restore-scale-down:statefulset/camunda-zeebe',
      'revert-restore-mode',
      'scale-up:statefulset/camunda-zeebe',
      'await-ready:statefulset/camunda-zeebe',
      'scale-up:deployment/camunda-optimize',
      'await-ready:deployment/camunda-optimize',
      'verify-exporting',
      'verify-backup-listed',
    ]);
    expect(plan.steps.find((s) => s.action === 'delete-indices')).toMatchObject({ indices: ['operate-list-view-8.3.0_', 'tasklist-task-8.5.0_'] });
    expect(plan.claims).toEqual([
      { name: 'data-camunda-zeebe-0', orphan: false },
      { name: 'data-camunda-zeebe-1', orphan: false },
      { name: 'data-camunda-zeebe-2', orphan: false },
      { name: 'data-camunda-zeebe-10', orphan: true },
    ]);
  });

  it('deletes the indices in as few steps as request lines allow, every index named exactly once, in order, with stable IDs', () => {
    // 300 dated zeebe-record indices: about 12 KB of names, more than one request line holds.
    const many = Array.from({ length: 300 }, (_, i) => `zeebe-record_process-instance_8.8.0_2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + Math.floor(i / 12)).padStart(2, '0')}`);
    const plan = buildRestorePlan(facts({ indices: [...many, 'operate-list-view-8.3.0_'], indexPrefixes: ['operate-', 'zeebe-record_'] }));
    const batches = plan.steps.filter((s) => s.action === 'delete-indices');
    expect(batches.length).toBeGreaterThan(3);
    expect(batches.map((s) => s.id)).toEqual(batches.map((_, i) => `delete-indices:${i + 1}/${batches.length}`));
    expect(batches.flatMap((s) => (s.action === 'delete-indices' ? s.indices : []))).toEqual(plan.indices);
    for (const step of batches) if (step.action === 'delete-indices') expect(step.indices.map(encodeURIComponent).join(',').length).toBeLessThanOrEqual(3_000);
    expect(buildRestorePlan(facts({ indices: [...many, 'operate-list-view-8.3.0_'], indexPrefixes: ['operate-', 'zeebe-record_'] })).steps).toEqual(plan.steps);
  });

  it('refuses to plan a deletion by anything but an exact name', () => {
    expect(() => buildRestorePlan(facts({ indices: ['operate-list-view-8.3.0_', 'operate-*'] }))).toThrow(/refusing to name the index "operate-\*" in a request: it is a wildcard/);
    expect(() => buildRestorePlan(facts({ indices: ['_all'] }))).toThrow(/not a concrete index name/);
  });

  it('sets the restore env through the start script, removes stale selectors and records what it touched', () => {
    const { restoreMode } = buildRestorePlan(facts());
    expect(restoreMode.setEnv).toEqual([
      { name: 'ZEEBE_RESTORE', value: 'true' },
      { name: 'ZEEBE_RESTORE_FROM_BACKUP_ID', value: '12' },
      { name: 'SPRING_PROFILES_ACTIVE', value: 'restore' },
    ]);
    expect(restoreMode.removeEnv).toEqual(['ZEEBE_RESTORE_TO_TIMESTAMP']);
    expect(restoreMode.envBefore).toEqual([{ name: 'ZEEBE_RESTORE_TO_TIMESTAMP', value: '2026-01-01T00:00:00Z' }]);
    expect(restoreMode.probesOff).toEqual(['livenessProbe']);
  });

  it('8.6/8.7 set no Spring profile; RDBMS mode has no ID, deletes no index and says what it did not do', () => {
    expect(restoreEnv('8.7', 'backup-id', 5).map((e) => e.name)).toEqual(['ZEEBE_RESTORE', 'ZEEBE_RESTORE_FROM_BACKUP_ID']);
    const plan = buildRestorePlan(facts({ line: '8.9', mode: 'rdbms', backupId: null, restoreTo: '2026-12-01T00:00:00Z', indices: [], snapshots: [], searchWhere: undefined }));
    expect(plan.restoreMode.setEnv).toEqual([
      { name: 'ZEEBE_RESTORE', value: 'true' },
      { name: 'ZEEBE_RESTORE_TO_TIMESTAMP', value: '2026-12-01T00:00:00Z' },
      { name: 'SPRING_PROFILES_ACTIVE', value: 'restore' },
    ]);
    expect(plan.steps.some((s) => s.action === 'delete-indices' || s.action === 'restore-snapshot' || s.action === 'verify-backup-listed')).toBe(false);
    expect(plan.notRestored.join('\n')).toMatch(/Camunda database \(RDBMS\)/);
  });

  it('claimOrdinal accepts only data-<sts>-<n>', () => {
    expect(claimOrdinal('camunda-zeebe', 'data-camunda-zeebe-2')).toBe(2);
    expect(claimOrdinal('camunda-zeebe', 'data-camunda-zeebe-gateway-0')).toBeUndefined();
    expect(claimOrdinal('camunda-zeebe', 'data-camunda-zeebe-')).toBeUndefined();
  });
});

describe('the Web Modeler load', () => {
  const webModeler = {
    file: 'web-modeler-12.sql',
    database: 'web-modeler',
    pod: 'camunda-postgresql-web-modeler-0',
    container: 'postgresql',
    username: 'web-modeler',
    port: 5432,
    workloads: [
      { kind: 'Deployment' as const, name: 'camunda-web-modeler-restapi', component: 'restapi', replicas: 2 },
      { kind: 'Deployment' as const, name: 'camunda-web-modeler-websockets', component: 'websockets', replicas: 1 },
    ],
  };

  it('comes last, after everything else is up: Web Modeler stopped, the dump loaded, Web Modeler started at its replicas', () => {
    const plan = buildRestorePlan(facts({ webModeler, webModelerDeployed: true }));
    const last = plan.steps.slice(plan.steps.findIndex((s) => s.phase === 'web-modeler'));
    expect(plan.steps.indexOf(last[0]!)).toBeGreaterThan(plan.steps.findIndex((s) => s.id === 'verify-backup-listed'));
    expect(last.map((s) => s.id)).toEqual([
      'web-modeler-scale-down:deployment/camunda-web-modeler-restapi',
      'web-modeler-scale-down:deployment/camunda-web-modeler-websockets',
      'load-web-modeler-dump',
      'web-modeler-scale-up:deployment/camunda-web-modeler-restapi',
      'web-modeler-scale-up:deployment/camunda-web-modeler-websockets',
      'web-modeler-await-ready:deployment/camunda-web-modeler-restapi',
      'web-modeler-await-ready:deployment/camunda-web-modeler-websockets',
    ]);
    expect(last.find((s) => s.action === 'load-web-modeler-dump')).toMatchObject({ file: 'web-modeler-12.sql', database: 'web-modeler', pod: 'camunda-postgresql-web-modeler-0', port: 5432 });
    expect(last.filter((s) => s.action === 'scale-up').map((s) => (s.action === 'scale-up' ? s.workload.replicas : -1))).toEqual([2, 1]);
    expect(plan.webModelerDump).toBe('web-modeler-12.sql');
    expect(plan.notRestored.some((n) => n.startsWith('Web Modeler'))).toBe(false);
  });
});

describe('RDBMS plans', () => {
  const rdbms = (): RestoreFacts => facts({ mode: 'rdbms', backupId: null, line: '8.9', indexPrefixes: [], indices: [], snapshots: [], searchWhere: undefined });

  it('wait for the database after the stops and before anything else', () => {
    const plan = buildRestorePlan(rdbms());
    const ids = plan.steps.map((s) => s.id);
    expect(ids.slice(0, 3)).toEqual(['scale-down:statefulset/camunda-zeebe', 'scale-down:deployment/camunda-optimize', 'database-restored']);
    expect(plan.steps[2]).toMatchObject({ phase: 'restore-database', action: 'await-database-restore' });
    expect(buildRestorePlan(facts()).steps.some((s) => s.action === 'await-database-restore')).toBe(false);
  });

  it('take the bound given with --database-restored: only the env set changes, the inverse stays exact', () => {
    const plan = buildRestorePlan(rdbms());
    // The StatefulSet had a ZEEBE_RESTORE_TO_TIMESTAMP left over: removed for the default mode, recorded as it was.
    expect(plan.restoreMode.removeEnv).toEqual(['ZEEBE_RESTORE_TO_TIMESTAMP']);
    const bounded = withRestoreTo(plan, '2026-12-06T02:00:00.000Z');
    expect(bounded.restoreTo).toBe('2026-12-06T02:00:00.000Z');
    expect(bounded.restoreMode.setEnv).toEqual([
      { name: 'ZEEBE_RESTORE', value: 'true' },
      { name: 'ZEEBE_RESTORE_TO_TIMESTAMP', value: '2026-12-06T02:00:00.000Z' },
      { name: 'SPRING_PROFILES_ACTIVE', value: 'restore' },
    ]);
    expect(bounded.restoreMode.removeEnv).toEqual([]);
    expect(bounded.restoreMode.envBefore).toEqual(plan.restoreMode.envBefore);
    expect(bounded.steps).toEqual(plan.steps);
    // And back: the same plan as made without a bound.
    expect(withRestoreTo(bounded, undefined)).toEqual(plan);
  });
});
