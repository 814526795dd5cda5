/**
 * From what the cluster shows (the Helm release record, Pods, Services, ConfigMaps) to an Installation. Pure: the
 * caller (discover.ts) reads the objects; everything here is decided from values in hand, so each rule is testable
 * against the rendered fixtures. Sources of each rule: helm-layout.md §0–§3, camunda-backup-api.md §8, §13.1.
 */
import { PreconditionError } from '../errors.js';
import type { HelmRelease } from '../kube/helm-release.js';
import type { ConfigMap, Container, Pod, Service } from '../kube/kube-client.js';
import { brokerSource, componentProperties, type DiscoveryChoices, type DiscoveryContext, type Part, partLabel } from './discovery-context.js';
import { HelmValues } from './helm-values.js';
import type { ComponentEndpoint, Installation, WebModelerDatabase, ZeebeBackupStore } from './installation.js';
import { chooseContainer, describePods, execRelayTarget, matchesSelector, pickPod, podPortFor } from './pick-pod.js';
import { componentsTakingPart, resolveComponents } from './resolve-components.js';
import { resolveSearchEndpoint, searchEngineInUse } from './resolve-search-endpoint.js';
import { resolveSecondaryStorage, zeebeRecordExporter, zeebeRecordsExported, zeebeRecordsSkipped } from './resolve-secondary-storage.js';
import type { ResolvedVersion } from './resolve-version.js';
import { type EnvValue, containerEnv, propertyKeyForEnv, resolvePlaceholders, type SpringProperties } from './spring-properties.js';

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
  const props = componentProperties(ctx);
  const execVia = execRelayTarget(input.choices, input.execPod, ctx.namespace);
  const broker = brokerSource(ctx, props.broker);
  const brokerContainer = broker.container;
  const brokerValuesKey = broker.valuesKey;

  const exporter = zeebeRecordExporter(broker, ctx);
  const storageFacts = resolveSecondaryStorage(ctx, props, exporter);
  const { wanted, skipped } = componentsTakingPart(ctx, storageFacts.storage, props.broker);
  const resolved = resolveComponents(wanted, ctx);

  const exported = zeebeRecordsExported(storageFacts.storage, exporter, props.broker, ctx);
  if (!exported) skipped.push(zeebeRecordsSkipped(ctx));
  const records = { exporter, exported };
  const searchEngine = searchEngineInUse(storageFacts, records);
  const search = searchEngine && resolveSearchEndpoint(searchEngine, records, { broker, props }, execVia ?? resolved.get('zeebe')!.target, ctx);

  // --- snapshot repository ------------------------------------------------------------------------------------------
  const repoFindings = new Map<RepoPart, RepositoryFinding>();
  for (const [part, component] of resolved) {
    if (part === 'zeebe') continue;
    const label = partLabel(part, procedure);
    const finding =
      part === 'optimize'
        ? firstSetting(procedure.optimizeRepositoryEnv, searchEngine?.engine === 'opensearch' ? ['opensearch.backup.repositoryName', 'backup.repositoryName'] : ['backup.repositoryName'], component.container, 'optimize', props.optimize, ctx, label)
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
    zeebeRecordsExported: exported,
    webModeler,
    warnings: [...new Set(ctx.warnings)],
  };
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
