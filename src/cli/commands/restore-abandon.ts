/**
 * `restore --abandon`: the release's journal → the checks the abandon can still run (permissions, the recorded
 * workloads still exist) → what it does and what the data is, and the confirmation (the release name, or --yes) →
 * under the release's Lease: restore mode off, the workloads started at their recorded replicas, the journal
 * ABANDONED (abandon.ts) → report on stdout → exit code (4 failed, 5 restore mode could not be taken off).
 * No discovery: the applications are stopped by the restore; the Helm release Secrets and the journal say enough.
 */
import { abandonRestore, abandonedDataState, workloadsOf, type AbandonOutcome } from '../../backup/restore/abandon.js';
import { brokerStatefulSetName } from '../../backup/restore/checks-facts.js';
import { DEFAULT_RESTORE_TIMING } from '../../backup/restore/execute.js';
import { isUnfinished, journalNameFor, openJournal, readJournal, type RestoreJournal } from '../../backup/restore/journal.js';
import { restoredWhat } from '../../backup/restore/unfinished.js';
import { findCamundaRelease } from '../../camunda/discover.js';
import { BackupFailedError, CleanupFailedError, InterruptedError, PreconditionError } from '../../errors.js';
import { clusterFlagsOf, kubectlCommand, toolCommand } from '../../kube/cluster-flags.js';
import type { AccessCheck, KubeClient } from '../../kube/kube-client.js';
import type { WorkloadClient } from '../../kube/workload-client.js';
import type { CliDeps } from '../cli-deps.js';
import { createCommandReporter } from './command-reporter.js';
import { openCluster, signalName } from './open-installation.js';
import { confirmRestore, requireConfirmable, type DestructiveParts, type RestoreConfirmIo } from './restore-confirm.js';
import { restoreCommandTarget } from './restore-commands.js';
import type { RestoreCommandOptions } from './restore-options.js';

export async function runAbandonCommand(options: RestoreCommandOptions, deps: CliDeps, io: RestoreConfirmIo): Promise<void> {
  // Without a way to confirm, nothing else matters: refuse before any cluster call.
  requireConfirmable(options, io);
  const reporter = createCommandReporter(options, deps);
  try {
    const { kube } = await openCluster(options, deps, reporter.emit);
    const namespace = kube.namespace;
    const release = (await findCamundaRelease(kube.withSignal(deps.signal), namespace, options.release)).release.name;
    const journalDeps = { configMaps: kube.configMaps, now: deps.now };
    const existing = await readJournal(journalDeps, namespace, release);
    const flags = { cluster: clusterFlagsOf(options, kube.contextName), namespace };
    if (!existing) throw new PreconditionError(`release ${release} has no restore journal: there is no restore to abandon; nothing was changed`);
    if ('unreadable' in existing.journal) {
      throw new PreconditionError(`the restore journal cannot be read: ${existing.journal.unreadable}; nothing was changed`, {
        hint: `look at it (${kubectlCommand(`get configmap ${journalNameFor(release)} -o yaml`, flags)}) and delete it if no restore is under way`,
      });
    }
    const journal = existing.journal;
    if (!isUnfinished(journal)) throw new PreconditionError(`the last restore of release ${release} is ${journal.state}: there is no unfinished restore to abandon; nothing was changed`);
    const plan = journal.plan;
    const { createWorkloadClient } = await import('../../kube/create-workload-client.js');
    const workloads = createWorkloadClient({ kubeconfig: options.kubeconfig, context: options.context, namespace: options.namespace, requestTimeoutMs: options.requestTimeoutMs, env: deps.env });

    await refuseWhenAbandonCannotRun(journal, kube, workloads);
    if (deps.signal.aborted) throw new InterruptedError(signalName(deps.signal), { hint: 'stopped before the abandon started; nothing was changed' });
    await confirmRestore(abandonPartsOf(journal), options, io, deps.stderr, deps.signal);

    const { withReleaseLock } = await import('./release-lock.js');
    const outcome = await withReleaseLock({ command: 'restore', options, deps, kube, installation: { namespace, release }, emit: reporter.emit }, async () => {
      const handle = await openJournal(journalDeps, plan, { record: existing.record, journal }, undefined);
      return abandonRestore(plan, {
        kube,
        workloads,
        journal: handle,
        emit: reporter.emit,
        signal: deps.signal,
        timing: { ...DEFAULT_RESTORE_TIMING, workloadTimeoutMs: options.waitTimeoutMs, pollMs: options.pollIntervalMs },
        cluster: flags.cluster,
      });
    });
    reporter.close();
    const restoreAnother = toolCommand('restore <backupId>', restoreCommandTarget(options, kube.contextName, { namespace, release }), ['--yes']);
    const again = toolCommand('restore --abandon', restoreCommandTarget(options, kube.contextName, { namespace, release }), ['--yes']);
    deps.stdout.write(options.output === 'json' || options.output === 'yaml' ? await abandonDocument(outcome, journal, options.output, restoreAnother) : abandonText(outcome, journal, restoreAnother, again));
    const error = abandonError(outcome, again, deps.signal);
    if (error) throw error;
  } finally {
    reporter.close();
  }
}

/**
 * The abandon needs only a few verbs, and the workloads the journal recorded: without them it would stop half-way.
 * Asked before the confirmation: exit 3 naming every missing permission and workload, nothing changed.
 */
async function refuseWhenAbandonCannotRun(journal: RestoreJournal, kube: KubeClient, workloads: WorkloadClient): Promise<void> {
  const plan = journal.plan;
  const namespace = plan.namespace;
  const brokers = brokerStatefulSetName(plan.release);
  const checks: AccessCheck[] = [
    { namespace, verb: 'get', group: 'apps', resource: 'statefulsets' },
    { namespace, verb: 'get', group: 'apps', resource: 'deployments' },
    { namespace, verb: 'patch', group: 'apps', resource: 'statefulsets', subresource: 'scale', name: brokers },
    { namespace, verb: 'patch', group: 'apps', resource: 'statefulsets', name: brokers },
    { namespace, verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale' },
    { namespace, verb: 'list', resource: 'pods' },
    { namespace, verb: 'update', resource: 'configmaps', name: journalNameFor(plan.release) },
  ];
  const results = await kube.checkAccess(checks);
  const denied = checks.filter((_, index) => results[index]?.allowed !== true).map((c) => `${c.verb} ${c.resource}${c.subresource ? `/${c.subresource}` : ''}${c.name ? ` ${c.name}` : ''}`);
  const present = await Promise.all(workloadsOf(plan).map(async (w) => ((await workloads.readWorkload({ kind: w.kind, namespace, name: w.name })) ? undefined : `${w.kind.toLowerCase()}/${w.name}`)));
  const missing = present.filter((name): name is string => name !== undefined);
  const problems = [...(denied.length > 0 ? [`the identity may not ${denied.join(', ')}`] : []), ...(missing.length > 0 ? [`recorded workloads no longer exist: ${missing.join(', ')}`] : [])];
  if (problems.length === 0) return;
  throw new PreconditionError(`restore --abandon refused: ${problems.join('; ')}; nothing was changed`, {
    hint: denied.length > 0 ? 'bind the restore Role from the README (RBAC)' : 'reinstall the release (helm upgrade) so that its workloads exist again, then abandon',
  });
}

/** What the abandon does, above the prompt: the restore it gives up, the data as it is, what it starts again. */
function abandonPartsOf(journal: RestoreJournal): DestructiveParts {
  const plan = journal.plan;
  return {
    release: plan.release,
    namespace: plan.namespace,
    what: restoredWhat(plan),
    action: 'abandon the restore',
    heading: `Abandoning the restore of ${restoredWhat(plan)} into release ${plan.release} in namespace ${plan.namespace} (${journal.state} in phase ${journal.phase}) starts the applications on the data as it is now; nothing is brought back:`,
    sections: [
      { title: 'the data', items: abandonedDataState(journal) },
      ...(journal.restoreModeOn ? [{ title: `statefulset/${plan.restoreMode.statefulSet} taken out of restore mode`, items: plan.restoreMode.setEnv.map((e) => `${e.name} removed`) }] : []),
      { title: 'workloads started again at their recorded replicas', items: workloadsOf(plan).map((w) => `${w.kind.toLowerCase()}/${w.name} (${w.replicas})`) },
    ],
  };
}

function abandonText(outcome: AbandonOutcome, before: RestoreJournal, restoreAnother: string, again: string): string {
  const plan = before.plan;
  const lines = [`Restore of ${restoredWhat(plan)} into release ${plan.release}: ${outcome.state === 'ABANDONED' ? 'ABANDONED' : `abandoning ${outcome.state}`}`];
  lines.push('Data:', ...outcome.data.map((line) => `  - ${line}`));
  if (outcome.state === 'ABANDONED') {
    lines.push('Workloads:');
    for (const w of outcome.workloads) lines.push(`  ${w.kind.toLowerCase()}/${w.name}: ${w.before} → ${w.replicas} replica(s), ${w.notReady === undefined ? 'ready' : `NOT READY (${w.notReady})`}`);
    lines.push(`Another backup ID can now be restored: ${restoreAnother}`);
  } else {
    lines.push(`Error: ${outcome.message}`);
    if (outcome.state === 'CLEANUP_FAILED') lines.push('Take restore mode off by hand:', ...outcome.commands.map((c) => `  ${c}`));
    lines.push(`The restore is still unfinished; abandon it again with: ${again}`);
  }
  return `${lines.join('\n')}\n`;
}

async function abandonDocument(outcome: AbandonOutcome, before: RestoreJournal, format: 'json' | 'yaml', restoreAnother: string): Promise<string> {
  const plan = before.plan;
  const document = {
    schemaVersion: 1,
    command: 'restore',
    action: 'abandon',
    state: outcome.state,
    release: plan.release,
    namespace: plan.namespace,
    mode: plan.mode,
    backupId: plan.backupId,
    abandonedPhase: before.phase,
    data: outcome.data,
    ...(outcome.state === 'ABANDONED'
      ? { workloads: outcome.workloads.map((w) => ({ kind: w.kind, name: w.name, replicas: w.replicas, before: w.before, ready: w.notReady === undefined, ...(w.notReady !== undefined ? { notReady: w.notReady } : {}) })), restoreAnother }
      : { error: outcome.message, ...(outcome.state === 'CLEANUP_FAILED' ? { commands: outcome.commands } : {}) }),
  };
  if (format === 'json') return `${JSON.stringify(document, null, 2)}\n`;
  const { renderDocument } = await import('../../output/document.js');
  return renderDocument(document, 'yaml');
}

function abandonError(outcome: AbandonOutcome, again: string, signal: AbortSignal): Error | undefined {
  switch (outcome.state) {
    case 'ABANDONED': {
      const notReady = outcome.workloads.filter((w) => w.notReady !== undefined);
      if (notReady.length === 0) return undefined;
      if (signal.aborted) return new InterruptedError(signalName(signal), { hint: 'the restore is abandoned and the workloads were started; only the wait for them to get ready was stopped' });
      return new BackupFailedError(`the restore is abandoned, but ${notReady.map((w) => `${w.kind.toLowerCase()}/${w.name}`).join(', ')} did not get ready`, {
        hint: 'look at their pods (kubectl describe, kubectl logs); another backup ID can be restored all the same',
      });
    }
    case 'FAILED':
      return new BackupFailedError(`abandoning the restore failed: ${outcome.message}`, { hint: `the restore is still unfinished; fix the cause and abandon it again with: ${again}` });
    case 'CLEANUP_FAILED':
      return new CleanupFailedError(`the broker StatefulSet may still be in restore mode: ${outcome.message}`, { hint: `take it out by hand with the commands printed above, then abandon again with: ${again}` });
  }
}
