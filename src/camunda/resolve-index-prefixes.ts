/**
 * Where this release's indices are in a shared Elasticsearch/OpenSearch: the name prefix of every Camunda index the
 * release writes, read from the configuration the components run with (env, the Helm values' `<component>.env`,
 * the ConfigMaps, the values the chart renders from), never assumed. Each prefix ends in the separator Camunda
 * puts after it, so `operate-` never takes `operate2-…` and `zeebe-record_` never takes `zeebe-record-b_…`.
 *
 * How the names are formed (Camunda sources, camunda-restore.md §9 #5):
 * - Operate/Tasklist 8.6/8.7: `<indexPrefix>-<index>-<version>_[<date>]`, indexPrefix default `operate`/`tasklist`
 *   (`camunda.operate.elasticsearch.indexPrefix`, env CAMUNDA_OPERATE_ELASTICSEARCH_INDEXPREFIX; 8.7 also
 *   `camunda.database.indexPrefix`).
 * - Orchestration cluster 8.8+: `[<prefix>-]<component>-<index>-<version>_[<date>]` with component operate, tasklist
 *   or camunda (webapps-schema AbstractIndexDescriptor); prefix `camunda.data.secondary-storage.<engine>.index-prefix`
 *   (values `orchestration.index.prefix`, default "").
 * - Optimize: 8.6 `<prefix>-<index>` with prefix default `optimize`; from 8.7 (camunda/camunda#26832) the prefix
 *   defaults to "" and names are `[<prefix>-]optimize-<index>` (OptimizeIndexNameService); the setting is
 *   `es.settings.index.prefix` / `opensearch.settings.index.prefix`, env CAMUNDA_OPTIMIZE_<ENGINE>_SETTINGS_INDEX_PREFIX.
 * - Zeebe Elasticsearch/OpenSearch exporter: `<prefix>_<valueType>_<version>_<date>` (IndexRouter: INDEX_DELIMITER
 *   "_"; its aliases use "-" but are no indices).
 */
import { configuredSetting, type Setting } from './configured-setting.js';
import type { ComponentProperties, ConfigSource, DiscoveryContext, Part } from './discovery-context.js';
import { containerEnv } from './spring-properties.js';
import type { SearchEngine, VersionProcedure } from './versions.js';

export interface IndexPrefix {
  /** What every index name of this owner starts with, separator included: "operate-", "prod-camunda-", "zeebe-record_". */
  readonly prefix: string;
  /** Whose indices they are, for the plan: "Operate", "orchestration cluster", "Optimize", "Zeebe exporter". */
  readonly owner: string;
  /** Where the configured value was read, or "default". */
  readonly from: string;
}

export interface IndexPrefixes {
  readonly prefixes: readonly IndexPrefix[];
  /** Why a prefix could not be determined safely (behind a Secret, configured differently in two places): restore refuses. */
  readonly unresolved: readonly string[];
}

/** Where one component's settings are read, when the component is part of the release. */
export interface PrefixSources {
  readonly engine: SearchEngine;
  readonly props: ComponentProperties;
  readonly broker: ConfigSource;
  /** Operate, Tasklist (8.6/8.7) and Optimize as discovery resolved them; a missing one is not deployed. */
  readonly components: ReadonlyMap<Part, { readonly container: ConfigSource['container']; readonly valuesKey: string }>;
  /** 8.8+: the orchestration cluster keeps its data in this search engine (secondary storage), not in an RDBMS. */
  readonly orchestrationInSearch: boolean;
  /** The exporter writes `<zeebeIndexPrefix>_*` indices. */
  readonly zeebeRecords: { readonly exported: boolean; readonly prefix: string };
}

/** The value several settings agree on; one behind a Secret, or two that differ, cannot be trusted. */
interface Agreed {
  readonly value?: string | undefined;
  readonly from?: string | undefined;
  readonly problem?: string | undefined;
}

function agree(owner: string, envNames: readonly string[], source: ConfigSource, ctx: DiscoveryContext, extraKeys: readonly string[] = []): Agreed {
  const found: Array<{ name: string; setting: Setting }> = envNames.map((name, i) => ({
    name,
    // YAML-only spellings belong to the first (the component's own) setting.
    setting: configuredSetting(`${owner} index prefix`, [name], source, ctx, i === 0 ? extraKeys : []),
  }));
  const unknown = found.find((f) => f.setting.unknownFrom !== undefined);
  if (unknown) return { problem: `the ${owner} index prefix comes from ${unknown.setting.unknownFrom ?? unknown.name}, which discovery does not read` };
  const known = found.filter((f) => f.setting.value !== undefined);
  const values = [...new Set(known.map((f) => f.setting.value))];
  if (values.length > 1) {
    return { problem: `the ${owner} index prefix is configured differently: ${known.map((f) => `${f.name} = ${f.setting.value ?? ''}`).join(', ')}` };
  }
  return known[0] ? { value: known[0].setting.value, from: known[0].name } : {};
}

const upper = (engine: SearchEngine): string => engine.toUpperCase();

/** 8.6/8.7 Operate or Tasklist: `<indexPrefix>-…`, default the component's name. */
function webappPrefix(part: 'operate' | 'tasklist', sources: PrefixSources, ctx: DiscoveryContext): IndexPrefix | string {
  const component = sources.components.get(part);
  const owner = part === 'operate' ? 'Operate' : 'Tasklist';
  const source: ConfigSource = { container: component?.container, valuesKey: component?.valuesKey ?? part, props: sources.props[part] };
  const agreed = agree(owner, [`CAMUNDA_${part.toUpperCase()}_${upper(sources.engine)}_INDEXPREFIX`, 'CAMUNDA_DATABASE_INDEXPREFIX'], source, ctx);
  if (agreed.problem) return agreed.problem;
  return { prefix: `${agreed.value ?? part}-`, owner, from: agreed.from ?? 'default' };
}

/** 8.8+: the orchestration cluster's operate-, tasklist- and camunda- indices under one optional prefix. */
function orchestrationPrefixes(sources: PrefixSources, ctx: DiscoveryContext): IndexPrefix[] | string {
  const E = upper(sources.engine);
  const agreed = agree(
    'orchestration cluster',
    [
      `CAMUNDA_DATA_SECONDARYSTORAGE_${E}_INDEXPREFIX`,
      `CAMUNDA_OPERATE_${E}_INDEXPREFIX`,
      `CAMUNDA_TASKLIST_${E}_INDEXPREFIX`,
      'CAMUNDA_DATABASE_INDEXPREFIX',
      'ZEEBE_BROKER_EXPORTERS_CAMUNDAEXPORTER_ARGS_INDEX_PREFIX',
      'ZEEBE_BROKER_EXPORTERS_CAMUNDAEXPORTER_ARGS_CONNECT_INDEXPREFIX',
    ],
    sources.broker,
    ctx,
  );
  if (agreed.problem) return agreed.problem;
  // No orchestration ConfigMap to read: the chart renders orchestration.index.prefix into it.
  const fromValues = sources.props.broker.sources.length === 0 && agreed.value === undefined ? ctx.values.string('orchestration.index.prefix') : undefined;
  const prefix = agreed.value ?? fromValues;
  const from = agreed.from ?? (fromValues !== undefined ? 'values orchestration.index.prefix' : 'default');
  const head = prefix ? `${prefix}-` : '';
  return ['operate', 'tasklist', 'camunda'].map((component) => ({ prefix: `${head}${component}-`, owner: 'orchestration cluster', from }));
}

/** Optimize's own indices (not the zeebe-record ones it imports). */
function optimizePrefix(procedure: VersionProcedure, sources: PrefixSources, ctx: DiscoveryContext): IndexPrefix | string {
  const component = sources.components.get('optimize');
  const source: ConfigSource = { container: component?.container, valuesKey: component?.valuesKey ?? 'optimize', props: sources.props.optimize };
  const yamlKeys = sources.engine === 'opensearch' ? ['opensearch.settings.index.prefix'] : ['es.settings.index.prefix'];
  const agreed = agree('Optimize', [`CAMUNDA_OPTIMIZE_${upper(sources.engine)}_SETTINGS_INDEX_PREFIX`], source, ctx, yamlKeys);
  if (agreed.problem) return agreed.problem;
  const from = agreed.from ?? 'default';
  const configured = agreed.value;
  // 8.6: the prefix replaces "optimize"; 8.7+: it comes before "optimize-".
  if (procedure.line === '8.6') return { prefix: `${configured ?? 'optimize'}-`, owner: 'Optimize', from };
  return { prefix: configured ? `${configured}-optimize-` : 'optimize-', owner: 'Optimize', from };
}

/** The exporter's prefix is read by discovery already; here only whether it can be trusted. */
function zeebeRecordsPrefix(sources: PrefixSources, ctx: DiscoveryContext): IndexPrefix | string {
  const name = `ZEEBE_BROKER_EXPORTERS_${upper(sources.engine)}_ARGS_INDEX_PREFIX`;
  const env = containerEnv(sources.broker.container, name, ctx.configMaps);
  if (env?.kind === 'unknown') return `the Zeebe exporter index prefix comes from ${env.from}, which discovery does not read`;
  return { prefix: `${sources.zeebeRecords.prefix}_`, owner: 'Zeebe exporter', from: env ? name : 'configuration' };
}

/** Every index prefix of the release's search engine data; components that are not deployed have none. */
export function resolveIndexPrefixes(sources: PrefixSources, ctx: DiscoveryContext): IndexPrefixes {
  const { procedure } = ctx;
  const results: Array<IndexPrefix | IndexPrefix[] | string> = [];
  if (procedure.line === '8.6' || procedure.line === '8.7') {
    for (const part of ['operate', 'tasklist'] as const) if (sources.components.has(part)) results.push(webappPrefix(part, sources, ctx));
  } else if (sources.orchestrationInSearch) {
    results.push(orchestrationPrefixes(sources, ctx));
  }
  if (sources.components.has('optimize')) results.push(optimizePrefix(procedure, sources, ctx));
  if (sources.zeebeRecords.exported) results.push(zeebeRecordsPrefix(sources, ctx));
  const prefixes = results.flatMap((r) => (typeof r === 'string' ? [] : Array.isArray(r) ? r : [r]));
  const unresolved = results.filter((r): r is string => typeof r === 'string');
  return { prefixes, unresolved };
}
