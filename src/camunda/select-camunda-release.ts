/**
 * Which Helm release in the namespace is Camunda's (helm-layout.md §0, §6). A release record holds the whole chart,
 * so only the records that decide the choice are decoded.
 */
import { PreconditionError, UsageError } from '../errors.js';
import { type HelmRelease, type HelmReleaseRef, HELM_RELEASE_SECRET_TYPE, HelmReleaseDecodeError } from '../kube/helm-release.js';
import type { Secret } from '../kube/kube-client.js';

const CAMUNDA_CHART_NAME = 'camunda-platform';

const lookedFor = `Helm release Secrets (type ${HELM_RELEASE_SECRET_TYPE}, label owner=helm) with a deployed revision of chart ${CAMUNDA_CHART_NAME}`;

function describeRef(ref: HelmReleaseRef, chart?: string): string {
  if (!ref.deployed) return `${ref.name} (no deployed revision; newest is revision ${ref.latest.revision}, ${ref.latest.status})`;
  return chart ? `${ref.name} (chart ${chart})` : ref.name;
}

function pendingWarning(ref: HelmReleaseRef): string[] {
  if (!ref.deployed || ref.latest.revision <= ref.deployed.revision) return [];
  return [
    `Helm release ${ref.name} has revision ${ref.latest.revision} in status ${ref.latest.status} above the deployed revision ${ref.deployed.revision}; discovery uses revision ${ref.deployed.revision}, the pods may already run something else.`,
  ];
}

type DeployedRef = HelmReleaseRef & { readonly deployed: NonNullable<HelmReleaseRef['deployed']> };
const isDeployed = (ref: HelmReleaseRef): ref is DeployedRef => ref.deployed !== undefined;
const chartOf = (release: HelmRelease): string => release.chart.metadata.name;

/** The record of the release we must use cannot be skipped: a corrupt one stops discovery. */
function decodeChosen(ref: DeployedRef, decode: (secret: Secret) => HelmRelease): HelmRelease {
  try {
    return decode(ref.deployed.secret);
  } catch (error) {
    if (error instanceof HelmReleaseDecodeError) throw new PreconditionError(error.message, { cause: error });
    throw error;
  }
}

/**
 * Picks the Camunda release among the Helm releases of one namespace. `decode` is called for the chosen release
 * only, except when several releases share the namespace and none was named: then each candidate's deployed
 * revision is decoded to learn its chart.
 */
export function selectCamundaRelease(
  refs: readonly HelmReleaseRef[],
  namespace: string,
  requested: string | undefined,
  decode: (secret: Secret) => HelmRelease,
): { release: HelmRelease; warnings: string[] } {
  return requested === undefined ? findCamundaRelease(refs, namespace, decode) : requestedRelease(refs, namespace, requested, decode);
}

function requestedRelease(refs: readonly HelmReleaseRef[], namespace: string, requested: string, decode: (secret: Secret) => HelmRelease): { release: HelmRelease; warnings: string[] } {
  const ref = refs.find((r) => r.name === requested);
  if (!ref) {
    throw new UsageError(`Helm release "${requested}" not found in namespace ${namespace}.`, {
      hint: refs.length > 0 ? `Helm releases in ${namespace}: ${refs.map((r) => describeRef(r)).join(', ')}.` : `No Helm release Secrets (label owner=helm) in ${namespace}; check -n/--namespace.`,
    });
  }
  if (!isDeployed(ref)) {
    throw new PreconditionError(`Helm release ${requested} in namespace ${namespace} has no deployed revision (newest is revision ${ref.latest.revision}, ${ref.latest.status}).`, {
      hint: 'Finish or roll back the Helm operation (helm history / helm rollback) and run again.',
    });
  }
  const release = decodeChosen(ref, decode);
  if (chartOf(release) !== CAMUNDA_CHART_NAME) {
    throw new UsageError(`Helm release ${requested} in namespace ${namespace} is chart ${chartOf(release)}, not ${CAMUNDA_CHART_NAME}.`);
  }
  return { release, warnings: pendingWarning(ref) };
}

function findCamundaRelease(refs: readonly HelmReleaseRef[], namespace: string, decode: (secret: Secret) => HelmRelease): { release: HelmRelease; warnings: string[] } {
  const deployed = refs.filter(isDeployed);
  const charts = new Map<HelmReleaseRef, string>();
  const noneFound = (): PreconditionError => {
    const found = refs.map((r) => describeRef(r, charts.get(r)));
    return new PreconditionError(`No Camunda Helm release found in namespace ${namespace}: looked for ${lookedFor}.${found.length > 0 ? ` Found: ${found.join(', ')}.` : ''}`, {
      hint: 'Choose the namespace Camunda is installed in with -n/--namespace. Releases stored with HELM_DRIVER=configmap or sql are not read.',
    });
  };
  if (deployed.length === 1) {
    const only = deployed[0]!;
    const release = decodeChosen(only, decode);
    charts.set(only, chartOf(release));
    if (chartOf(release) !== CAMUNDA_CHART_NAME) throw noneFound();
    return { release, warnings: pendingWarning(only) };
  }
  // Among several releases, one corrupt record must not hide the Camunda one: it is skipped with a warning.
  const warnings: string[] = [];
  const camunda: { ref: HelmReleaseRef; release: HelmRelease }[] = [];
  for (const ref of deployed) {
    try {
      const release = decode(ref.deployed.secret);
      charts.set(ref, chartOf(release));
      if (chartOf(release) === CAMUNDA_CHART_NAME) camunda.push({ ref, release });
    } catch (error) {
      if (!(error instanceof HelmReleaseDecodeError)) throw error;
      warnings.push(`${error.message}; release ${ref.name} ignored.`);
    }
  }
  const [chosen, ...others] = camunda;
  if (!chosen) throw noneFound();
  if (others.length > 0) {
    throw new UsageError(`Several Camunda Helm releases in namespace ${namespace}: ${camunda.map((c) => c.ref.name).join(', ')}.`, {
      hint: `Pass --release <name> to choose one, e.g. --release ${chosen.ref.name}.`,
    });
  }
  return { release: chosen.release, warnings: [...warnings, ...pendingWarning(chosen.ref)] };
}
