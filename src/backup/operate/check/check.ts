/**
 * `check`: the pre-upgrade preflight a runbook runs before `create`. Read-only from the first call to the last:
 * SelfSubjectAccessReviews, discovery, health and list GETs, the brokers' partition state. Every finding is a
 * checklist item (PASS, WARN, FAIL or SKIP when an earlier failure made it impossible) with the fix. The items
 * after discovery come from a list of small rules (rules.ts).
 */
import type { DiscoveryOptions } from '../../../camunda/discover.js';
import type { Installation } from '../../../camunda/installation.js';
import { unsupportedTopology } from '../../../camunda/resolve-topology.js';
import { CliError, messageOf, UsageError } from '../../../errors.js';
import type { Reporter } from '../../../events.js';
import { kubectlCommand, type ClusterFlags } from '../../../kube/cluster-flags.js';
import type { AccessCheckResult, KubeClient } from '../../../kube/kube-client.js';
import type { AccessMode, Connector } from '../../../reach/component-http.js';
import { openPool } from '../../connections.js';
import type { RunBookRead } from '../../run-record.js';
import type { CheckItem, CheckReport, CheckStatus } from '../lifecycle-report.js';
import { collectInventory } from '../list.js';
import { baseAccessNeeds, createWriteNeeds, describeAccess, installationAccessNeeds, rbacItem, type Permission } from './access.js';
import { runRules } from './rules.js';

export const DEFAULT_MAX_BACKUP_AGE_MS = 7 * 24 * 3_600_000;

export interface CheckOptions {
  readonly access: AccessMode;
  /** How a printed command reaches this cluster. */
  readonly cluster: ClusterFlags;
  readonly discovery: DiscoveryOptions;
  /** The newest complete backup older than this is a warning. */
  readonly maxBackupAgeMs: number;
  readonly nowMs: number;
}

export interface CheckDeps {
  readonly kube: KubeClient;
  readonly discover: (kube: KubeClient, options: DiscoveryOptions) => Promise<Installation>;
  readonly connect: Connector;
  readonly emit: Reporter;
  readonly signal?: AbortSignal | undefined;
  readonly requestTimeoutMs?: number | undefined;
  /** Reads the record of create runs: the newest complete backup is never one whose create did not complete. */
  readonly runs?: ((installation: Installation) => Promise<RunBookRead>) | undefined;
}

export async function runCheck(options: CheckOptions, deps: CheckDeps): Promise<CheckReport> {
  const items: CheckItem[] = [];
  // The checklist itself goes to stdout at the end; progress says only what is being looked at.
  const add = (item: CheckItem): void => {
    items.push(item);
  };
  const namespace = options.discovery.namespace;
  const skipRest = (why: string): void => {
    for (const [id, title] of LATER_CHECKS) add({ id, title, status: 'SKIP', message: why });
  };

  // --- Kubernetes access --------------------------------------------------------------------------------------
  const baseNeeds = baseAccessNeeds(namespace, options.access);
  let baseResults: AccessCheckResult[];
  try {
    baseResults = await deps.kube.checkAccess(baseNeeds.map((need) => need.check));
  } catch (error) {
    add({
      id: 'kube-api',
      title: 'Kubernetes API reachable, credentials accepted',
      status: 'FAIL',
      message: messageOf(error),
      fix: error instanceof CliError && error.hint ? error.hint : `check the kube context (${kubectlCommand('cluster-info', { cluster: options.cluster, namespace })}) and your credentials`,
    });
    add({ id: 'rbac', title: 'Permissions (RBAC)', status: 'SKIP', message: 'the API server could not be asked' });
    add({ id: 'release', title: 'Camunda release found, version supported', status: 'SKIP', message: 'the Kubernetes API could not be used' });
    skipRest('the Kubernetes API could not be used');
    return finish(options, items, undefined, []);
  }
  add({ id: 'kube-api', title: 'Kubernetes API reachable, credentials accepted', status: 'PASS', message: `context ${deps.kube.contextName}, namespace ${namespace}` });

  // --- release and version --------------------------------------------------------------------------------------
  let installation: Installation | undefined;
  let discoveryError: unknown;
  try {
    installation = await deps.discover(deps.kube, options.discovery);
  } catch (error) {
    // Ambiguous input (several releases, a bad flag) is still bad input: exit 2 like every other command.
    if (error instanceof UsageError) throw error;
    discoveryError = error;
  }

  let extraResults: AccessCheckResult[] = [];
  let extraNeeds: Permission[] = [];
  if (installation) {
    extraNeeds = [...installationAccessNeeds(installation, options.access), ...createWriteNeeds(installation)].filter(
      (need) => !baseNeeds.some((base) => describeAccess(base.check) === describeAccess(need.check)),
    );
    try {
      extraResults = extraNeeds.length > 0 ? await deps.kube.checkAccess(extraNeeds.map((need) => need.check)) : [];
    } catch (error) {
      extraResults = extraNeeds.map((need) => ({ ...need.check, allowed: false, reason: messageOf(error) }));
    }
  }
  add(rbacItem([...baseNeeds, ...extraNeeds], [...baseResults, ...extraResults], namespace, options.cluster));

  if (!installation) {
    add({
      id: 'release',
      title: 'Camunda release found, version supported',
      status: 'FAIL',
      message: messageOf(discoveryError),
      fix: discoveryError instanceof CliError && discoveryError.hint ? discoveryError.hint : 'check -n/--namespace and --release',
    });
    skipRest('no usable Camunda release');
    return finish(options, items, undefined, []);
  }
  add(releaseItem(installation));
  const topologyProblem = unsupportedTopology(installation);
  if (topologyProblem) {
    add({
      id: 'topology',
      title: 'One combined release, one Physical Tenant',
      status: 'FAIL',
      message: topologyProblem,
      fix: 'follow the Camunda 8.10 backup docs for each Physical Tenant or each release of a split installation; this tool supports combined, single-tenant releases',
    });
  }
  deps.emit({ kind: 'info', message: `checking the components of release ${installation.release}…` });

  const pool = openPool({ connect: deps.connect, emit: deps.emit, signal: deps.signal, requestTimeoutMs: deps.requestTimeoutMs });
  let runsWarning: string | undefined;
  try {
    const runs: RunBookRead = await (deps.runs?.(installation) ?? {});
    runsWarning = runs.warning;
    const inventory = collectInventory(installation, pool, runs, options.nowMs);
    inventory.catch(() => undefined);
    const found = await runRules({ installation, kube: deps.kube, pool, access: options.access, cluster: options.cluster, inventory, maxBackupAgeMs: options.maxBackupAgeMs, nowMs: options.nowMs });
    for (const item of found) add(item);
  } finally {
    await pool.close();
  }
  return finish(options, items, installation, [...installation.warnings, ...(runsWarning ? [runsWarning] : [])]);
}


/** Checks that run only with a release, in output order; skipped together when there is none. */
const LATER_CHECKS: readonly (readonly [string, string])[] = [
  ['health', 'Components reachable and healthy'],
  ['repository-config', 'Snapshot repository configured and identical'],
  ['backup-api', 'Backup APIs answer'],
  ['exporting', 'Zeebe exporting not left paused'],
  ['newest-backup', 'Newest complete backup'],
];

function finish(options: CheckOptions, items: readonly CheckItem[], installation: Installation | undefined, warnings: readonly string[]): CheckReport {
  const count = (status: CheckStatus): number => items.filter((item) => item.status === status).length;
  const summary = { pass: count('PASS'), warn: count('WARN'), fail: count('FAIL'), skip: count('SKIP') };
  return {
    schemaVersion: 1,
    command: 'check',
    namespace: options.discovery.namespace,
    release: installation?.release,
    camundaVersion: installation?.camundaVersion,
    chartVersion: installation?.chartVersion,
    access: options.access,
    result: summary.fail > 0 ? 'FAIL' : summary.warn > 0 ? 'WARN' : 'PASS',
    summary,
    checks: items,
    warnings,
  };
}


function releaseItem(installation: Installation): CheckItem {
  const found = `release ${installation.release}, chart ${installation.chartVersion}, Camunda ${installation.camundaVersion} (procedure ${installation.procedure.line}, ${installation.secondaryStorage} secondary storage)`;
  if (installation.forcedVersion) {
    return {
      id: 'release',
      title: 'Camunda release found, version supported',
      status: 'WARN',
      message: `${found}; the procedure is forced with --camunda-version`,
      fix: 'make sure the forced version matches what runs; without --camunda-version the detected version decides',
    };
  }
  return { id: 'release', title: 'Camunda release found, version supported', status: 'PASS', message: found };
}

