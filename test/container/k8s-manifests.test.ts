/** The installation as objects for a real cluster (k3s tier): what discovery reads survives, what a server assigns does not. */
import { describe, expect, it } from 'vitest';
import { appVersionForChart, clusterFromManifest } from '../world/cluster-from-manifests.js';
import { readResources } from '../world/index.js';
import { forwardRulesByPod, installationManifests, WORLD_POD, worldManifests } from './k8s-manifests.js';
import type { Topology } from './sim-protocol.js';

type Json = Record<string, unknown>;
// Our own 8.7 resources: any installation will do, and these are in every clone.
const demo = readResources('demo-8.7', 'camunda', 'camunda');
const objects = clusterFromManifest(demo.manifest, { release: 'camunda', namespace: 'camunda', chartVersion: demo.chartVersion, appVersion: appVersionForChart(demo.chartVersion), values: demo.values });
const rules = new Map([['camunda-zeebe-0', [{ listen: 9600, host: '10.42.0.9', port: 20_007 }]]]);
const manifests = installationManifests(objects, { image: (name) => (name.includes('operate') ? 'sim:nocurl' : 'sim:curl'), forwardRules: (name) => rules.get(name) ?? [] });
const ofKind = (kind: string): Json[] => manifests.filter((m) => m['kind'] === kind);
const meta = (o: Json): Json => o['metadata'] as Json;

describe('installationManifests', () => {
  it('keeps every object, Secrets and ConfigMaps before the Pods that read them', () => {
    expect(ofKind('Pod')).toHaveLength(objects.pods.length);
    expect(ofKind('Service')).toHaveLength(objects.services.length);
    const kinds = manifests.map((m) => m['kind']);
    expect(kinds.lastIndexOf('Secret')).toBeLessThan(kinds.indexOf('Pod'));
    expect(kinds.lastIndexOf('ConfigMap')).toBeLessThan(kinds.indexOf('Pod'));
    expect(ofKind('Secret').some((s) => s['type'] === 'helm.sh/release.v1' && (meta(s)['labels'] as Json)['owner'] === 'helm')).toBe(true);
  });

  it('drops what the API server assigns', () => {
    for (const m of manifests) {
      for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'ownerReferences']) expect(meta(m), `${String(meta(m)['name'])}.${field}`).not.toHaveProperty(field);
      expect(m).not.toHaveProperty('status');
    }
    for (const service of ofKind('Service')) {
      const clusterIP = (service['spec'] as Json)['clusterIP'];
      expect(clusterIP === undefined || clusterIP === 'None').toBe(true);
      expect(service['spec']).not.toHaveProperty('clusterIPs');
    }
  });

  it('runs the simulator image in each pod with what discovery reads: name, labels, hostname, ports, env', () => {
    const broker = ofKind('Pod').find((p) => meta(p)['name'] === 'camunda-zeebe-0') as Json;
    const spec = broker['spec'] as Json;
    expect(spec).toMatchObject({ hostname: 'camunda-zeebe-0', subdomain: 'camunda-zeebe', automountServiceAccountToken: false });
    for (const field of ['serviceAccountName', 'volumes', 'initContainers', 'affinity', 'securityContext']) expect(spec).not.toHaveProperty(field);
    const [container, ...others] = spec['containers'] as Json[];
    expect(others).toEqual([]);
    expect(container).toMatchObject({ name: 'zeebe', image: 'sim:curl', imagePullPolicy: 'Never' });
    for (const field of ['resources', 'readinessProbe', 'livenessProbe', 'volumeMounts']) expect(container).not.toHaveProperty(field);
    expect(container?.['ports']).toEqual(expect.arrayContaining([expect.objectContaining({ containerPort: 9600 })]));
    const env = container?.['env'] as Json[];
    expect(env).toEqual(expect.arrayContaining([{ name: 'ZEEBE_BROKER_DATA_BACKUP_STORE', value: 'S3' }, { name: 'SIM_ROLE', value: 'pod' }]));
    expect(JSON.parse(String(env.find((e) => e['name'] === 'SIM_FORWARD')?.['value']))).toEqual(rules.get('camunda-zeebe-0'));
    const original = (objects.pods as Json[]).find((p) => meta(p)['name'] === 'camunda-zeebe-0') as Json;
    expect(meta(broker)['labels']).toEqual(meta(original)['labels']);
    const operate = ofKind('Pod').find((p) => String(meta(p)['name']).startsWith('camunda-operate')) as Json;
    expect(((operate['spec'] as Json)['containers'] as Json[])[0]?.['image']).toBe('sim:nocurl');
  });
});

describe('worldManifests and forwardRulesByPod', () => {
  it('runs the simulators in one pod with the resources mounted where the bundle reads them', () => {
    const [namespace, configMap, pod] = worldManifests('camunda', 'sim:nocurl', { resources: 'demo-8.7' }, { 'demo-8.7.yaml': 'x' });
    expect(namespace).toMatchObject({ kind: 'Namespace', metadata: { name: 'camunda' } });
    expect(configMap).toMatchObject({ kind: 'ConfigMap', data: { 'demo-8.7.yaml': 'x' } });
    expect(pod).toMatchObject({ kind: 'Pod', metadata: { name: WORLD_POD } });
    expect(JSON.stringify(pod)).toContain('/app/test/world/resources');
  });

  it('points each pod port at the published port on the simulators pod', () => {
    const topology = { pods: [{ namespace: 'camunda', name: 'camunda-operate-x', role: 'operate', ip: undefined, ports: { '9600': 20_001 } }] } as unknown as Topology;
    expect(forwardRulesByPod(topology, '10.42.0.5').get('camunda-operate-x')).toEqual([{ listen: 9600, host: '10.42.0.5', port: 20_001 }]);
  });
});
