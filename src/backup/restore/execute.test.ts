import { describe, expect, it } from 'vitest';
import { memoryConfigMapApi } from '../../../test/unit/memory-config-map-api.js';
import { simSearch } from '../../../test/unit/sim-search-http.js';
import { indexStateOf } from '../../../test/world/sim/search-indices.js';
import type { Pod } from '../../kube/kube-client.js';
import type { ContainerChange, PersistentVolumeClaim, PodLogRequest, Workload, WorkloadClient, WorkloadRef } from '../../kube/workload-client.js';
import { judgeBrokerLogs } from './broker-logs.js';
import { describeClusterState, runRestorePlan, type RestoreRunDeps } from './execute.js';
import { KubeApiError } from '../../kube/kube-errors.js';
import { journalNameFor, openJournal, parseJournal, readJournal } from './journal.js';
import { buildRestorePlan, type RestoreFacts, type RestorePlan, type RestoreStep } from './plan.js';
import { restoreFacts } from '../../../test/unit/builders/restore-facts.js';
import { restoreModeOffChange, restoreModeOffCommands, restoreModeOnChange } from './restore-mode.js';

const LIVENESS = { httpGet: { path: '/actuator/health/liveness', port: 9600 } };

// The builder's small 8.8 restore (backup 12), with an optimize Deployment and a broker env to take off.
const facts: RestoreFacts = restoreFacts({
  indexPrefixes: [],
  workloads: [
    { kind: 'StatefulSet', name: 'camunda-zeebe', component: 'zeebe-broker', replicas: 2 },
    { kind: 'Deployment', name: 'camunda-optimize', component: 'optimize', replicas: 1 },
  ],
  indices: [],
  snapshots: [],
  claims: ['data-camunda-zeebe-0', 'data-camunda-zeebe-1'],
  broker: {
    statefulSet: 'camunda-zeebe',
    container: 'orchestration',
    env: [
      { name: 'CAMUNDA_DATA_BACKUP_STORE', value: 'S3' },
      { name: 'SPRING_PROFILES_ACTIVE', value: 'broker,operate' },
    ],
    livenessProbe: LIVENESS,
  },
  webModelerDeployed: false,
});

const SUCCESS = 'INFO io.camunda.zeebe.restore.RestoreApp - Successfully restored broker from backup [12]';
const NOT_FOUND = 'ERROR Application run failed\njava.util.concurrent.ExecutionException: io.camunda.zeebe.restore.BackupNotFoundException: Could not find a completed backup with id 12.';

describe('judgeBrokerLogs', () => {
  it('a success line in the current or the previous container wins over a later crash-loop failure', () => {
    expect(judgeBrokerLogs('data directory /usr/local/camunda/data is not empty. Aborting restore', `x\n${SUCCESS}\n`).state).toBe('restored');
    expect(judgeBrokerLogs(SUCCESS, undefined)).toEqual({ state: 'restored', line: SUCCESS });
  });
  it('fails fast on the known failure lines, naming the telling one', () => {
    expect(judgeBrokerLogs(NOT_FOUND, undefined)).toEqual({ state: 'failed', line: 'java.util.concurrent.ExecutionException: io.camunda.zeebe.restore.BackupNotFoundException: Could not find a completed backup with id 12.' });
    const spring = '***************************\nAPPLICATION FAILED TO START\n***************************\n\nDescription:\n\nParameter 0 of constructor required a bean of type BrokerBasedProperties';
    expect(judgeBrokerLogs(spring, undefined)).toEqual({ state: 'failed', line: 'APPLICATION FAILED TO START: Parameter 0 of constructor required a bean of type BrokerBasedProperties' });
    expect(judgeBrokerLogs('Starting to restore from backup [12]', undefined).state).toBe('running');
    expect(judgeBrokerLogs(undefined, undefined).state).toBe('running');
  });
});

describe('restore mode', () => {
  const plan = buildRestorePlan(facts);
  it('is set through env only and its inverse puts back exactly what it touched', () => {
    expect(restoreModeOnChange(plan)).toEqual({
      container: 'orchestration',
      setEnv: [
        { name: 'ZEEBE_RESTORE', value: 'true' },
        { name: 'ZEEBE_RESTORE_FROM_BACKUP_ID', value: '12' },
        { name: 'SPRING_PROFILES_ACTIVE', value: 'restore' },
      ],
      livenessProbe: null,
    });
    expect(restoreModeOffChange(plan)).toEqual({
      container: 'orchestration',
      setEnv: [{ name: 'SPRING_PROFILES_ACTIVE', value: 'broker,operate' }],
      removeEnv: ['ZEEBE_RESTORE', 'ZEEBE_RESTORE_FROM_BACKUP_ID'],
      livenessProbe: LIVENESS,
    });
  });
  it('prints kubectl commands that reach the same cluster', () => {
    const commands = restoreModeOffCommands(plan, { kubeconfig: '/tmp/my config', context: 'prod' });
    expect(commands[0]).toBe("kubectl scale statefulset camunda-zeebe --kubeconfig '/tmp/my config' --context prod -n camunda --replicas=0");
    expect(commands[1]).toMatch(/^kubectl patch statefulset camunda-zeebe --kubeconfig '\/tmp\/my config' --context prod -n camunda --type strategic -p '\{"spec"/);
    expect(commands[1]).toContain('{"name":"ZEEBE_RESTORE","$patch":"delete"}');
    expect(commands[2]).toMatch(/--replicas=2$/);
  });
});

/** A small cluster: workloads whose pods appear and vanish at once, claims, and broker logs a test scripts. */
function fakeCluster(options: { brokerLog?: (pod: string) => string | undefined; failPatch?: (change: ContainerChange) => boolean } = {}) {
  const workloads = new Map<string, Workload>();
  for (const w of facts.workloads) {
    workloads.set(w.name, {
      kind: w.kind,
      namespace: 'camunda',
      name: w.name,
      labels: { 'app.kubernetes.io/component': w.component },
      replicas: w.replicas,
      currentReplicas: w.replicas,
      readyReplicas: w.replicas,
      updatedReplicas: w.replicas,
      observed: true,
      selector: `app=${w.name}`,
      containers: w.kind === 'StatefulSet' ? [{ name: 'orchestration', image: 'camunda:8.8.35', command: undefined, args: undefined, env: facts.broker.env, livenessProbe: LIVENESS, startupProbe: undefined, readinessProbe: undefined }] : [],
    });
  }
  const claims = new Set(facts.claims);
  const calls: string[] = [];
  const client: WorkloadClient = {
    readWorkload: (ref: WorkloadRef) => Promise.resolve(workloads.get(ref.name)),
    listWorkloads: () => Promise.resolve([...workloads.values()]),
    readReplicas: (ref) => Promise.resolve(workloads.get(ref.name)?.replicas ?? 0),
    scale(ref, replicas) {
      calls.push(`scale ${ref.name} ${replicas}`);
      const w = workloads.get(ref.name);
      if (w) workloads.set(ref.name, { ...w, replicas, currentReplicas: replicas, readyReplicas: replicas, updatedReplicas: replicas });
      return Promise.resolve();
    },
    patchContainer(ref, change) {
      calls.push(`patch ${ref.name}`);
      if (options.failPatch?.(change)) return Promise.reject(new Error('statefulsets.apps "camunda-zeebe" is forbidden'));
      const w = workloads.get(ref.name);
      if (!w) return Promise.reject(new Error('not found'));
      const containers = w.containers.map((c) => {
        let env = c.env.filter((e) => !(change.removeEnv ?? []).includes(e.name) && !(change.setEnv ?? []).some((s) => s.name === e.name));
        env = [...env, ...(change.setEnv ?? [])];
        return {
          ...c,
          env,
          livenessProbe: change.livenessProbe === undefined ? c.livenessProbe : (change.livenessProbe ?? undefined),
        };
      });
      const next = { ...w, containers };
      workloads.set(ref.name, next);
      return Promise.resolve(next);
    },
    listClaims: () => Promise.resolve([...claims].map((name): PersistentVolumeClaim => ({ name, namespace: 'camunda', labels: {}, phase: 'Bound', deleting: false, finalizers: [] }))),
    readClaim: (_ns, name) => Promise.resolve(claims.has(name) ? { name, namespace: 'camunda', labels: {}, phase: 'Bound', deleting: false, finalizers: [] } : undefined),
    deleteClaim(_ns, name) {
      calls.push(`delete pvc ${name}`);
      return Promise.resolve(claims.delete(name) ? 'deleted' : 'absent');
    },
    podLog: (request: PodLogRequest) => Promise.resolve(request.previous ? undefined : options.brokerLog?.(request.pod)),
  };
  const pod = (name: string): Pod => ({ name, namespace: 'camunda', labels: {}, annotations: {}, phase: 'Running', ready: true, deleting: false, containers: [] });
  const kube = {
    listPods: (_ns: string, selector: string) => {
      const w = [...workloads.values()].find((x) => x.selector === selector);
      return Promise.resolve(Array.from({ length: w?.replicas ?? 0 }, (_, i) => pod(`${w?.name ?? ''}-${i}`)));
    },
  };
  return { client, kube, calls, workloads };
}

async function run(cluster: ReturnType<typeof fakeCluster>, configMaps = memoryConfigMapApi(), signal = new AbortController().signal, over: { facts?: RestoreFacts; search?: ReturnType<typeof simSearch>; plan?: RestorePlan; databaseRestored?: boolean } = {}) {
  const plan = over.plan ?? buildRestorePlan(over.facts ?? facts);
  const journalDeps = { configMaps, now: () => Date.parse('2026-12-06T03:00:00Z') };
  const existing = await readJournal(journalDeps, 'camunda', 'camunda');
  const journal = await openJournal(journalDeps, plan, existing as never, undefined);
  const deps: RestoreRunDeps = {
    kube: cluster.kube,
    workloads: cluster.client,
    journal,
    emit: () => undefined,
    signal,
    timing: { workloadTimeoutMs: 2_000, snapshotTimeoutMs: 2_000, brokerRestoreTimeoutMs: 2_000, pollMs: 20 },
    cluster: { context: 'prod' },
    verifyZeebeData: () => Promise.resolve('holds the backup'),
    verifyExporting: () => Promise.resolve('exporting'),
    verifyBackupListed: () => Promise.resolve('listed'),
    ...(over.search ? { search: () => Promise.resolve({ http: over.search!.http, emit: () => undefined }) } : {}),
    databaseRestored: over.databaseRestored,
  };
  return { outcome: await runRestorePlan(plan, deps), configMaps, plan };
}

const envOf = (cluster: ReturnType<typeof fakeCluster>) => cluster.workloads.get('camunda-zeebe')?.containers[0]?.env.map((e) => `${e.name}=${e.value ?? ''}`);

describe('runRestorePlan', () => {
  it('runs every step in order and leaves the recorded replicas, the original env and probe, and a COMPLETED journal', async () => {
    const cluster = fakeCluster({ brokerLog: () => SUCCESS });
    const { outcome, configMaps } = await run(cluster);
    expect(outcome.state).toBe('COMPLETED');
    expect(cluster.calls).toEqual([
      'scale camunda-zeebe 0',
      'scale camunda-optimize 0',
      'delete pvc data-camunda-zeebe-0',
      'delete pvc data-camunda-zeebe-1',
      'patch camunda-zeebe',
      'scale camunda-zeebe 2',
      'scale camunda-zeebe 0',
      'patch camunda-zeebe',
      'scale camunda-zeebe 2',
      'scale camunda-optimize 1',
    ]);
    expect(envOf(cluster)).toEqual(['CAMUNDA_DATA_BACKUP_STORE=S3', 'SPRING_PROFILES_ACTIVE=broker,operate']);
    expect(cluster.workloads.get('camunda-zeebe')?.containers[0]?.livenessProbe).toEqual(LIVENESS);
    const record = configMaps.store.get(`camunda/${journalNameFor('camunda')}`);
    const journal = record ? parseJournal(record) : undefined;
    expect(journal).toMatchObject({ state: 'COMPLETED', restoreModeOn: false, runs: 1 });
  });

  it('a failing restore app: restore mode taken off, brokers at 0, the volume and Zeebe steps to be done again (exit 4 material)', async () => {
    const cluster = fakeCluster({ brokerLog: (pod) => (pod.endsWith('-1') ? NOT_FOUND : SUCCESS) });
    const { outcome, configMaps } = await run(cluster);
    expect(outcome).toMatchObject({ state: 'FAILED', phase: 'restore-zeebe', step: 'await-broker-restore' });
    if (outcome.state !== 'FAILED') return;
    expect(outcome.message).toMatch(/camunda-zeebe-1 failed: .*BackupNotFoundException/);
    expect(outcome.clusterState).toContain('no restore env on the StatefulSet');
    expect(envOf(cluster)).toEqual(['CAMUNDA_DATA_BACKUP_STORE=S3', 'SPRING_PROFILES_ACTIVE=broker,operate']);
    expect(cluster.workloads.get('camunda-zeebe')?.replicas).toBe(0);
    expect(cluster.workloads.get('camunda-optimize')?.replicas).toBe(0);
    expect(outcome.journal.done).toEqual(['scale-down:statefulset/camunda-zeebe', 'scale-down:deployment/camunda-optimize']);

    // The rerun continues: volumes again, then Zeebe, and finishes.
    const fixed = fakeCluster({ brokerLog: () => SUCCESS });
    for (const [name, w] of cluster.workloads) fixed.workloads.set(name, w);
    const rerun = await run(fixed, configMaps);
    expect(rerun.outcome.state).toBe('COMPLETED');
    expect(fixed.calls.slice(0, 3)).toEqual(['delete pvc data-camunda-zeebe-0', 'delete pvc data-camunda-zeebe-1', 'patch camunda-zeebe']);
    expect(rerun.outcome.journal.runs).toBe(2);
  });

  it('taking restore mode off failing: CLEANUP_FAILED with the exact commands (exit 5 material), the journal says restore mode is on', async () => {
    const cluster = fakeCluster({ brokerLog: () => NOT_FOUND, failPatch: (change) => (change.removeEnv ?? []).includes('ZEEBE_RESTORE') });
    const { outcome } = await run(cluster);
    expect(outcome.state).toBe('CLEANUP_FAILED');
    if (outcome.state !== 'CLEANUP_FAILED') return;
    expect(outcome.commands).toHaveLength(3);
    expect(outcome.commands[1]).toMatch(/^kubectl patch statefulset camunda-zeebe --context prod -n camunda --type strategic -p /);
    expect(outcome.journal.restoreModeOn).toBe(true);
    expect(describeClusterState(outcome.journal)).toContain('statefulset/camunda-zeebe is IN RESTORE MODE');
  });

  it('an interrupt stops before the next step; a journal left in restore mode is taken out of it first by the rerun', async () => {
    const controller = new AbortController();
    const cluster = fakeCluster({
      brokerLog: () => {
        controller.abort('SIGTERM');
        return undefined;
      },
    });
    const { outcome, configMaps } = await run(cluster, undefined, controller.signal);
    expect(outcome).toMatchObject({ state: 'INTERRUPTED', signal: 'SIGTERM' });
    expect(outcome.journal).toMatchObject({ state: 'INTERRUPTED', phase: 'restore-zeebe', restoreModeOn: false });
    expect(envOf(cluster)).toEqual(['CAMUNDA_DATA_BACKUP_STORE=S3', 'SPRING_PROFILES_ACTIVE=broker,operate']);
    expect(cluster.workloads.get('camunda-zeebe')?.replicas).toBe(0);
    expect(outcome.journal.done).not.toContain('delete-pvc:data-camunda-zeebe-0');

    // A run killed (-9) in restore mode leaves the journal saying so: the next run undoes it before anything else.
    const record = configMaps.store.get('camunda/camunda-camunda-restore');
    if (!record) throw new Error('no journal');
    const journal = parseJournal(record);
    if ('unreadable' in journal) throw new Error(journal.unreadable);
    await configMaps.replace(record, { 'journal.json': JSON.stringify({ ...journal, restoreModeOn: true, done: [...journal.done, 'delete-pvc:data-camunda-zeebe-0'] }) });
    const next = fakeCluster({ brokerLog: () => SUCCESS });
    for (const [name, w] of cluster.workloads) next.workloads.set(name, w);
    const rerun = await run(next, configMaps);
    expect(rerun.outcome.state).toBe('COMPLETED');
    expect(next.calls.slice(0, 4)).toEqual(['scale camunda-zeebe 0', 'patch camunda-zeebe', 'delete pvc data-camunda-zeebe-0', 'delete pvc data-camunda-zeebe-1']);
  });

  it('writes the journal once per step, and before a step only where a stop inside it leaves state the next run must know', async () => {
    const cluster = fakeCluster({ brokerLog: () => SUCCESS });
    const configMaps = memoryConfigMapApi();
    const { outcome, plan } = await run(cluster, configMaps);
    expect(outcome.state).toBe('COMPLETED');
    const writes = configMaps.calls.filter((c) => c.startsWith('create') || c.startsWith('replace'));
    // Opening the journal, one write per step done (the last one also says COMPLETED), one before restore mode goes on.
    expect(writes).toHaveLength(1 + plan.steps.length + 1);
  });

  it('continues a deletion stopped between its requests: the done lists are not sent again, the rest by exact name (names already gone skipped), nothing else touched', async () => {
    const dated = Array.from({ length: 250 }, (_, i) => `zeebe-record_job_8.8.0_${String(2000 + i)}-01-01`);
    const withIndices: RestoreFacts = { ...facts, indexPrefixes: ['zeebe-record_', 'operate-'], indices: [...dated, 'operate-list-view-8.3.0_'] };
    const plan = buildRestorePlan(withIndices);
    const batches = plan.steps.filter((s) => s.action === 'delete-indices');
    expect(batches.length).toBeGreaterThanOrEqual(3);
    const [first, second, third] = batches.map((s) => (s.action === 'delete-indices' ? s.indices : []));
    const foreign = ['my-app-operate-notes', 'zeebe-records-of-another-app'];
    // The first list was deleted and recorded; the second was deleted but the run was killed before recording it;
    // of the third, one index is gone already.
    const search = simSearch({ flavor: 'elasticsearch', indices: [...(third ?? []).slice(1), ...plan.indices.filter((i) => !(first ?? []).includes(i) && !(second ?? []).includes(i) && !(third ?? []).includes(i)), ...foreign] });
    const configMaps = memoryConfigMapApi();
    const journalDeps = { configMaps, now: () => Date.parse('2026-12-06T03:00:00Z') };
    const journal = await openJournal(journalDeps, plan, undefined, undefined);
    await journal.update({ done: [...plan.steps.slice(0, 2).map((s) => s.id), batches[0]!.id], phase: 'delete-indices', state: 'FAILED' });
    const cluster = fakeCluster({ brokerLog: () => SUCCESS });
    for (const w of cluster.workloads.values()) cluster.workloads.set(w.name, { ...w, replicas: 0, currentReplicas: 0, readyReplicas: 0, updatedReplicas: 0 });

    const { outcome } = await run(cluster, configMaps, undefined, { facts: withIndices, search });
    expect(outcome.state).toBe('COMPLETED');
    const deletes = search.requests.filter((r) => r.method === 'DELETE');
    expect(deletes).toHaveLength(batches.length - 1);
    const named = deletes.flatMap((r) => new URL(r.path, 'http://es').pathname.slice(1).split(',').map(decodeURIComponent));
    expect(named).toEqual(batches.slice(1).flatMap((s) => (s.action === 'delete-indices' ? s.indices : [])));
    expect(deletes.every((r) => r.status === 200)).toBe(true);
    expect(search.store.indices).toEqual(foreign);
    expect(indexStateOf(search.store).deletes.flatMap((d) => d.deleted).some((i) => foreign.includes(i))).toBe(false);
    // The verification listed the prefixes once: no planned index is left, and no other Camunda one.
    expect(search.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
    expect(describeClusterState(outcome.journal)).toContain(`indices deleted: ${plan.indices.length} of ${plan.indices.length}`);
  });

  it('a step this version does not know (a journal of another version) fails the run; it is never recorded done unrun', async () => {
    const base = buildRestorePlan({ ...facts, indexPrefixes: ['operate-'], indices: ['operate-a'] });
    const foreignStep = { id: 'delete-index:operate-a', phase: 'delete-indices', action: 'delete-index', index: 'operate-a' } as unknown as RestoreStep;
    const plan: RestorePlan = { ...base, steps: base.steps.map((s) => (s.action === 'delete-indices' ? foreignStep : s)) };
    const search = simSearch({ flavor: 'elasticsearch', indices: ['operate-a'] });
    const { outcome } = await run(fakeCluster({ brokerLog: () => SUCCESS }), undefined, undefined, { plan, search });
    expect(outcome).toMatchObject({ state: 'FAILED', step: 'delete-index:operate-a' });
    if (outcome.state !== 'FAILED') return;
    expect(outcome.message).toMatch(/does not know the step delete-index:operate-a \(delete-index\)/);
    expect(outcome.journal.done).not.toContain('delete-index:operate-a');
    expect(search.store.indices).toEqual(['operate-a']);
  });

  it('says how many indices a stopped run deleted, counting the names of the lists done', async () => {
    const plan = buildRestorePlan({ ...facts, indexPrefixes: ['operate-'], indices: ['operate-a', 'operate-b', 'operate-c'] });
    const configMaps = memoryConfigMapApi();
    const journal = await openJournal({ configMaps, now: () => 0 }, plan, undefined, undefined);
    const done = plan.steps.filter((s) => s.phase === 'stop-workloads' || s.action === 'delete-indices').map((s) => s.id);
    expect(describeClusterState({ ...journal.journal, done })).toContain('indices deleted: 3 of 3');
    expect(describeClusterState({ ...journal.journal, done: done.slice(0, 2) })).not.toContain('indices deleted');
  });

  it('a journal that is not ours is unreadable, not guessed', () => {
    expect(parseJournal({ name: 'x', namespace: 'n', uid: 'u', resourceVersion: '1', labels: {}, data: { 'journal.json': '{"schemaVersion":2}' } })).toEqual({
      unreadable: 'ConfigMap x: journal.json is not a restore journal this version understands',
    });
    expect(parseJournal({ name: 'x', namespace: 'n', uid: 'u', resourceVersion: '1', labels: {}, data: {} })).toEqual({ unreadable: 'ConfigMap x has no journal.json' });
  });

  it('a workload started again between runs is stopped again before the first destructive step; its recorded replicas stay', async () => {
    const controller = new AbortController();
    const cluster = fakeCluster({ brokerLog: () => SUCCESS });
    // Interrupted right after the stops: the journal holds them as done.
    const scale = cluster.client.scale.bind(cluster.client);
    cluster.client.scale = async (ref, replicas) => {
      await scale(ref, replicas);
      if (ref.name === 'camunda-optimize' && replicas === 0) controller.abort('SIGINT');
    };
    const { configMaps } = await run(cluster, undefined, controller.signal);
    const next = fakeCluster({ brokerLog: () => SUCCESS });
    for (const [name, w] of cluster.workloads) next.workloads.set(name, w);
    await next.client.scale({ kind: 'Deployment', namespace: 'camunda', name: 'camunda-optimize' }, 3);
    next.calls.length = 0;
    const rerun = await run(next, configMaps);
    expect(rerun.outcome.state).toBe('COMPLETED');
    expect(next.calls.slice(0, 2)).toEqual(['scale camunda-optimize 0', 'delete pvc data-camunda-zeebe-0']);
    expect(rerun.outcome.results.find((r) => r.id === 'assert-stopped')?.message).toMatch(/^running again since the restore stopped it: deployment\/camunda-optimize \(3 replica\(s\), 3 pod\(s\); recorded 1\)\. Stopped again/);
    expect(next.workloads.get('camunda-optimize')?.replicas).toBe(1);
  });

  it('RDBMS: without --database-restored the run stops every workload and waits; with it, it continues; something started in between asks for the database again', async () => {
    const rdbms: RestoreFacts = { ...facts, mode: 'rdbms', backupId: null, line: '8.9' };
    const cluster = fakeCluster({ brokerLog: () => 'Successfully restored broker from backups in time range' });
    const first = await run(cluster, undefined, undefined, { facts: rdbms });
    expect(first.outcome).toMatchObject({ state: 'WAITING_FOR_DATABASE', journal: { state: 'WAITING_FOR_DATABASE', phase: 'restore-database' } });
    expect(cluster.calls).toEqual(['scale camunda-zeebe 0', 'scale camunda-optimize 0']);
    if (first.outcome.state !== 'WAITING_FOR_DATABASE') return;
    expect(first.outcome.clusterState).toContain("waiting for the Camunda database to be restored with the vendor's tools (every Camunda workload is stopped)");

    await cluster.client.scale({ kind: 'StatefulSet', namespace: 'camunda', name: 'camunda-zeebe' }, 2);
    cluster.calls.length = 0;
    const early = await run(cluster, first.configMaps, undefined, { facts: rdbms, databaseRestored: true });
    expect(early.outcome).toMatchObject({ state: 'FAILED', phase: 'restore-database', step: 'assert-stopped' });
    if (early.outcome.state !== 'FAILED') return;
    expect(early.outcome.message).toMatch(/statefulset\/camunda-zeebe \(2 replica\(s\).*restore the database again \(Camunda is stopped now\)/);
    expect(cluster.calls).toEqual(['scale camunda-zeebe 0']);

    const second = await run(cluster, first.configMaps, undefined, { facts: rdbms, databaseRestored: true });
    expect(second.outcome.state).toBe('COMPLETED');
    expect(second.outcome.journal.done).toContain('database-restored');
    expect(describeClusterState(second.outcome.journal)).toContain('the database was restored by its owner (confirmed with --database-restored)');
  });
});

describe('journal writes that fail', () => {
  /** Every journal write fails from the n-th on (an API server gone for good). */
  function failingFrom(configMaps: ReturnType<typeof memoryConfigMapApi>, from: number, httpStatus = 503) {
    let writes = 0;
    const replace = configMaps.replace.bind(configMaps);
    configMaps.replace = (current, data) => (++writes >= from ? Promise.reject(new KubeApiError(`configmaps: simulated ${httpStatus}`, { httpStatus })) : replace(current, data));
    return configMaps;
  }

  it('an interrupt while the brokers restore still takes restore mode off and ends INTERRUPTED, saying the journal is behind', async () => {
    const controller = new AbortController();
    const configMaps = memoryConfigMapApi();
    const cluster = fakeCluster({
      brokerLog: () => {
        failingFrom(configMaps, 0);
        controller.abort('SIGTERM');
        return undefined;
      },
    });
    const { outcome } = await run(cluster, configMaps, controller.signal);
    expect(outcome).toMatchObject({ state: 'INTERRUPTED', signal: 'SIGTERM', journalUnwritten: 'configmaps: simulated 503' });
    expect(outcome.journal).toMatchObject({ state: 'INTERRUPTED', restoreModeOn: false });
    expect(envOf(cluster)).toEqual(['CAMUNDA_DATA_BACKUP_STORE=S3', 'SPRING_PROFILES_ACTIVE=broker,operate']);
    expect(cluster.workloads.get('camunda-zeebe')?.replicas).toBe(0);
    // What the cluster holds is older: restore mode on (written ahead of the patch), RUNNING.
    const stored = parseJournal(configMaps.store.get('camunda/camunda-camunda-restore')!);
    expect(stored).toMatchObject({ state: 'RUNNING', restoreModeOn: true });
  });

  it('a restore app failing with the journal gone: FAILED (not thrown), restore mode off; the undo failing as well: CLEANUP_FAILED with the commands', async () => {
    const configMaps = memoryConfigMapApi();
    const cluster = fakeCluster({ brokerLog: () => (failingFrom(configMaps, 0), NOT_FOUND) });
    const { outcome } = await run(cluster, configMaps);
    expect(outcome).toMatchObject({ state: 'FAILED', step: 'await-broker-restore', journalUnwritten: 'configmaps: simulated 503' });
    expect(envOf(cluster)).toEqual(['CAMUNDA_DATA_BACKUP_STORE=S3', 'SPRING_PROFILES_ACTIVE=broker,operate']);

    const again = memoryConfigMapApi();
    const broken = fakeCluster({ brokerLog: () => (failingFrom(again, 0, 409), NOT_FOUND), failPatch: (change) => (change.removeEnv ?? []).includes('ZEEBE_RESTORE') });
    const cleanup = await run(broken, again);
    expect(cleanup.outcome).toMatchObject({ state: 'CLEANUP_FAILED', journalUnwritten: 'configmaps: simulated 409' });
    if (cleanup.outcome.state === 'CLEANUP_FAILED') expect(cleanup.outcome.commands).toHaveLength(3);
  });

  it('a write failing on the way (not in a failure path) ends the run FAILED at that step, never as a refusal', async () => {
    const configMaps = memoryConfigMapApi();
    const cluster = fakeCluster({ brokerLog: () => SUCCESS });
    // The first stop is written done (after the create); the next write, the second stop done, fails.
    failingFrom(configMaps, 2);
    const { outcome } = await run(cluster, configMaps);
    expect(outcome).toMatchObject({ state: 'FAILED', step: 'scale-down:deployment/camunda-optimize' });
    if (outcome.state !== 'FAILED') return;
    expect(outcome.message).toBe('the restore journal (configmap/camunda-camunda-restore) could not be written: configmaps: simulated 503');
    expect(cluster.calls).toEqual(['scale camunda-zeebe 0', 'scale camunda-optimize 0']);
  });

  it('a 409 from a change around the run (a label) is written over; one from another run is not', async () => {
    const plan = buildRestorePlan(facts);
    const configMaps = memoryConfigMapApi();
    const journalDeps = { configMaps, now: () => Date.parse('2026-12-06T03:00:00Z') };
    const handle = await openJournal(journalDeps, plan, undefined, undefined);
    const key = 'camunda/camunda-camunda-restore';
    const relabel = (data?: Record<string, string>) => {
      const stored = configMaps.store.get(key)!;
      configMaps.store.set(key, { ...stored, labels: { ...stored.labels, argocd: 'x' }, ...(data ? { data } : {}), resourceVersion: `${stored.resourceVersion}0` });
    };
    relabel();
    await handle.update({ phase: 'delete-indices' });
    expect(handle.unwritten).toBeUndefined();
    expect(parseJournal(configMaps.store.get(key)!)).toMatchObject({ phase: 'delete-indices' });

    const other = JSON.parse(configMaps.store.get(key)!.data['journal.json']!) as Record<string, unknown>;
    relabel({ 'journal.json': JSON.stringify({ ...other, startedAt: '2026-12-07T00:00:00Z' }) });
    await expect(handle.update({ phase: 'restore-snapshots' })).rejects.toThrow(/could not be written: .*has been modified/);
    await handle.tryUpdate({ state: 'FAILED' });
    expect(handle.journal.state).toBe('FAILED');
    expect(handle.unwritten).toMatch(/has been modified/);
  });
});

describe('awaitBrokerRestore: the window in which a restart can delete the restored data', () => {
  const WIPE = 'ERROR io.camunda.zeebe.restore.RestoreManager - Failed to restore broker. Deleting data directory /usr/local/camunda/data\njava.util.concurrent.ExecutionException: java.nio.file.DirectoryNotEmptyException: /usr/local/camunda/data/raft-partition/partitions/1';

  it('scales the brokers to 0 the moment every one restored, before the journal records it, and the leave step does not scale again', async () => {
    const cluster = fakeCluster({ brokerLog: () => SUCCESS });
    const configMaps = memoryConfigMapApi();
    const journalAtScale: string[][] = [];
    const scale = cluster.client.scale.bind(cluster.client);
    cluster.client.scale = async (ref, replicas) => {
      const record = configMaps.store.get(`camunda/${journalNameFor('camunda')}`);
      const journal = record ? parseJournal(record) : undefined;
      if (ref.name === 'camunda-zeebe' && replicas === 0 && journal && !('unreadable' in journal)) journalAtScale.push([...journal.done]);
      return scale(ref, replicas);
    };
    const { outcome } = await run(cluster, configMaps);
    expect(outcome.state).toBe('COMPLETED');
    // The first scale to 0 stops the applications; the second comes from inside the broker wait, not from a later step.
    expect(journalAtScale).toHaveLength(2);
    expect(journalAtScale[1]).toContain('restore-scale-up:statefulset/camunda-zeebe');
    expect(journalAtScale[1]).not.toContain('await-broker-restore');
    expect(cluster.calls.filter((c) => c === 'scale camunda-zeebe 0')).toHaveLength(2);
    expect(outcome.results.find((r) => r.id === 'await-broker-restore')?.message).toMatch(/scaled to 0 at once/);
  });

  it('a broker whose restart deleted the restored data is not restored: warned, waited for, done once it restored again', async () => {
    // Per pod, what its current container logs on each poll (the last entry repeats).
    const script: Record<string, string[]> = {
      'camunda-zeebe-0': ['Starting to restore from backup [12]', SUCCESS],
      'camunda-zeebe-1': [SUCCESS, WIPE, WIPE, 'Starting to restore from backup [12]', SUCCESS],
    };
    const reads = new Map<string, number>();
    const cluster = fakeCluster({
      brokerLog: (pod) => {
        const lines = script[pod] ?? [SUCCESS];
        const n = reads.get(pod) ?? 0;
        reads.set(pod, n + 1);
        return lines[Math.min(n, lines.length - 1)];
      },
    });
    const warnings: string[] = [];
    const plan = buildRestorePlan(facts);
    const journal = await openJournal({ configMaps: memoryConfigMapApi(), now: () => Date.parse('2026-12-06T03:00:00Z') }, plan, undefined, undefined);
    const outcome = await runRestorePlan(plan, {
      kube: cluster.kube,
      workloads: cluster.client,
      journal,
      emit: (event) => {
        if (event.kind === 'warning') warnings.push(event.message);
      },
      signal: new AbortController().signal,
      timing: { workloadTimeoutMs: 2_000, snapshotTimeoutMs: 2_000, brokerRestoreTimeoutMs: 2_000, pollMs: 20 },
      cluster: {},
      verifyZeebeData: () => Promise.resolve('holds the backup'),
      verifyExporting: () => Promise.resolve('exporting'),
      verifyBackupListed: () => Promise.resolve('listed'),
    });
    expect(outcome.state).toBe('COMPLETED');
    expect(reads.get('camunda-zeebe-1')).toBeGreaterThanOrEqual(5);
    expect(warnings.filter((w) => /^camunda-zeebe-1: the restore application deleted the data it had restored .*camunda\/camunda#48199/.test(w))).toHaveLength(1);
  });

  it('still wiped when the wait runs out: the failure says the data was deleted by a restart', async () => {
    const cluster = fakeCluster({ brokerLog: (pod) => (pod.endsWith('-1') ? WIPE : SUCCESS) });
    const { outcome } = await run(cluster);
    expect(outcome).toMatchObject({ state: 'FAILED', step: 'await-broker-restore' });
    if (outcome.state !== 'FAILED') return;
    expect(outcome.message).toMatch(/no restore result after .* from camunda-zeebe-1 \(camunda-zeebe-1: the restored data was deleted by a restart of the restore application\)/);
    expect(cluster.workloads.get('camunda-zeebe')?.replicas).toBe(0);
    expect(envOf(cluster)).toEqual(['CAMUNDA_DATA_BACKUP_STORE=S3', 'SPRING_PROFILES_ACTIVE=broker,operate']);
  });
});
