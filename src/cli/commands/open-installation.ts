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
import type { CliDeps, CreateBackupApi } from '../cli-deps.js';
import type { GlobalOptions } from '../global-options.js';

export interface OpenedCluster {
  readonly backup: CreateBackupApi;
  readonly kube: KubeClient;
}

export interface OpenedInstallation extends OpenedCluster {
  readonly installation: Installation;
}

/** The backup modules and a Kubernetes client; nothing is read from the cluster yet. */
export async function openCluster(options: GlobalOptions, deps: CliDeps): Promise<OpenedCluster> {
  const backup = await deps.loadBackupApi();
  const kube = await deps.createKubeClient({
    kubeconfig: options.kubeconfig,
    context: options.context,
    namespace: options.namespace,
    requestTimeoutMs: options.requestTimeoutMs,
    env: deps.env,
  });
  return { backup, kube };
}

/** What discovery needs from the global flags; `namespace` is the client's (the flag, else the context's). */
export function discoveryOptionsOf(options: GlobalOptions, namespace: string, extra: Pick<DiscoveryOptions, 'webModeler'> = {}): DiscoveryOptions {
  return {
    namespace,
    release: options.release,
    snapshotRepository: options.snapshotRepository,
    camundaVersion: options.camundaVersion,
    access: options.access,
    execPod: options.execPod,
    execContainer: options.execContainer,
    ...extra,
  };
}

/** openCluster, then discovery. */
export async function openInstallation(options: GlobalOptions, deps: CliDeps, extra?: Pick<DiscoveryOptions, 'webModeler'>): Promise<OpenedInstallation> {
  const { backup, kube } = await openCluster(options, deps);
  const installation = await backup.discoverInstallation(kube, discoveryOptionsOf(options, kube.namespace, extra));
  return { backup, kube, installation };
}

/** --exec-pod/--exec-container run every exec-mode call from the chosen pod. */
export function connectorFor(options: GlobalOptions, deps: CliDeps, kube: KubeClient, emit: Reporter): Connector {
  return deps.createConnector(kube, options.access, emit, options.execPod === undefined ? undefined : { pod: options.execPod, container: options.execContainer });
}

/** The signal that aborted a run: CliDeps.signal carries 'SIGINT' or 'SIGTERM' as its reason. */
export function signalName(signal: AbortSignal): 'SIGINT' | 'SIGTERM' {
  return signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
}
