/**
 * The index prefixes of a release, per chart line, as discovery reads them from the rendered charts (the Helm
 * fixtures) and from what users change in them: env on the container, the configuration file, the Helm values.
 */
import { describe, expect } from 'vitest';
import { itWithFixtures } from '../../test/fixtures-available.js';
import { clusterFromFixture } from '../../test/world/cluster-from-manifests.js';
import { patchConfigFile } from '../../test/unit/config-file-patch.js';
import { FakeKubeClient } from '../../test/unit/fake-kube-client.js';
import type { EnvVar, Pod } from '../kube/kube-client.js';
import { discoverInstallation } from './discover.js';
import type { Installation } from './installation.js';

type Json = Record<string, unknown>;

const kubeFor = (chartVersion: string, scenario: string): FakeKubeClient => new FakeKubeClient(clusterFromFixture(chartVersion, scenario));
const discover = (kube: FakeKubeClient): Promise<Installation> => discoverInstallation(kube, { namespace: 'camunda', access: 'port-forward' });
const prefixesOf = (installation: Installation): string[] => [...new Set(installation.indexPrefixes?.prefixes.map((p) => p.prefix))].sort();

/** Adds (or replaces) env on the main container of every pod of a component, as `<component>.env` in the values would. */
function setEnv(kube: FakeKubeClient, component: string, env: EnvVar): void {
  kube.pods = kube.pods.map((pod): Pod =>
    pod.labels['app.kubernetes.io/component'] !== component
      ? pod
      : { ...pod, containers: pod.containers.map((c, i) => (i === 0 ? { ...c, env: [...c.env.filter((e) => e.name !== env.name), env] } : c)) },
  );
}


const at = (doc: Json, path: string): Json => path.split('.').reduce<Json>((node, key) => (node[key] ??= {}) as Json, doc);

describe('index prefixes per chart line', () => {
  itWithFixtures('8.6 (11.12.3): Operate, Tasklist, Optimize with their defaults, the exporter with "_"', async () => {
    const installation = await discover(kubeFor('11.12.3', 'default'));
    expect(prefixesOf(installation)).toEqual(['operate-', 'optimize-', 'tasklist-', 'zeebe-record_']);
    expect(installation.indexPrefixes?.unresolved).toEqual([]);
  });

  itWithFixtures('8.6: a custom Operate/Tasklist indexPrefix (env) replaces the name; Optimize 8.6 puts its own prefix in place of "optimize"', async () => {
    const kube = kubeFor('11.12.3', 'default');
    setEnv(kube, 'operate', { name: 'CAMUNDA_OPERATE_ELASTICSEARCH_INDEXPREFIX', value: 'custom' });
    setEnv(kube, 'tasklist', { name: 'CAMUNDA_TASKLIST_ELASTICSEARCH_INDEXPREFIX', value: 'custom' });
    setEnv(kube, 'optimize', { name: 'CAMUNDA_OPTIMIZE_ELASTICSEARCH_SETTINGS_INDEX_PREFIX', value: 'custom-optimize' });
    setEnv(kube, 'zeebe-broker', { name: 'ZEEBE_BROKER_EXPORTERS_ELASTICSEARCH_ARGS_INDEX_PREFIX', value: 'custom-zeebe' });
    expect(prefixesOf(await discover(kube))).toEqual(['custom-', 'custom-optimize-', 'custom-zeebe_']);
  });

  itWithFixtures('8.7 (12.13.3): the defaults; the prefix in Operate\'s configuration file counts; Optimize 8.7 keeps "optimize-" after its prefix', async () => {
    expect(prefixesOf(await discover(kubeFor('12.13.3', 'default')))).toEqual(['operate-', 'optimize-', 'tasklist-', 'zeebe-record_']);
    const kube = kubeFor('12.13.3', 'default');
    patchConfigFile(kube, 'camunda-operate-configuration', 'application.yaml', (doc) => {
      at(doc, 'camunda.operate.elasticsearch')['indexPrefix'] = 'prod-operate';
    });
    setEnv(kube, 'optimize', { name: 'CAMUNDA_OPTIMIZE_ELASTICSEARCH_SETTINGS_INDEX_PREFIX', value: 'prod' });
    const installation = await discover(kube);
    expect(prefixesOf(installation)).toEqual(['prod-operate-', 'prod-optimize-', 'tasklist-', 'zeebe-record_']);
    expect(installation.indexPrefixes?.prefixes.find((p) => p.owner === 'Operate')?.from).toBe('CAMUNDA_OPERATE_ELASTICSEARCH_INDEXPREFIX');
  });

  itWithFixtures('8.7 OpenSearch: the OpenSearch settings are the ones read', async () => {
    const kube = kubeFor('12.13.3', 'opensearch-external');
    setEnv(kube, 'operate', { name: 'CAMUNDA_OPERATE_OPENSEARCH_INDEXPREFIX', value: 'os-operate' });
    setEnv(kube, 'operate', { name: 'CAMUNDA_OPERATE_ELASTICSEARCH_INDEXPREFIX', value: 'ignored-on-opensearch' });
    expect(prefixesOf(await discover(kube))).toEqual(['optimize-', 'os-operate-', 'tasklist-', 'zeebe-record_']);
  });

  itWithFixtures('8.8 (13.12.7): index-prefix "" gives operate-, tasklist-, camunda-; no exporter and no Optimize in the default', async () => {
    expect(prefixesOf(await discover(kubeFor('13.12.7', 'default')))).toEqual(['camunda-', 'operate-', 'tasklist-']);
    expect(prefixesOf(await discover(kubeFor('13.12.7', 'full-keycloak-optimize')))).toEqual(['camunda-', 'operate-', 'optimize-', 'tasklist-', 'zeebe-record_']);
  });

  itWithFixtures('8.8: orchestration.index.prefix as rendered (camunda.data.secondary-storage.elasticsearch.index-prefix) or as env', async () => {
    const kube = kubeFor('13.12.7', 'full-keycloak-optimize');
    patchConfigFile(kube, 'camunda-zeebe-configuration-unified', 'application.yaml', (doc) => {
      at(doc, 'camunda.data.secondary-storage.elasticsearch')['index-prefix'] = 'prod';
    });
    expect(prefixesOf(await discover(kube))).toEqual(['optimize-', 'prod-camunda-', 'prod-operate-', 'prod-tasklist-', 'zeebe-record_']);
    const env = kubeFor('13.12.7', 'default');
    setEnv(env, 'zeebe-broker', { name: 'CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_INDEXPREFIX', value: 'b' });
    expect(prefixesOf(await discover(env))).toEqual(['b-camunda-', 'b-operate-', 'b-tasklist-']);
  });

  itWithFixtures('8.9 (14.8.4): the same orchestration layout; Optimize and the exporter from their own settings', async () => {
    expect(prefixesOf(await discover(kubeFor('14.8.4', 'full-keycloak-optimize')))).toEqual(['camunda-', 'operate-', 'optimize-', 'tasklist-', 'zeebe-record_']);
    const kube = kubeFor('14.8.4', 'full-keycloak-optimize');
    setEnv(kube, 'zeebe-broker', { name: 'ZEEBE_BROKER_EXPORTERS_ELASTICSEARCH_ARGS_INDEX_PREFIX', value: 'zeebe-record-b' });
    setEnv(kube, 'optimize', { name: 'CAMUNDA_OPTIMIZE_ELASTICSEARCH_SETTINGS_INDEX_PREFIX', value: 'b' });
    expect(prefixesOf(await discover(kube))).toEqual(['b-optimize-', 'camunda-', 'operate-', 'tasklist-', 'zeebe-record-b_']);
  });

  itWithFixtures('8.9 on an RDBMS: no search engine, no index prefixes (a restore touches no index)', async () => {
    expect((await discover(kubeFor('14.8.4', 'rdbms'))).indexPrefixes).toBeUndefined();
  });

  itWithFixtures('8.10 (15.0.0-alpha4): index-prefix as the 15.x chart renders it', async () => {
    const installation = await discover(kubeFor('15.0.0-alpha4', 'elasticsearch-external'));
    expect(prefixesOf(installation)).toEqual(['camunda-', 'operate-', 'tasklist-']);
    const kube = kubeFor('15.0.0-alpha4', 'elasticsearch-external');
    patchConfigFile(kube, 'camunda-zeebe-configuration', 'application.yaml', (doc) => {
      at(doc, 'camunda.data.secondary-storage.elasticsearch')['index-prefix'] = 'ten';
    });
    expect(prefixesOf(await discover(kube))).toEqual(['ten-camunda-', 'ten-operate-', 'ten-tasklist-']);
  });
});

describe('a prefix that cannot be determined safely', () => {
  itWithFixtures('behind a Secret: unresolved, named', async () => {
    const kube = kubeFor('13.12.7', 'default');
    setEnv(kube, 'zeebe-broker', { name: 'CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_INDEXPREFIX', valueFrom: { secretKeyRef: { name: 'prefixes', key: 'camunda' } } });
    const installation = await discover(kube);
    expect(installation.indexPrefixes?.unresolved).toEqual([expect.stringMatching(/orchestration cluster index prefix comes from env CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_INDEXPREFIX \(Secret prefixes, key camunda\)/)]);
  });

  itWithFixtures('configured differently in two places the orchestration cluster reads: unresolved, both named', async () => {
    const kube = kubeFor('14.8.4', 'full-keycloak-optimize');
    setEnv(kube, 'zeebe-broker', { name: 'CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_INDEXPREFIX', value: 'a' });
    setEnv(kube, 'zeebe-broker', { name: 'CAMUNDA_OPERATE_ELASTICSEARCH_INDEXPREFIX', value: 'b' });
    const installation = await discover(kube);
    expect(installation.indexPrefixes?.unresolved).toEqual([expect.stringMatching(/configured differently: CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_INDEXPREFIX = a, CAMUNDA_OPERATE_ELASTICSEARCH_INDEXPREFIX = b/)]);
  });

  itWithFixtures("the exporter's prefix from a Secret: unresolved", async () => {
    const kube = kubeFor('11.12.3', 'default');
    setEnv(kube, 'zeebe-broker', { name: 'ZEEBE_BROKER_EXPORTERS_ELASTICSEARCH_ARGS_INDEX_PREFIX', valueFrom: { secretKeyRef: { name: 's', key: 'p' } } });
    expect((await discover(kube)).indexPrefixes?.unresolved).toEqual([expect.stringMatching(/Zeebe exporter index prefix comes from env ZEEBE_BROKER_EXPORTERS_ELASTICSEARCH_ARGS_INDEX_PREFIX \(Secret s, key p\)/)]);
  });
});
