/**
 * What every discovery rule reads (the release's values, Pods, Services and ConfigMaps, the user's choices) and
 * where it leaves warnings, so each rule is a function of one context rather than of a long parameter list.
 */
import type { ClusterFlags } from '../kube/cluster-flags.js';
import type { ConfigMap, Container, Pod, Service } from '../kube/kube-client.js';
import type { HelmValues } from './helm-values.js';
import type { ComponentEndpoint } from './installation.js';
import { byName, COMPONENT_LABEL, pickPod, type ExecChoices } from './pick-pod.js';
import { type SpringProperties, springPropertiesFrom } from './spring-properties.js';
import type { SearchEngine, SecondaryStorage, VersionProcedure } from './versions.js';

/** Choices from the command line that shape discovery. */
export interface DiscoveryChoices extends ExecChoices {
  readonly snapshotRepository?: string | undefined;
  readonly webModeler?: boolean | undefined;
  /** How a kubectl command named in a hint reaches this cluster (--kubeconfig, --context). */
  readonly cluster?: ClusterFlags | undefined;
}

export interface DiscoveryContext {
  readonly release: string;
  readonly namespace: string;
  readonly procedure: VersionProcedure;
  readonly values: HelmValues;
  readonly pods: readonly Pod[];
  readonly services: ReadonlyMap<string, Service>;
  readonly configMaps: ReadonlyMap<string, ConfigMap>;
  readonly choices: DiscoveryChoices;
  /** Collected in the order the rules run; duplicates are dropped at the end. */
  readonly warnings: string[];
}

export type Part = ComponentEndpoint['part'];

/** 8.6/8.7: Operate and Tasklist run on their own, each with its own ConfigMap and backup endpoint. */
export const separateWebapps = (procedure: VersionProcedure): boolean => procedure.backupPaths.webapps === undefined;

export const isSearchEngine = (storage: SecondaryStorage | undefined): storage is SearchEngine => storage === 'elasticsearch' || storage === 'opensearch';

export const engineName = (engine: SearchEngine): string => (engine === 'opensearch' ? 'OpenSearch' : 'Elasticsearch');

export const firstNonEmpty = (values: readonly (string | undefined)[]): string | undefined => values.find((v) => v !== undefined && v !== '');

export const partLabel = (part: Part, procedure: VersionProcedure): string =>
  ({
    optimize: 'Optimize',
    operate: 'Operate',
    tasklist: 'Tasklist',
    webapps: 'Operate/Tasklist (orchestration cluster)',
    zeebe: separateWebapps(procedure) ? 'Zeebe gateway' : 'Orchestration cluster',
  })[part];

/** ConfigMaps whose application.yaml holds each part's configuration. */
export function configMapNames(release: string, procedure: VersionProcedure): { operate: string[]; tasklist: string[]; optimize: string[]; gateway: string[]; broker: string[] } {
  const orchestration = procedure.configMapSuffixes.map((suffix) => `${release}-${suffix}`);
  const separate = separateWebapps(procedure);
  return {
    operate: separate ? [`${release}-operate-configuration`] : orchestration,
    tasklist: separate ? [`${release}-tasklist-configuration`] : orchestration,
    optimize: [`${release}-optimize-configuration`],
    gateway: separate ? [`${release}-zeebe-gateway-configuration`] : orchestration,
    broker: orchestration,
  };
}

/** Every ConfigMap discovery may read: the components' configuration plus those the release's pods take env from. */
export function configMapNamesToRead(release: string, procedure: VersionProcedure, pods: readonly Pod[]): string[] {
  const names = new Set(Object.values(configMapNames(release, procedure)).flat());
  for (const container of pods.flatMap((pod) => pod.containers)) {
    for (const from of container.envFrom) if (from.configMapRef) names.add(from.configMapRef);
    for (const env of container.env) if (env.valueFrom?.configMapKeyRef) names.add(env.valueFrom.configMapKeyRef.name);
  }
  return [...names].sort();
}

export function propertiesOf(ctx: DiscoveryContext, names: readonly string[]): SpringProperties {
  // The first ConfigMap that exists is the one mounted; later names in the table are older layouts.
  const found = names.map((name) => ctx.configMaps.get(name)).find((cm) => cm !== undefined);
  const properties = springPropertiesFrom([found]);
  for (const file of properties.unreadable) ctx.warnings.push(`ConfigMap ${file} is not valid YAML; ignored.`);
  return properties;
}

export interface ComponentProperties {
  readonly operate: SpringProperties;
  readonly tasklist: SpringProperties;
  readonly optimize: SpringProperties;
  /** The Zeebe brokers' (8.6/8.7) or the orchestration cluster's (8.8+) configuration. */
  readonly broker: SpringProperties;
}

export function componentProperties(ctx: DiscoveryContext): ComponentProperties {
  const names = configMapNames(ctx.release, ctx.procedure);
  return {
    operate: propertiesOf(ctx, names.operate),
    tasklist: propertiesOf(ctx, names.tasklist),
    optimize: propertiesOf(ctx, names.optimize),
    broker: propertiesOf(ctx, names.broker),
  };
}

/** Where one component's settings are read: its container's env, `<valuesKey>.env` in the values, its ConfigMap. */
export interface ConfigSource {
  readonly container: Container | undefined;
  readonly valuesKey: string;
  readonly props: SpringProperties;
}

/** The Zeebe brokers hold the exporter and backup-store settings (in 8.8+ they are the orchestration pods). */
export function brokerSource(ctx: DiscoveryContext, props: SpringProperties): ConfigSource {
  const { procedure } = ctx;
  const brokerPods = ctx.pods.filter((p) => p.labels[COMPONENT_LABEL] === 'zeebe-broker');
  // Settings are the same on every broker, so a pod that is not Ready still tells them.
  const pod = pickPod(brokerPods) ?? brokerPods.slice().sort(byName)[0];
  return {
    container: pod?.containers.find((c) => c.name === 'zeebe' || c.name === procedure.apis.zeebe.container) ?? pod?.containers[0],
    valuesKey: separateWebapps(procedure) ? 'zeebe' : procedure.apis.zeebe.valuesKey,
    props,
  };
}
