import type { Reporter } from '../events.js';
import type { buildCreatePlan, describeCreatePlan, runCreatePlan } from '../backup/take/create.js';
import type { discoverInstallation } from '../camunda/discover.js';
import type { KubeClientOptions } from '../kube/create-kube-client.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { ProgressStream } from '../output/reporter.js';
import type { AccessMode, Connector } from '../reach/component-http.js';

/** The backup procedure as the create command uses it; tests pass fakes. */
export interface CreateBackupApi {
  readonly discoverInstallation: typeof discoverInstallation;
  readonly buildCreatePlan: typeof buildCreatePlan;
  readonly describeCreatePlan: typeof describeCreatePlan;
  readonly runCreatePlan: typeof runCreatePlan;
}

/**
 * Everything a command needs from the outside world; main.ts builds the real one, tests a fake one. The Kubernetes
 * client and the backup procedure come from async factories so that their modules (client-node, zod, yaml) load
 * only when a command runs: `--help` stays fast.
 */
export interface CliDeps {
  /** Results only. */
  readonly stdout: { write(chunk: string): unknown };
  /** Progress, warnings and errors. */
  readonly stderr: ProgressStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on a terminating signal (SIGINT, SIGTERM, SIGHUP, …); the reason is the signal's name. */
  readonly signal: AbortSignal;
  /** Aborted on the second terminating signal: gives up retrying the resume of exporting (which the first does not stop). */
  readonly giveUp?: AbortSignal | undefined;
  readonly now: () => number;
  readonly createKubeClient: (options: KubeClientOptions) => Promise<KubeClient>;
  /** `execPod`: --exec-pod/--exec-container, which run every exec-mode call to a component pod. */
  readonly createConnector: (kube: KubeClient, access: AccessMode, emit?: Reporter, execPod?: { readonly pod: string; readonly container?: string | undefined }) => Connector;
  readonly loadBackupApi: () => Promise<CreateBackupApi>;
}
