import { describe, expect, it } from 'vitest';
import type { Installation } from '../../camunda/installation.js';
import { ExitCode, PreconditionError, UsageError } from '../../errors.js';
import { procedureForLine, type VersionProcedure } from '../../camunda/versions.js';
import type { Workload, WorkloadClient } from '../../kube/workload-client.js';
import { buildRestorePlan, type RestoreFacts } from './plan.js';
import { camundaIndexPrefixes, continuedPlanWithDump, lookForeign, usageMetricsKept } from './resolve.js';

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

const procedure = (line: string): VersionProcedure => {
  const found = procedureForLine(line);
  if (!found) throw new Error(line);
  return found;
};

describe('camundaIndexPrefixes', () => {
  it("are the release's configured prefixes, once each, sorted", () => {
    const prefixes = [
      { prefix: 'prod-operate-', owner: 'orchestration cluster', from: 'env' },
      { prefix: 'prod-camunda-', owner: 'orchestration cluster', from: 'env' },
      { prefix: 'zeebe-record-b_', owner: 'Zeebe exporter', from: 'env' },
      { prefix: 'prod-operate-', owner: 'orchestration cluster', from: 'env' },
    ];
    expect(camundaIndexPrefixes({ release: 'b', indexPrefixes: { prefixes, unresolved: [] } })).toEqual(['prod-camunda-', 'prod-operate-', 'zeebe-record-b_']);
  });

  it('refuses (exit 3, nothing changed) when a prefix cannot be read, or none were read: never a guessed default', () => {
    const unresolved = () => camundaIndexPrefixes({ release: 'b', indexPrefixes: { prefixes: [], unresolved: ['the Operate index prefix comes from env X (Secret s, key k), which discovery does not read'] } });
    expect(unresolved).toThrow(PreconditionError);
    expect(unresolved).toThrow(/cannot tell which indices belong to release b: the Operate index prefix comes from env X .*nothing was changed/);
    const unknown = () => camundaIndexPrefixes({ release: 'b', indexPrefixes: undefined });
    expect(unknown).toThrow(/index prefixes of release b are not known/);
    try {
      unknown();
    } catch (error) {
      expect((error as PreconditionError).exitCode).toBe(ExitCode.Precondition);
    }
  });
});

describe('usageMetricsKept (camunda/camunda#47122)', () => {
  const prefixes = ['b-camunda-', 'b-operate-', 'b-tasklist-'];
  const indices = [
    'b-camunda-usage-metric-8.8.0_',
    'b-camunda-usage-metric-8.8.0_2026-11-01',
    'b-camunda-usage-metric-tu-8.8.0_2026-11-01',
    'b-camunda-usage-metric-tu-8.8.0_2026-12-01',
    'b-operate-list-view-8.3.0_2026-11-01',
    'b-camunda-user-8.8.0_',
  ];
  const held = new Set(['b-camunda-usage-metric-8.8.0_', 'b-camunda-usage-metric-tu-8.8.0_2026-12-01']);

  it('8.8 before 8.8.15: the dated usage-metric indices no snapshot holds are kept; the runtime one and everything else go', () => {
    expect(usageMetricsKept({ procedure: procedure('8.8'), camundaVersion: '8.8.14' }, prefixes, indices, held)).toEqual([
      'b-camunda-usage-metric-8.8.0_2026-11-01',
      'b-camunda-usage-metric-tu-8.8.0_2026-11-01',
    ]);
  });

  it('8.9 (fix version unverified): the same rule; a dated index the backup holds is deleted and restored', () => {
    expect(usageMetricsKept({ procedure: procedure('8.9'), camundaVersion: '8.9.16' }, prefixes, indices, held)).toHaveLength(2);
  });

  it('8.8.15 and later, 8.6, 8.7, 8.10: nothing kept (their backups hold them)', () => {
    expect(usageMetricsKept({ procedure: procedure('8.8'), camundaVersion: '8.8.15' }, prefixes, indices, held)).toEqual([]);
    expect(usageMetricsKept({ procedure: procedure('8.8'), camundaVersion: '8.8.35' }, prefixes, indices, held)).toEqual([]);
    expect(usageMetricsKept({ procedure: procedure('8.7'), camundaVersion: '8.7.37' }, ['camunda-'], ['camunda-usage-metric-8.8.0_2026-11-01'], new Set())).toEqual([]);
    expect(usageMetricsKept({ procedure: procedure('8.10'), camundaVersion: '8.10.0' }, prefixes, indices, held)).toEqual([]);
  });

  it('only under an orchestration prefix of this release', () => {
    expect(usageMetricsKept({ procedure: procedure('8.8'), camundaVersion: '8.8.3' }, ['operate-'], ['camunda-usage-metric-8.8.0_2026-11-01'], new Set())).toEqual([]);
  });
});

describe('lookForeign', () => {
  it("names indices under this release's prefix that carry another release's Camunda naming under a longer prefix", () => {
    const prefixes = ['camunda-', 'operate-', 'tasklist-', 'zeebe-record_'];
    const listed = ['camunda-usage-metric-8.8.0_', 'camunda-operate-list-view-8.3.0_', 'camunda-camunda-user-8.8.0_', 'operate-list-view-8.3.0_', 'operate-tasklist-task-8.5.0_', 'zeebe-record_job_8.8.0_2026-12-01'];
    expect(lookForeign(listed, prefixes)).toEqual(['camunda-operate-list-view-8.3.0_', 'camunda-camunda-user-8.8.0_', 'operate-tasklist-task-8.5.0_']);
  });
  it("a longer prefix of this release's own is its own (8.6: Operate `custom-`, Optimize `custom-optimize-`)", () => {
    expect(lookForeign(['custom-list-view-8.3.0_', 'custom-optimize-report_v1'], ['custom-', 'custom-optimize-'])).toEqual([]);
  });
});
