import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithFixtures, itWithFixtures } from '../fixtures-available.js';
import { clusterFromFixture, clusterFromManifest, fixturesDir, listFixtureScenarios } from '../world/cluster-from-manifests.js';
import { decodeHelmReleaseData, encodeHelmReleaseSecret, goJson } from '../world/helm-secret.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const byName = (list: unknown[], name: string): Json => {
  const found = (list as Json[]).find((o) => o['metadata']?.['name'] === name);
  if (!found) throw new Error(`no ${name} in ${(list as Json[]).map((o) => o['metadata']?.['name']).join(', ')}`);
  return found;
};
const releaseSecrets = (secrets: unknown[]): Json[] => (secrets as Json[]).filter((s) => s['type'] === 'helm.sh/release.v1');

describeWithFixtures('listFixtureScenarios', () => {
  it('lists every rendered scenario of the five chart lines, the pre-release 15.0.0-alpha4 included', () => {
    const scenarios = listFixtureScenarios();
    expect(new Set(scenarios.map((s) => s.chartVersion))).toEqual(new Set(['11.12.3', '12.13.3', '13.12.7', '14.8.4', '15.0.0-alpha4']));
    expect(scenarios).toContainEqual({ chartVersion: '12.13.3', scenario: 'backup-configured' });
    expect(scenarios).toContainEqual({ chartVersion: '14.8.4', scenario: 'rdbms-backup-continuous' });
    expect(scenarios).toContainEqual({ chartVersion: '15.0.0-alpha4', scenario: 'physical-tenants' });
    expect(scenarios.some((s) => s.scenario.includes('values'))).toBe(false);
  });
});

describeWithFixtures('clusterFromFixture (8.7 backup-configured)', () => {
  // Read when the suite runs, not when it is collected: a skipped suite is still collected.
  let objects: ReturnType<typeof clusterFromFixture>;
  let pods: Json[];
  beforeAll(() => {
    objects = clusterFromFixture('12.13.3', 'backup-configured');
    pods = objects.pods as Json[];
  });

  it('makes StatefulSet pods name-0..n-1 and Deployment pods name-<hash>-<suffix>, Running and Ready with a 10.x IP', () => {
    const names = pods.map((p) => p['metadata']['name'] as string);
    expect(names).toEqual(expect.arrayContaining(['camunda-zeebe-0', 'camunda-zeebe-1', 'camunda-zeebe-2', 'camunda-elasticsearch-master-0']));
    expect(names.filter((n) => n.startsWith('camunda-zeebe-gateway-'))).toHaveLength(2);
    const operate = pods.find((p) => p['metadata']['labels']['app.kubernetes.io/component'] === 'operate')!;
    expect(operate['metadata']['name']).toMatch(/^camunda-operate-[a-z0-9]{10}-[a-z0-9]{5}$/);
    expect(operate['metadata']['labels']['pod-template-hash']).toBe(operate['metadata']['name'].split('-')[2]);
    expect(operate['status']['phase']).toBe('Running');
    expect(operate['status']['conditions']).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
    expect(operate['status']['podIP']).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(new Set(pods.map((p) => p['status']['podIP'])).size).toBe(pods.length);
  });

  it('keeps the pod template: labels, containers, env, ports, probes; no Helm annotations on pods', () => {
    const operate = pods.find((p) => p['metadata']['labels']['app.kubernetes.io/component'] === 'operate')!;
    const container = operate['spec']['containers'][0];
    expect(container['image']).toBe('camunda/operate:8.7.37');
    expect(container['env']).toContainEqual({ name: 'CAMUNDA_OPERATE_BACKUP_REPOSITORYNAME', value: 'camunda-backup' });
    expect(container['ports']).toContainEqual(expect.objectContaining({ name: 'management', containerPort: 9600 }));
    expect(container['readinessProbe']['httpGet']).toMatchObject({ path: '/actuator/health/readiness', port: 'management' });
    expect(operate['metadata']['annotations']?.['meta.helm.sh/release-name']).toBeUndefined();
    const broker = byName(pods, 'camunda-zeebe-1');
    expect(broker['metadata']['labels']['statefulset.kubernetes.io/pod-name']).toBe('camunda-zeebe-1');
    expect(broker['spec']['subdomain']).toBe('camunda-zeebe');
  });

  it('adds the meta.helm.sh annotations to top-level objects and server fields to Services', () => {
    const service = byName(objects.services, 'camunda-operate');
    expect(service['metadata']['annotations']).toMatchObject({ 'meta.helm.sh/release-name': 'camunda', 'meta.helm.sh/release-namespace': 'camunda' });
    expect(service['metadata']['uid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(service['spec']['clusterIP']).toMatch(/^10\.96\./);
    expect(byName(objects.services, 'camunda-zeebe')['spec']['clusterIP']).toBe('None');
    expect(byName(objects.configMaps, 'camunda-operate-configuration')['metadata']['annotations']['meta.helm.sh/release-name']).toBe('camunda');
  });

  it('creates the Secrets users must provide (referenced, not rendered), without Helm ownership', () => {
    const s3 = byName(objects.secrets, 'zeebe-backup-s3');
    expect(Object.keys(s3['data']).sort()).toEqual(['accessKey', 'secretKey']);
    expect(Buffer.from(s3['data']['accessKey'], 'base64').toString()).toBe('sim-zeebe-backup-s3-accessKey');
    expect(s3['metadata']['annotations']).toBeUndefined();
  });

  it('stores the release like Helm: one Secret, labels, two base64 layers over gzip over Go-escaped JSON', () => {
    const [secret, ...rest] = releaseSecrets(objects.secrets);
    expect(rest).toHaveLength(0);
    expect(secret!['metadata']['name']).toBe('sh.helm.release.v1.camunda.v1');
    expect(secret!['metadata']['labels']).toMatchObject({ owner: 'helm', name: 'camunda', status: 'deployed', version: '1' });
    const helmLayer = Buffer.from(Buffer.from(secret!['data']['release'], 'base64').toString(), 'base64');
    expect([...helmLayer.subarray(0, 3)]).toEqual([0x1f, 0x8b, 0x08]);
    const text = gunzipSync(helmLayer).toString();
    expect(text).not.toMatch(/[<>&]/);
    const release = JSON.parse(text) as Json;
    expect(Object.keys(release)).toEqual(['name', 'info', 'chart', 'config', 'manifest', 'version', 'namespace']);
    expect(release['info']).toMatchObject({ status: 'deployed', deleted: '' });
    expect(release['chart']['metadata']).toMatchObject({ name: 'camunda-platform', version: '12.13.3', appVersion: '8.7.x' });
    expect(release['config']['operate']['env'][0]).toEqual({ name: 'CAMUNDA_OPERATE_BACKUP_REPOSITORYNAME', value: 'camunda-backup' });
    expect(release['manifest']).toContain('# Source: camunda-platform/templates/operate/deployment.yaml');
    expect(release).toMatchObject({ name: 'camunda', version: 1, namespace: 'camunda' });
  });

  it('matches the labels, chart metadata and config of the real install record (fixture release-secrets.json)', () => {
    const real = (JSON.parse(readFileSync(join(fixturesDir(), 'release-secrets.json'), 'utf8')) as Json)['items'][0] as Json;
    const ours = releaseSecrets(clusterFromFixture('13.12.7', 'backup-configured').secrets)[0]!;
    expect(ours['type']).toBe(real['type']);
    expect(Object.keys(ours['metadata']['labels']).sort()).toEqual(Object.keys(real['metadata']['labels']).sort());
    const decodedReal = decodeHelmReleaseData(real['data']['release']) as Json;
    const decodedOurs = decodeHelmReleaseData(ours['data']['release']) as Json;
    expect(decodedOurs['chart']['metadata']).toEqual(decodedReal['chart']['metadata']);
    expect(decodedOurs['config']).toEqual(decodedReal['config']);
  });
});

describe('release and namespace', () => {
  itWithFixtures('rewrites names, instance labels, DNS names and the release record for another release/namespace', () => {
    const objects = clusterFromFixture('12.13.3', 'default', { release: 'prod', namespace: 'ops' });
    const names = (objects.services as Json[]).map((s) => s['metadata']['name'] as string);
    expect(names).toContain('prod-operate');
    expect(names.some((n) => n.startsWith('camunda-'))).toBe(false);
    expect((objects.services as Json[]).every((s) => s['metadata']['namespace'] === 'ops')).toBe(true);
    const operate = (objects.pods as Json[]).find((p) => p['metadata']['labels']['app.kubernetes.io/component'] === 'operate')!;
    expect(operate['metadata']['labels']['app.kubernetes.io/instance']).toBe('prod');
    expect(operate['metadata']['namespace']).toBe('ops');
    const release = byName(objects.configMaps, 'prod-camunda-platform-release');
    expect(release['data']['info']).toContain('http://prod-operate.ops:9600/actuator/health/readiness');
    const secret = releaseSecrets(objects.secrets)[0]!;
    expect(secret['metadata']).toMatchObject({ name: 'sh.helm.release.v1.prod.v1', namespace: 'ops' });
    expect(decodeHelmReleaseData(secret['data']['release'])).toMatchObject({ name: 'prod', namespace: 'ops' });
    // Image names and the chart name keep "camunda".
    expect(operate['spec']['containers'][0]['image']).toBe('camunda/operate:8.7.37');
    expect(operate['metadata']['labels']['app.kubernetes.io/part-of']).toBe('camunda-platform');
  });

  it('writes earlier revisions as superseded and the last as deployed', () => {
    const objects = clusterFromManifest('', { release: 'r', namespace: 'n', chartVersion: '13.12.7', appVersion: '8.8.x', values: {}, revision: 3 });
    const secrets = releaseSecrets(objects.secrets);
    expect(secrets.map((s) => `${s['metadata']['name']}=${s['metadata']['labels']['status']}`)).toEqual([
      'sh.helm.release.v1.r.v1=superseded',
      'sh.helm.release.v1.r.v2=superseded',
      'sh.helm.release.v1.r.v3=deployed',
    ]);
    // Helm omits `config` when the user supplied no values.
    expect(Object.keys(decodeHelmReleaseData(secrets[2]!['data']['release']) as Json)).not.toContain('config');
  });
});

describe('helm-secret', () => {
  it('escapes like Go encoding/json and round-trips', () => {
    expect(goJson({ a: '<b>&' })).toBe('{"a":"\\u003cb\\u003e\\u0026"}');
    const secret = encodeHelmReleaseSecret({ name: 'x', manifest: '<&>' }, { release: 'x', namespace: 'y', revision: 2, status: 'deployed' });
    expect(decodeHelmReleaseData((secret['data'] as Json)['release'])).toEqual({ name: 'x', manifest: '<&>' });
  });
});
