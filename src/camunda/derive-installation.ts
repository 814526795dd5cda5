/**
 * From what the cluster shows (the Helm release record, Pods, Services, ConfigMaps) to an Installation. Pure: the
 * caller (discover.ts) reads the objects; everything here is decided from values in hand, so each rule is testable
 * against the rendered fixtures. Sources of each rule: helm-layout.md §0–§3, camunda-backup-api.md §8, §13.1.
 */
import type { HelmRelease } from '../kube/helm-release.js';
import type { ConfigMap, Pod, Service } from '../kube/kube-client.js';
import { brokerSource, componentProperties, type DiscoveryChoices, type DiscoveryContext, isSearchEngine } from './discovery-context.js';
import { HelmValues } from './helm-values.js';
import type { Installation } from './installation.js';
import { execRelayTarget } from './pick-pod.js';
import { componentsTakingPart, resolveComponents } from './resolve-components.js';
import { resolveIndexPrefixes } from './resolve-index-prefixes.js';
import { resolveSearchEndpoint, searchEngineInUse } from './resolve-search-endpoint.js';
import { resolveSecondaryStorage, zeebeRecordExporter, zeebeRecordsExported, zeebeRecordsSkipped } from './resolve-secondary-storage.js';
import { resolveSnapshotRepository } from './resolve-snapshot-repository.js';
import { resolveTopology, topologyWarning } from './resolve-topology.js';
import type { ResolvedVersion } from './resolve-version.js';
import { resolveWebModeler } from './resolve-web-modeler.js';
import { resolveZeebeStore } from './resolve-zeebe-store.js';
import { resolvePartitionCount } from './resolve-partition-count.js';

export interface DiscoveryInput {
  readonly namespace: string;
  readonly release: HelmRelease;
  /** Pods of the release (label app.kubernetes.io/instance=<release>). */
  readonly pods: readonly Pod[];
  /** Services of the release. */
  readonly services: readonly Service[];
  /** ConfigMaps read so far, by name; missing ones are simply absent. */
  readonly configMaps: ReadonlyMap<string, ConfigMap>;
  readonly version: ResolvedVersion;
  readonly choices: DiscoveryChoices;
  /** The --exec-pod pod, looked up by the caller; undefined when not given or not found. */
  readonly execPod?: Pod | undefined;
  /** Warnings gathered before (release selection). */
  readonly warnings?: readonly string[] | undefined;
}

/** Builds the Installation. Throws UsageError/PreconditionError before anything is changed. */
export function deriveInstallation(input: DiscoveryInput): Installation {
  const { version } = input;
  const ctx = discoveryContext(input);
  // The order of the steps is the order of the warnings, and decides which error a user sees first.
  const props = componentProperties(ctx);
  const execRelay = execRelayTarget(input.choices, input.execPod, ctx.namespace);
  const broker = brokerSource(ctx, props.broker);
  // Before the components: a hub release has none, and its refusal says why better than a missing pod would.
  const topology = resolveTopology(ctx, props.broker, broker.container);
  const topologyProblem = topologyWarning({ release: ctx.release, topology });
  if (topologyProblem) ctx.warnings.push(topologyProblem);
  const exporter = zeebeRecordExporter(broker, ctx);
  const storage = resolveSecondaryStorage(ctx, props, exporter);
  const { wanted, skipped } = componentsTakingPart(ctx, storage.storage, props.broker);
  const components = resolveComponents(wanted, ctx);

  const records = { exporter, exported: zeebeRecordsExported(storage.storage, exporter, props.broker, ctx) };
  const searchEngine = searchEngineInUse(storage, records);
  const search = searchEngine && resolveSearchEndpoint(searchEngine, records, { broker, props }, execRelay ?? components.get('zeebe')!.target, ctx);
  const repository = resolveSnapshotRepository(components, props, searchEngine?.engine, ctx);
  const zeebeStore = resolveZeebeStore(broker, ctx);
  const webModeler = resolveWebModeler(ctx);
  const indexPrefixes =
    search &&
    resolveIndexPrefixes(
      {
        engine: search.engine,
        props,
        broker,
        components,
        orchestrationInSearch: isSearchEngine(storage.storage),
        zeebeRecords: { exported: records.exported, prefix: search.zeebeIndexPrefix },
      },
      ctx,
    );

  return {
    release: ctx.release,
    namespace: ctx.namespace,
    chartVersion: version.chartVersion,
    camundaVersion: version.camundaVersion,
    procedure: version.procedure,
    forcedVersion: version.forced,
    secondaryStorage: storage.storage,
    components: [...components].map(([part, c]) => ({ part, target: c.target, service: c.service, basePath: c.basePath, repositoryName: repository.byPart.get(part) })),
    search,
    repositoryName: repository.name,
    skipped: records.exported ? skipped : [...skipped, zeebeRecordsSkipped(ctx)],
    zeebeStore,
    partitionCount: resolvePartitionCount(broker, ctx),
    zeebeRecordsExported: records.exported,
    indexPrefixes,
    webModeler,
    topology,
    warnings: [...new Set(ctx.warnings)],
  };
}

function discoveryContext(input: DiscoveryInput): DiscoveryContext {
  return {
    release: input.release.name,
    namespace: input.namespace,
    procedure: input.version.procedure,
    values: new HelmValues(input.release),
    pods: input.pods,
    services: new Map(input.services.map((s) => [s.name, s])),
    configMaps: input.configMaps,
    choices: input.choices,
    warnings: [...(input.warnings ?? []), ...input.version.warnings],
  };
}
