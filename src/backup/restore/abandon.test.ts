import { describe, expect, it } from 'vitest';
import { restoreFacts } from '../../../test/unit/builders/restore-facts.js';
import { abandonedDataState, workloadsOf } from './abandon.js';
import { buildRestorePlan } from './plan.js';

const plan = buildRestorePlan(
  restoreFacts({
    searchWhere: 'pod/es-0:9200',
    indices: ['operate-a', 'operate-b'],
    snapshots: [
      { part: 'webapps', snapshot: 'camunda_webapps_12_8.8.35_part_1_of_2', repository: 'r', indices: ['operate-a'] },
      { part: 'webapps', snapshot: 'camunda_webapps_12_8.8.35_part_2_of_2', repository: 'r', indices: ['operate-b'] },
    ],
  }),
);

describe('abandonedDataState: what the data is when a restore is given up', () => {
  it('nothing deleted yet: everything as it was', () => {
    expect(abandonedDataState({ plan, done: ['scale-down:statefulset/camunda-zeebe'], phase: 'stop-workloads' })).toEqual([
      'Elasticsearch/OpenSearch in pod/es-0:9200: no Camunda index was deleted; the indices are as they were before the restore',
      'Zeebe: data volumes untouched; the brokers start on the data they had',
    ]);
  });

  it('stopped inside a snapshot restore: indices deleted, one snapshot restored, the current one maybe partly', () => {
    const done = ['scale-down:statefulset/camunda-zeebe', ...plan.steps.filter((s) => s.action === 'delete-indices').map((s) => s.id), 'verify-indices-gone', 'restore-snapshot:camunda_webapps_12_8.8.35_part_1_of_2'];
    expect(abandonedDataState({ plan, done, phase: 'restore-snapshots', current: 'restore-snapshot:camunda_webapps_12_8.8.35_part_2_of_2' })).toEqual([
      'Elasticsearch/OpenSearch in pod/es-0:9200: 2 of 2 Camunda indices DELETED (they are not brought back)',
      'snapshots of backup 12 restored: 1 of 2; snapshot camunda_webapps_12_8.8.35_part_2_of_2 may be partly restored (the components create what is missing empty when they start)',
      'Zeebe: data volumes untouched; the brokers start on the data they had',
    ]);
  });

  it('the broker restore failed: the volumes are gone (their steps are dropped from done for the rerun), the brokers start empty', () => {
    const done = plan.steps.filter((s) => s.phase === 'stop-workloads' || s.phase === 'delete-indices' || s.phase === 'restore-snapshots').map((s) => s.id);
    expect(abandonedDataState({ plan, done, phase: 'restore-zeebe' }).at(-1)).toBe('Zeebe: its 2 data volume(s) were DELETED and the broker restore did not finish: the brokers start with EMPTY data (no deployments, no process instances)');
    expect(abandonedDataState({ plan, done: [...done, 'await-broker-restore'], phase: 'leave-restore-mode' }).at(-1)).toBe('Zeebe: restored from backup 12');
  });

  it('starts every workload the plan stops once, the brokers first', () => {
    expect(workloadsOf(plan).map((w) => `${w.kind}/${w.name}=${w.replicas}`)).toEqual(['StatefulSet/camunda-zeebe=2']);
  });
});
