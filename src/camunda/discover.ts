/**
 * Discovery's reads against the cluster, in order: release Secrets → Pods and Services of the release →
 * ConfigMaps → (only when needed) the search engine's password Secret. Read-only; every decision is made by the pure
 * functions it calls (selectCamundaRelease, resolveVersion, deriveInstallation).
 */
import { messageOf } from '../errors.js';
import type { AccessMode } from '../reach/component-http.js';
import { decodeHelmReleaseSecret, HELM_OWNER_SELECTOR, helmReleasesFromSecrets } from '../kube/helm-release.js';
import type { ConfigMap, KubeClient, Pod } from '../kube/kube-client.js';
import { deriveInstallation } from './derive-installation.js';
import { configMapNamesToRead, type DiscoveryChoices } from './discovery-context.js';
import { INSTANCE_LABEL } from './pick-pod.js';
import { withSearchAuthorization } from './resolve-search-endpoint.js';
import { resolveVersion } from './resolve-version.js';
import { selectCamundaRelease } from './select-camunda-release.js';
import type { Installation } from './installation.js';

export interface DiscoveryOptions extends DiscoveryChoices {
  readonly namespace: string;
  readonly release?: string | undefined;
  /** --camunda-version: force a known line ("8.7") at the user's risk; stated in the warnings. */
  readonly camundaVersion?: string | undefined;
  readonly access: AccessMode;
}

/** The Camunda Helm release of the namespace (the one named, or the only one), from the Helm release Secrets alone. */
export async function findCamundaRelease(kube: Pick<KubeClient, 'listSecrets'>, namespace: string, requested: string | undefined): Promise<ReturnType<typeof selectCamundaRelease>> {
  const secrets = await kube.listSecrets(namespace, HELM_OWNER_SELECTOR);
  const refs = helmReleasesFromSecrets(secrets).filter((ref) => ref.namespace === namespace || ref.namespace === '');
  return selectCamundaRelease(refs, namespace, requested, decodeHelmReleaseSecret);
}

export async function discoverInstallation(kube: KubeClient, options: DiscoveryOptions): Promise<Installation> {
  const { namespace } = options;
  const selected = await findCamundaRelease(kube, namespace, options.release);
  const release = selected.release;

  const instance = `${INSTANCE_LABEL}=${release.name}`;
  const [pods, services] = await Promise.all([kube.listPods(namespace, instance), kube.listServices(namespace, instance)]);

  let execPod: Pod | undefined;
  if (options.execPod !== undefined) {
    // The curl pod is usually not part of the release; only then list the whole namespace.
    execPod = pods.find((p) => p.name === options.execPod) ?? (await kube.listPods(namespace, '')).find((p) => p.name === options.execPod);
  }

  const version = resolveVersion(release, pods, options.camundaVersion);
  const names = configMapNamesToRead(release.name, version.procedure, pods);
  const read = await Promise.all(names.map((name) => kube.readConfigMap(namespace, name)));
  const configMaps = new Map<string, ConfigMap>(read.filter((cm): cm is ConfigMap => cm !== undefined).map((cm) => [cm.name, cm]));

  const installation = deriveInstallation({
    namespace,
    release,
    pods,
    services,
    configMaps,
    version,
    choices: options,
    execPod,
    warnings: selected.warnings,
  });

  const passwordSecret = installation.search?.credentials?.passwordSecret;
  if (!passwordSecret || installation.search?.authorization) return installation;
  try {
    return withSearchAuthorization(installation, await kube.readSecret(namespace, passwordSecret.name));
  } catch (error) {
    // Not fatal: without the header the search engine answers 401 itself, and `check` shows why.
    return { ...installation, warnings: [...installation.warnings, `Could not read the search engine password from Secret ${passwordSecret.name} (${messageOf(error)})`] };
  }
}
