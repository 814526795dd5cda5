/**
 * Which procedure (version table row) applies: the chart major decides, the images say which patch runs, and
 * --camunda-version overrides at the user's risk (helm-layout.md §0).
 */
import { PreconditionError, UsageError } from '../errors.js';
import type { HelmRelease } from '../kube/helm-release.js';
import type { Pod } from '../kube/kube-client.js';
import { byName, COMPONENT_LABEL } from './pick-pod.js';
import { procedureForChartMajor, procedureForLine, SUPPORTED_LINES, VERSION_TABLE, type VersionProcedure } from './versions.js';

export interface ResolvedVersion {
  readonly procedure: VersionProcedure;
  readonly chartVersion: string;
  readonly camundaVersion: string;
  readonly forced: boolean;
  readonly warnings: readonly string[];
}

/** "registry:5000/camunda/camunda:8.8.35@sha256:…" → repository "registry:5000/camunda/camunda", tag "8.8.35". */
function splitImage(image: string): { repository: string; tag?: string } {
  const withoutDigest = image.split('@')[0] ?? '';
  const colon = withoutDigest.lastIndexOf(':');
  // A colon before the last slash belongs to a registry port, not a tag.
  return colon > withoutDigest.lastIndexOf('/') ? { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) } : { repository: withoutDigest };
}

export const imageTag = (image: string): string | undefined => splitImage(image).tag;

/** Images that carry the Camunda version itself (Optimize, Identity, Connectors are numbered on their own). */
const CORE_IMAGE = /(?:^|\/)camunda\/(?:camunda|zeebe|operate|tasklist)$/;
const VERSION_TAG = /^(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.-]+)?$/;
const COMPONENT_PREFERENCE = ['zeebe-broker', 'zeebe-gateway', 'operate', 'tasklist'];

/** The Camunda version the pods run, with the pods that run each version found; the Zeebe pods' version first. */
function camundaVersionsFromPods(pods: readonly Pod[]): Map<string, string[]> {
  const rank = (pod: Pod): number => {
    const index = COMPONENT_PREFERENCE.indexOf(pod.labels[COMPONENT_LABEL] ?? '');
    return index === -1 ? COMPONENT_PREFERENCE.length : index;
  };
  const versions = new Map<string, string[]>();
  for (const pod of [...pods].sort((a, b) => rank(a) - rank(b) || byName(a, b))) {
    for (const container of pod.containers) {
      const { repository, tag } = splitImage(container.image);
      if (!tag || !VERSION_TAG.test(tag) || !CORE_IMAGE.test(repository)) continue;
      versions.set(tag, [...(versions.get(tag) ?? []), pod.name]);
    }
  }
  return versions;
}

const lineOf = (version: string): string | undefined => /^(\d+\.\d+)(?:\.|$)/.exec(version)?.[1];

function knownProcedure(forcedLine: string): VersionProcedure {
  const line = lineOf(forcedLine.trim());
  const row = line ? procedureForLine(line) : undefined;
  if (!row) throw new UsageError(`--camunda-version ${forcedLine} is not a Camunda line this tool knows.`, { hint: `Known: ${SUPPORTED_LINES.join(', ')}.` });
  return row;
}

/** Chooses the procedure from the chart major version; `forcedLine` (--camunda-version) overrides at the user's risk. */
export function resolveVersion(release: HelmRelease, pods: readonly Pod[], forcedLine: string | undefined): ResolvedVersion {
  const warnings: string[] = [];
  const chartVersion = release.chart.metadata.version;
  const chartMajor = Number(/^v?(\d+)\./.exec(chartVersion)?.[1] ?? Number.NaN);
  const detected = Number.isFinite(chartMajor) ? procedureForChartMajor(chartMajor) : undefined;

  const versions = camundaVersionsFromPods(pods);
  const [running] = versions.keys();
  const camundaVersion = running ?? release.chart.metadata.appVersion ?? 'unknown';
  if (versions.size > 1) {
    warnings.push(`Pods run different Camunda versions (${[...versions].map(([v, names]) => `${v} on ${names.join(', ')}`).join('; ')}): an upgrade may be in progress; using ${camundaVersion}.`);
  }

  const requested = forcedLine === undefined ? undefined : knownProcedure(forcedLine);
  const forced = requested !== detected ? requested : undefined;
  if (forced) warnings.push(`--camunda-version ${forced.line}: using the Camunda ${forced.line} procedure for chart ${chartVersion} (Camunda ${camundaVersion}) at your own risk.`);
  const procedure = forced ?? detected;
  if (!procedure) {
    const supported = VERSION_TABLE.map((row) => `${row.line} (chart ${row.chartMajor}.x)`).join(', ');
    throw new PreconditionError(`Camunda Helm chart ${chartVersion} (Camunda ${camundaVersion}) is not supported. Supported: Camunda ${supported}.`, {
      hint: `--camunda-version <${SUPPORTED_LINES.join('|')}> forces one of these procedures at your own risk.`,
    });
  }
  const runningLine = running === undefined ? undefined : lineOf(running);
  if (!forced && runningLine && runningLine !== procedure.line) {
    warnings.push(`Chart ${chartVersion} is the Camunda ${procedure.line} chart, but the pods run Camunda ${camundaVersion}; using the ${procedure.line} procedure.`);
  }
  return { procedure, chartVersion, camundaVersion, forced: forced !== undefined, warnings };
}
