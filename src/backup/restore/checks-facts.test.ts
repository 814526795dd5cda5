import { describe, expect, it } from 'vitest';
import type { Installation } from '../../camunda/installation.js';
import type { AccessMode } from '../../reach/component-http.js';
import { restoreFacts } from '../../../test/unit/builders/restore-facts.js';
import { restoreAccessNeeds } from './checks-facts.js';
import { buildRestorePlan, type RestoreAction, type RestoreFacts, type RestoreStep } from './plan.js';

/**
 * The access review asks for every verb the run will use, in each access mode: the calls each kind of plan step
 * makes are written down here from the code that runs it (execute.ts, verify.ts, web-modeler.ts, the rediscovery and
 * the resume loop), independently of the table the source builds its list from, and every step of real plans must be
 * covered. A verb left out fails here, not in the last phase of a restore with the applications already stopped.
 */
type Call = string; // "<verb> <group>/<resource>[/<subresource>]"

const tunnel = (access: AccessMode): Call => `create /pods/${access === 'exec' ? 'exec' : 'portforward'}`;
const journal: Call[] = ['get /configmaps', 'update /configmaps'];
const workload = (step: Extract<RestoreStep, { workload: unknown }>): { get: Call; scale: Call } => {
  const resource = step.workload.kind === 'StatefulSet' ? 'statefulsets' : 'deployments';
  return { get: `get apps/${resource}`, scale: `patch apps/${resource}/scale` };
};
const rediscover: Call[] = ['list /secrets', 'list /pods', 'get /pods', 'list /services', 'get /services', 'get /configmaps'];

const CALLS: Record<RestoreAction, (step: RestoreStep, access: AccessMode) => Call[]> = {
  'scale-down': (step) => (step.action === 'scale-down' ? [workload(step).get, workload(step).scale, 'list /pods'] : []),
  'scale-up': (step) => (step.action === 'scale-up' ? [workload(step).scale] : []),
  'await-ready': (step) => (step.action === 'await-ready' ? [workload(step).get, 'list /pods'] : []),
  // Waits for the database; the re-assert before it may stop a workload again.
  'await-database-restore': () => ['get apps/deployments', 'get apps/statefulsets', 'patch apps/deployments/scale', 'patch apps/statefulsets/scale', 'list /pods'],
  'delete-indices': (_step, access) => [tunnel(access)],
  'verify-indices-gone': (_step, access) => [tunnel(access)],
  'restore-snapshot': (_step, access) => [tunnel(access)],
  'delete-pvc': () => ['delete /persistentvolumeclaims', 'get /persistentvolumeclaims'],
  'patch-restore-mode': () => ['patch apps/statefulsets'],
  'await-broker-restore': () => ['get /pods/log', 'patch apps/statefulsets/scale'],
  // On failure or interrupt: scale to 0, wait until the pods are gone, patch back.
  'revert-restore-mode': () => ['patch apps/statefulsets', 'patch apps/statefulsets/scale', 'get apps/statefulsets', 'list /pods'],
  'verify-zeebe-data': (_step, access) => ['list /pods', 'get /pods/log', tunnel(access), 'patch apps/statefulsets/scale', 'get apps/statefulsets'],
  'verify-exporting': (_step, access) => [...rediscover, tunnel(access)],
  'verify-backup-listed': (_step, access) => [...rediscover, tunnel(access)],
  // psql runs in the database pod through exec whatever the access mode.
  'load-web-modeler-dump': () => ['create /pods/exec'],
};

const installation = {
  namespace: 'camunda',
  release: 'camunda',
  search: { engine: 'elasticsearch', target: { kind: 'pod', pod: { namespace: 'camunda', pod: 'camunda-elasticsearch-master-0', container: 'elasticsearch', port: 9200 } } },
} as unknown as Installation;

const facts = (change: Partial<RestoreFacts> = {}): RestoreFacts => restoreFacts({
  indexPrefixes: ['operate-'],
  workloads: [
    { kind: 'StatefulSet', name: 'camunda-zeebe', component: 'zeebe-broker', replicas: 3 },
    { kind: 'Deployment', name: 'camunda-optimize', component: 'optimize', replicas: 1 },
  ],
  indices: ['operate-list-view-8.3.0_'],
  snapshots: [{ part: 'webapps', snapshot: 'camunda_webapps_12_8.8.35_part_1_of_1', repository: 'camunda', indices: ['operate-list-view-8.3.0_'] }],
  claims: ['data-camunda-zeebe-0'],
  zeebePartitions: [{ partitionId: 1, snapshotId: '1-1-3-2', checkpointPosition: 3 }],
  broker: { statefulSet: 'camunda-zeebe', container: 'orchestration', env: [] },
  webModeler: {
    file: 'dump.sql',
    database: 'web-modeler',
    pod: 'camunda-postgresql-web-modeler-0',
    container: 'postgresql',
    username: 'modeler',
    port: 5432,
    workloads: [{ kind: 'Deployment', name: 'camunda-web-modeler-restapi', component: 'restapi', replicas: 1 }],
  },
  webModelerDeployed: true,
  ...change,
});

const covered = (needs: ReturnType<typeof restoreAccessNeeds>, call: Call): boolean => {
  const [verb, path = ''] = call.split(' ');
  const [group = '', resource, subresource] = path.split('/');
  return needs.some((n) => n.check.verb === verb && (n.check.group ?? '') === group && n.check.resource === resource && (n.check.subresource ?? undefined) === subresource);
};

describe.each(['port-forward', 'exec'] as const)('restoreAccessNeeds through %s', (access) => {
  it.each([
    ['an ES/OS restore with --web-modeler-dump', facts(), { webModelerDump: true, mode: 'backup-id' as const }, true],
    ['an RDBMS restore', facts({ mode: 'rdbms', backupId: null, indices: [], snapshots: [], indexPrefixes: [], webModeler: undefined, zeebePartitions: [{ partitionId: 1 }] }), { mode: 'rdbms' as const }, false],
  ])('%s: every call of every step of the plan is asked about', (_name, planFacts, options, everyAction) => {
    const plan = buildRestorePlan(planFacts);
    const needs = restoreAccessNeeds(installation, access, options);
    const missing = plan.steps.flatMap((step) => [...CALLS[step.action](step, access), ...journal].filter((call) => !covered(needs, call)).map((call) => `${step.id}: ${call}`));
    expect(missing).toEqual([]);
    // The first plan has a step of every kind but the RDBMS wait for the database, the second that one: none escapes the check.
    if (everyAction) expect([...new Set(plan.steps.map((s) => s.action))].sort()).toEqual(Object.keys(CALLS).filter((a) => a !== 'await-database-restore').sort());
    else expect(plan.steps.map((s) => s.action)).toContain('await-database-restore');
  });

  it('asks for exec in the database pod only when a Web Modeler dump is loaded (port-forward otherwise needs none)', () => {
    expect(covered(restoreAccessNeeds(installation, access, { webModelerDump: true }), 'create /pods/exec')).toBe(true);
    expect(covered(restoreAccessNeeds(installation, access, {}), 'create /pods/exec')).toBe(access === 'exec');
  });
});
