/**
 * How the tool reaches the search engine that holds the zeebe-record indices: the pod behind its Service when it
 * is in the release, else its URL relayed through a pod with curl; with the credentials the components use.
 */
import { PreconditionError } from '../errors.js';
import type { Container, Secret, Service } from '../kube/kube-client.js';
import type { HttpTarget, PodTarget } from '../reach/component-http.js';
import { SecretValue } from '../secret-value.js';
import { type ComponentProperties, type ConfigSource, type DiscoveryContext, engineName, firstNonEmpty, isSearchEngine } from './discovery-context.js';
import type { Installation, SearchCredentials, SearchEndpoint } from './installation.js';
import { chooseContainer, noReadyPodBehind, pickPod, podPortFor, podsBehind, podTarget } from './pick-pod.js';
import type { SecondaryStorageFacts, ZeebeRecordExporter } from './resolve-secondary-storage.js';
import { literalEnv, type SpringProperties } from './spring-properties.js';
import type { SearchEngine } from './versions.js';

const DEFAULT_ZEEBE_INDEX_PREFIX = 'zeebe-record';

export interface ZeebeRecords {
  readonly exporter: ZeebeRecordExporter | undefined;
  /** The indices must be snapshotted: a search engine that cannot be reached is an error, not a warning. */
  readonly exported: boolean;
}

export interface SearchEngineInUse {
  readonly engine: SearchEngine;
  readonly url: string | undefined;
}

/** The secondary storage's search engine, or the exporter's when only zeebe-record indices live in one. */
export function searchEngineInUse(storage: SecondaryStorageFacts, records: ZeebeRecords): SearchEngineInUse | undefined {
  if (isSearchEngine(storage.storage)) return { engine: storage.storage, url: storage.url };
  return records.exported && records.exporter ? { engine: records.exporter.engine, url: records.exporter.url } : undefined;
}

/** `relay`: the pod that runs curl for a search engine outside the release. */
export function resolveSearchEndpoint(
  { engine, url }: SearchEngineInUse,
  records: ZeebeRecords,
  config: { readonly broker: ConfigSource; readonly props: ComponentProperties },
  relay: PodTarget,
  ctx: DiscoveryContext,
): SearchEndpoint | undefined {
  if (!url) {
    const message = `Could not find the ${engineName(engine)} URL in the configuration or the Helm values.`;
    const hint = ctx.procedure.bundledElasticsearch
      ? 'Check global.elasticsearch.url / orchestration.data.secondaryStorage in the release values.'
      : `Chart ${ctx.procedure.chartMajor}.x bundles no ${engineName(engine)}: set orchestration.data.secondaryStorage.${engine}.url (camunda.data.secondary-storage.${engine}.url in the orchestration configuration).`;
    if (records.exported) throw new PreconditionError(message, { hint });
    ctx.warnings.push(message);
    return undefined;
  }
  const { props, broker } = config;
  const { credentials, inline } = searchCredentials(engine, broker.container, [props.broker, props.operate, props.tasklist], ctx);
  return {
    engine,
    target: inClusterTarget(engine, url, records.exported, ctx) ?? { kind: 'url', url, via: relay },
    url,
    credentials,
    authorization: inline,
    zeebeIndexPrefix: zeebeIndexPrefix(engine, records.exporter, broker.container, [props.operate, props.tasklist], ctx),
  };
}

/** The pod behind the Service the URL names, when that Service is one of the release's. */
function inClusterTarget(engine: SearchEngine, url: string, required: boolean, ctx: DiscoveryContext): HttpTarget | undefined {
  const inCluster = inClusterService(url, ctx);
  if (!inCluster) return undefined;
  const { service, port } = inCluster;
  const behind = podsBehind(service.selector, ctx.pods);
  const pod = pickPod(behind);
  if (!pod) {
    if (required) throw new PreconditionError(`${engineName(engine)} (${url}): ${noReadyPodBehind(service.name, behind)}.`);
    ctx.warnings.push(`${url}: ${noReadyPodBehind(service.name, behind)}.`);
    return undefined;
  }
  const servicePort = service.ports.find((p) => p.port === port) ?? service.ports[0];
  const container = chooseContainer(pod, [engine], ctx, engineName(engine));
  return { kind: 'pod', pod: podTarget(pod, container, servicePort ? podPortFor(servicePort, pod) : port, ctx.namespace) };
}

/** "http://camunda-elasticsearch:9200" → the Service it names in this namespace, when it is one of the release's. */
function inClusterService(url: string, ctx: DiscoveryContext): { service: Service; port: number } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const host = parsed.hostname.toLowerCase();
  const suffixes = [`.${ctx.namespace}.svc.cluster.local`, `.${ctx.namespace}.svc`, `.${ctx.namespace}`, ''];
  const name = suffixes.filter((s) => host.endsWith(s)).map((s) => host.slice(0, host.length - s.length))[0];
  if (!name || name.includes('.')) return undefined;
  const service = ctx.services.get(name);
  if (!service) return undefined;
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
  return { service, port };
}

function zeebeIndexPrefix(engine: SearchEngine, exporter: ZeebeRecordExporter | undefined, brokerContainer: Container | undefined, props: SpringProperties[], ctx: DiscoveryContext): string {
  return (
    (literalEnv(brokerContainer, `ZEEBE_BROKER_EXPORTERS_${engine.toUpperCase()}_ARGS_INDEX_PREFIX`, ctx.configMaps) || undefined) ??
    exporter?.prefix ??
    ctx.values.string(`optimize.database.${engine}.prefix`) ??
    ctx.values.string(`global.${engine}.prefix`) ??
    firstNonEmpty(props.flatMap((p) => [p.get(`camunda.operate.zeebe${engine}.prefix`), p.get(`camunda.tasklist.zeebe${engine}.prefix`)])) ??
    DEFAULT_ZEEBE_INDEX_PREFIX
  );
}

type PasswordSource = { readonly secret: { readonly name: string; readonly key: string } } | { readonly inline: string };

/** The user from the values or the configuration; the password from a Secret reference, or inline in the values. */
function searchCredentials(engine: SearchEngine, brokerContainer: Container | undefined, props: SpringProperties[], ctx: DiscoveryContext): { credentials?: SearchCredentials; inline?: SecretValue } {
  const v = ctx.values;
  const username =
    v.string(`orchestration.data.secondaryStorage.${engine}.auth.username`) ??
    v.string(`global.${engine}.auth.username`) ??
    props
      .flatMap((p) => [p.get(`camunda.data.secondary-storage.${engine}.username`), p.get('camunda.database.username'), p.get(`camunda.operate.${engine}.username`)])
      .find((u) => u !== undefined && u !== '' && !u.includes('${'));
  if (!username) return {};

  const secretRef = (name: string | undefined, key: string | undefined): PasswordSource | undefined => (name ? { secret: { name, key: key ?? 'password' } } : undefined);
  const inline = (value: string | undefined): PasswordSource | undefined => (value ? { inline: value } : undefined);
  const fromEnv = (): PasswordSource | undefined => {
    const upper = engine.toUpperCase();
    const names = [`VALUES_${upper}_PASSWORD`, `CAMUNDA_DATA_SECONDARYSTORAGE_${upper}_PASSWORD`, 'CAMUNDA_DATABASE_PASSWORD', `ZEEBE_BROKER_EXPORTERS_${upper}_ARGS_AUTHENTICATION_PASSWORD`];
    const ref = names.map((name) => brokerContainer?.env.findLast((e) => e.name === name)?.valueFrom?.secretKeyRef).find((r) => r !== undefined);
    return ref ? { secret: { name: ref.name, key: ref.key } } : undefined;
  };
  const source =
    secretRef(v.string(`orchestration.data.secondaryStorage.${engine}.auth.secret.existingSecret`), v.string(`orchestration.data.secondaryStorage.${engine}.auth.secret.existingSecretKey`)) ??
    inline(v.string(`orchestration.data.secondaryStorage.${engine}.auth.secret.inlineSecret`)) ??
    secretRef(v.string(`global.${engine}.auth.secret.existingSecret`), v.string(`global.${engine}.auth.secret.existingSecretKey`)) ??
    secretRef(v.string(`global.${engine}.auth.existingSecret`), v.string(`global.${engine}.auth.existingSecretKey`)) ??
    inline(v.string(`global.${engine}.auth.secret.inlineSecret`)) ??
    inline(v.string(`global.${engine}.auth.password`)) ??
    fromEnv();
  if (!source) {
    ctx.warnings.push(`${engineName(engine)} user ${username} is configured but no password source was found; calls go without credentials.`);
    return { credentials: { username } };
  }
  if ('inline' in source) return { credentials: { username }, inline: basicAuthorization(username, source.inline) };
  return { credentials: { username, passwordSecret: source.secret } };
}

function basicAuthorization(username: string, password: string): SecretValue {
  return new SecretValue(`Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`);
}

/**
 * Adds the Authorization header for the search engine from the password Secret the caller read. A missing Secret
 * or key is a warning: the calls then go without credentials and the engine answers for itself.
 */
export function withSearchAuthorization(installation: Installation, secret: Secret | undefined): Installation {
  const search = installation.search;
  const ref = search?.credentials?.passwordSecret;
  if (!search || !ref || search.authorization) return installation;
  const encoded = secret?.data[ref.key];
  if (encoded === undefined) {
    const what = secret ? `key ${ref.key} not found in Secret ${ref.name}` : `Secret ${ref.name} not found`;
    return { ...installation, warnings: [...installation.warnings, `${engineName(search.engine)} password: ${what}; calls go without credentials.`] };
  }
  const password = Buffer.from(encoded, 'base64').toString('utf8');
  return { ...installation, search: { ...search, authorization: basicAuthorization(search.credentials?.username ?? '', password) } };
}
