/** Edits of the live simulated cluster that no fixture renders: another chart version, other images. */
import { decodeHelmReleaseData, encodeHelmRelease } from '../../world/helm-secret.js';
import type { World } from '../../world/index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Rewrites every Helm release record of the world as if the release ran another chart (and app) version. */
export function setChartVersion(world: World, chartVersion: string, appVersion: string): void {
  for (const secret of world.objects.secrets as Json[]) {
    if (secret['type'] !== 'helm.sh/release.v1') continue;
    const release = decodeHelmReleaseData(secret['data']['release']) as Json;
    release['chart']['metadata']['version'] = chartVersion;
    release['chart']['metadata']['appVersion'] = appVersion;
    release['info']['notes'] = `# (Chart version: camunda-platform ${chartVersion} - Camunda compatibility version: ${appVersion})\n`;
    secret['data']['release'] = Buffer.from(encodeHelmRelease(release), 'utf8').toString('base64');
  }
}

/** Sets the tag of every container image of a repository (e.g. camunda/camunda) in the live pods. */
export function setImageTag(world: World, repository: string, tag: string): number {
  let changed = 0;
  for (const pod of world.objects.pods as Json[]) {
    for (const container of [...(pod['spec']['containers'] ?? []), ...(pod['spec']['initContainers'] ?? [])] as Json[]) {
      const image = String(container['image']);
      const at = image.lastIndexOf(':');
      if (image.slice(0, at).endsWith(repository)) {
        container['image'] = `${image.slice(0, at)}:${tag}`;
        changed += 1;
      }
    }
    for (const status of (pod['status']?.['containerStatuses'] ?? []) as Json[]) {
      const image = String(status['image']);
      const at = image.lastIndexOf(':');
      if (image.slice(0, at).endsWith(repository)) status['image'] = `${image.slice(0, at)}:${tag}`;
    }
  }
  return changed;
}

/** Edits the user values (`config`) of every Helm release record of the world, as a `helm upgrade --set` would. */
export function editReleaseValues(world: World, edit: (config: Json) => void): void {
  for (const secret of world.objects.secrets as Json[]) {
    if (secret['type'] !== 'helm.sh/release.v1') continue;
    const release = decodeHelmReleaseData(secret['data']['release']) as Json;
    release['config'] ??= {};
    edit(release['config'] as Json);
    secret['data']['release'] = Buffer.from(encodeHelmRelease(release), 'utf8').toString('base64');
  }
}

/** Rewrites one file of a live ConfigMap. */
export function editConfigMapFile(world: World, name: string, file: string, edit: (text: string) => string): void {
  const configMap = (world.objects.configMaps as Json[]).find((cm) => cm['metadata']['name'] === name);
  if (!configMap) throw new Error(`no ConfigMap ${name}`);
  const before = String(configMap['data'][file]);
  const after = edit(before);
  if (after === before) throw new Error(`${name}/${file} unchanged`);
  configMap['data'][file] = after;
}
