/** Edits of the live simulated cluster that no fixture renders: another chart version, other images. */
import { decodeHelmReleaseData, encodeHelmRelease } from '../../world/helm-secret.js';
import type { ClusterObjects, World } from '../../world/index.js';

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

/** Every pod and pod template (Deployments, StatefulSets) of a component (app.kubernetes.io/component), before the world starts. */
function podSpecsOf(objects: ClusterObjects, component: string): Json[] {
  const isOf = (meta: Json | undefined): boolean => meta?.['labels']?.['app.kubernetes.io/component'] === component;
  const templates = [...(objects.statefulSets ?? []), ...(objects.deployments ?? [])]
    .map((w) => (w as Json)['spec']?.['template'] as Json | undefined)
    .filter((t): t is Json => !!t && isOf(t['metadata'] as Json | undefined));
  const pods = (objects.pods as Json[]).filter((p) => isOf(p['metadata'] as Json | undefined));
  return [...templates, ...pods].map((t) => t['spec'] as Json);
}

/** Sets env on the main (first) container of a component, as `<component>.env` in the values and a `helm upgrade` would. */
export function setComponentEnv(objects: ClusterObjects, component: string, env: Readonly<Record<string, string>>): void {
  const specs = podSpecsOf(objects, component);
  if (specs.length === 0) throw new Error(`no pods of component ${component}`);
  for (const spec of specs) {
    const container = (spec['containers'] as Json[])[0]!;
    const kept = ((container['env'] ?? []) as Json[]).filter((e) => !(String(e['name']) in env));
    container['env'] = [...kept, ...Object.entries(env).map(([name, value]) => ({ name, value }))];
  }
}

/** Sets the image tag of a repository in every pod and pod template, before the world starts (what runs, and what scale-ups start). */
export function setImageTagEverywhere(objects: ClusterObjects, repository: string, tag: string): void {
  const retag = (image: string): string => {
    const at = image.lastIndexOf(':');
    return image.slice(0, at).endsWith(repository) ? `${image.slice(0, at)}:${tag}` : image;
  };
  const templates = [...(objects.statefulSets ?? []), ...(objects.deployments ?? [])].map((w) => (w as Json)['spec']?.['template'] as Json | undefined).filter((t): t is Json => !!t);
  for (const holder of [...templates, ...(objects.pods as Json[])]) {
    for (const container of [...(holder['spec']?.['containers'] ?? []), ...(holder['spec']?.['initContainers'] ?? [])] as Json[]) container['image'] = retag(String(container['image']));
    for (const status of (holder['status']?.['containerStatuses'] ?? []) as Json[]) status['image'] = retag(String(status['image']));
    const labels = holder['metadata']?.['labels'] as Json | undefined;
    if (labels?.['app.kubernetes.io/version'] !== undefined && (holder['spec']?.['containers'] as Json[] | undefined)?.some((c) => String(c['image']).endsWith(`${repository}:${tag}`))) labels['app.kubernetes.io/version'] = tag;
  }
}
