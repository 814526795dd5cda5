import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { describeWithFixtures, FIXTURES_DIR } from '../../test/fixtures-available.js';
import type { Secret } from './kube-client.js';
import { decodeHelmReleaseData, decodeHelmReleaseSecret, HelmReleaseDecodeError, helmReleasesFromSecrets } from './helm-release.js';
import { secretFromK8s } from './objects.js';

function secretList(relative: string): Secret[] {
  const list = JSON.parse(readFileSync(join(FIXTURES_DIR, relative), 'utf8')) as { items: unknown[] };
  return list.items.map(secretFromK8s);
}

function helmSecret(name: string, labels: Record<string, string>, release: unknown, options: { gzip?: boolean; type?: string; namespace?: string } = {}): Secret {
  const json = Buffer.from(JSON.stringify(release), 'utf8');
  const helmLayer = (options.gzip === false ? json : gzipSync(json)).toString('base64');
  return {
    name,
    namespace: options.namespace ?? 'ns',
    type: options.type ?? 'helm.sh/release.v1',
    labels: { owner: 'helm', ...labels },
    data: { release: Buffer.from(helmLayer, 'utf8').toString('base64') },
  };
}

const minimalRelease = (version: number, chartVersion = '13.12.7') => ({
  name: 'camunda',
  namespace: 'ns',
  version,
  info: { status: 'deployed' },
  chart: { metadata: { name: 'camunda-platform', version: chartVersion, appVersion: '8.8.x' }, values: {} },
});

describeWithFixtures('Helm release records of the fixtures', () => {
  describe.each([
    { file: 'release-secrets.json', chartVersion: '13.12.7', appVersion: '8.8.x' },
    { file: '14.8.4/release-secrets.json', chartVersion: '14.8.4', appVersion: '8.9.x' },
  ])('Helm release records in $file', ({ file, chartVersion, appVersion }) => {
    it('chooses the highest deployed revision per namespace and release', () => {
      const refs = helmReleasesFromSecrets(secretList(file));
      expect(refs.map((r) => ({ ns: r.namespace, name: r.name, deployed: r.deployed?.revision, secret: r.deployed?.secret.name, latest: r.latest }))).toEqual([
        { ns: 'camunda', name: 'camunda', deployed: 2, secret: 'sh.helm.release.v1.camunda.v2', latest: { revision: 2, status: 'deployed' } },
        { ns: 'camunda4', name: 'camunda', deployed: 1, secret: 'sh.helm.release.v1.camunda.v1', latest: { revision: 1, status: 'deployed' } },
      ]);
    });

    it('decodes the Helm 3 upgrade record: chart, user values, manifest', () => {
      const ref = helmReleasesFromSecrets(secretList(file)).find((r) => r.namespace === 'camunda');
      const release = decodeHelmReleaseSecret(ref!.deployed!.secret);
      expect(release.name).toBe('camunda');
      expect(release.namespace).toBe('camunda');
      expect(release.version).toBe(2);
      expect(release.info.status).toBe('deployed');
      expect(release.info.description).toBe('Upgrade complete');
      expect(release.chart.metadata).toMatchObject({ name: 'camunda-platform', version: chartVersion, appVersion });
      expect(release.config?.['optimize']).toMatchObject({ enabled: true });
      expect(release.manifest).toContain('# Source: camunda-platform/');
    });

    it('decodes the Helm 4 record (apply_method, no info.deleted)', () => {
      const ref = helmReleasesFromSecrets(secretList(file)).find((r) => r.namespace === 'camunda4');
      const release = decodeHelmReleaseSecret(ref!.deployed!.secret);
      expect(release.namespace).toBe('camunda4');
      expect(release['apply_method']).toBe('ssa');
      expect(release.info['deleted']).toBeUndefined();
      expect(release.chart.metadata.version).toBe(chartVersion);
    });
  });
});

describe('helmReleasesFromSecrets', () => {
  it('ignores Secrets that are not Helm release records', () => {
    const secrets = [
      helmSecret('sh.helm.release.v1.camunda.v1', { name: 'camunda', status: 'deployed', version: '1' }, minimalRelease(1), { type: 'Opaque' }),
      { ...helmSecret('x', { name: 'other', status: 'deployed', version: '1' }, minimalRelease(1)), labels: { name: 'other', status: 'deployed', version: '1' } },
      helmSecret('y', { name: 'bad', status: 'deployed', version: 'abc' }, minimalRelease(1)),
    ];
    expect(helmReleasesFromSecrets(secrets)).toEqual([]);
  });

  it('keeps the deployed revision when a newer one is pending or failed, and reports the newer one', () => {
    const refs = helmReleasesFromSecrets([
      helmSecret('sh.helm.release.v1.camunda.v1', { name: 'camunda', status: 'superseded', version: '1' }, minimalRelease(1)),
      helmSecret('sh.helm.release.v1.camunda.v10', { name: 'camunda', status: 'deployed', version: '10' }, minimalRelease(10)),
      helmSecret('sh.helm.release.v1.camunda.v9', { name: 'camunda', status: 'superseded', version: '9' }, minimalRelease(9)),
      helmSecret('sh.helm.release.v1.camunda.v11', { name: 'camunda', status: 'pending-upgrade', version: '11' }, minimalRelease(11)),
    ]);
    expect(refs).toHaveLength(1);
    // numeric, not lexical: v10 beats v9
    expect(refs[0]?.deployed?.revision).toBe(10);
    expect(refs[0]?.latest).toEqual({ revision: 11, status: 'pending-upgrade' });
  });

  it('reports a release without any deployed revision', () => {
    const refs = helmReleasesFromSecrets([helmSecret('sh.helm.release.v1.camunda.v1', { name: 'camunda', status: 'failed', version: '1' }, minimalRelease(1))]);
    expect(refs[0]?.deployed).toBeUndefined();
    expect(refs[0]?.latest).toEqual({ revision: 1, status: 'failed' });
  });
});

describe('decodeHelmReleaseData / decodeHelmReleaseSecret', () => {
  it('skips gunzip for uncompressed records, like Helm', () => {
    const secret = helmSecret('sh.helm.release.v1.camunda.v1', { name: 'camunda', status: 'deployed', version: '1' }, minimalRelease(1), { gzip: false });
    expect(decodeHelmReleaseData(secret.data['release']!)).toEqual(minimalRelease(1));
    expect(decodeHelmReleaseSecret(secret).chart.metadata.version).toBe('13.12.7');
  });

  it('gunzips compressed records', () => {
    const secret = helmSecret('sh.helm.release.v1.camunda.v1', { name: 'camunda', status: 'deployed', version: '1' }, minimalRelease(1));
    expect(decodeHelmReleaseData(secret.data['release']!)).toEqual(minimalRelease(1));
  });

  it('names the Secret when the data is not a release record', () => {
    const notRelease = helmSecret('sh.helm.release.v1.camunda.v1', { name: 'camunda', status: 'deployed', version: '1' }, { hello: 'world' });
    expect(() => decodeHelmReleaseSecret(notRelease)).toThrow(HelmReleaseDecodeError);
    expect(() => decodeHelmReleaseSecret(notRelease)).toThrow(/ns\/sh\.helm\.release\.v1\.camunda\.v1 is not a Helm release record/);
    const garbage = { ...notRelease, data: { release: Buffer.from('not base64 json', 'utf8').toString('base64') } };
    expect(() => decodeHelmReleaseSecret(garbage)).toThrow(/could not be decoded/);
    expect(() => decodeHelmReleaseSecret({ ...notRelease, data: {} })).toThrow(/has no data.release/);
  });
});
