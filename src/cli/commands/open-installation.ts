/**
 * The start every command shares after its flags were read: the backup modules, the Kubernetes client from the
 * kubeconfig flags, and discovery (read-only) from the installation flags. Type imports only, so that `--help`
 * loads nothing heavy.
 */
import type { Reporter } from '../../events.js';
import type { DiscoveryOptions } from '../../camunda/discover.js';
import type { Installation } from '../../camunda/installation.js';
import type { KubeClient } from '../../kube/kube-client.js';
import type { Connector } from '../../reach/component-http.js';
import { clusterFlagsOf } from '../../kube/cluster-flags.js';
import { CliError, InterruptedError, isSignalName, messageOf, PreconditionError } from '../../errors.js';
import type { CliDeps, CreateBackupApi } from '../cli-deps.js';
import type { GlobalOptions } from '../global-options.js';
import { apiRequestLogger } from './command-reporter.js';

export interface OpenedCluster {
  readonly backup: CreateBackupApi;
  readonly kube: KubeClient;
}

export interface OpenedInstallation extends OpenedCluster {
  readonly installation: Installation;
}

/** The backup modules and a Kubernetes client; nothing is read from the cluster yet. */
export async function openCluster(options: GlobalOptions, deps: CliDeps, emit?: Reporter): Promise<OpenedCluster> {
  const backup = await deps.loadBackupApi();
  const onRequest = emit ? apiRequestLogger(options, emit) : undefined;
  const kube = await deps.createKubeClient({
    kubeconfig: options.kubeconfig,
    context: options.context,
    namespace: options.namespace,
    requestTimeoutMs: options.requestTimeoutMs,
    env: deps.env,
    ...(onRequest ? { onRequest } : {}),
  });
  return { backup, kube };
}

/** What discovery needs from the global flags; the namespace is the client's (the flag, else the context's). */
export function discoveryOptionsOf(options: GlobalOptions, kube: Pick<KubeClient, 'namespace' | 'contextName'>, extra: Pick<DiscoveryOptions, 'webModeler'> = {}): DiscoveryOptions {
  return {
    namespace: kube.namespace,
    cluster: clusterFlagsOf(options, kube.contextName),
    release: options.release,
    snapshotRepository: options.snapshotRepository,
    camundaVersion: options.camundaVersion,
    access: options.access,
    execPod: options.execPod,
    execContainer: options.execContainer,
    ...extra,
  };
}

/**
 * openCluster, then discovery, whose every call stops when `stop` aborts (default: the interrupt signal; create
 * adds its --timeout). Stopped, it throws InterruptedError or a timeout PreconditionError: nothing was changed.
 * The returned client is not bound to `stop`: what comes later (a resume) must not be cut short by it. `command`
 * names the command in the refusal when discovery fails because an unfinished restore stopped the applications.
 */
export async function openInstallation(
  options: GlobalOptions,
  deps: CliDeps,
  extra?: Pick<DiscoveryOptions, 'webModeler'>,
  stop: AbortSignal = deps.signal,
  emit?: Reporter,
  command?: string,
): Promise<OpenedInstallation> {
  const { backup, kube } = await openCluster(options, deps, emit);
  let installation: Installation;
  try {
    installation = await backup.discoverInstallation(kube.withSignal(stop), discoveryOptionsOf(options, kube, extra));
  } catch (error) {
    if (stop.aborted && !(error instanceof CliError)) throw stoppedBeforeAnyChange(stop, 'during discovery');
    // The applications may be stopped by an unfinished restore: then that is what the person needs to hear.
    if (command === undefined) throw error;
    const { explainDiscoveryFailure } = await import('./unfinished-restore.js');
    throw await explainDiscoveryFailure(error, command, options, kube);
  }
  // Discovery turns some failed reads into warnings; an abort among them must still stop here.
  if (stop.aborted) throw stoppedBeforeAnyChange(stop, 'during discovery');
  return { backup, kube, installation };
}

/** The error for a read-only phase stopped by a signal or by the run's deadline (its reason is an Error). */
export function stoppedBeforeAnyChange(stop: AbortSignal, during: string): CliError {
  const reason: unknown = stop.reason;
  if (isSignalName(reason)) return new InterruptedError(reason, { hint: `stopped ${during}; nothing was changed` });
  return new PreconditionError(`${messageOf(reason)} ${during}`, {
    hint: 'nothing was changed; the Kubernetes API server did not answer in time (see -v): check the cluster, or raise --timeout',
  });
}

/** --exec-pod/--exec-container run every exec-mode call from the chosen pod. */
export function connectorFor(options: GlobalOptions, deps: CliDeps, kube: KubeClient, emit: Reporter): Connector {
  return deps.createConnector(kube, options.access, emit, options.execPod === undefined ? undefined : { pod: options.execPod, container: options.execContainer });
}

/** The signal that aborted a run: CliDeps.signal carries its name ('SIGINT', 'SIGHUP', …) as the reason. */
export function signalName(signal: AbortSignal): string {
  return isSignalName(signal.reason) ? signal.reason : 'SIGINT';
}
