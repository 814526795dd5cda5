/**
 * Never two changing runs at once (create, delete, resume): each holds the release's Lease for its run
 * (src/kube/release-lease.ts), and create also refuses to start while exporting is already paused, because then
 * either another backup is running or an earlier one died paused, and a second pause/resume would end the first
 * run's window. Where RBAC forbids Leases this is said once and the exporter check is what is left.
 * Between a failed or interrupted restore and its continuation the Lease is free: create, delete and resume also
 * refuse, holding it, while the release's restore journal says that restore is unfinished (unfinished-restore.ts).
 */
import { openPool } from '../../backup/connections.js';
import { findBrokers, pausedPartitions, readExporterStates, resumeToolCommand } from '../../backup/exporting.js';
import type { Installation } from '../../camunda/installation.js';
import { PreconditionError } from '../../errors.js';
import type { Reporter } from '../../events.js';
import { clusterFlagsOf, clusterFlagsText } from '../../kube/cluster-flags.js';
import type { KubeClient } from '../../kube/kube-client.js';
import { acquireReleaseLock, holderIdentity, leaseNameFor } from '../../kube/release-lease.js';
import type { Connector } from '../../reach/component-http.js';
import type { CliDeps } from '../cli-deps.js';
import type { GlobalOptions } from '../global-options.js';
import { refuseWhileRestoreUnfinished } from './unfinished-restore.js';

export type ChangingCommand = 'create' | 'delete' | 'resume' | 'restore';

export interface ReleaseLockContext {
  readonly command: ChangingCommand;
  readonly options: GlobalOptions;
  readonly deps: Pick<CliDeps, 'now'>;
  readonly kube: KubeClient;
  readonly installation: Pick<Installation, 'namespace' | 'release'>;
  readonly emit: Reporter;
  /** Written on the Lease (create: the backup ID it takes). */
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

/** The flags a printed command needs to reach the cluster this run reached. */
function sameClusterFlags(context: Pick<ReleaseLockContext, 'options' | 'kube'>, namespace: string): string {
  return clusterFlagsText(clusterFlagsOf(context.options, context.kube.contextName), namespace);
}

/**
 * Runs `body` holding the release's Lease, released on every way out (result, error, signal). `body` learns whether
 * it holds the Lease (false where RBAC forbids Leases). Every command but restore (which reads the journal itself to
 * continue it) refuses first while a restore of the release is unfinished: checked holding the Lease, so no restore
 * can start between the check and the body.
 */
export async function withReleaseLock<T>(context: ReleaseLockContext, body: (locked: boolean) => Promise<T>): Promise<T> {
  const { installation } = context;
  const flags = sameClusterFlags(context, installation.namespace);
  const lock = await acquireReleaseLock(context.kube, {
    namespace: installation.namespace,
    release: installation.release,
    holder: holderIdentity(context.command),
    now: context.deps.now,
    onWarning: (message) => context.emit({ kind: 'warning', message }),
    deleteCommand: `kubectl delete lease ${leaseNameFor(installation.release)} ${flags}`,
    annotations: context.annotations,
  });
  if (lock.kind === 'forbidden') {
    context.emit({
      kind: 'warning',
      message:
        `cannot lock release ${installation.release} against a concurrent run (${lock.message}); ` +
        `${context.command === 'create' ? 'relying on the paused-exporter check only' : 'going on without the lock'}. ` +
        'Grant get, create, update and delete on leases (coordination.k8s.io) in the namespace (README: RBAC)',
    });
    await refuseWhileRestoring(context);
    return body(false);
  }
  if (lock.tookOver) context.emit({ kind: 'warning', message: `took over the expired lock of release ${installation.release} left by ${lock.previousHolder ?? 'an earlier run'}` });
  try {
    await refuseWhileRestoring(context);
    return await body(true);
  } finally {
    await lock.release();
  }
}

async function refuseWhileRestoring(context: ReleaseLockContext): Promise<void> {
  if (context.command === 'restore') return;
  await refuseWhileRestoreUnfinished({ command: context.command, options: context.options, kube: context.kube, place: context.installation, emit: context.emit });
}

export interface PausedCheckContext {
  readonly options: GlobalOptions;
  readonly kube: KubeClient;
  readonly installation: Installation;
  readonly connect: Connector;
  readonly emit: Reporter;
  readonly signal: AbortSignal;
  /** --force: go on anyway, with a warning. */
  readonly force: boolean;
}

/**
 * Exit 3 when any broker reports a paused or soft-paused partition. Brokers that cannot be read do not block (check
 * says more); the create run itself would then fail on the pause.
 */
export async function refuseWhenExportingPaused(context: PausedCheckContext): Promise<void> {
  const pool = openPool({ connect: context.connect, emit: context.emit, signal: context.signal });
  let paused: ReturnType<typeof pausedPartitions>;
  try {
    paused = pausedPartitions(await readExporterStates(await findBrokers(context.kube, context.installation), pool));
  } finally {
    await pool.close();
  }
  if (paused.length === 0) return;
  const { installation } = context;
  const where = [...new Set(paused.map((p) => `${p.partitionId} ${p.exporterPhase}`))].join(', ');
  const message = `Zeebe exporting of release ${installation.release} is already paused (partition ${where}): another backup is running, or an earlier one ended without resuming`;
  const resume = resumeToolCommand(installation, context.options.access, clusterFlagsOf(context.options, context.kube.contextName));
  if (context.force) {
    context.emit({ kind: 'warning', message: `${message}; going on because of --force (this run resumes exporting when it ends)` });
    return;
  }
  throw new PreconditionError(message, { hint: `if no other backup runs, resume first: ${resume}; or pass --force to back up anyway` });
}
