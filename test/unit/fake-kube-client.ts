/**
 * An in-memory KubeClient over raw Kubernetes JSON (e.g. clusterFromFixture), for unit tests of code that only
 * reads. Label selectors are evaluated like the API server does for equality-based selectors; every call is
 * recorded so tests can assert what was (not) read.
 */
import type { AccessCheck, AccessCheckResult, ConfigMap, ExecRequest, ExecResult, KubeClient, Pod, PortForward, PortForwardRequest, Secret, Service } from '../../src/kube/kube-client.js';
import { configMapFromK8s, podFromK8s, secretFromK8s, serviceFromK8s } from '../../src/kube/objects.js';
import { memoryConfigMapApi } from './memory-config-map-api.js';
import { memoryLeaseApi } from './memory-lease-api.js';

export interface RawObjects {
  readonly pods?: readonly unknown[];
  readonly services?: readonly unknown[];
  readonly configMaps?: readonly unknown[];
  readonly secrets?: readonly unknown[];
}

export interface FakeKubeCall {
  readonly method: string;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly labelSelector?: string | undefined;
}

/** Equality-based label selector: `a=b,c==d,e!=f,g,!h`; empty selects everything. */
export function matchesLabelSelector(labels: Readonly<Record<string, string>>, selector: string | undefined): boolean {
  if (!selector || selector.trim() === '') return true;
  return selector.split(',').every((raw) => {
    const term = raw.trim();
    if (term === '') return true;
    const notEqual = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(term);
    if (notEqual) return labels[notEqual[1]!] !== notEqual[2];
    const equal = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(term);
    if (equal) return labels[equal[1]!] === equal[2];
    if (term.startsWith('!')) return !(term.slice(1) in labels);
    return term in labels;
  });
}

export class FakeKubeClient implements KubeClient {
  readonly namespace: string;
  readonly contextName = 'fake';
  readonly calls: FakeKubeCall[] = [];
  readonly leases = memoryLeaseApi();
  /** Records the tool writes (run outcomes, restore journal); discovery's ConfigMaps are `configMapObjects`. */
  readonly configMaps = memoryConfigMapApi();
  pods: Pod[];
  services: Service[];
  configMapObjects: ConfigMap[];
  secrets: Secret[];

  constructor(objects: RawObjects, namespace = 'camunda') {
    this.namespace = namespace;
    this.pods = (objects.pods ?? []).map(podFromK8s);
    this.services = (objects.services ?? []).map(serviceFromK8s);
    this.configMapObjects = (objects.configMaps ?? []).map(configMapFromK8s);
    this.secrets = (objects.secrets ?? []).map(secretFromK8s);
  }

  listSecrets(namespace: string, labelSelector: string): Promise<Secret[]> {
    this.calls.push({ method: 'listSecrets', namespace, labelSelector });
    return Promise.resolve(this.secrets.filter((s) => s.namespace === namespace && matchesLabelSelector(s.labels, labelSelector)));
  }

  readSecret(namespace: string, name: string): Promise<Secret | undefined> {
    this.calls.push({ method: 'readSecret', namespace, name });
    return Promise.resolve(this.secrets.find((s) => s.namespace === namespace && s.name === name));
  }

  listPods(namespace: string, labelSelector: string): Promise<Pod[]> {
    this.calls.push({ method: 'listPods', namespace, labelSelector });
    return Promise.resolve(this.pods.filter((p) => p.namespace === namespace && matchesLabelSelector(p.labels, labelSelector)));
  }

  listServices(namespace: string, labelSelector?: string): Promise<Service[]> {
    this.calls.push({ method: 'listServices', namespace, labelSelector });
    return Promise.resolve(this.services.filter((s) => s.namespace === namespace && matchesLabelSelector(s.labels, labelSelector)));
  }

  readService(namespace: string, name: string): Promise<Service | undefined> {
    this.calls.push({ method: 'readService', namespace, name });
    return Promise.resolve(this.services.find((s) => s.namespace === namespace && s.name === name));
  }

  readConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    this.calls.push({ method: 'readConfigMap', namespace, name });
    return Promise.resolve(this.configMapObjects.find((c) => c.namespace === namespace && c.name === name));
  }

  checkAccess(checks: readonly AccessCheck[]): Promise<AccessCheckResult[]> {
    this.calls.push({ method: 'checkAccess' });
    return Promise.resolve(checks.map((check) => ({ ...check, allowed: true })));
  }

  execInPod(request: ExecRequest): Promise<ExecResult> {
    this.calls.push({ method: 'execInPod', namespace: request.namespace, name: request.pod });
    return Promise.reject(new Error('FakeKubeClient: exec is not simulated'));
  }

  openPortForward(request: PortForwardRequest): Promise<PortForward> {
    this.calls.push({ method: 'openPortForward', namespace: request.namespace, name: request.pod });
    return Promise.reject(new Error('FakeKubeClient: port-forward is not simulated'));
  }

  /** Calls here answer at once from memory: nothing to cancel, so the same client serves. */
  withSignal(_signal: AbortSignal): KubeClient {
    return this;
  }
}
