/**
 * Resuming Zeebe exporting: the cleanup of every create run that paused, and the `resume` command that recovers
 * a run that could not. A soft pause survives restarts, so a forgotten one grows the brokers' disks until someone
 * resumes (camunda-backup-api.md §3.5, §9).
 */
import type { Installation } from '../../camunda/installation.js';
import { refuseUnsupportedTopology } from '../../camunda/resolve-topology.js';
import { PreconditionError } from '../../errors.js';
import type { Reporter } from '../../events.js';
import type { ClusterFlags } from '../../kube/cluster-flags.js';
import type { KubeClient } from '../../kube/kube-client.js';
import type { AccessMode, Connector } from '../../reach/component-http.js';
import { openPool, type ConnectionPool } from '../connections.js';
import { resumeCommandFor } from '../exporting.js';
import { layoutOf, partOf } from '../layout.js';
import { DEFAULT_RESUME_TIMING, resumeUntilConfirmed, type ResumedPartition, type ResumeTiming } from '../resume-exporting.js';

export interface ResumeOptions {
  /** For the manual command in the result when resuming fails. */
  readonly access?: AccessMode | undefined;
  /** How the manual command reaches this cluster. */
  readonly cluster?: ClusterFlags | undefined;
  /** How long and how often to retry (--resume-timeout); default 5 min with back-off. */
  readonly timing?: ResumeTiming | undefined;
  readonly requestTimeoutMs?: number | undefined;
}

export interface ResumeResult {
  readonly resumed: boolean;
  /** Where the last attempt went: "pod/camunda-zeebe-gateway-0:9600" (another pod behind the Service when that one did not answer). */
  readonly target: string;
  readonly attempts: number;
  readonly durationMs: number;
  /** The component's words when resuming failed. */
  readonly message?: string | undefined;
  /** Only when resumed is false (and an access mode was given). */
  readonly resumeCommand?: string | undefined;
  /** The retries were stopped by a signal before they succeeded or ran out. */
  readonly stopped: boolean;
  /** What the brokers reported after the resume; undefined when they were not read. */
  readonly partitions?: readonly ResumedPartition[] | undefined;
  /** What could not be confirmed. */
  readonly warnings: readonly string[];
}

export interface ResumeDeps {
  readonly connect: Connector;
  /** The command's pool, when it reads the brokers back through the same connections; else one of its own. */
  readonly pool?: ConnectionPool | undefined;
  /** Fails over to another Ready pod behind the Service, and reads the brokers back; without it neither happens. */
  readonly kube?: Pick<KubeClient, 'readService' | 'listPods'> | undefined;
  readonly emit: Reporter;
  /** Stops the retries (Ctrl-C). */
  readonly signal: AbortSignal;
  readonly now?: (() => number) | undefined;
}

/**
 * Resumes exporting, idempotently: safe on a cluster that is not paused. Retried with back-off until the brokers
 * confirm it or the timing runs out; a resume that does not succeed is a result with resumed=false, never a throw.
 */
export async function runResume(installation: Installation, deps: ResumeDeps, options: ResumeOptions = {}): Promise<ResumeResult> {
  refuseUnsupportedTopology(installation, 'resume');
  const zeebe = partOf(layoutOf(installation), 'zeebe');
  if (!zeebe?.target) {
    throw new PreconditionError(`no Zeebe gateway or orchestration pod found for release "${installation.release}" in namespace "${installation.namespace}"`);
  }
  const now = deps.now ?? Date.now;
  const started = now();
  const pool = deps.pool ?? openPool({ connect: deps.connect, emit: deps.emit, requestTimeoutMs: options.requestTimeoutMs });
  try {
    deps.emit({ kind: 'step-started', step: 'resume-exporting', title: 'Resume Zeebe exporting' });
    const outcome = await resumeUntilConfirmed(
      { zeebe, resumePath: installation.procedure.exportingResumePath, namespace: installation.namespace, release: installation.release },
      { pool, kube: deps.kube, emit: deps.emit, stop: deps.signal, timing: options.timing ?? DEFAULT_RESUME_TIMING, now },
    );
    const durationMs = now() - started;
    const common = { target: outcome.target, attempts: outcome.attempts, durationMs, stopped: outcome.stopped, partitions: outcome.partitions, warnings: outcome.warnings };
    if (outcome.resumed) {
      deps.emit({ kind: 'step-succeeded', step: 'resume-exporting', durationMs, message: outcome.target === zeebe.where ? 'exporting resumed' : `exporting resumed through ${outcome.target}` });
      return { resumed: true, ...common };
    }
    const message = outcome.message ?? 'no answer';
    deps.emit({ kind: 'step-failed', step: 'resume-exporting', message: outcome.stopped ? `stopped after ${outcome.attempts} attempt(s): ${message}` : message });
    return {
      resumed: false,
      ...common,
      message,
      resumeCommand: options.access ? resumeCommandFor(installation, options.access, options.cluster ?? {}) : undefined,
    };
  } finally {
    if (!deps.pool) await pool.close();
  }
}
