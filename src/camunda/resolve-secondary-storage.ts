/**
 * Where Operate, Tasklist and Zeebe's exported records live: Elasticsearch, OpenSearch, an RDBMS or nothing
 * (camunda-backup-api.md §13.1), and whether zeebe-record indices exist that need a snapshot of their own.
 */
import type { Container } from '../kube/kube-client.js';
import { type ComponentProperties, type ConfigSource, configMapNames, type DiscoveryContext, firstNonEmpty, isSearchEngine, separateWebapps } from './discovery-context.js';
import type { HelmValues } from './helm-values.js';
import type { SkippedPart } from './installation.js';
import { literalEnv, type SpringProperties } from './spring-properties.js';
import type { CamundaLine, SearchEngine, SecondaryStorage } from './versions.js';

export interface SecondaryStorageFacts {
  readonly storage: SecondaryStorage;
  /** The search engine's URL; only for Elasticsearch and OpenSearch. */
  readonly url?: string | undefined;
}

/** The Zeebe Elasticsearch/OpenSearch exporter, the one that writes zeebe-record indices. */
export interface ZeebeRecordExporter {
  readonly engine: SearchEngine;
  readonly url?: string | undefined;
  readonly prefix?: string | undefined;
}

const asStorage = (type: string | undefined): SecondaryStorage | undefined => {
  const t = type?.trim().toLowerCase();
  return t === 'elasticsearch' || t === 'opensearch' || t === 'rdbms' || t === 'none' ? t : undefined;
};

export function resolveSecondaryStorage(ctx: DiscoveryContext, props: ComponentProperties, exporter: ZeebeRecordExporter | undefined): SecondaryStorageFacts {
  if (separateWebapps(ctx.procedure)) return separateWebappsStorage(ctx, props, exporter);
  const storage = asStorage(props.broker.get('camunda.data.secondary-storage.type')) ?? storageFromValues(ctx, props.broker);
  if (!isSearchEngine(storage)) return { storage };
  return { storage, url: props.broker.get(`camunda.data.secondary-storage.${storage}.url`) || valuesSearchUrl(storage, ctx) };
}

/** 8.6/8.7: Operate/Tasklist keep their own ES/OS settings; the values only say which engine. */
function separateWebappsStorage(ctx: DiscoveryContext, props: ComponentProperties, exporter: ZeebeRecordExporter | undefined): SecondaryStorageFacts {
  const all = [props.operate, props.tasklist, props.broker];
  const engine =
    all.map((p) => asStorage(p.get('camunda.database.type'))).find(isSearchEngine) ??
    exporter?.engine ??
    (ctx.values.bool('global.opensearch.enabled') === true ? 'opensearch' : 'elasticsearch');
  const configUrl = firstNonEmpty(all.flatMap((p) => [p.get('camunda.database.url'), p.get(`camunda.operate.${engine}.url`), p.get(`camunda.tasklist.${engine}.url`)]));
  const url = configUrl ?? (exporter?.engine === engine ? exporter.url : undefined) ?? valuesSearchUrl(engine, ctx);
  return { storage: engine, url };
}

/** No type in the orchestration configuration: the values decide, by the chart's own rules. */
function storageFromValues(ctx: DiscoveryContext, brokerProps: SpringProperties): SecondaryStorage {
  const inValues = storageTypeInValues(ctx.values, ctx.procedure.line);
  if (!inValues) ctx.warnings.push('Could not read the secondary storage type (no orchestration ConfigMap, nothing in the values); assuming none.');
  const storage = inValues ?? 'none';
  if (brokerProps.sources.length === 0) {
    ctx.warnings.push(`ConfigMap ${configMapNames(ctx.release, ctx.procedure).broker.join(' / ')} not found; secondary storage (${storage}) taken from the Helm values.`);
  }
  return storage;
}

function storageTypeInValues(values: HelmValues, line: CamundaLine): SecondaryStorage | undefined {
  const type = asStorage(values.string('orchestration.data.secondaryStorage.type'));
  if (type) return type;
  if (values.bool('global.noSecondaryStorage') === true) return 'none';
  if (values.bool('global.opensearch.enabled') === true) return 'opensearch';
  if (values.bool('global.elasticsearch.enabled') ?? line === '8.8') return 'elasticsearch';
  if (values.bool('orchestration.exporters.rdbms.enabled') === true) return 'rdbms';
  return undefined;
}

function valuesSearchUrl(engine: SearchEngine, ctx: DiscoveryContext): string | undefined {
  const direct = ctx.values.string(`orchestration.data.secondaryStorage.${engine}.url`);
  if (direct) return direct;
  const global = ctx.values.get(`global.${engine}.url`);
  if (typeof global === 'string' && global.trim() !== '') return global.trim();
  const host = ctx.values.string(`global.${engine}.url.host`);
  if (host) {
    const protocol = ctx.values.string(`global.${engine}.url.protocol`) ?? (engine === 'opensearch' ? 'https' : 'http');
    const port = ctx.values.string(`global.${engine}.url.port`);
    return `${protocol}://${host}${port ? `:${port}` : ''}`;
  }
  // Charts 11–14 bundle Elasticsearch unless it is switched off; chart 15.x has no such Service to fall back to.
  if (engine === 'elasticsearch' && ctx.procedure.bundledElasticsearch && ctx.values.bool('elasticsearch.enabled') !== false) return `http://${ctx.release}-elasticsearch:9200`;
  return undefined;
}

const LEGACY_EXPORTER = /(?:^|\.)(Elasticsearch|Opensearch)Exporter$/i;

function exporterEngine(className: string | undefined): SearchEngine | undefined {
  const match = className ? LEGACY_EXPORTER.exec(className) : null;
  if (!match) return undefined;
  return match[1]!.toLowerCase() === 'opensearch' ? 'opensearch' : 'elasticsearch';
}

/** The exporter as the broker configuration declares it, else as env vars on the broker container. */
export function zeebeRecordExporter(broker: ConfigSource, ctx: DiscoveryContext): ZeebeRecordExporter | undefined {
  return exporterInConfiguration(broker.props) ?? exporterInEnv(broker.container, ctx);
}

/**
 * 8.10: once `camunda.physical-tenants` declares a tenant, the default tenant runs the exporters declared for it
 * there instead of inheriting the root ones (camunda-8.10.md §2.5); several tenants are refused anyway.
 */
const EXPORTER_ROOTS = ['camunda.physical-tenants.default.data.exporters', 'zeebe.broker.exporters'];

function exporterInConfiguration(props: SpringProperties): ZeebeRecordExporter | undefined {
  for (const root of EXPORTER_ROOTS) {
    for (const id of props.children(root).sort()) {
      const engine = exporterEngine(props.get(`${root}.${id}.classname`));
      if (!engine) continue;
      const args = `${root}.${id}.args`;
      return { engine, url: props.get(`${args}.url`) || undefined, prefix: props.get(`${args}.index.prefix`) || undefined };
    }
  }
  return undefined;
}

function exporterInEnv(container: Container | undefined, ctx: DiscoveryContext): ZeebeRecordExporter | undefined {
  for (const env of container?.env ?? []) {
    const id = /^ZEEBE_BROKER_EXPORTERS_(.+)_CLASSNAME$/.exec(env.name)?.[1];
    const engine = id === undefined ? undefined : exporterEngine(env.value);
    if (!engine) continue;
    const literal = (name: string): string | undefined => literalEnv(container, name, ctx.configMaps) || undefined;
    return { engine, url: literal(`ZEEBE_BROKER_EXPORTERS_${id}_ARGS_URL`), prefix: literal(`ZEEBE_BROKER_EXPORTERS_${id}_ARGS_INDEX_PREFIX`) };
  }
  return undefined;
}

/** 8.6/8.7 export zeebe-record indices to any search engine; 8.8+ only through the legacy exporter. */
export function zeebeRecordsExported(storage: SecondaryStorage, exporter: ZeebeRecordExporter | undefined, brokerProps: SpringProperties, ctx: DiscoveryContext): boolean {
  if (separateWebapps(ctx.procedure)) return isSearchEngine(storage);
  if (exporter) return true;
  if (brokerProps.sources.length > 0) return false;
  // No orchestration ConfigMap to look at: fall back to the chart's rule.
  const fromValues = (ctx.values.bool('optimize.enabled') ?? false) || ctx.values.bool('orchestration.exporters.zeebe.enabled') === true;
  ctx.warnings.push(`Whether zeebe-record indices are exported was taken from the Helm values (${fromValues ? 'yes' : 'no'}): the orchestration ConfigMap was not found.`);
  return fromValues;
}

export function zeebeRecordsSkipped(ctx: DiscoveryContext): SkippedPart {
  return {
    part: 'zeebe-records',
    reason: separateWebapps(ctx.procedure)
      ? 'No Elasticsearch/OpenSearch is configured.'
      : 'No Zeebe Elasticsearch/OpenSearch exporter is configured (the chart adds it only with Optimize or orchestration.exporters.zeebe.enabled), so there are no zeebe-record indices.',
  };
}
