/** The facts of a small 8.8 restore (backup 12, two brokers, no indices), for unit tests of what reads a journal. */
import type { RestoreFacts } from '../../../src/backup/restore/plan.js';

export function restoreFacts(over: Partial<RestoreFacts> = {}): RestoreFacts {
  return {
    release: 'camunda',
    namespace: 'camunda',
    line: '8.8',
    camundaVersion: '8.8.35',
    chartVersion: '13.12.7',
    mode: 'backup-id',
    backupId: 12,
    indexPrefixes: [],
    workloads: [{ kind: 'StatefulSet', name: 'camunda-zeebe', component: 'zeebe-broker', replicas: 2 }],
    indices: [],
    snapshots: [],
    claims: ['data-camunda-zeebe-0', 'data-camunda-zeebe-1'],
    broker: { statefulSet: 'camunda-zeebe', container: 'orchestration', env: [] },
    webModelerDeployed: false,
    ...over,
  };
}
