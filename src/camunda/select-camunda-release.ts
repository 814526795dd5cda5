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
  const decodeChosen = (ref: HelmReleaseRef & { deployed: NonNullable<HelmReleaseRef['deployed']> }): HelmRelease => {
    try {
      return decode(ref.deployed.secret);
    } catch (error) {
      if (error instanceof HelmReleaseDecodeError) throw new PreconditionError(error.message, { cause: error });
      throw error;
    }
  };
  if (requested !== undefined) {
    const ref = refs.find((r) => r.name === requested);
    if (!ref) {
      throw new UsageError(`Helm release "${requested}" not found in namespace ${namespace}.`, {
        hint: refs.length > 0 ? `Helm releases in ${namespace}: ${refs.map((r) => describeRef(r)).join(', ')}.` : `No Helm release Secrets (label owner=helm) in ${namespace}; check -n/--namespace.`,
      });
    }
    if (!ref.deployed) {
      throw new PreconditionError(`Helm release ${requested} in namespace ${namespace} has no deployed revision (newest is revision ${ref.latest.revision}, ${ref.latest.status}).`, {
        hint: 'Finish or roll back the Helm operation (helm history / helm rollback) and run again.',
      });
    }
    const release = decodeChosen({ ...ref, deployed: ref.deployed });
    if (release.chart.metadata.name !== CAMUNDA_CHART_NAME) {
      throw new UsageError(`Helm release ${requested} in namespace ${namespace} is chart ${release.chart.metadata.name}, not ${CAMUNDA_CHART_NAME}.`);
    }
    return { release, warnings: pendingWarning(ref) };
  }

  const deployed = refs.filter((r): r is HelmReleaseRef & { deployed: NonNullable<HelmReleaseRef['deployed']> } => r.deployed !== undefined);
  const noneFound = (found: string[]): PreconditionError =>
    new PreconditionError(`No Camunda Helm release found in namespace ${namespace}: looked for ${lookedFor}.${found.length > 0 ? ` Found: ${found.join(', ')}.` : ''}`, {
      hint: 'Choose the namespace Camunda is installed in with -n/--namespace. Releases stored with HELM_DRIVER=configmap or sql are not read.',
    });
  if (deployed.length === 0) throw noneFound(refs.map((r) => describeRef(r)));
  if (deployed.length === 1) {
    const only = deployed[0]!;
    const release = decodeChosen(only);
    if (release.chart.metadata.name !== CAMUNDA_CHART_NAME) throw noneFound(refs.map((r) => describeRef(r, r === only ? release.chart.metadata.name : undefined)));
    return { release, warnings: pendingWarning(only) };
  }
  const warnings: string[] = [];
  const camunda: { ref: HelmReleaseRef; release: HelmRelease }[] = [];
  const charts = new Map<HelmReleaseRef, string>();
  for (const ref of deployed) {
    try {
      const release = decode(ref.deployed.secret);
      charts.set(ref, release.chart.metadata.name);
      if (release.chart.metadata.name === CAMUNDA_CHART_NAME) camunda.push({ ref, release });
    } catch (error) {
      if (!(error instanceof HelmReleaseDecodeError)) throw error;
      warnings.push(`${error.message}; release ${ref.name} ignored.`);
    }
  }
  if (camunda.length === 0) throw noneFound(refs.map((r) => describeRef(r, charts.get(r))));
  if (camunda.length > 1) {
    throw new UsageError(`Several Camunda Helm releases in namespace ${namespace}: ${camunda.map((c) => c.ref.name).join(', ')}.`, {
      hint: `Pass --release <name> to choose one, e.g. --release ${camunda[0]!.ref.name}.`,
    });
  }
  const chosen = camunda[0]!;
  return { release: chosen.release, warnings: [...warnings, ...pendingWarning(chosen.ref)] };
}
