/**
 * Every rendered fixture scenario (../shared/fixtures/helm/<chart>/<scenario>.yaml, or $CAMUNDA_FIXTURES_DIR) turned
 * into a live cluster and discovered. Expectations come from the scenario's values file and the documented chart
 * rules (helm-layout.md), not from the implementation, so a new fixture is covered without code; a few scenarios
 * are also pinned to exact values below.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { describeWithFixtures } from '../fixtures-available.js';
import { buildCreatePlan } from '../../src/backup/take/plan.js';
import { discoverInstallation } from '../../src/camunda/discover.js';
import type { Installation } from '../../src/camunda/installation.js';
import { procedureForChartMajor } from '../../src/camunda/versions.js';
import { PreconditionError } from '../../src/errors.js';
import {
  appVersionForChart,
  clusterFromFixture,
  clusterFromManifest,
  fixturesDir,
  listFixtureScenarios,
  prerequisiteSecretValue,
  readFixture,
} from '../world/cluster-from-manifests.js';
import { FakeKubeClient } from './fake-kube-client.js';

type Json = Record<string, unknown>;
const at = (root: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' && !Array.isArray(node) ? (node as Json)[key] : undefined), root);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined);

function valuesOf(chartVersion: string, scenario: string): Json {
  const path = join(fixturesDir(), chartVersion, 'values', `${scenario}.values.yaml`);
  return existsSync(path) ? ((parseYaml(readFileSync(path, 'utf8')) as Json | null) ?? {}) : {};
}

function envValues(values: Json): { name: string; value?: string }[] {
  return ['operate', 'tasklist', 'optimize', 'zeebe', 'orchestration'].flatMap((key) => {
    const list = at(values, `${key}.env`);
    return Array.isArray(list) ? (list as { name: string; value?: string }[]) : [];
  });
}

/** What the chart documentation says discovery must find for these values. */
function expectationsFor(chartVersion: string, values: Json) {
  const major = Number(chartVersion.split('.')[0]);
  const line = procedureForChartMajor(major)?.line;
  const separate = line === '8.6' || line === '8.7';
  const optimize = (at(values, 'optimize.enabled') as boolean | undefined) ?? separate;

  let storage: string;
  if (separate) storage = at(values, 'global.opensearch.enabled') === true ? 'opensearch' : 'elasticsearch';
  else if (str(at(values, 'orchestration.data.secondaryStorage.type'))) storage = String(at(values, 'orchestration.data.secondaryStorage.type'));
  else if (at(values, 'global.opensearch.enabled') === true) storage = 'opensearch';
  else if (line === '8.8') storage = 'elasticsearch';
  else if (at(values, 'orchestration.exporters.rdbms.enabled') === true) storage = 'rdbms';
  else storage = at(values, 'global.elasticsearch.enabled') === true ? 'elasticsearch' : 'none';
  const searchStorage = storage === 'elasticsearch' || storage === 'opensearch';

  const engine = storage === 'opensearch' ? 'opensearch' : 'elasticsearch';
  const direct = str(at(values, `orchestration.data.secondaryStorage.${engine}.url`));
  const host = str(at(values, `global.${engine}.url.host`));
  const externalUrl = direct ?? (host ? `${str(at(values, `global.${engine}.url.protocol`))}://${host}:${str(at(values, `global.${engine}.url.port`))}` : undefined);
  const username = str(at(values, `orchestration.data.secondaryStorage.${engine}.auth.username`)) ?? str(at(values, `global.${engine}.auth.username`));
  const secretName =
    str(at(values, `orchestration.data.secondaryStorage.${engine}.auth.secret.existingSecret`)) ??
    str(at(values, `global.${engine}.auth.secret.existingSecret`)) ??
    str(at(values, `global.${engine}.auth.existingSecret`));
  const secretKey =
    str(at(values, `orchestration.data.secondaryStorage.${engine}.auth.secret.existingSecretKey`)) ??
    str(at(values, `global.${engine}.auth.secret.existingSecretKey`)) ??
    str(at(values, `global.${engine}.auth.existingSecretKey`)) ??
    'password';

  const env = envValues(values);
  const repository = env.find((e) => /REPOSITORY_?NAME$/.test(e.name))?.value;
  const store = env.find((e) => /_BACKUP_STORE$/.test(e.name))?.value ?? 'NONE';
  const continuous = env.find((e) => /_BACKUP_CONTINUOUS$/.test(e.name))?.value === 'true';

  const contextPath = (key: string): string => str(at(values, `${key}.contextPath`)) ?? '';
  const parts: Record<string, { service: string; port: number; basePath: string }> = {};
  if (optimize) parts['optimize'] = { service: 'camunda-optimize', port: 8092, basePath: '' };
  if (separate) {
    parts['operate'] = { service: 'camunda-operate', port: 9600, basePath: contextPath('operate') };
    parts['tasklist'] = { service: 'camunda-tasklist', port: 9600, basePath: contextPath('tasklist') };
    parts['zeebe'] = { service: 'camunda-zeebe-gateway', port: 9600, basePath: contextPath('zeebeGateway') };
  } else {
    if (searchStorage) parts['webapps'] = { service: 'camunda-zeebe-gateway', port: 9600, basePath: contextPath('orchestration') };
    parts['zeebe'] = { service: 'camunda-zeebe-gateway', port: 9600, basePath: contextPath('orchestration') };
  }
  const zeebeRecordsExported = separate || optimize || at(values, 'orchestration.exporters.zeebe.enabled') === true;
  const skipped = [
    ...(optimize ? [] : ['optimize']),
    ...(!separate && !searchStorage ? ['webapps'] : []),
    ...(zeebeRecordsExported ? [] : ['zeebe-records']),
  ].sort();
  return {
    line,
    separate,
    storage,
    searchStorage,
    engine,
    externalUrl,
    username,
    secret: secretName ? { name: secretName, key: secretKey } : undefined,
    repository,
    store,
    continuous,
    parts,
    skipped,
    zeebeRecordsExported,
    webModeler: at(values, 'webModeler.enabled') === true,
  };
}

async function discover(chartVersion: string, scenario: string, options: { release?: string; namespace?: string } = {}): Promise<{ installation: Installation; kube: FakeKubeClient }> {
  const namespace = options.namespace ?? 'camunda';
  const kube = new FakeKubeClient(clusterFromFixture(chartVersion, scenario, options), namespace);
  const installation = await discoverInstallation(kube, { namespace, access: 'port-forward' });
  return { installation, kube };
}

const scenarios = listFixtureScenarios();

describeWithFixtures('fixtures', () => {
  it('are present (set CAMUNDA_FIXTURES_DIR when they live elsewhere)', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
    expect(new Set(scenarios.map((s) => s.chartVersion))).toEqual(new Set(['11.12.3', '12.13.3', '13.12.7', '14.8.4', '15.0.0-alpha4']));
  });
});

describe.each(scenarios)('discovery of $chartVersion/$scenario', ({ chartVersion, scenario }) => {
  const expected = expectationsFor(chartVersion, valuesOf(chartVersion, scenario));

  it('finds the release, version line, components, storage, search engine, repository and store', async () => {
    const { installation, kube } = await discover(chartVersion, scenario);

    expect(installation.release).toBe('camunda');
    expect(installation.namespace).toBe('camunda');
    expect(installation.chartVersion).toBe(chartVersion);
    expect(installation.procedure.line).toBe(expected.line);
    expect(installation.forcedVersion).toBe(false);
    expect(installation.camundaVersion).toMatch(new RegExp(`^${expected.line!.replace('.', '\\.')}\\.\\d+(?:-[0-9A-Za-z.]+)?$`));

    // components: which, behind which Service, on which pod port and base path
    expect(Object.fromEntries(installation.components.map((c) => [c.part, { service: c.service, port: c.target.port, basePath: c.basePath }]))).toEqual(expected.parts);
    expect(installation.skipped.map((s) => s.part).sort()).toEqual(expected.skipped);
    for (const skipped of installation.skipped) expect(skipped.reason).not.toBe('');
    for (const component of installation.components) {
      const service = kube.services.find((s) => s.name === component.service)!;
      const pod = kube.pods.find((p) => p.name === component.target.pod)!;
      expect(Object.entries(service.selector).every(([k, v]) => pod.labels[k] === v), `${component.part} pod behind ${service.name}`).toBe(true);
      expect(pod.ready).toBe(true);
      expect(pod.containers.map((c) => c.name)).toContain(component.target.container);
      expect(pod.containers.flatMap((c) => c.ports.map((p) => p.containerPort))).toContain(component.target.port);
    }
    if (!expected.separate) {
      // One orchestration pod answers both the web-app and the Zeebe part.
      const pods = new Set(installation.components.filter((c) => c.part !== 'optimize').map((c) => c.target.pod));
      expect(pods.size).toBe(1);
    }

    expect(installation.secondaryStorage).toBe(expected.storage);
    expect(installation.zeebeRecordsExported).toBe(expected.zeebeRecordsExported);

    if (expected.searchStorage) {
      const search = installation.search!;
      expect(search.engine).toBe(expected.engine);
      expect(search.zeebeIndexPrefix).toBe('zeebe-record');
      if (expected.externalUrl) {
        expect(search.url).toBe(expected.externalUrl);
        const zeebe = installation.components.find((c) => c.part === 'zeebe')!;
        expect(search.target).toEqual({ kind: 'url', url: expected.externalUrl, via: zeebe.target });
      } else {
        expect(search.url).toBe('http://camunda-elasticsearch:9200');
        expect(search.target).toMatchObject({ kind: 'pod', pod: { namespace: 'camunda', container: 'elasticsearch', port: 9200 } });
        expect(search.target.kind === 'pod' && search.target.pod.pod).toMatch(/^camunda-elasticsearch-master-\d$/);
      }
      if (expected.username && expected.secret) {
        expect(search.credentials).toEqual({ username: expected.username, passwordSecret: expected.secret });
        const basic = Buffer.from(`${expected.username}:${prerequisiteSecretValue(expected.secret.name, expected.secret.key)}`).toString('base64');
        expect(search.authorization?.reveal()).toBe(`Basic ${basic}`);
      } else {
        expect(search.credentials).toBeUndefined();
        expect(search.authorization).toBeUndefined();
      }
    } else {
      expect(installation.search).toBeUndefined();
    }

    expect(installation.repositoryName).toBe(expected.repository);
    for (const component of installation.components.filter((c) => c.part !== 'zeebe')) expect(component.repositoryName).toBe(expected.repository);
    if (!expected.repository && installation.components.some((c) => c.part !== 'zeebe')) {
      expect(installation.warnings.some((w) => w.includes('No snapshot repository'))).toBe(true);
    }
    expect(installation.zeebeStore).toEqual({ store: expected.store, continuous: expected.continuous });

    if (expected.webModeler) {
      expect(installation.webModeler).toMatchObject({ pod: { pod: 'camunda-postgresql-web-modeler-0', container: 'postgresql', port: 5432 }, database: 'web-modeler', username: 'web-modeler' });
    } else {
      expect(installation.webModeler).toBeUndefined();
    }
  });

  it('reads only, and decodes nothing but the chosen release', async () => {
    const { kube } = await discover(chartVersion, scenario);
    expect(kube.calls.map((c) => c.method).filter((m) => !['listSecrets', 'readSecret', 'listPods', 'listServices', 'readConfigMap', 'readService'].includes(m))).toEqual([]);
    const secretReads = kube.calls.filter((c) => c.method === 'readSecret').map((c) => c.name);
    // the only Secret read by name is the search engine's password
    expect(secretReads).toEqual(expected.searchStorage && expected.secret ? [expected.secret.name] : []);
  });
});

describeWithFixtures('pinned results', () => {
  it('8.6 context paths move Operate, Tasklist and the gateway management base path; Optimize stays at /', async () => {
    const { installation } = await discover('11.12.3', 'context-path');
    expect(installation.components.map((c) => `${c.part}:${c.service}:${c.target.port}${c.basePath}`)).toEqual([
      'optimize:camunda-optimize:8092',
      'operate:camunda-operate:9600/operate',
      'tasklist:camunda-tasklist:9600/tasklist',
      'zeebe:camunda-zeebe-gateway:9600/zeebe',
    ]);
    expect(installation.camundaVersion).toBe('8.6.39');
  });

  it('8.8 backup-configured: one repository, S3, Optimize and the legacy exporter', async () => {
    const { installation } = await discover('13.12.7', 'backup-configured');
    expect(installation.camundaVersion).toBe('8.8.35');
    expect(installation.repositoryName).toBe('camunda-backup');
    expect(installation.zeebeStore).toEqual({ store: 'S3', continuous: false });
    expect(installation.zeebeRecordsExported).toBe(true);
    expect(installation.components.map((c) => c.part)).toEqual(['optimize', 'webapps', 'zeebe']);
    expect(installation.warnings).toEqual([]);
  });

  it('8.9 context path: /orchestration for web apps and Zeebe', async () => {
    const { installation } = await discover('14.8.4', 'context-path');
    expect(installation.components.filter((c) => c.part !== 'optimize').map((c) => c.basePath)).toEqual(['/orchestration', '/orchestration']);
  });

  it('8.9 RDBMS with continuous backups: no search engine, web apps skipped, S3 continuous', async () => {
    const { installation } = await discover('14.8.4', 'rdbms-backup-continuous');
    expect(installation.secondaryStorage).toBe('rdbms');
    expect(installation.search).toBeUndefined();
    expect(installation.zeebeStore).toEqual({ store: 'S3', continuous: true });
    expect(installation.skipped.find((s) => s.part === 'webapps')?.reason).toMatch(/RDBMS/);
  });

  it('8.9 quick install (embedded H2) is an RDBMS installation although the values name no type', async () => {
    const { installation } = await discover('14.8.4', 'quick-install-h2');
    expect(installation.secondaryStorage).toBe('rdbms');
    expect(installation.components.map((c) => c.part)).toEqual(['zeebe']);
  });

  it('8.8 external OpenSearch goes through the orchestration pod with basic auth from the Secret', async () => {
    const { installation } = await discover('13.12.7', 'opensearch-external');
    expect(installation.search?.target).toEqual({ kind: 'url', url: 'https://opensearch.example.internal:443', via: { namespace: 'camunda', pod: 'camunda-zeebe-0', container: 'orchestration', port: 9600 } });
    expect(installation.search?.authorization?.reveal()).toBe(`Basic ${Buffer.from('camunda:sim-opensearch-credentials-password').toString('base64')}`);
    // never in the JSON output
    expect(JSON.stringify(installation)).not.toContain('sim-opensearch-credentials-password');
    expect(JSON.stringify(installation)).not.toContain(Buffer.from('camunda:sim-opensearch-credentials-password').toString('base64'));
  });
});

describeWithFixtures('Camunda 8.10 (chart 15.0.0-alpha4, a pre-release)', () => {
  const CHART = '15.0.0-alpha4';

  it('backup-configured: the 8.10 procedure, external Elasticsearch through the orchestration pod, one tenant', async () => {
    const { installation } = await discover(CHART, 'backup-configured');
    expect(installation.procedure.line).toBe('8.10');
    expect(installation.camundaVersion).toBe('8.10.0-alpha4');
    expect(installation.components.map((c) => c.part)).toEqual(['optimize', 'webapps', 'zeebe']);
    expect(installation.search?.target).toEqual({ kind: 'url', url: 'https://elasticsearch.example.internal:9200', via: { namespace: 'camunda', pod: 'camunda-zeebe-0', container: 'orchestration', port: 9600 } });
    expect(installation.repositoryName).toBe('camunda-backup');
    expect(installation.zeebeStore).toEqual({ store: 'S3', continuous: false });
    expect(installation.topology).toEqual({ mode: 'combined', physicalTenants: [], declaredIn: [] });
    expect(installation.warnings).toEqual([]);
    expect(() => buildCreatePlan(installation, { backupId: 7, timeoutMs: 60_000, pollIntervalMs: 1_000, access: 'port-forward', cluster: {} })).not.toThrow();
  });

  it('no scenario renders an in-cluster <release>-elasticsearch Service: 15.x bundles no Elasticsearch', () => {
    for (const { chartVersion, scenario } of scenarios.filter((s) => s.chartVersion === CHART)) {
      const names = clusterFromFixture(chartVersion, scenario).services.map((s) => String((s as { metadata: { name: string } }).metadata.name));
      expect(names.filter((name) => name.includes('elasticsearch')), scenario).toEqual([]);
    }
  });

  /** The scenario with its Elasticsearch URL removed from the rendered configuration and the values. */
  async function discoverWithoutSearchUrl(scenario: string): Promise<Installation> {
    const { manifest, values } = readFixture(CHART, scenario);
    const stripped = manifest.replace(/^(\s+url: )"https:\/\/elasticsearch\.example\.internal:9200"$/m, '$1""');
    expect(stripped).not.toBe(manifest);
    const userValues = structuredClone(values) as { orchestration: { data: { secondaryStorage: { elasticsearch: { url?: string } } } } };
    delete userValues.orchestration.data.secondaryStorage.elasticsearch.url;
    const objects = clusterFromManifest(stripped, { release: 'camunda', namespace: 'camunda', chartVersion: CHART, appVersion: appVersionForChart(CHART), values: userValues });
    return discoverInstallation(new FakeKubeClient(objects, 'camunda'), { namespace: 'camunda', access: 'port-forward' });
  }

  it('without a configured URL, discovery never falls back to camunda-elasticsearch:9200; zeebe-record indices to snapshot → exit 3 saying which value names it', async () => {
    const error = await discoverWithoutSearchUrl('backup-configured').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PreconditionError);
    expect((error as PreconditionError).message).toBe('Could not find the Elasticsearch URL in the configuration or the Helm values.');
    expect((error as PreconditionError).hint).toContain('Chart 15.x bundles no Elasticsearch: set orchestration.data.secondaryStorage.elasticsearch.url');

    const withoutRecords = await discoverWithoutSearchUrl('elasticsearch-external');
    expect(withoutRecords.search).toBeUndefined();
    expect(withoutRecords.warnings).toContain('Could not find the Elasticsearch URL in the configuration or the Helm values.');
  });

  it('physical-tenants: the tenants are found in the orchestration ConfigMap, named in a warning, and create refuses with exit 3 before any change', async () => {
    const { installation, kube } = await discover(CHART, 'physical-tenants');
    expect(installation.topology).toEqual({ mode: 'combined', physicalTenants: ['default', 'tenanta'], declaredIn: ['camunda.physical-tenants in camunda-zeebe-configuration'] });
    expect(installation.warnings).toEqual([expect.stringContaining('release camunda declares Physical Tenants default, tenanta')]);
    // Nothing in the Kubernetes objects says so: no label, no Service, no extra pod.
    expect(JSON.stringify(kube.pods.map((p) => p.labels))).not.toContain('tenant');
    try {
      buildCreatePlan(installation, { backupId: 7, timeoutMs: 60_000, pollIntervalMs: 1_000, access: 'port-forward', cluster: {} });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PreconditionError);
      expect((error as PreconditionError).message).toMatch(/^release camunda declares Physical Tenants default, tenanta .*create refuses .*nothing was changed$/);
    }
  });

  it('physical-tenants reduced to the default tenant: one tenant, backed up with the exporter declared for it', async () => {
    const objects = clusterFromFixture(CHART, 'physical-tenants');
    const configMap = (objects.configMaps as Array<{ metadata: { name: string }; data: Record<string, string> }>).find((cm) => cm.metadata.name === 'camunda-zeebe-configuration')!;
    const file = parseYaml(configMap.data['physical-tenants.yaml']!) as { camunda: { 'physical-tenants': Record<string, { data: { exporters: { elasticsearch: { args: { index: { prefix: string } } } } } }> } };
    const tenants = file.camunda['physical-tenants'];
    delete tenants['tenanta'];
    tenants['default']!.data.exporters.elasticsearch.args.index.prefix = 'default-zeebe-record';
    configMap.data['physical-tenants.yaml'] = stringifyYaml(file);
    const installation = await discoverInstallation(new FakeKubeClient(objects, 'camunda'), { namespace: 'camunda', access: 'port-forward' });
    expect(installation.topology?.physicalTenants).toEqual(['default']);
    expect(installation.warnings).toEqual([]);
    expect(installation.search?.zeebeIndexPrefix).toBe('default-zeebe-record');
    expect(() => buildCreatePlan(installation, { backupId: 7, timeoutMs: 60_000, pollIntervalMs: 1_000, access: 'port-forward', cluster: {} })).not.toThrow();
  });
});

describeWithFixtures('another release name and namespace', () => {
  describe.each([
    { chartVersion: '12.13.3', scenario: 'context-path' },
    { chartVersion: '13.12.7', scenario: 'context-path' },
    { chartVersion: '14.8.4', scenario: 'elasticsearch-external' },
  ])('another release name and namespace: $chartVersion/$scenario', ({ chartVersion, scenario }) => {
    it('derives every name from the release and namespace', async () => {
      const { installation } = await discover(chartVersion, scenario, { release: 'c8', namespace: 'prod' });
      expect(installation.release).toBe('c8');
      expect(installation.namespace).toBe('prod');
      for (const component of installation.components) {
        expect(component.service).toMatch(/^c8-/);
        expect(component.target.pod).toMatch(/^c8-/);
        expect(component.target.namespace).toBe('prod');
      }
      if (installation.search?.target.kind === 'pod') expect(installation.search.target.pod.pod).toMatch(/^c8-elasticsearch-master-/);
    });
  });
});
