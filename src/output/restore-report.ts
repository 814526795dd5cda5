/**
 * What `restore` prints on stdout: the plan (text, or JSON with `schemaVersion: 1` and `plan[]`), the outcome of a
 * run, and the journal for `--status`. Everything by exact name; progress goes to stderr elsewhere.
 */
import { isUnfinished, type RestoreJournal } from '../backup/restore/journal.js';
import type { RestorePlan, RestoreStep } from '../backup/restore/plan.js';
import type { StepResult } from '../backup/restore/execute.js';
import { stepTitle } from '../backup/restore/execute.js';

export type RestoreReportState = 'PLANNED' | 'COMPLETED' | 'WAITING_FOR_DATABASE' | 'FAILED' | 'INTERRUPTED' | 'CLEANUP_FAILED';

export interface RestoreReport {
  readonly state: RestoreReportState;
  readonly plan: RestorePlan;
  readonly journal?: RestoreJournal | undefined;
  readonly journalName?: string | undefined;
  readonly results?: readonly StepResult[] | undefined;
  readonly phase?: string | undefined;
  readonly error?: string | undefined;
  readonly clusterState?: readonly string[] | undefined;
  /** The command that continues this restore (same cluster flags). */
  readonly continueCommand?: string | undefined;
  /** Exit 5: the commands that take restore mode off by hand. */
  readonly commands?: readonly string[] | undefined;
  readonly durationMs?: number | undefined;
  /** The last journal write failed: why, and what that means for the next run. */
  readonly journalUnwritten?: string | undefined;
  /** WAITING_FOR_DATABASE: what the person does now, in order. */
  readonly next?: readonly string[] | undefined;
}

/** What a journal that could not be written means for the next run (the steps are all safe to repeat). */
export const JOURNAL_UNWRITTEN_MEANS =
  'the journal in the cluster is behind this run: it may list fewer steps as done (the next run does them again; each is safe to repeat), say RUNNING, or say restore mode is on when it is off (the next run takes it off again first). Check restore --status once the API server answers, then run the continue command';

/** Where a step acts, by exact name. */
function targetOf(step: RestoreStep): string {
  switch (step.action) {
    case 'scale-down':
    case 'scale-up':
    case 'await-ready':
      return `${step.workload.kind.toLowerCase()}/${step.workload.name}`;
    case 'await-database-restore':
      return 'database';
    case 'delete-indices':
      return step.indices.length === 1 ? `index/${step.indices[0] ?? ''}` : `${step.indices.length} indices`;
    case 'verify-indices-gone':
      return `${step.indices.length} indices`;
    case 'restore-snapshot':
      return `snapshot/${step.snapshot.repository}/${step.snapshot.snapshot}`;
    case 'delete-pvc':
      return `persistentvolumeclaim/${step.claim.name}`;
    case 'patch-restore-mode':
    case 'revert-restore-mode':
    case 'await-broker-restore':
    case 'verify-zeebe-data':
      return `statefulset/${step.statefulSet}`;
    case 'verify-exporting':
      return 'zeebe';
    case 'verify-backup-listed':
      return `backup/${step.backupId}`;
    case 'load-web-modeler-dump':
      return `pod/${step.pod}`;
  }
}

function stepJson(step: RestoreStep, done: ReadonlySet<string>): Record<string, unknown> {
  const base = { id: step.id, phase: step.phase, action: step.action, target: targetOf(step), title: stepTitle(step), done: done.has(step.id) };
  switch (step.action) {
    case 'scale-down':
      return { ...base, replicas: { from: step.workload.replicas, to: 0 } };
    case 'scale-up':
      return { ...base, replicas: { from: 0, to: step.workload.replicas } };
    case 'delete-indices':
      return { ...base, indices: step.indices };
    case 'restore-snapshot':
      return { ...base, indices: step.snapshot.indices };
    case 'delete-pvc':
      return { ...base, orphan: step.claim.orphan };
    case 'await-broker-restore':
      return { ...base, pods: step.pods };
    case 'verify-zeebe-data':
      return { ...base, pods: step.pods, partitions: step.partitions };
    default:
      return base;
  }
}

export function restoreReportJson(report: RestoreReport): Record<string, unknown> {
  const { plan } = report;
  const done = new Set(report.journal?.done ?? []);
  return {
    schemaVersion: 1,
    command: 'restore',
    state: report.state,
    release: plan.release,
    namespace: plan.namespace,
    camundaVersion: plan.camundaVersion,
    chartVersion: plan.chartVersion,
    mode: plan.mode,
    backupId: plan.backupId,
    ...(plan.restoreTo !== undefined ? { restoreTo: plan.restoreTo } : {}),
    ...(report.phase !== undefined ? { phase: report.phase } : {}),
    ...(report.error !== undefined ? { error: report.error } : {}),
    ...(report.clusterState ? { clusterState: report.clusterState } : {}),
    ...(report.continueCommand !== undefined ? { continueCommand: report.continueCommand } : {}),
    ...(report.commands ? { commands: report.commands } : {}),
    ...(report.durationMs !== undefined ? { durationMs: report.durationMs } : {}),
    ...(report.next ? { next: report.next } : {}),
    ...(report.journalName !== undefined
      ? {
          journal: {
            configMap: report.journalName,
            state: report.journal?.state ?? null,
            runs: report.journal?.runs ?? 0,
            ...(report.journalUnwritten !== undefined ? { written: false, writeError: report.journalUnwritten, meaning: JOURNAL_UNWRITTEN_MEANS } : {}),
          },
        }
      : {}),
    plan: plan.steps.map((step) => stepJson(step, done)),
    workloads: plan.workloads,
    indices: {
      where: plan.searchWhere ?? null,
      prefixes: plan.indexPrefixes,
      delete: plan.indices,
      keep: plan.keptIndices?.indices ?? [],
      ...(plan.keptIndices ? { keepReason: plan.keptIndices.reason } : {}),
    },
    snapshots: plan.snapshots,
    persistentVolumeClaims: plan.claims,
    statefulSet: {
      name: plan.restoreMode.statefulSet,
      container: plan.restoreMode.container,
      setEnv: plan.restoreMode.setEnv.map((e) => ({ name: e.name, value: e.value ?? null })),
      removeEnv: plan.restoreMode.removeEnv,
      probesOff: plan.restoreMode.probesOff,
    },
    ...(plan.webModelerDump !== undefined ? { webModelerDump: plan.webModelerDump } : {}),
    notRestored: plan.notRestored,
    warnings: plan.warnings,
  };
}

export function renderRestoreJson(report: RestoreReport): string {
  return `${JSON.stringify(restoreReportJson(report), null, 2)}\n`;
}

const PHASE_TITLES: Readonly<Record<string, string>> = {
  'stop-workloads': 'Stop the Camunda applications (their replicas are recorded)',
  'restore-database': 'The Camunda database (RDBMS): yours to restore while Camunda is stopped',
  'delete-indices': "Delete Camunda's indices, one by one by exact name",
  'restore-snapshots': 'Restore the snapshots of the backup (include_global_state: false)',
  'delete-zeebe-volumes': "Delete the Zeebe data PVCs (the brokers' pods are gone)",
  'restore-zeebe': "Restore Zeebe through the chart's start script",
  'leave-restore-mode': 'Remove every restore change and start Zeebe',
  'start-workloads': 'Start the other applications at their recorded replicas',
  verify: 'Verify',
  'web-modeler': 'Web Modeler',
};

/** The plan as text: every step by exact name, grouped by phase, marked when a journal says it is done. */
export function renderRestorePlanText(plan: RestorePlan, journal?: RestoreJournal): string {
  const done = new Set(journal?.done ?? []);
  const what = plan.mode === 'rdbms' ? `Zeebe against the restored database${plan.restoreTo ? ` (up to ${plan.restoreTo})` : ''}` : `backup ${plan.backupId ?? ''}`;
  const lines = [`Restore plan: ${what} into release ${plan.release} (namespace ${plan.namespace}, Camunda ${plan.camundaVersion}, chart ${plan.chartVersion})`];
  if (journal) lines.push(`Continuing the restore started ${journal.startedAt}: ${journal.done.length} of ${plan.steps.length} steps done, last phase ${journal.phase} (${journal.state})`);
  let phase = '';
  plan.steps.forEach((step, index) => {
    if (step.phase !== phase) {
      phase = step.phase;
      lines.push('', `${PHASE_TITLES[phase] ?? phase}:`);
    }
    lines.push(`  ${String(index + 1).padStart(3)}. ${done.has(step.id) ? '[done] ' : ''}${stepTitle(step)}`);
    if (step.action === 'patch-restore-mode') {
      const mode = plan.restoreMode;
      lines.push(`       container ${mode.container}: set ${mode.setEnv.map((e) => `${e.name}=${e.value ?? ''}`).join(', ')}`);
      if (mode.removeEnv.length > 0) lines.push(`       remove ${mode.removeEnv.join(', ')}`);
      if (mode.probesOff.length > 0) lines.push(`       switch off ${mode.probesOff.join(', ')} for the restore run`);
    }
    if (step.action === 'revert-restore-mode') lines.push('       the exact inverse: the env and probes as they were before');
    if (step.action === 'delete-indices' && step.indices.length > 1) lines.push(...step.indices.map((index) => `       - ${index}`));
  });
  if (plan.mode === 'backup-id') {
    lines.push('', `Indices of this release: the names that start with ${plan.indexPrefixes.join(', ') || '(none)'} (its configured index prefixes); no other index is touched.`);
    if (plan.indices.length === 0) lines.push('No Camunda index exists: nothing to delete.');
    const kept = plan.keptIndices;
    if (kept && kept.indices.length > 0) lines.push(`Kept, not deleted: ${kept.indices.length} ${kept.reason}:`, ...kept.indices.map((index) => `  - ${index}`));
  }
  lines.push('', 'Not restored by this run:', ...plan.notRestored.map((n) => `  - ${n}`));
  if (plan.warnings.length > 0) lines.push('', 'Warnings:', ...plan.warnings.map((w) => `  - ${w}`));
  return `${lines.join('\n')}\n`;
}

/** The outcome of a run as text. */
export function renderRestoreOutcomeText(report: RestoreReport): string {
  const { plan } = report;
  const what = plan.mode === 'rdbms' ? 'Zeebe (RDBMS mode)' : `backup ${plan.backupId ?? ''}`;
  const lines = [`Restore of ${what} into release ${plan.release}: ${report.state}${report.durationMs !== undefined ? ` after ${Math.round(report.durationMs / 100) / 10}s` : ''}`];
  if (report.phase !== undefined && report.state !== 'COMPLETED') lines.push(`Phase: ${report.phase}`);
  if (report.error !== undefined) lines.push(`Error: ${report.error}`);
  if (report.clusterState && report.clusterState.length > 0) lines.push('Cluster state:', ...report.clusterState.map((s) => `  - ${s}`));
  if (report.commands && report.commands.length > 0) lines.push('Take restore mode off by hand with:', ...report.commands.map((c) => `  ${c}`));
  if (report.next && report.next.length > 0) lines.push('Next:', ...report.next.map((n, i) => `  ${i + 1}. ${n}`));
  if (report.continueCommand !== undefined) lines.push(`Continue with: ${report.continueCommand}`);
  if (report.journalName !== undefined) lines.push(`Journal: configmap/${report.journalName}`);
  if (report.journalUnwritten !== undefined) lines.push(`JOURNAL NOT WRITTEN: ${report.journalUnwritten}`, `  What it means: ${JOURNAL_UNWRITTEN_MEANS}`);
  if (report.state === 'COMPLETED') lines.push('Not restored by this run:', ...plan.notRestored.map((n) => `  - ${n}`));
  return `${lines.join('\n')}\n`;
}

/** `restore --status`: the journal. */
export function renderRestoreStatusText(journal: RestoreJournal, journalName: string, continueCommand?: string, abandonCommand?: string): string {
  const { plan } = journal;
  const current = journal.current !== undefined ? plan.steps.find((s) => s.id === journal.current) : undefined;
  const lines = [
    `Restore of ${plan.mode === 'rdbms' ? 'Zeebe (RDBMS mode)' : `backup ${plan.backupId ?? ''}`} into release ${plan.release}: ${journal.state}`,
    `Phase:        ${journal.phase}`,
    `Steps done:   ${journal.done.length} of ${plan.steps.length}${current ? ` (stopped in: ${stepTitle(current)})` : ''}`,
    `Started:      ${journal.startedAt}`,
    `Updated:      ${journal.updatedAt}`,
    `Runs:         ${journal.runs}`,
    `Restore mode: ${journal.restoreModeOn ? `ON (statefulset/${plan.restoreMode.statefulSet})` : 'off'}`,
    `Replicas:     ${plan.workloads.map((w) => `${w.kind.toLowerCase()}/${w.name}=${w.replicas}`).join(', ')}`,
  ];
  if (journal.error) lines.push(`Last error:   ${journal.error}`);
  if (journal.state === 'WAITING_FOR_DATABASE') lines.push("Next:         restore the Camunda database with the vendor's tools now (every Camunda workload is stopped), then continue");
  if (continueCommand !== undefined && isUnfinished(journal)) lines.push(`Continue with: ${continueCommand}`);
  if (abandonCommand !== undefined && isUnfinished(journal)) lines.push(`Or abandon it: ${abandonCommand}`);
  lines.push(`Journal:      configmap/${journalName}`);
  return `${lines.join('\n')}\n`;
}

export function restoreStatusJson(journal: RestoreJournal, journalName: string, continueCommand?: string, abandonCommand?: string): string {
  const { plan } = journal;
  return `${JSON.stringify(
    {
      schemaVersion: 1,
      command: 'restore',
      journal: journalName,
      state: journal.state,
      phase: journal.phase,
      release: plan.release,
      namespace: plan.namespace,
      mode: plan.mode,
      backupId: plan.backupId,
      startedAt: journal.startedAt,
      updatedAt: journal.updatedAt,
      runs: journal.runs,
      restoreModeOn: journal.restoreModeOn,
      current: journal.current ?? null,
      error: journal.error ?? null,
      workloads: plan.workloads,
      ...(continueCommand !== undefined && isUnfinished(journal) ? { continueCommand } : {}),
      ...(abandonCommand !== undefined && isUnfinished(journal) ? { abandonCommand } : {}),
      plan: plan.steps.map((step) => stepJson(step, new Set(journal.done))),
    },
    null,
    2,
  )}\n`;
}
