import { describe, expect, it } from 'vitest';
import type { Installation } from '../../camunda/installation.js';
import { PreconditionError, UsageError } from '../../errors.js';
import type { Workload, WorkloadClient } from '../../kube/workload-client.js';
import { buildRestorePlan, type RestoreFacts } from './plan.js';
import { continuedPlanWithDump } from './resolve.js';

const facts = (over: Partial<RestoreFacts> = {}): RestoreFacts => ({
  release: 'camunda',
  namespace: 'camunda',
  line: '8.9',
  camundaVersion: '8.9.16',
  chartVersion: '14.8.4',
  mode: 'backup-id',
  backupId: 12,
  indexPrefixes: ['camunda-'],
  workloads: [{ kind: 'StatefulSet', name: 'camunda-zeebe', component: 'zeebe-broker', replicas: 3 }],
  indices: ['camunda-user-8.8.0_'],
  snapshots: [],
  claims: ['data-camunda-zeebe-0'],
  broker: { statefulSet: 'camunda-zeebe', container: 'orchestration', env: [] },
  webModelerDeployed: true,
  webModelerLoad: 'kubectl exec -i … psql …',
  ...over,
});

const database: NonNullable<Installation['webModeler']> = {
  pod: { namespace: 'camunda', pod: 'camunda-postgresql-web-modeler-0', container: 'postgresql', port: 5432 } as NonNullable<Installation['webModeler']>['pod'],
  database: 'web-modeler',
  username: 'web-modeler',
  passwordSecret: { name: 'camunda-postgresql-web-modeler', key: 'password' },
};
const installation = { namespace: 'camunda', release: 'camunda', webModeler: database };

const deployment = (name: string, replicas: number): Workload => ({ kind: 'Deployment', name, replicas, labels: { 'app.kubernetes.io/component': name.replace('camunda-', '') } }) as unknown as Workload;
const workloads = {
  listWorkloads: () => Promise.resolve([deployment('camunda-web-modeler-restapi', 2), deployment('camunda-web-modeler-websockets', 1), deployment('camunda-operate', 1)]),
} as unknown as WorkloadClient;

const loadOf = (file: string): NonNullable<RestoreFacts['webModeler']> => ({
  file,
  database: 'web-modeler',
  pod: 'camunda-postgresql-web-modeler-0',
  container: 'postgresql',
  username: 'web-modeler',
  port: 5432,
  workloads: [{ kind: 'Deployment', name: 'camunda-web-modeler-restapi', component: 'web-modeler-restapi', replicas: 2 }],
});

describe('continuedPlanWithDump (a --web-modeler-dump given to a continued restore)', () => {
  it('adds the load to a plan made without it, as its last phase, with the Web Modeler Deployments and their replicas now', async () => {
    const plan = buildRestorePlan(facts());
    const { plan: extended, change } = await continuedPlanWithDump(plan, ['scale-down:statefulset/camunda-zeebe'], '/dumps/wm.sql', installation, { workloads });
    // Exactly the plan a fresh restore with the flag would have made, with Web Modeler's replicas as they are now.
    const fresh = buildRestorePlan(
      facts({
        webModeler: {
          ...loadOf('/dumps/wm.sql'),
          workloads: [
            { kind: 'Deployment', name: 'camunda-web-modeler-restapi', component: 'web-modeler-restapi', replicas: 2 },
            { kind: 'Deployment', name: 'camunda-web-modeler-websockets', component: 'web-modeler-websockets', replicas: 1 },
          ],
        },
      }),
    );
    expect(extended).toEqual(fresh);
    expect(extended.steps.slice(0, plan.steps.length)).toEqual(plan.steps);
    expect(plan.notRestored.some((line) => line.startsWith('Web Modeler data'))).toBe(true);
    expect(change).toMatch(/planned without --web-modeler-dump: the load of \/dumps\/wm.sql is added as its last phase/);
  });

  it('the same file again changes nothing; another file replaces it while the load has not run, and is bad input once it ran', async () => {
    const plan = buildRestorePlan(facts({ webModeler: loadOf('/dumps/a.sql') }));
    expect(await continuedPlanWithDump(plan, [], '/dumps/../dumps/a.sql', installation, { workloads })).toEqual({ plan });
    const replaced = await continuedPlanWithDump(plan, [], '/dumps/b.sql', installation, { workloads });
    expect(replaced.plan.steps.map((s) => s.id)).toEqual(plan.steps.map((s) => s.id));
    expect(replaced.plan.steps.find((s) => s.action === 'load-web-modeler-dump')).toMatchObject({ file: '/dumps/b.sql' });
    expect(replaced).toMatchObject({ plan: { webModelerDump: '/dumps/b.sql' }, change: 'the Web Modeler dump of this restore is now /dumps/b.sql (was /dumps/a.sql)' });
    const loaded = continuedPlanWithDump(plan, ['load-web-modeler-dump'], '/dumps/b.sql', installation, { workloads });
    await expect(loaded).rejects.toThrow(UsageError);
    await expect(loaded).rejects.toThrow(/already loaded the Web Modeler dump \/dumps\/a.sql/);
  });

  it('a release without a Web Modeler database: refused like a fresh restore (exit 3)', async () => {
    const plan = buildRestorePlan(facts());
    await expect(continuedPlanWithDump(plan, [], '/dumps/wm.sql', { ...installation, webModeler: undefined }, { workloads })).rejects.toThrow(PreconditionError);
  });
});
