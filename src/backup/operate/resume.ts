/**
 * Resuming Zeebe exporting: the cleanup of every create run that paused, and the `resume` command that recovers
 * a run that could not. A soft pause survives restarts, so a forgotten one grows the brokers' disks until someone
 * resumes (camunda-backup-api.md §3.5, §9).
 */
import type { Installation } from '../../camunda/installation.js';
import { refuseUnsupportedTopology } from '../../camunda/resolve-topology.js';
import { messageOf, PreconditionError } from '../../errors.js';
import type { Reporter } from '../../events.js';
import type { AccessMode, Connector } from '../../reach/component-http.js';
import { openPool, type ConnectionPool } from '../connections.js';
import { DEFAULT_RESUME_RETRY_DELAYS_MS, resumeCommandFor, resumeWithRetries } from '../exporting.js';
import { layoutOf, partOf } from '../layout.js';
import type { ClusterFlags } from '../../kube/cluster-flags.js';

export interface ResumeOptions {
  /** For the manual command in the result when resuming fails. */
  readonly access?: AccessMode | undefined;
  /** How the manual command reaches this cluster. */
  readonly cluster?: ClusterFlags | undefined;
  readonly retryDelaysMs?: readonly number[] | undefined;
  readonly requestTimeoutMs?: number | undefined;
}

export interface ResumeResult {
  readonly resumed: boolean;
  /** "pod/camunda-zeebe-gateway-0:9600". */
  readonly target: string;
  readonly attempts: number;
  readonly durationMs: number;
  /** The component's words when resuming failed. */
  readonly message?: string | undefined;
  /** Only when resumed is false (and an access mode was given). */
  readonly resumeCommand?: string | undefined;
}

export interface ResumeDeps {
  readonly connect: Connector;
  /** The command's pool, when it reads the brokers back through the same connections; else one of its own. */
  readonly pool?: ConnectionPool | undefined;
  readonly emit: Reporter;
  /** Stops the retries between attempts (Ctrl-C). */
  readonly signal: AbortSignal;
  readonly now?: (() => number) | undefined;
}

/**
 * Resumes exporting once, idempotently: safe on a cluster that is not paused. Connection failures throw the
 * connector's CliError (exit 3); a resume the cluster refuses is a result with resumed=false.
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
  let attempts = 0;
  try {
    // The resume call itself is not cut short by Ctrl-C (only the retries stop): half a resume helps no one.
    const api = await pool.api(zeebe, { signal: null });
    deps.emit({ kind: 'step-started', step: 'resume-exporting', title: 'Resume Zeebe exporting' });
    try {
      attempts = await resumeWithRetries(
        api,
        installation.procedure.exportingResumePath,
        options.retryDelaysMs ?? DEFAULT_RESUME_RETRY_DELAYS_MS,
        (message) => {
          attempts++;
          deps.emit({ kind: 'step-progress', step: 'resume-exporting', message });
        },
        deps.signal,
      );
      const durationMs = now() - started;
      deps.emit({ kind: 'step-succeeded', step: 'resume-exporting', durationMs, message: 'exporting resumed' });
      return { resumed: true, target: zeebe.where, attempts, durationMs };
    } catch (error) {
      const message = messageOf(error);
      deps.emit({ kind: 'step-failed', step: 'resume-exporting', message });
      return {
        resumed: false,
        target: zeebe.where,
        attempts: attempts + 1,
        durationMs: now() - started,
        message,
        resumeCommand: options.access ? resumeCommandFor(installation, options.access, options.cluster ?? {}) : undefined,
      };
    }
  } finally {
    if (!deps.pool) await pool.close();
  }
}
