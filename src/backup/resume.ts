/**
 * Resuming Zeebe exporting: the cleanup of every create run that paused, and the `resume` command that recovers
 * a run that could not. A soft pause survives restarts, so a forgotten one grows the brokers' disks until someone
 * resumes (camunda-backup-api.md §3.5, §9).
 */
import type { Installation } from '../camunda/installation.js';
import { managementApi, type ManagementApi } from '../camunda/management-api.js';
import { refuseUnsupportedTopology } from '../camunda/resolve-topology.js';
import { messageOf, PreconditionError } from '../errors.js';
import type { AccessMode } from '../reach/component-http.js';
import type { RunDeps } from './create.js';
import { sleep } from './wait-for-state.js';

export const DEFAULT_RESUME_RETRY_DELAYS_MS: readonly number[] = [250, 1_000, 3_000];

/**
 * Resumes, retrying after each delay (resume is idempotent). Resolves with the number of attempts; throws the
 * last error when every attempt failed. Between attempts `signal` may stop the retries (the `resume` command's
 * Ctrl-C); a create run's cleanup passes none, because it must try whatever happens.
 */
export async function resumeWithRetries(
  api: ManagementApi,
  path: string,
  retryDelaysMs: readonly number[],
  onRetry: (message: string) => void,
  signal?: AbortSignal,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      await api.resumeExporting(path);
      return attempt;
    } catch (error) {
      const delay = retryDelaysMs[attempt - 1];
      if (delay === undefined || signal?.aborted) throw error;
      onRetry(`attempt ${attempt} of ${retryDelaysMs.length + 1} failed: ${messageOf(error)}; retrying in ${delay} ms`);
      await (signal ? sleep(delay, signal) : new Promise((resolve) => setTimeout(resolve, delay)));
    }
  }
}

export interface ResumeOptions {
  /** For the manual command in the result when resuming fails. */
  readonly access?: AccessMode | undefined;
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

/**
 * Resumes exporting once, idempotently: safe on a cluster that is not paused. Connection failures throw the
 * connector's CliError (exit 3); a resume the cluster refuses is a result with resumed=false.
 */
export async function runResume(installation: Installation, deps: RunDeps, options: ResumeOptions = {}): Promise<ResumeResult> {
  refuseUnsupportedTopology(installation, 'resume');
  const zeebe = installation.components.find((component) => component.part === 'zeebe');
  if (!zeebe) {
    throw new PreconditionError(`no Zeebe gateway or orchestration pod found for release "${installation.release}" in namespace "${installation.namespace}"`);
  }
  const now = deps.now ?? Date.now;
  const target = `pod/${zeebe.target.pod}:${zeebe.target.port}`;
  const started = now();
  const http = await deps.connect({ kind: 'pod', pod: zeebe.target });
  deps.emit({ kind: 'step-started', step: 'resume-exporting', title: 'Resume Zeebe exporting' });
  let attempts = 0;
  try {
    const api = managementApi({ http, emit: deps.emit, requestTimeoutMs: options.requestTimeoutMs ?? 30_000 }, zeebe.basePath);
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
    return { resumed: true, target, attempts, durationMs };
  } catch (error) {
    const message = messageOf(error);
    deps.emit({ kind: 'step-failed', step: 'resume-exporting', message });
    return {
      resumed: false,
      target,
      attempts: attempts + 1,
      durationMs: now() - started,
      message,
      resumeCommand: options.access ? resumeCommandFor(installation, options.access) : undefined,
    };
  } finally {
    await http.close().catch(() => undefined);
  }
}

/**
 * The exact commands that resume exporting by hand: this tool's `resume`, and the raw call through the same
 * access mode for when the tool itself is what fails. The raw call answers HTTP 200 either way; only
 * `"status":204` in its body means resumed.
 */
export function resumeCommandFor(installation: Installation, access: AccessMode): string {
  const ns = installation.namespace;
  const tool = `kubectl camunda-backup resume -n ${ns} --release ${installation.release} --access ${access}`;
  const zeebe = installation.components.find((component) => component.part === 'zeebe');
  if (!zeebe) return tool;
  const { pod, container, port } = zeebe.target;
  const path = `${zeebe.basePath}${installation.procedure.exportingResumePath}`;
  const raw =
    access === 'exec'
      ? `kubectl exec -n ${ns} ${pod} -c ${container} -- curl -sS -X POST http://localhost:${port}${path}`
      : `kubectl port-forward -n ${ns} pod/${pod} ${port}:${port} & sleep 2; curl -sS -X POST http://127.0.0.1:${port}${path}; kill $!`;
  return `${tool}\n${raw}`;
}
