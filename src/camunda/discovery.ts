/**
 * From what the cluster shows (the Helm release record, Pods, Services, ConfigMaps) to an Installation. Pure: the
 * caller (discover.ts) reads the objects; everything here is decided from values in hand, so each rule is testable
 * against the rendered fixtures. Sources of each rule: helm-layout.md §0–§3, camunda-backup-api.md §8, §13.1.
 */
import { PreconditionError } from '../errors.js';
import type { HelmRelease } from '../kube/helm-release.js';
import type { ConfigMap, Container, Pod, Secret, Service } from '../kube/kube-client.js';
import type { HttpTarget } from '../reach/component-http.js';
import { SecretValue } from '../secret-value.js';
import { configMapNames, type DiscoveryChoices, type DiscoveryContext, isSearchEngine, type Part, partLabel, propertiesOf, separateWebapps } from './discovery-context.js';
import { HelmValues } from './helm-values.js';
import type { ComponentEndpoint, Installation, SearchCredentials, SearchEndpoint, WebModelerDatabase, ZeebeBackupStore } from './installation.js';
import { byName, chooseContainer, COMPONENT_LABEL, describePods, execRelayTarget, matchesSelector, pickPod, podPortFor } from './pick-pod.js';
import { componentsTakingPart, resolveComponents } from './resolve-components.js';
import type { ResolvedVersion } from './resolve-version.js';
import { type EnvValue, containerEnv, propertyKeyForEnv, resolvePlaceholders, type SpringProperties } from './spring-properties.js';
import type { SearchEngine, SecondaryStorage } from './versions.js';

const DEFAULT_ZEEBE_INDEX_PREFIX = 'zeebe-record';

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

type RepoPart = Exclude<Part, 'zeebe'>;
type Context = DiscoveryContext;

// --- search engine, secondary storage, zeebe-record exporter ------------------------------------------------------

interface StorageFacts {
  readonly storage: SecondaryStorage;
  readonly url?: string | undefined;
}

interface ExporterFacts {
  readonly engine: SearchEngine;
  readonly url?: string | undefined;
  readonly prefix?: string | undefined;
}

const asEngine = (type: string | undefined): SecondaryStorage | undefined => {
  const t = type?.trim().toLowerCase();
  return t === 'elasticsearch' || t === 'opensearch' || t === 'rdbms' || t === 'none' ? t : undefined;
};

function valuesSearchUrl(engine: SearchEngine, ctx: Context): string | undefined {
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
  if (engine === 'elasticsearch' && ctx.values.bool('elasticsearch.enabled') !== false) return `http://${ctx.release}-elasticsearch:9200`;
  return undefined;
}

function resolveStorage(ctx: Context, props: { operate: SpringProperties; tasklist: SpringProperties; broker: SpringProperties }, exporter: ExporterFacts | undefined): StorageFacts {
  if (separateWebapps(ctx.procedure)) {
    // 8.6/8.7: Operate/Tasklist keep their own ES/OS settings; the values only say which engine.
    const all = [props.operate, props.tasklist, props.broker];
    const fromConfig = all.map((p) => asEngine(p.get('camunda.database.type'))).find((t) => t === 'elasticsearch' || t === 'opensearch');
    const engine: SearchEngine = (fromConfig as SearchEngine | undefined) ?? exporter?.engine ?? (ctx.values.bool('global.opensearch.enabled') === true ? 'opensearch' : 'elasticsearch');
    const configUrl = all
      .flatMap((p) => [p.get('camunda.database.url'), p.get(`camunda.operate.${engine}.url`), p.get(`camunda.tasklist.${engine}.url`)])
      .find((u) => u !== undefined && u !== '');
    const url = configUrl ?? (exporter?.engine === engine ? exporter.url : undefined) ?? valuesSearchUrl(engine, ctx);
    return { storage: engine, url };
  }
  const configType = asEngine(props.broker.get('camunda.data.secondary-storage.type'));
  let storage: SecondaryStorage;
  if (configType) {
    storage = configType;
  } else {
    const valuesType = asEngine(ctx.values.string('orchestration.data.secondaryStorage.type'));
    if (valuesType) storage = valuesType;
    else if (ctx.values.bool('global.noSecondaryStorage') === true) storage = 'none';
    else if (ctx.values.bool('global.opensearch.enabled') === true) storage = 'opensearch';
    else if (ctx.values.bool('global.elasticsearch.enabled') ?? ctx.procedure.line === '8.8') storage = 'elasticsearch';
    else if (ctx.values.bool('orchestration.exporters.rdbms.enabled') === true) storage = 'rdbms';
    else {
      storage = 'none';
      ctx.warnings.push('Could not read the secondary storage type (no orchestration ConfigMap, nothing in the values); assuming none.');
    }
    if (props.broker.sources.length === 0) ctx.warnings.push(`ConfigMap ${ctx.procedure.configMapSuffixes.map((s) => `${ctx.release}-${s}`).join(' / ')} not found; secondary storage (${storage}) taken from the Helm values.`);
  }
  if (storage !== 'elasticsearch' && storage !== 'opensearch') return { storage };
  const configUrl = props.broker.get(`camunda.data.secondary-storage.${storage}.url`);
  return { storage, url: configUrl || valuesSearchUrl(storage, ctx) };
}

const LEGACY_EXPORTER = /(?:^|\.)(Elasticsearch|Opensearch)Exporter$/i;

/** The Zeebe Elasticsearch/OpenSearch exporter, which writes the zeebe-record* indices, when it is configured. */
function legacyExporter(brokerProps: SpringProperties, brokerContainer: Container | undefined, ctx: Context): ExporterFacts | undefined {
  for (const id of brokerProps.children('zeebe.broker.exporters').sort()) {
    const className = brokerProps.get(`zeebe.broker.exporters.${id}.classname`) ?? '';
    const match = LEGACY_EXPORTER.exec(className);
    if (!match) continue;
    const base = `zeebe.broker.exporters.${id}.args`;
    return {
      engine: match[1]!.toLowerCase() === 'opensearch' ? 'opensearch' : 'elasticsearch',
      url: brokerProps.get(`${base}.url`) || undefined,
      prefix: brokerProps.get(`${base}.index.prefix`) || undefined,
    };
  }
  for (const env of brokerContainer?.env ?? []) {
    const match = /^ZEEBE_BROKER_EXPORTERS_(.+)_CLASSNAME$/.exec(env.name);
    const exporterMatch = match && env.value ? LEGACY_EXPORTER.exec(env.value) : null;
    if (!match || !exporterMatch) continue;
    const literal = (name: string): string | undefined => {
      const found = containerEnv(brokerContainer, name, ctx.configMaps);
      return found?.kind === 'value' && found.value !== '' ? found.value : undefined;
    };
    return {
      engine: exporterMatch[1]!.toLowerCase() === 'opensearch' ? 'opensearch' : 'elasticsearch',
      url: literal(`ZEEBE_BROKER_EXPORTERS_${match[1]}_ARGS_URL`),
      prefix: literal(`ZEEBE_BROKER_EXPORTERS_${match[1]}_ARGS_INDEX_PREFIX`),
    };
  }
  return undefined;
}

function zeebeIndexPrefix(engine: SearchEngine, exporter: ExporterFacts | undefined, brokerContainer: Container | undefined, props: SpringProperties[], ctx: Context): string {
  const envPrefix = containerEnv(brokerContainer, `ZEEBE_BROKER_EXPORTERS_${engine.toUpperCase()}_ARGS_INDEX_PREFIX`, ctx.configMaps);
  return (
    (envPrefix?.kind === 'value' && envPrefix.value !== '' ? envPrefix.value : undefined) ??
    exporter?.prefix ??
    ctx.values.string(`optimize.database.${engine}.prefix`) ??
    ctx.values.string(`global.${engine}.prefix`) ??
    props.flatMap((p) => [p.get(`camunda.operate.zeebe${engine}.prefix`), p.get(`camunda.tasklist.zeebe${engine}.prefix`)]).find((v) => v !== undefined && v !== '') ??
    DEFAULT_ZEEBE_INDEX_PREFIX
  );
}

/** "http://camunda-elasticsearch:9200" → the Service it names in this namespace, when it is one of the release's. */
function inClusterService(url: string, ctx: Context): { service: Service; port: number } | undefined {
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

interface PasswordSource {
  readonly secret?: { readonly name: string; readonly key: string } | undefined;
  readonly inline?: string | undefined;
}

function searchCredentials(engine: SearchEngine, ctx: Context, brokerContainer: Container | undefined, props: SpringProperties[]): { credentials?: SearchCredentials; inline?: SecretValue } {
  const v = ctx.values;
  const username =
    v.string(`orchestration.data.secondaryStorage.${engine}.auth.username`) ??
    v.string(`global.${engine}.auth.username`) ??
    props
      .flatMap((p) => [p.get(`camunda.data.secondary-storage.${engine}.username`), p.get('camunda.database.username'), p.get(`camunda.operate.${engine}.username`)])
      .find((u) => u !== undefined && u !== '' && !u.includes('${'));
  if (!username) return {};

  const secretRef = (name: string | undefined, key: string | undefined): PasswordSource | undefined => (name ? { secret: { name, key: key ?? 'password' } } : undefined);
  const fromEnv = (): PasswordSource | undefined => {
    const upper = engine.toUpperCase();
    for (const name of [`VALUES_${upper}_PASSWORD`, `CAMUNDA_DATA_SECONDARYSTORAGE_${upper}_PASSWORD`, 'CAMUNDA_DATABASE_PASSWORD', `ZEEBE_BROKER_EXPORTERS_${upper}_ARGS_AUTHENTICATION_PASSWORD`]) {
      const env = brokerContainer?.env.findLast((e) => e.name === name);
      const ref = env?.valueFrom?.secretKeyRef;
      if (ref) return { secret: { name: ref.name, key: ref.key } };
    }
    return undefined;
  };
  const inline = (value: string | undefined): PasswordSource | undefined => (value ? { inline: value } : undefined);
  const source =
    secretRef(v.string(`orchestration.data.secondaryStorage.${engine}.auth.secret.existingSecret`), v.string(`orchestration.data.secondaryStorage.${engine}.auth.secret.existingSecretKey`)) ??
    inline(v.string(`orchestration.data.secondaryStorage.${engine}.auth.secret.inlineSecret`)) ??
    secretRef(v.string(`global.${engine}.auth.secret.existingSecret`), v.string(`global.${engine}.auth.secret.existingSecretKey`)) ??
    secretRef(v.string(`global.${engine}.auth.existingSecret`), v.string(`global.${engine}.auth.existingSecretKey`)) ??
    inline(v.string(`global.${engine}.auth.secret.inlineSecret`)) ??
    inline(v.string(`global.${engine}.auth.password`)) ??
    fromEnv();
  if (!source) {
    ctx.warnings.push(`${engine === 'opensearch' ? 'OpenSearch' : 'Elasticsearch'} user ${username} is configured but no password source was found; calls go without credentials.`);
    return { credentials: { username } };
  }
  if (source.inline !== undefined) {
    return { credentials: { username }, inline: basicAuthorization(username, source.inline) };
  }
  return { credentials: { username, passwordSecret: source.secret } };
}

function basicAuthorization(username: string, password: string): SecretValue {
  return new SecretValue(`Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`);
}

// --- repository, store ---------------------------------------------------------------------------------------------

interface RepositoryFinding {
  readonly name?: string | undefined;
  /** Set when the setting exists but its value cannot be read (a Secret reference). */
  readonly unknownFrom?: string | undefined;
}

/** First configured of `names` on the container, then in the user values, then in the ConfigMap (Spring's order, roughly). */
function firstSetting(
  names: readonly string[],
  extraKeys: readonly string[],
  container: Container | undefined,
  valuesKey: string,
  props: SpringProperties,
  ctx: Context,
  label: string,
): RepositoryFinding {
  const findings: EnvValue[] = [];
  for (const name of names) {
    const found = containerEnv(container, name, ctx.configMaps);
    if (found) findings.push(found);
  }
  if (findings.length === 0) {
    for (const name of names) {
      const found = ctx.values.env(valuesKey, name);
      if (found) findings.push(found);
    }
  }
  if (findings.length === 0) {
    const literalEnv = (name: string): string | undefined => {
      const found = containerEnv(container, name, ctx.configMaps);
      return found?.kind === 'value' ? found.value : undefined;
    };
    for (const key of [...names.map(propertyKeyForEnv), ...extraKeys]) {
      const raw = props.get(key);
      if (raw === undefined || raw === '') continue;
      const resolved = resolvePlaceholders(raw, literalEnv);
      findings.push(resolved === undefined ? { kind: 'unknown', from: `${props.sources[0] ?? 'configuration'} ${key}` } : { kind: 'value', value: resolved, from: `${props.sources[0] ?? 'configuration'} ${key}` });
    }
  }
  const [first, ...others] = findings;
  if (!first) return {};
  const differing = others.filter((o) => o.kind === 'value' && first.kind === 'value' && o.value !== first.value);
  if (differing.length > 0 && first.kind === 'value') {
    ctx.warnings.push(`${label}: ${first.from} = ${first.value} differs from ${differing.map((d) => `${d.from} = ${d.kind === 'value' ? d.value : '?'}`).join(', ')}; the first one is used.`);
  }
  return first.kind === 'value' ? { name: first.value.trim() || undefined } : { unknownFrom: first.from };
}

// --- main -----------------------------------------------------------------------------------------------------------

/** Builds the Installation. Throws UsageError/PreconditionError before anything is changed. */
export function deriveInstallation(input: DiscoveryInput): Installation {
  const { procedure } = input.version;
  const ctx: Context = {
    release: input.release.name,
    namespace: input.namespace,
    procedure,
    values: new HelmValues(input.release),
    pods: input.pods,
    services: new Map(input.services.map((s) => [s.name, s])),
    configMaps: input.configMaps,
    choices: input.choices,
    warnings: [...(input.warnings ?? []), ...input.version.warnings],
  };
  const cmNames = configMapNames(ctx.release, procedure);
  const props = {
    operate: propertiesOf(ctx, cmNames.operate),
    tasklist: propertiesOf(ctx, cmNames.tasklist),
    optimize: propertiesOf(ctx, cmNames.optimize),
    broker: propertiesOf(ctx, cmNames.broker),
  };

  const execVia = execRelayTarget(input.choices, input.execPod, ctx.namespace);

  // Zeebe brokers hold the exporter and backup-store settings (in 8.8+ they are the orchestration pods).
  const brokerPods = ctx.pods.filter((p) => p.labels[COMPONENT_LABEL] === 'zeebe-broker');
  const brokerPod = pickPod(brokerPods) ?? brokerPods.slice().sort(byName)[0];
  const brokerContainer = brokerPod?.containers.find((c) => c.name === 'zeebe' || c.name === procedure.apis.zeebe.container) ?? brokerPod?.containers[0];
  const brokerValuesKey = separateWebapps(procedure) ? 'zeebe' : procedure.apis.zeebe.valuesKey;

  const exporter = legacyExporter(props.broker, brokerContainer, ctx);
  const storageFacts = resolveStorage(ctx, props, exporter);
  const searchStorage = isSearchEngine(storageFacts.storage);
  const { wanted, skipped } = componentsTakingPart(ctx, storageFacts.storage, props.broker);
  const resolved = resolveComponents(wanted, ctx);
  const zeebe = resolved.get('zeebe')!;

  // --- zeebe-record indices and the search engine -------------------------------------------------------------------
  const zeebeRecordsExported = separateWebapps(procedure) ? searchStorage : exporterConfigured(exporter, props.broker, ctx);
  if (!zeebeRecordsExported) {
    skipped.push({
      part: 'zeebe-records',
      reason: separateWebapps(procedure)
        ? 'No Elasticsearch/OpenSearch is configured.'
        : 'No Zeebe Elasticsearch/OpenSearch exporter is configured (the chart adds it only with Optimize or orchestration.exporters.zeebe.enabled), so there are no zeebe-record indices.',
    });
  }

  let search: SearchEndpoint | undefined;
  const searchEngine: SearchEngine | undefined = searchStorage ? (storageFacts.storage as SearchEngine) : zeebeRecordsExported ? exporter?.engine : undefined;
  const searchUrl = searchStorage ? storageFacts.url : exporter?.url;
  if (searchEngine && searchUrl) {
    const propsList = [props.broker, props.operate, props.tasklist];
    const { credentials, inline } = searchCredentials(searchEngine, ctx, brokerContainer, propsList);
    const inCluster = inClusterService(searchUrl, ctx);
    let target: HttpTarget | undefined;
    if (inCluster) {
      const pods = ctx.pods.filter((p) => matchesSelector(p.labels, inCluster.service.selector));
      const pod = pickPod(pods);
      if (pod) {
        const servicePort = inCluster.service.ports.find((p) => p.port === inCluster.port) ?? inCluster.service.ports[0];
        const container = chooseContainer(pod, [searchEngine], ctx, searchEngine === 'opensearch' ? 'OpenSearch' : 'Elasticsearch');
        target = { kind: 'pod', pod: { namespace: pod.namespace || ctx.namespace, pod: pod.name, container: container.name, port: servicePort ? podPortFor(servicePort, pod) : inCluster.port } };
      } else if (zeebeRecordsExported) {
        throw new PreconditionError(`${searchEngine === 'opensearch' ? 'OpenSearch' : 'Elasticsearch'} (${searchUrl}): no Ready pod behind Service ${inCluster.service.name} (${describePods(pods)}).`);
      } else {
        ctx.warnings.push(`${searchUrl}: no Ready pod behind Service ${inCluster.service.name} (${describePods(pods)}).`);
      }
    }
    search = {
      engine: searchEngine,
      target: target ?? { kind: 'url', url: searchUrl, via: execVia ?? zeebe.target },
      url: searchUrl,
      credentials,
      authorization: inline,
      zeebeIndexPrefix: zeebeIndexPrefix(searchEngine, exporter, brokerContainer, [props.operate, props.tasklist], ctx),
    };
  } else if (searchEngine) {
    const message = `Could not find the ${searchEngine === 'opensearch' ? 'OpenSearch' : 'Elasticsearch'} URL in the configuration or the Helm values.`;
    if (zeebeRecordsExported) throw new PreconditionError(message, { hint: 'Check global.elasticsearch.url / orchestration.data.secondaryStorage in the release values.' });
    ctx.warnings.push(message);
  }

  // --- snapshot repository ------------------------------------------------------------------------------------------
  const repoFindings = new Map<RepoPart, RepositoryFinding>();
  for (const [part, component] of resolved) {
    if (part === 'zeebe') continue;
    const label = partLabel(part, procedure);
    const finding =
      part === 'optimize'
        ? firstSetting(procedure.optimizeRepositoryEnv, searchEngine === 'opensearch' ? ['opensearch.backup.repositoryName', 'backup.repositoryName'] : ['backup.repositoryName'], component.container, 'optimize', props.optimize, ctx, label)
        : firstSetting(procedure.webappRepositoryEnv[part] ?? [], [], component.container, part === 'webapps' ? procedure.apis.zeebe.valuesKey : part, part === 'webapps' ? props.broker : props[part], ctx, label);
    repoFindings.set(part, finding);
    if (finding.unknownFrom) ctx.warnings.push(`${label}: the snapshot repository comes from ${finding.unknownFrom}, which discovery does not read.`);
  }
  const repositoryName = agreeOnRepository(repoFindings, ctx);

  const components: ComponentEndpoint[] = (['optimize', 'operate', 'tasklist', 'webapps', 'zeebe'] as const)
    .map((part) => {
      const component = resolved.get(part);
      if (!component) return undefined;
      const finding = part === 'zeebe' ? undefined : repoFindings.get(part);
      return { part, target: component.target, service: component.service, basePath: component.basePath, repositoryName: finding?.name };
    })
    .filter((c): c is NonNullable<typeof c> => c !== undefined);

  const zeebeStore = resolveZeebeStore(brokerContainer, brokerValuesKey, props.broker, ctx);
  const webModeler = resolveWebModeler(ctx);

  return {
    release: ctx.release,
    namespace: ctx.namespace,
    chartVersion: input.version.chartVersion,
    camundaVersion: input.version.camundaVersion,
    procedure,
    forcedVersion: input.version.forced,
    secondaryStorage: storageFacts.storage,
    components,
    search,
    repositoryName,
    skipped,
    zeebeStore,
    zeebeRecordsExported,
    webModeler,
    warnings: [...new Set(ctx.warnings)],
  };
}

function exporterConfigured(exporter: ExporterFacts | undefined, brokerProps: SpringProperties, ctx: Context): boolean {
  if (exporter) return true;
  if (brokerProps.sources.length > 0) return false;
  // No orchestration ConfigMap to look at: fall back to the chart's rule.
  const fromValues = (ctx.values.bool('optimize.enabled') ?? false) || ctx.values.bool('orchestration.exporters.zeebe.enabled') === true;
  ctx.warnings.push(`Whether zeebe-record indices are exported was taken from the Helm values (${fromValues ? 'yes' : 'no'}): the orchestration ConfigMap was not found.`);
  return fromValues;
}

function agreeOnRepository(findings: ReadonlyMap<RepoPart, RepositoryFinding>, ctx: Context): string | undefined {
  const label = (part: RepoPart): string => partLabel(part, ctx.procedure);
  const override = ctx.choices.snapshotRepository?.trim();
  if (override) {
    for (const [part, finding] of findings) {
      if (finding.name && finding.name !== override) {
        ctx.warnings.push(`${label(part)} is configured with snapshot repository ${finding.name}, not ${override} (--snapshot-repository); the component uses its own configuration.`);
      }
    }
    return override;
  }
  const named = [...findings].filter(([, f]) => f.name !== undefined);
  const distinct = [...new Set(named.map(([, f]) => f.name))];
  if (distinct.length > 1) {
    const list = [...findings].map(([part, f]) => `${label(part)}: ${f.name ?? (f.unknownFrom ? 'unknown' : 'not configured')}`).join(', ');
    throw new PreconditionError(`The components are configured with different snapshot repositories (${list}).`, {
      hint: 'Configure the same repository in every component, or pass --snapshot-repository <name> to choose the one the tool uses.',
    });
  }
  const agreed = distinct[0];
  if (agreed === undefined) {
    if (findings.size > 0) {
      ctx.warnings.push(
        `No snapshot repository is configured in ${[...findings.keys()].map(label).join(', ')} (looked at the container env, the Helm values and the ConfigMaps); those backups will be refused until one is, or pass --snapshot-repository.`,
      );
    }
    return undefined;
  }
  for (const [part, finding] of findings) {
    if (!finding.name && !finding.unknownFrom) ctx.warnings.push(`${label(part)} has no snapshot repository configured (the others use ${agreed}); its backup will be refused.`);
  }
  return agreed;
}

function resolveZeebeStore(container: Container | undefined, valuesKey: string, brokerProps: SpringProperties, ctx: Context): ZeebeBackupStore {
  const store = firstSetting(ctx.procedure.zeebeStoreEnv, [], container, valuesKey, brokerProps, ctx, 'Zeebe backup store');
  const continuousSetting = firstSetting(ctx.procedure.continuousBackupEnv, [], container, valuesKey, brokerProps, ctx, 'Zeebe continuous backups');
  const continuous = continuousSetting.name?.toLowerCase() === 'true';
  if (continuousSetting.unknownFrom) ctx.warnings.push(`Zeebe continuous backups: set from ${continuousSetting.unknownFrom}, which discovery does not read; assuming off.`);
  if (store.name) return { store: store.name.toUpperCase(), continuous };
  if (store.unknownFrom) {
    ctx.warnings.push(`Zeebe backup store comes from ${store.unknownFrom}, which discovery does not read.`);
    return { store: undefined, continuous };
  }
  if (container?.envFrom.some((f) => f.secretRef)) {
    ctx.warnings.push('Zeebe backup store: not in the env, values or ConfigMap; the brokers also take env from Secrets, which discovery does not read.');
    return { store: undefined, continuous };
  }
  ctx.warnings.push('Zeebe has no backup store configured (NONE): Zeebe will refuse the backup until one is (S3, GCS, AZURE or FILESYSTEM).');
  return { store: 'NONE', continuous };
}

function resolveWebModeler(ctx: Context): WebModelerDatabase | undefined {
  const requested = ctx.choices.webModeler === true;
  const enabled = ctx.values.bool('webModeler.enabled') === true;
  if (!requested && !enabled) return undefined;
  const fail = (message: string): undefined => {
    if (requested) throw new PreconditionError(`--web-modeler: ${message}`);
    ctx.warnings.push(`Web Modeler: ${message}`);
    return undefined;
  };
  const serviceName = `${ctx.release}-postgresql-web-modeler`;
  const service = ctx.services.get(serviceName);
  if (!service) {
    return fail(
      ctx.values.bool('webModelerPostgresql.enabled') === false
        ? 'it uses an external database (webModelerPostgresql.enabled: false); back that database up with its own tools.'
        : `Service ${serviceName} of the bundled PostgreSQL not found.`,
    );
  }
  const behind = ctx.pods.filter((p) => matchesSelector(p.labels, service.selector));
  const pod = pickPod(behind);
  if (!pod) return fail(`no Ready PostgreSQL pod behind Service ${serviceName} (${describePods(behind)}).`);
  const container = chooseContainer(pod, ['postgresql'], ctx, 'Web Modeler PostgreSQL');
  const literal = (name: string): string | undefined => {
    const found = containerEnv(container, name, ctx.configMaps);
    return found?.kind === 'value' && found.value !== '' ? found.value : undefined;
  };
  const passwordRef = container.env.findLast((e) => e.name === 'POSTGRES_PASSWORD')?.valueFrom?.secretKeyRef;
  const existingSecret = ctx.values.string('webModelerPostgresql.auth.existingSecret');
  const servicePort = service.ports.find((p) => p.name === 'tcp-postgresql') ?? service.ports[0];
  return {
    pod: { namespace: pod.namespace || ctx.namespace, pod: pod.name, container: container.name, port: servicePort ? podPortFor(servicePort, pod) : 5432 },
    database: literal('POSTGRES_DATABASE') ?? literal('POSTGRESQL_DATABASE') ?? ctx.values.string('webModelerPostgresql.auth.database') ?? 'web-modeler',
    username: literal('POSTGRES_USER') ?? literal('POSTGRESQL_USERNAME') ?? ctx.values.string('webModelerPostgresql.auth.username') ?? 'web-modeler',
    passwordSecret: passwordRef
      ? { name: passwordRef.name, key: passwordRef.key }
      : existingSecret
        ? { name: existingSecret, key: ctx.values.string('webModelerPostgresql.auth.secretKeys.userPasswordKey') ?? 'password' }
        : { name: serviceName, key: 'password' },
  };
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
    return { ...installation, warnings: [...installation.warnings, `${search.engine === 'opensearch' ? 'OpenSearch' : 'Elasticsearch'} password: ${what}; calls go without credentials.`] };
  }
  const password = Buffer.from(encoded, 'base64').toString('utf8');
  return { ...installation, search: { ...search, authorization: basicAuthorization(search.credentials?.username ?? '', password) } };
}
