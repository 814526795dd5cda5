import { describe, expect, it } from 'vitest';
import { itWithFixtures } from '../../test/fixtures-available.js';
import { clusterFromFixture } from '../../test/world/cluster-from-manifests.js';
import { encodeHelmReleaseSecret } from '../../test/world/helm-secret.js';
import { patchConfigFile } from '../../test/unit/config-file-patch.js';
import { FakeKubeClient } from '../../test/unit/fake-kube-client.js';
import { CliError, ExitCode, PreconditionError, UsageError } from '../errors.js';
import { decodeHelmReleaseSecret, helmReleasesFromSecrets, type HelmRelease } from '../kube/helm-release.js';
import type { Container, Pod, Secret, Service } from '../kube/kube-client.js';
import { secretFromK8s } from '../kube/objects.js';
import { type DiscoveryOptions, discoverInstallation } from './discover.js';
import { basePathFromProbe } from './resolve-components.js';
import { imageTag, resolveVersion } from './resolve-version.js';
import { selectCamundaRelease } from './select-camunda-release.js';

type Json = Record<string, unknown>;

function kubeFor(chartVersion: string, scenario: string): FakeKubeClient {
  return new FakeKubeClient(clusterFromFixture(chartVersion, scenario));
}

const discover = (kube: FakeKubeClient, options: Partial<DiscoveryOptions> = {}) => discoverInstallation(kube, { namespace: 'camunda', access: 'port-forward', ...options });

async function failure(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected discovery to fail');
}

function releaseSecret(release: Json, revision: number, status: 'deployed' | 'superseded' | 'failed' | 'pending-upgrade' = 'deployed', namespace = 'camunda'): Secret {
  return secretFromK8s(encodeHelmReleaseSecret({ namespace, version: revision, info: { status }, ...release }, { release: String(release['name']), namespace, revision, status }));
}

const chart = (name: string, version: string, appVersion = '8.8.x'): Json => ({ metadata: { name, version, appVersion }, values: {} });

/** Rewrites the deployed release record (user values, chart) as a `helm upgrade` would. */
function patchRelease(kube: FakeKubeClient, patch: (release: Json) => void): void {
  const index = kube.secrets.findIndex((s) => s.type === 'helm.sh/release.v1' && s.labels['status'] === 'deployed');
  const secret = kube.secrets[index]!;
  const release = JSON.parse(JSON.stringify(decodeHelmReleaseSecret(secret))) as Json;
  patch(release);
  kube.secrets[index] = secretFromK8s(
    encodeHelmReleaseSecret(release, { release: secret.labels['name']!, namespace: secret.namespace, revision: Number(secret.labels['version']), status: 'deployed' }),
  );
}

function setPath(root: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = root;
  for (const key of keys.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Json;
  }
  node[keys[keys.length - 1]!] = value;
}

function patchPods(kube: FakeKubeClient, match: (pod: Pod) => boolean, patch: (pod: Pod) => Pod): void {
  kube.pods = kube.pods.map((p) => (match(p) ? patch(p) : p));
}

const withContainer = (pod: Pod, name: string, patch: (c: Container) => Container): Pod => ({ ...pod, containers: pod.containers.map((c) => (c.name === name ? patch(c) : c)) });
const isComponent = (component: string) => (pod: Pod) => pod.labels['app.kubernetes.io/component'] === component;

function patchService(kube: FakeKubeClient, name: string, patch: (svc: Service) => Service): void {
  kube.services = kube.services.map((s) => (s.name === name ? patch(s) : s));
}


describe('release selection', () => {
  const camunda = (name: string): Json => ({ name, chart: chart('camunda-platform', '13.12.7') });
  const decodeCounting = () => {
    const decoded: string[] = [];
    return {
      decoded,
      decode: (secret: Secret): HelmRelease => {
        decoded.push(secret.name);
        return decodeHelmReleaseSecret(secret);
      },
    };
  };

  it('none found → exit 3 naming the namespace and what was looked for', async () => {
    const error = await failure(discover(new FakeKubeClient({})));
    expect(error).toBeInstanceOf(PreconditionError);
    expect(error.exitCode).toBe(ExitCode.Precondition);
    expect(error.message).toContain('namespace camunda');
    expect(error.message).toContain('owner=helm');
    expect(error.message).toContain('helm.sh/release.v1');
    expect(error.message).toContain('camunda-platform');
  });

  it('only other charts → exit 3 saying what was found', () => {
    const refs = helmReleasesFromSecrets([releaseSecret({ name: 'ingress', chart: chart('ingress-nginx', '4.0.0') }, 1)]);
    const { decode } = decodeCounting();
    expect(() => selectCamundaRelease(refs, 'camunda', undefined, decode)).toThrow(PreconditionError);
    expect(() => selectCamundaRelease(refs, 'camunda', undefined, decode)).toThrow(/Found: ingress \(chart ingress-nginx\)/);
  });

  it('several Camunda releases → exit 2 listing them and asking for --release', () => {
    const refs = helmReleasesFromSecrets([releaseSecret(camunda('blue'), 1), releaseSecret(camunda('green'), 3), releaseSecret({ name: 'other', chart: chart('redis', '1.0.0') }, 1)]);
    let error: unknown;
    try {
      selectCamundaRelease(refs, 'camunda', undefined, decodeCounting().decode);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.Usage);
    expect((error as UsageError).message).toBe('Several Camunda Helm releases in namespace camunda: blue, green.');
    expect((error as UsageError).hint).toContain('--release');
  });

  it('one Camunda release among others is chosen without --release', () => {
    const refs = helmReleasesFromSecrets([releaseSecret(camunda('blue'), 2), releaseSecret({ name: 'other', chart: chart('redis', '1.0.0') }, 1)]);
    expect(selectCamundaRelease(refs, 'camunda', undefined, decodeCounting().decode).release.name).toBe('blue');
  });

  it('--release decodes only the chosen release', () => {
    const refs = helmReleasesFromSecrets([
      releaseSecret(camunda('blue'), 1, 'superseded'),
      releaseSecret(camunda('blue'), 2),
      releaseSecret(camunda('green'), 1),
      releaseSecret(camunda('red'), 1),
    ]);
    const { decode, decoded } = decodeCounting();
    const { release } = selectCamundaRelease(refs, 'camunda', 'blue', decode);
    expect(release.version).toBe(2);
    expect(decoded).toEqual(['sh.helm.release.v1.blue.v2']);
  });

  it('a single release is decoded once', () => {
    const { decode, decoded } = decodeCounting();
    selectCamundaRelease(helmReleasesFromSecrets([releaseSecret(camunda('blue'), 1, 'superseded'), releaseSecret(camunda('blue'), 2)]), 'camunda', undefined, decode);
    expect(decoded).toEqual(['sh.helm.release.v1.blue.v2']);
  });

  it('unknown --release → exit 2 listing the releases found', () => {
    const refs = helmReleasesFromSecrets([releaseSecret(camunda('blue'), 1), releaseSecret(camunda('green'), 1)]);
    try {
      selectCamundaRelease(refs, 'camunda', 'purple', decodeCounting().decode);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toBe('Helm release "purple" not found in namespace camunda.');
      expect((error as UsageError).hint).toBe('Helm releases in camunda: blue, green.');
    }
  });

  it('--release of another chart → exit 2', () => {
    const refs = helmReleasesFromSecrets([releaseSecret({ name: 'cache', chart: chart('redis', '1.0.0') }, 1)]);
    expect(() => selectCamundaRelease(refs, 'camunda', 'cache', decodeCounting().decode)).toThrow(UsageError);
  });

  it('a release without a deployed revision → exit 3; a pending upgrade above it → warning', () => {
    const failed = helmReleasesFromSecrets([releaseSecret(camunda('blue'), 1, 'failed')]);
    expect(() => selectCamundaRelease(failed, 'camunda', 'blue', decodeCounting().decode)).toThrow(/no deployed revision \(newest is revision 1, failed\)/);
    expect(() => selectCamundaRelease(failed, 'camunda', undefined, decodeCounting().decode)).toThrow(PreconditionError);
    const pending = helmReleasesFromSecrets([releaseSecret(camunda('blue'), 4), releaseSecret(camunda('blue'), 5, 'pending-upgrade')]);
    const { release, warnings } = selectCamundaRelease(pending, 'camunda', undefined, decodeCounting().decode);
    expect(release.version).toBe(4);
    expect(warnings).toEqual([expect.stringContaining('revision 5 in status pending-upgrade')]);
  });

  it('a corrupt record is a precondition failure naming the Secret', () => {
    const broken = { ...releaseSecret(camunda('blue'), 1), data: { release: Buffer.from('bm90IGd6aXA=').toString('base64') } };
    expect(() => selectCamundaRelease(helmReleasesFromSecrets([broken]), 'camunda', undefined, decodeHelmReleaseSecret)).toThrow(PreconditionError);
    expect(() => selectCamundaRelease(helmReleasesFromSecrets([broken]), 'camunda', undefined, decodeHelmReleaseSecret)).toThrow(/sh\.helm\.release\.v1\.blue\.v1/);
  });
});

describe('version', () => {
  const release = (version: string, appVersion: string): HelmRelease => ({ name: 'camunda', namespace: 'camunda', version: 1, info: { status: 'deployed' }, chart: { metadata: { name: 'camunda-platform', version, appVersion } } });
  const pod = (name: string, component: string, image: string): Pod => ({
    name,
    namespace: 'camunda',
    labels: { 'app.kubernetes.io/component': component },
    annotations: {},
    phase: 'Running',
    ready: true,
    deleting: false,
    containers: [{ name: 'c', image, env: [], envFrom: [], ports: [] }],
  });

  it.each([
    { chartVersion: '11.12.3', image: 'camunda/zeebe:8.6.39', line: '8.6', pauseBeforeWebapps: false, bundledElasticsearch: true },
    { chartVersion: '12.13.3', image: 'camunda/zeebe:8.7.37', line: '8.7', pauseBeforeWebapps: false, bundledElasticsearch: true },
    { chartVersion: '13.12.7', image: 'camunda/camunda:8.8.35', line: '8.8', pauseBeforeWebapps: true, bundledElasticsearch: true },
    { chartVersion: '14.8.4', image: 'camunda/camunda:8.9.16', line: '8.9', pauseBeforeWebapps: true, bundledElasticsearch: true },
    { chartVersion: '15.0.0-alpha4', image: 'camunda/camunda:8.10.0-alpha4', line: '8.10', pauseBeforeWebapps: true, bundledElasticsearch: false },
    { chartVersion: '15.2.1', image: 'camunda/camunda:8.10.9', line: '8.10', pauseBeforeWebapps: true, bundledElasticsearch: false },
  ])('chart $chartVersion runs the Camunda $line procedure', ({ chartVersion, image, line, pauseBeforeWebapps, bundledElasticsearch }) => {
    const resolved = resolveVersion(release(chartVersion, `${line}.x`), [pod('camunda-zeebe-0', 'zeebe-broker', image)], undefined);
    expect(resolved).toMatchObject({ chartVersion, camundaVersion: image.split(':')[1], forced: false, warnings: [] });
    expect(resolved.procedure).toMatchObject({ line, chartMajor: Number(chartVersion.split('.')[0]), pauseBeforeWebapps, bundledElasticsearch });
    if (pauseBeforeWebapps) {
      // 8.10 keeps the 8.8/8.9 management API: same paths, same endpoints, same exporting calls.
      expect(resolved.procedure.backupPaths).toEqual({ webapps: '/actuator/backupHistory', optimize: '/actuator/backups', zeebe: '/actuator/backupRuntime' });
      expect(resolved.procedure.exportingPausePath).toBe('/actuator/exporting/pause?soft=true');
      expect(resolved.procedure.apis.zeebe).toMatchObject({ podComponent: 'zeebe-broker', serviceSuffix: 'zeebe-gateway', container: 'orchestration', defaultPort: 9600 });
    }
  });

  it('maps the chart major to the line and takes the patch version from the images', () => {
    const pods = [pod('camunda-optimize-1', 'optimize', 'camunda/optimize:8.7.26'), pod('camunda-operate-1', 'operate', 'docker.io/camunda/operate:8.7.37')];
    const resolved = resolveVersion(release('12.13.3', '8.7.x'), pods, undefined);
    expect(resolved.procedure.line).toBe('8.7');
    expect(resolved.camundaVersion).toBe('8.7.37');
    expect(resolved.forced).toBe(false);
    expect(resolved.warnings).toEqual([]);
  });

  it('falls back to appVersion when no image carries a version', () => {
    expect(resolveVersion(release('13.12.7', '8.8.x'), [pod('camunda-zeebe-0', 'zeebe-broker', 'camunda/camunda:SNAPSHOT')], undefined).camundaVersion).toBe('8.8.x');
  });

  it('warns when pods run different versions or a version the chart line does not match', () => {
    const mixed = resolveVersion(release('13.12.7', '8.8.x'), [pod('camunda-zeebe-0', 'zeebe-broker', 'camunda/camunda:8.8.35'), pod('camunda-zeebe-1', 'zeebe-broker', 'camunda/camunda:8.8.30')], undefined);
    expect(mixed.camundaVersion).toBe('8.8.35');
    expect(mixed.warnings.join()).toContain('different Camunda versions');
    const mismatch = resolveVersion(release('13.12.7', '8.8.x'), [pod('camunda-zeebe-0', 'zeebe-broker', 'camunda/zeebe:8.7.37')], undefined);
    expect(mismatch.procedure.line).toBe('8.8');
    expect(mismatch.warnings.join()).toContain('pods run Camunda 8.7.37');
  });

  it.each([
    { chartVersion: '16.0.0', image: 'camunda/camunda:8.11.0', shown: '8.11.0' },
    { chartVersion: '10.4.1', image: 'camunda/zeebe:8.5.12', shown: '8.5.12' },
  ])('chart $chartVersion is not supported → exit 3 naming it and the supported lines', ({ chartVersion, image, shown }) => {
    try {
      resolveVersion(release(chartVersion, 'x'), [pod('camunda-zeebe-0', 'zeebe-broker', image)], undefined);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PreconditionError);
      const message = (error as PreconditionError).message;
      expect(message).toContain(`chart ${chartVersion}`);
      expect(message).toContain(`Camunda ${shown}`);
      for (const line of ['8.6 (chart 11.x)', '8.7 (chart 12.x)', '8.8 (chart 13.x)', '8.9 (chart 14.x)', '8.10 (chart 15.x)']) expect(message).toContain(line);
      expect((error as PreconditionError).hint).toContain('--camunda-version');
    }
  });

  it('--camunda-version forces a known line with a warning', () => {
    const forced = resolveVersion(release('16.0.0', '8.11.x'), [pod('camunda-zeebe-0', 'zeebe-broker', 'camunda/camunda:8.11.0')], '8.10');
    expect(forced.procedure.line).toBe('8.10');
    expect(forced.forced).toBe(true);
    expect(forced.warnings).toEqual([expect.stringMatching(/^--camunda-version 8\.10: .*chart 16\.0\.0 \(Camunda 8\.11\.0\) at your own risk\.$/)]);
    expect(resolveVersion(release('13.12.7', '8.8.x'), [], '8.8.4').forced).toBe(false);
  });

  it.each(['8.5', '8.11', '9.0', 'latest', ''])('--camunda-version %j is not in the table → exit 2', (line) => {
    expect(() => resolveVersion(release('13.12.7', '8.8.x'), [], line)).toThrow(UsageError);
  });

  it.each([
    ['camunda/camunda:8.8.35', '8.8.35'],
    ['registry.local:5000/camunda/operate:8.7.37@sha256:abc', '8.7.37'],
    ['registry.local:5000/camunda/operate', undefined],
    ['camunda/operate@sha256:abc', undefined],
  ])('imageTag(%s) = %s', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});

describe('components', () => {
  itWithFixtures('a component without a Ready pod → exit 3 naming it, the Service and the pods; all such components at once', async () => {
    const kube = kubeFor('12.13.3', 'default');
    patchPods(kube, (p) => isComponent('operate')(p) || isComponent('optimize')(p), (p) => ({ ...p, ready: false }));
    const error = await failure(discover(kube));
    expect(error).toBeInstanceOf(PreconditionError);
    expect(error.message).toMatch(/Operate: no Ready pod behind Service camunda-operate \(camunda-operate-[a-z0-9]+-[a-z0-9]+ \(Running, not ready\)\)/);
    expect(error.message).toContain('Optimize: no Ready pod behind Service camunda-optimize');
    expect(error.hint).toMatch(/kubectl get pods -l \S+ -n camunda/);
  });

  itWithFixtures('a missing Service of an enabled component → exit 3', async () => {
    const kube = kubeFor('13.12.7', 'full-keycloak-optimize');
    kube.services = kube.services.filter((s) => s.name !== 'camunda-optimize');
    expect((await failure(discover(kube))).message).toContain('Optimize: Service camunda-optimize not found in namespace camunda');
  });

  itWithFixtures('picks one Ready, not terminating pod, first by name, whatever order the API lists them in', async () => {
    const kube = kubeFor('11.12.3', 'default');
    const gateways = kube.pods.filter(isComponent('zeebe-gateway')).map((p) => p.name).sort();
    expect(gateways).toHaveLength(2);
    kube.pods.reverse();
    expect((await discover(kube)).components.find((c) => c.part === 'zeebe')?.target.pod).toBe(gateways[0]);
    patchPods(kube, (p) => p.name === gateways[0], (p) => ({ ...p, deleting: true }));
    expect((await discover(kube)).components.find((c) => c.part === 'zeebe')?.target.pod).toBe(gateways[1]);
  });

  itWithFixtures('a disabled component is skipped with a reason, not failed', async () => {
    const kube = kubeFor('12.13.3', 'default');
    patchRelease(kube, (release) => setPath(release, 'config.tasklist.enabled', false));
    kube.services = kube.services.filter((s) => s.name !== 'camunda-tasklist');
    const installation = await discover(kube);
    expect(installation.components.map((c) => c.part)).toEqual(['optimize', 'operate', 'zeebe']);
    expect(installation.skipped).toEqual([{ part: 'tasklist', reason: 'Tasklist is not enabled in release camunda (tasklist.enabled: false).' }]);
  });

  itWithFixtures('honours a non-default management port: named targetPort, numeric targetPort, or values when the Service has no such port', async () => {
    const kube = kubeFor('12.13.3', 'default');
    patchService(kube, 'camunda-operate', (s) => ({ ...s, ports: s.ports.map((p) => (p.name === 'management' ? { ...p, port: 19600, targetPort: 'management' } : p)) }));
    patchService(kube, 'camunda-tasklist', (s) => ({ ...s, ports: s.ports.map((p) => (p.name === 'management' ? { ...p, port: 19601, targetPort: 9700 } : p)) }));
    patchService(kube, 'camunda-optimize', (s) => ({ ...s, ports: s.ports.filter((p) => p.name !== 'management') }));
    patchRelease(kube, (release) => setPath(release, 'config.optimize.service.managementPort', 18092));
    const installation = await discover(kube);
    const port = (part: string) => installation.components.find((c) => c.part === part)?.target.port;
    expect(port('operate')).toBe(9600);
    expect(port('tasklist')).toBe(9700);
    expect(port('optimize')).toBe(18092);
    expect(installation.warnings).toContain('Optimize: Service camunda-optimize has no port named management; using pod port 18092.');
  });

  itWithFixtures('base path: readiness probe first, then management.server.base-path, then the values contextPath', async () => {
    const kube = kubeFor('13.12.7', 'default');
    const dropProbe = (p: Pod) => withContainer(p, 'orchestration', (c) => ({ ...c, readinessProbe: undefined }));
    patchPods(kube, isComponent('zeebe-broker'), dropProbe);
    patchConfigFile(kube, 'camunda-zeebe-configuration-unified', 'application.yaml', (doc) => setPath(doc, 'management.server.base-path', '/from-config/'));
    expect((await discover(kube)).components.find((c) => c.part === 'zeebe')?.basePath).toBe('/from-config');
    kube.configMapObjects = kube.configMapObjects.filter((c) => c.name !== 'camunda-zeebe-configuration-unified');
    patchRelease(kube, (release) => setPath(release, 'config.orchestration.contextPath', 'camunda'));
    const installation = await discover(kube);
    expect(installation.components.filter((c) => c.part !== 'optimize').map((c) => c.basePath)).toEqual(['/camunda', '/camunda']);
  });

  it.each([
    ['/operate/actuator/health/readiness', '/operate'],
    ['/actuator/health/readiness', ''],
    ['/a/b/actuator/health', '/a/b'],
    ['/optimize/api/readyz', undefined],
    [undefined, undefined],
  ])('basePathFromProbe(%s) = %s', (path, base) => {
    expect(basePathFromProbe(path)).toBe(base);
  });

  itWithFixtures('--exec-container chooses the container of every component; an unknown one → exit 2', async () => {
    const kube = kubeFor('13.12.7', 'default');
    patchPods(kube, isComponent('zeebe-broker'), (p) => ({ ...p, containers: [...p.containers, { name: 'curl', image: 'alpine/curl', env: [], envFrom: [], ports: [] }] }));
    const installation = await discover(kube, { execContainer: 'curl' });
    expect(installation.components.map((c) => c.target.container)).toEqual(['curl', 'curl']);
    const error = await failure(discover(kube, { execContainer: 'nope' }));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.hint).toContain('orchestration, curl');
  });

  itWithFixtures('--exec-pod relays external search calls; an unknown pod → exit 2', async () => {
    const kube = kubeFor('13.12.7', 'elasticsearch-external');
    kube.pods.push({ name: 'toolbox', namespace: 'camunda', labels: { app: 'toolbox' }, annotations: {}, phase: 'Running', ready: true, deleting: false, containers: [{ name: 'shell', image: 'alpine/curl', env: [], envFrom: [], ports: [] }] });
    const installation = await discover(kube, { execPod: 'toolbox', access: 'exec' });
    expect(installation.search?.target).toEqual({ kind: 'url', url: 'https://elasticsearch.example.internal:9200', via: { namespace: 'camunda', pod: 'toolbox', container: 'shell', port: 0 } });
    expect((await failure(discover(kube, { execPod: 'missing', access: 'exec' }))).exitCode).toBe(ExitCode.Usage);
    expect((await failure(discover(kube, { execPod: 'toolbox', execContainer: 'nope', access: 'exec' }))).exitCode).toBe(ExitCode.Usage);
  });
});

describe('snapshot repository', () => {
  const setEnv = (kube: FakeKubeClient, component: string, container: string, name: string, env: Container['env'][number] | undefined) =>
    patchPods(kube, isComponent(component), (p) => withContainer(p, container, (c) => ({ ...c, env: [...c.env.filter((e) => e.name !== name), ...(env ? [env] : [])] })));

  itWithFixtures('components that disagree → exit 3 listing each, before any change', async () => {
    const kube = kubeFor('12.13.3', 'backup-configured');
    setEnv(kube, 'tasklist', 'tasklist', 'CAMUNDA_TASKLIST_BACKUP_REPOSITORYNAME', { name: 'CAMUNDA_TASKLIST_BACKUP_REPOSITORYNAME', value: 'other-repo' });
    const error = await failure(discover(kube));
    expect(error).toBeInstanceOf(PreconditionError);
    expect(error.message).toBe('The components are configured with different snapshot repositories (Optimize: camunda-backup, Operate: camunda-backup, Tasklist: other-repo).');
    expect(kube.calls.every((c) => /^(list|read)/.test(c.method))).toBe(true);
  });

  itWithFixtures('--snapshot-repository overrides everything, with a warning per component that differs', async () => {
    const kube = kubeFor('12.13.3', 'backup-configured');
    setEnv(kube, 'tasklist', 'tasklist', 'CAMUNDA_TASKLIST_BACKUP_REPOSITORYNAME', { name: 'CAMUNDA_TASKLIST_BACKUP_REPOSITORYNAME', value: 'other-repo' });
    const installation = await discover(kube, { snapshotRepository: 'chosen' });
    expect(installation.repositoryName).toBe('chosen');
    expect(installation.components.find((c) => c.part === 'tasklist')?.repositoryName).toBe('other-repo');
    expect(installation.warnings.filter((w) => w.includes('--snapshot-repository'))).toHaveLength(3);
  });

  itWithFixtures('a value from a Secret is unknown (warning); the others still agree', async () => {
    const kube = kubeFor('12.13.3', 'backup-configured');
    setEnv(kube, 'operate', 'operate', 'CAMUNDA_OPERATE_BACKUP_REPOSITORYNAME', { name: 'CAMUNDA_OPERATE_BACKUP_REPOSITORYNAME', valueFrom: { secretKeyRef: { name: 'repo', key: 'name' } } });
    const installation = await discover(kube);
    expect(installation.repositoryName).toBe('camunda-backup');
    expect(installation.components.find((c) => c.part === 'operate')?.repositoryName).toBeUndefined();
    expect(installation.warnings).toContain('Operate: the snapshot repository comes from env CAMUNDA_OPERATE_BACKUP_REPOSITORYNAME (Secret repo, key name), which discovery does not read.');
  });

  itWithFixtures('falls back from the container env to the user values, then to the ConfigMap', async () => {
    const kube = kubeFor('12.13.3', 'backup-configured');
    setEnv(kube, 'operate', 'operate', 'CAMUNDA_OPERATE_BACKUP_REPOSITORYNAME', undefined);
    expect((await discover(kube)).components.find((c) => c.part === 'operate')?.repositoryName).toBe('camunda-backup');
    patchRelease(kube, (release) => setPath(release, 'config.operate.env', []));
    patchConfigFile(kube, 'camunda-operate-configuration', 'application.yaml', (doc) => setPath(doc, 'camunda.operate.backup', { repositoryName: 'camunda-backup' }));
    expect((await discover(kube)).components.find((c) => c.part === 'operate')?.repositoryName).toBe('camunda-backup');
  });

  itWithFixtures('reads env from envFrom ConfigMaps and Optimize’s environment-config.yaml', async () => {
    const kube = kubeFor('12.13.3', 'default');
    kube.configMapObjects.push({ name: 'backup-env', namespace: 'camunda', data: { CAMUNDA_OPERATE_BACKUP_REPOSITORYNAME: 'repo-a', CAMUNDA_TASKLIST_BACKUP_REPOSITORYNAME: 'repo-a' } });
    for (const component of ['operate', 'tasklist']) patchPods(kube, isComponent(component), (p) => withContainer(p, component, (c) => ({ ...c, envFrom: [...c.envFrom, { configMapRef: 'backup-env' }] })));
    patchConfigFile(kube, 'camunda-optimize-configuration', 'environment-config.yaml', (doc) => setPath(doc, 'backup', { repositoryName: 'repo-a' }));
    const installation = await discover(kube);
    expect(installation.components.filter((c) => c.part !== 'zeebe').map((c) => `${c.part}=${c.repositoryName}`)).toEqual(['optimize=repo-a', 'operate=repo-a', 'tasklist=repo-a']);
    expect(installation.repositoryName).toBe('repo-a');
  });

  itWithFixtures('8.9: the secondary-storage key in an extra configuration file, and the 8.8 env name as legacy alias', async () => {
    const kube = kubeFor('14.8.4', 'default');
    kube.configMapObjects = kube.configMapObjects.map((cm) =>
      cm.name === 'camunda-zeebe-configuration' ? { ...cm, data: { ...cm.data, 'backup.yaml': 'camunda.data.secondary-storage.elasticsearch.backup:\n  repository-name: from-file\n' } } : cm,
    );
    expect((await discover(kube)).repositoryName).toBe('from-file');
    patchPods(kube, isComponent('zeebe-broker'), (p) => withContainer(p, 'orchestration', (c) => ({ ...c, env: [...c.env, { name: 'CAMUNDA_DATA_BACKUP_REPOSITORYNAME', value: 'legacy' }] })));
    expect((await discover(kube)).repositoryName).toBe('legacy');
  });

  itWithFixtures('nothing configured anywhere → undefined with a warning', async () => {
    const installation = await discover(kubeFor('13.12.7', 'default'));
    expect(installation.repositoryName).toBeUndefined();
    expect(installation.warnings.some((w) => w.startsWith('No snapshot repository is configured in Operate/Tasklist'))).toBe(true);
  });
});

describe('search engine and zeebe-record indices', () => {
  itWithFixtures('a missing password Secret is a warning, not a failure', async () => {
    const kube = kubeFor('12.13.3', 'elasticsearch-external');
    kube.secrets = kube.secrets.filter((s) => s.name !== 'elasticsearch-credentials');
    const installation = await discover(kube);
    expect(installation.search?.authorization).toBeUndefined();
    expect(installation.warnings).toContain('Elasticsearch password: Secret elasticsearch-credentials not found; calls go without credentials.');
  });

  itWithFixtures('an inline password in the values needs no Secret read', async () => {
    const kube = kubeFor('13.12.7', 'elasticsearch-external');
    patchRelease(kube, (release) => setPath(release, 'config.global.elasticsearch.auth', { username: 'elastic', password: 'inline-pw' }));
    const installation = await discover(kube);
    expect(installation.search?.authorization?.reveal()).toBe(`Basic ${Buffer.from('elastic:inline-pw').toString('base64')}`);
    expect(kube.calls.some((c) => c.method === 'readSecret')).toBe(false);
    expect(JSON.stringify(installation)).not.toContain('inline-pw');
    expect(installation.warnings.join()).not.toContain('inline-pw');
  });

  itWithFixtures('bundled Elasticsearch without a Ready pod → exit 3 when zeebe-record indices must be snapshotted', async () => {
    const kube = kubeFor('11.12.3', 'default');
    patchPods(kube, isComponent('master'), (p) => ({ ...p, ready: false }));
    expect((await failure(discover(kube))).message).toMatch(/^Elasticsearch \(http:\/\/camunda-elasticsearch:9200\): no Ready pod behind Service camunda-elasticsearch/);
  });

  itWithFixtures('8.8 without Optimize: zeebe-record indices exist only when the legacy exporter is configured', async () => {
    const kube = kubeFor('13.12.7', 'default');
    expect((await discover(kube)).zeebeRecordsExported).toBe(false);
    patchConfigFile(kube, 'camunda-zeebe-configuration-unified', 'application.yaml', (doc) =>
      setPath(doc, 'zeebe.broker.exporters.elasticsearch', { className: 'io.camunda.zeebe.exporter.ElasticsearchExporter', args: { url: 'http://camunda-elasticsearch:9200', index: { prefix: 'custom-records' } } }),
    );
    const installation = await discover(kube);
    expect(installation.zeebeRecordsExported).toBe(true);
    expect(installation.skipped.map((s) => s.part)).toEqual(['optimize']);
    expect(installation.search?.zeebeIndexPrefix).toBe('custom-records');
  });

  itWithFixtures('without the orchestration ConfigMap the values decide, with a warning', async () => {
    const kube = kubeFor('13.12.7', 'full-keycloak-optimize');
    kube.configMapObjects = kube.configMapObjects.filter((c) => c.name !== 'camunda-zeebe-configuration-unified');
    const installation = await discover(kube);
    expect(installation.secondaryStorage).toBe('elasticsearch');
    expect(installation.zeebeRecordsExported).toBe(true);
    expect(installation.warnings.some((w) => w.includes('taken from the Helm values'))).toBe(true);
  });

  itWithFixtures('no URL for a search engine that no zeebe-record snapshot needs → warning; Optimize still reads that engine’s repository key', async () => {
    const kube = kubeFor('14.8.4', 'full-keycloak-optimize');
    patchConfigFile(kube, 'camunda-zeebe-configuration', 'application.yaml', (doc) => {
      setPath(doc, 'camunda.data.secondary-storage', { type: 'opensearch' });
      setPath(doc, 'zeebe.broker.exporters', {});
    });
    patchConfigFile(kube, 'camunda-optimize-configuration', 'environment-config.yaml', (doc) => setPath(doc, 'opensearch.backup', { repositoryName: 'os-repo' }));
    const installation = await discover(kube);
    expect(installation.zeebeRecordsExported).toBe(false);
    expect(installation.search).toBeUndefined();
    expect(installation.warnings).toContain('Could not find the OpenSearch URL in the configuration or the Helm values.');
    expect(installation.components.find((c) => c.part === 'optimize')?.repositoryName).toBe('os-repo');
  });

  itWithFixtures('index prefix from the values when the exporter does not say', async () => {
    const kube = kubeFor('12.13.3', 'opensearch-external');
    patchRelease(kube, (release) => setPath(release, 'config.global.opensearch.prefix', 'os-records'));
    expect((await discover(kube)).search?.zeebeIndexPrefix).toBe('os-records');
  });
});

describe('Zeebe store and Web Modeler', () => {
  itWithFixtures('a store from a Secret is unknown, with a warning', async () => {
    const kube = kubeFor('13.12.7', 'backup-configured');
    patchPods(kube, isComponent('zeebe-broker'), (p) =>
      withContainer(p, 'orchestration', (c) => ({ ...c, env: c.env.map((e) => (e.name === 'CAMUNDA_DATA_BACKUP_STORE' ? { name: e.name, valueFrom: { secretKeyRef: { name: 's', key: 'k' } } } : e)) })),
    );
    const installation = await discover(kube);
    expect(installation.zeebeStore).toEqual({ store: undefined, continuous: false });
    expect(installation.warnings.some((w) => w.startsWith('Zeebe backup store comes from env CAMUNDA_DATA_BACKUP_STORE (Secret s, key k)'))).toBe(true);
  });

  itWithFixtures('Web Modeler: database, user and password Secret from the PostgreSQL pod', async () => {
    const installation = await discover(kubeFor('14.8.4', 'web-modeler'));
    expect(installation.webModeler).toEqual({
      pod: { namespace: 'camunda', pod: 'camunda-postgresql-web-modeler-0', container: 'postgresql', port: 5432 },
      database: 'web-modeler',
      username: 'web-modeler',
      passwordSecret: { name: 'camunda-postgresql-web-modeler', key: 'password' },
    });
  });

  itWithFixtures('--web-modeler without a Web Modeler database → exit 3', async () => {
    const error = await failure(discover(kubeFor('14.8.4', 'default'), { webModeler: true }));
    expect(error).toBeInstanceOf(PreconditionError);
    expect(error.message).toContain('camunda-postgresql-web-modeler');
  });
});

describe('discoverInstallation reads', () => {
  itWithFixtures('a forbidden password Secret is a warning, not a failure', async () => {
    const kube = kubeFor('13.12.7', 'elasticsearch-external');
    kube.readSecret = () => Promise.reject(new Error('secrets "elasticsearch-credentials" is forbidden'));
    const installation = await discover(kube);
    expect(installation.search?.authorization).toBeUndefined();
    expect(installation.warnings).toContain('Could not read the search engine password from Secret elasticsearch-credentials (secrets "elasticsearch-credentials" is forbidden)');
  });

  itWithFixtures('lists the release Secrets, then the release’s Pods and Services by instance label; the whole namespace only for an outside --exec-pod', async () => {
    const kube = kubeFor('13.12.7', 'default');
    await discover(kube);
    expect(kube.calls.filter((c) => c.method.startsWith('list'))).toEqual([
      { method: 'listSecrets', namespace: 'camunda', labelSelector: 'owner=helm' },
      { method: 'listPods', namespace: 'camunda', labelSelector: 'app.kubernetes.io/instance=camunda' },
      { method: 'listServices', namespace: 'camunda', labelSelector: 'app.kubernetes.io/instance=camunda' },
    ]);
    kube.calls.length = 0;
    await discover(kube, { execPod: 'camunda-zeebe-1', access: 'exec' });
    expect(kube.calls.filter((c) => c.method === 'listPods')).toHaveLength(1);
  });
});
