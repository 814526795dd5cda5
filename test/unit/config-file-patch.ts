/** Edits one YAML file of a ConfigMap the fake client serves, as a user editing the release's configuration would. */
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { ConfigMap } from '../../src/kube/kube-client.js';
import type { FakeKubeClient } from './fake-kube-client.js';

type Json = Record<string, unknown>;

export function patchConfigFile(kube: FakeKubeClient, name: string, file: string, patch: (doc: Json) => void): void {
  kube.configMapObjects = kube.configMapObjects.map((cm): ConfigMap => {
    if (cm.name !== name) return cm;
    const doc = (parseYaml(cm.data[file] ?? '') as Json | null) ?? {};
    patch(doc);
    return { ...cm, data: { ...cm.data, [file]: stringifyYaml(doc) } };
  });
}
