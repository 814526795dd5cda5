/**
 * Which components take part in the backup, and the one pod, port and management base path each is reached at
 * (helm-layout.md §0). Every component that cannot be reached is reported in one error, so a single run shows
 * everything there is to fix.
 */
import { PreconditionError } from '../errors.js';
import { kubectlCommand } from '../kube/cluster-flags.js';
import type { Container, Pod, Service } from '../kube/kube-client.js';
import type { PodTarget } from '../reach/component-http.js';
import { configMapNames, type DiscoveryContext, isSearchEngine, type Part, partLabel, propertiesOf, separateWebapps } from './discovery-context.js';
import type { SkippedPart } from './installation.js';
import { chooseContainer, COMPONENT_LABEL, INSTANCE_LABEL, noReadyPodBehind, pickPod, podPortFor, podsBehind, podTarget } from './pick-pod.js';
import type { SpringProperties } from './spring-properties.js';
import type { ManagementApi, SecondaryStorage } from './versions.js';

export interface ResolvedComponent {
  readonly container: Container;
  readonly target: PodTarget;
  readonly service: string;
  readonly basePath: string;
  /** Helm values key of the component, where users put its `env`. */
  readonly valuesKey: string;
}

interface WantedComponent {
  readonly part: Part;
  readonly api: ManagementApi;
  /** ConfigMaps that may set management.server.base-path. */
  readonly basePathConfigMaps: readonly string[];
}

/** The components enabled in the release, and a reason for each part that is not. Zeebe always takes part. */
export function componentsTakingPart(ctx: DiscoveryContext, storage: SecondaryStorage, brokerProps: SpringProperties): { wanted: WantedComponent[]; skipped: SkippedPart[] } {
  const { procedure, release, values } = ctx;
  const cmNames = configMapNames(release, procedure);
  const wanted: WantedComponent[] = [];
  const skipped: SkippedPart[] = [];

  const optimizeEnabled = values.bool('optimize.enabled');
  if (optimizeEnabled ?? separateWebapps(procedure)) wanted.push({ part: 'optimize', api: procedure.apis.optimize, basePathConfigMaps: [] });
  else skipped.push({ part: 'optimize', reason: `Optimize is not enabled in release ${release} (optimize.enabled: false${optimizeEnabled === undefined ? ', the chart default' : ''}).` });

  for (const part of ['operate', 'tasklist'] as const) {
    const api = procedure.apis[part];
    if (!api) continue;
    if (values.bool(`${api.valuesKey}.enabled`) ?? true) wanted.push({ part, api, basePathConfigMaps: cmNames[part] });
    else skipped.push({ part, reason: `${partLabel(part, procedure)} is not enabled in release ${release} (${api.valuesKey}.enabled: false).` });
  }

  if (!separateWebapps(procedure)) {
    const reason = webappsSkipReason(storage, brokerProps);
    if (reason) skipped.push({ part: 'webapps', reason });
    else wanted.push({ part: 'webapps', api: procedure.apis.zeebe, basePathConfigMaps: cmNames.gateway });
  }
  wanted.push({ part: 'zeebe', api: procedure.apis.zeebe, basePathConfigMaps: cmNames.gateway });
  return { wanted, skipped };
}

/** 8.8+: Operate and Tasklist run inside the orchestration cluster only with a search engine and their profiles. */
function webappsSkipReason(storage: SecondaryStorage, brokerProps: SpringProperties): string | undefined {
  if (storage === 'rdbms') return 'Secondary storage is an RDBMS: Operate/Tasklist data lives in that database; back it up with the database vendor’s tools.';
  if (!isSearchEngine(storage)) return 'No secondary storage is configured: Operate and Tasklist do not run.';
  const profiles = brokerProps.get('spring.profiles.active');
  const webappProfiles = profiles === undefined || /(^|,)\s*(operate|tasklist)\s*(,|$)/.test(profiles);
  return webappProfiles ? undefined : `The orchestration cluster runs without the operate and tasklist profiles (${profiles ?? ''}).`;
}

class Unavailable extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

/** Resolves every wanted component, in order; throws one PreconditionError naming all that are unavailable. */
export function resolveComponents(wanted: readonly WantedComponent[], ctx: DiscoveryContext): ReadonlyMap<Part, ResolvedComponent> {
  const resolved = new Map<Part, ResolvedComponent>();
  const unavailable: Unavailable[] = [];
  for (const want of wanted) {
    try {
      resolved.set(want.part, resolveComponent(want, ctx));
    } catch (error) {
      if (!(error instanceof Unavailable)) throw error;
      unavailable.push(error);
    }
  }
  if (unavailable.length > 0) {
    throw new PreconditionError(`Release ${ctx.release} in namespace ${ctx.namespace}: ${unavailable.map((u) => u.message).join('; ')}.`, {
      hint: unavailable.map((u) => u.hint).filter(Boolean).join('; ') || 'Wait until the pods are Ready and run again.',
    });
  }
  return resolved;
}

function resolveComponent({ part, api, basePathConfigMaps }: WantedComponent, ctx: DiscoveryContext): ResolvedComponent {
  const label = partLabel(part, ctx.procedure);
  const serviceName = `${ctx.release}-${api.serviceSuffix}`;
  const service = ctx.services.get(serviceName);
  if (!service) throw new Unavailable(`${label}: Service ${serviceName} not found in namespace ${ctx.namespace}`);
  const selector = Object.keys(service.selector).length > 0 ? service.selector : { [INSTANCE_LABEL]: ctx.release, [COMPONENT_LABEL]: api.podComponent };
  const behind = podsBehind(selector, ctx.pods);
  const pod = pickPod(behind);
  if (!pod) {
    const selectorText = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    throw new Unavailable(`${label}: ${noReadyPodBehind(serviceName, behind)}`, kubectlCommand(`get pods -l ${selectorText}`, { cluster: ctx.choices.cluster ?? {}, namespace: ctx.namespace }));
  }
  const container = chooseContainer(pod, [api.container], ctx, label, true);
  const port = managementPort(api, service, pod, label, ctx);
  const basePath = api.contextPathMovesManagement ? managementBasePath(api, container, basePathConfigMaps, ctx) : '';
  return { container, service: serviceName, basePath, valuesKey: api.valuesKey, target: podTarget(pod, container, port, ctx.namespace) };
}

function managementPort(api: ManagementApi, service: Service, pod: Pod, label: string, ctx: DiscoveryContext): number {
  const servicePort = api.servicePortNames.map((name) => service.ports.find((p) => p.name === name)).find((p) => p !== undefined);
  if (servicePort) return podPortFor(servicePort, pod);
  const fromValues = Number(ctx.values.string(`${api.valuesKey}.service.managementPort`));
  const port = Number.isInteger(fromValues) && fromValues > 0 ? fromValues : api.defaultPort;
  ctx.warnings.push(`${label}: Service ${service.name} has no port named ${api.servicePortNames.join('/')}; using pod port ${port}.`);
  return port;
}

/** Where the chart moved the management endpoints under the contextPath: the probe is what the pod really serves. */
function managementBasePath(api: ManagementApi, container: Container, basePathConfigMaps: readonly string[], ctx: DiscoveryContext): string {
  return (
    basePathFromProbe(container.readinessProbe?.path) ??
    normalizeBasePath(propertiesOf(ctx, basePathConfigMaps).get('management.server.base-path')) ??
    normalizeBasePath(ctx.values.string(`${api.valuesKey}.contextPath`)) ??
    ''
  );
}

function normalizeBasePath(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const trimmed = path.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** "/operate/actuator/health/readiness" → "/operate"; undefined when the probe is not an actuator probe. */
export function basePathFromProbe(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const match = /^(.*?)\/actuator\/health(?:\/.*)?$/.exec(path);
  return match ? normalizeBasePath(match[1]) : undefined;
}
