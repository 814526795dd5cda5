/**
 * Which procedure (version table row) applies: the chart major decides, the images say which patch runs, and
 * --camunda-version overrides at the user's risk (helm-layout.md §0).
 */
import { PreconditionError, UsageError } from '../errors.js';
import type { HelmRelease } from '../kube/helm-release.js';
import type { Pod } from '../kube/kube-client.js';
import { COMPONENT_LABEL } from './pick-pod.js';
import { procedureForChartMajor, procedureForLine, VERSION_TABLE, type VersionProcedure } from './versions.js';

export interface ResolvedVersion {
  readonly procedure: VersionProcedure;
  readonly chartVersion: string;
  readonly camundaVersion: string;
  readonly forced: boolean;
  readonly warnings: readonly string[];
}

/** Tag of an image reference, e.g. "registry:5000/camunda/camunda:8.8.35@sha256:…" → "8.8.35". */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] ?? '';
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(colon + 1) : undefined;
}

function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0] ?? '';
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** Images that carry the Camunda version itself (Optimize, Identity, Connectors are numbered on their own). */
const CORE_IMAGE = /(?:^|\/)camunda\/(?:camunda|zeebe|operate|tasklist)$/;
const VERSION_TAG = /^(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.-]+)?$/;
const COMPONENT_PREFERENCE = ['zeebe-broker', 'zeebe-gateway', 'operate', 'tasklist'];

/** The Camunda version the pods run, with the pods that run each version found. */
function camundaVersionsFromPods(pods: readonly Pod[]): Map<string, string[]> {
  const rank = (pod: Pod): number => {
    const index = COMPONENT_PREFERENCE.indexOf(pod.labels[COMPONENT_LABEL] ?? '');
    return index === -1 ? COMPONENT_PREFERENCE.length : index;
  };
  const versions = new Map<string, string[]>();
  for (const pod of [...pods].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))) {
    for (const container of pod.containers) {
      const tag = imageTag(container.image);
      if (!tag || !VERSION_TAG.test(tag) || !CORE_IMAGE.test(imageRepository(container.image))) continue;
      versions.set(tag, [...(versions.get(tag) ?? []), pod.name]);
    }
  }
  return versions;
}

const lineOf = (version: string): string | undefined => /^(\d+\.\d+)(?:\.|$)/.exec(version)?.[1];
const supportedText = (): string => VERSION_TABLE.map((row) => `${row.line} (chart ${row.chartMajor}.x)`).join(', ');

/** Chooses the procedure from the chart major version; `forcedLine` (--camunda-version) overrides at the user's risk. */
export function resolveVersion(release: HelmRelease, pods: readonly Pod[], forcedLine: string | undefined): ResolvedVersion {
  const warnings: string[] = [];
  const chartVersion = release.chart.metadata.version;
  const chartMajor = Number(/^v?(\d+)\./.exec(chartVersion)?.[1] ?? Number.NaN);
  const detected = Number.isFinite(chartMajor) ? procedureForChartMajor(chartMajor) : undefined;

  const versions = camundaVersionsFromPods(pods);
  const first = versions.keys().next();
  const camundaVersion = first.done ? (release.chart.metadata.appVersion ?? 'unknown') : first.value;
  if (versions.size > 1) {
    warnings.push(`Pods run different Camunda versions (${[...versions].map(([v, names]) => `${v} on ${names.join(', ')}`).join('; ')}): an upgrade may be in progress; using ${camundaVersion}.`);
  }

  let procedure = detected;
  let forced = false;
  if (forcedLine !== undefined) {
    const line = lineOf(forcedLine.trim());
    const row = line ? procedureForLine(line) : undefined;
    if (!row) {
      throw new UsageError(`--camunda-version ${forcedLine} is not a Camunda line this tool knows.`, { hint: `Known: ${VERSION_TABLE.map((r) => r.line).join(', ')}.` });
    }
    if (row !== detected) {
      forced = true;
      procedure = row;
      warnings.push(`--camunda-version ${row.line}: using the Camunda ${row.line} procedure for chart ${chartVersion} (Camunda ${camundaVersion}) at your own risk.`);
    }
  }
  if (!procedure) {
    throw new PreconditionError(`Camunda Helm chart ${chartVersion} (Camunda ${camundaVersion}) is not supported. Supported: Camunda ${supportedText()}.`, {
      hint: `--camunda-version <${VERSION_TABLE.map((r) => r.line).join('|')}> forces one of these procedures at your own risk.`,
    });
  }
  const runningLine = lineOf(camundaVersion);
  if (!forced && runningLine && !first.done && runningLine !== procedure.line) {
    warnings.push(`Chart ${chartVersion} is the Camunda ${procedure.line} chart, but the pods run Camunda ${camundaVersion}; using the ${procedure.line} procedure.`);
  }
  return { procedure, chartVersion, camundaVersion, forced, warnings };
}
