/**
 * Whether a release has the one shape the backup procedure covers: one combined release with one Physical Tenant.
 * Camunda 8.10 adds Physical Tenants, declared only in the orchestration configuration (`camunda.physical-tenants.<id>`,
 * invisible in Kubernetes objects), and split topologies (chart 15.x `global.topology.mode`: hub, orchestration).
 * With several tenants one management-API call covers every tenant, while each tenant keeps its own backup-ID
 * namespace, snapshot repository, zeebe-record prefix and Optimize (camunda-8.10.md §2.5, §4): a run that records
 * one tenant's snapshots would back the others up half and say nothing. Until a multi-tenant backup is designed,
 * the commands that change something refuse; the read-only ones warn.
 */
import { PreconditionError } from '../errors.js';
import type { Container } from '../kube/kube-client.js';
import type { DiscoveryContext } from './discovery-context.js';
import type { Installation, Topology } from './installation.js';
import { type SpringProperties, springPropertiesFrom } from './spring-properties.js';

const COMBINED = 'combined';
const DEFAULT_TENANT = 'default';
const TENANTS_KEY = 'camunda.physical-tenants';
/** Spring's relaxed binding of camunda.physical-tenants.<id>.… from an env var (ids are [a-z0-9]{1,64}). */
const TENANT_ENV = /^CAMUNDA_PHYSICALTENANTS_([A-Z0-9]{1,64})_/;

/** A hub release runs no orchestration cluster at all: every command refuses it here, with the reason. */
export function resolveTopology(ctx: DiscoveryContext, brokerProps: SpringProperties, brokerContainer: Container | undefined): Topology {
  const mode = ctx.values.string('global.topology.mode')?.toLowerCase() ?? COMBINED;
  if (mode === 'hub') {
    throw new PreconditionError(
      `release ${ctx.release} is a Camunda Hub release (global.topology.mode: hub) of a split topology: it runs no orchestration cluster, so it holds nothing this tool backs up, and split topologies are not supported yet`,
      { hint: 'this tool backs up combined releases (global.topology.mode: combined, the default) with one Physical Tenant' },
    );
  }
  const declaredIn: string[] = [];
  const tenants = new Set<string>();
  const add = (ids: readonly string[], where: string): void => {
    if (ids.length === 0) return;
    for (const id of ids) tenants.add(id.toLowerCase());
    declaredIn.push(where);
  };
  const configured = brokerProps.children(TENANTS_KEY);
  add(configured, `${TENANTS_KEY} in ${brokerProps.sources.map((source) => source.split('/')[0]).filter((name, i, all) => all.indexOf(name) === i).join(', ') || 'the orchestration configuration'}`);
  const fromEnv = (brokerContainer?.env ?? []).flatMap((env) => TENANT_ENV.exec(env.name)?.[1] ?? []);
  add([...new Set(fromEnv)], `env CAMUNDA_PHYSICALTENANTS_* of container ${brokerContainer?.name ?? ''}`);
  // The values only matter when the ConfigMap that renders them could not be read.
  if (brokerProps.sources.length === 0) add(tenantsInValues(ctx), 'orchestration.extraConfiguration in the Helm values');
  return { mode, physicalTenants: [...tenants].sort(), declaredIn };
}

function tenantsInValues(ctx: DiscoveryContext): string[] {
  const files = ctx.values.get('orchestration.extraConfiguration');
  if (!Array.isArray(files)) return [];
  const data: Record<string, string> = {};
  files.forEach((entry: unknown, index) => {
    const { file, content } = (entry ?? {}) as { file?: unknown; content?: unknown };
    if (typeof content === 'string') data[typeof file === 'string' && /\.ya?ml$/i.test(file) ? file : `extra-${index}.yaml`] = content;
  });
  return springPropertiesFrom([{ name: 'values', namespace: ctx.namespace, data }]).children(TENANTS_KEY);
}

/** Tenants besides `default`: a cluster that declares only `default` is a single-tenant cluster. */
const otherTenants = (topology: Topology): readonly string[] => topology.physicalTenants.filter((id) => id !== DEFAULT_TENANT);

/**
 * The last line of defence: 8.10's backupRuntime answer names every tenant it backed up. Tenants besides `default`
 * there mean a configuration discovery could not read declared them; the run must not report one tenant as the whole.
 */
export function tenantsBeyondDefault(backupIds: Readonly<Record<string, number>> | undefined): string[] {
  return Object.keys(backupIds ?? {})
    .filter((id) => id !== DEFAULT_TENANT)
    .sort();
}

export type ChangingCommand = 'create' | 'delete' | 'resume' | 'restore';

interface TopologyProblem {
  readonly message: string;
  /** The commands that refuse, and why each does. */
  readonly refusals: Readonly<Partial<Record<ChangingCommand, string>>>;
  readonly hint: string;
}

function topologyProblem(installation: Pick<Installation, 'release' | 'topology'>): TopologyProblem | undefined {
  const topology = installation.topology;
  if (!topology) return undefined;
  if (otherTenants(topology).length > 0) {
    return {
      message:
        `release ${installation.release} declares Physical Tenants ${topology.physicalTenants.join(', ')} (${topology.declaredIn.join('; ')}): ` +
        'each tenant has its own backup IDs, snapshot repository, zeebe-record indices and Optimize, and one management-API call covers every tenant at once, ' +
        'so a backup by this tool would cover one tenant and leave the others half backed up',
      refusals: {
        create: 'create refuses until multi-tenant backups are designed',
        delete: 'delete refuses: backup IDs are per tenant, and the management API would delete that ID in every tenant',
        resume: 'resume refuses: without a tenant, resuming resumes exporting of every tenant, also pauses set on purpose',
        restore:
          "restore refuses: each tenant has its own indices, snapshot repository and Zeebe partitions, and the chart's start script runs the restore application without ZEEBE_RESTORE_ALL_TENANTS or ZEEBE_RESTORE_TENANT_ID",
      },
      hint: 'back up, restore, delete or resume one Physical Tenant as the Camunda 8.10 backup and restore docs describe (?physicalTenant=<id> on the management calls, one snapshot repository per tenant); this tool supports combined, single-tenant releases',
    };
  }
  if (topology.mode !== COMBINED) {
    return {
      message:
        `release ${installation.release} is part of a split topology (global.topology.mode: ${topology.mode}): ` +
        'its Camunda Hub, Identity and Optimize may run in other releases, which a backup of this release would leave out',
      refusals: {
        create: 'create refuses until split-topology backups are designed',
        delete: 'delete refuses: it would delete only the parts of a backup that live in this release',
        restore: 'restore refuses: it would stop and restore only the parts that live in this release while the others keep running on their own data',
        // resume stays allowed: this release is the whole orchestration cluster, and exporting lives there.
      },
      hint: 'this tool backs up combined releases (global.topology.mode: combined, the default); follow the Camunda 8.10 backup docs for each release of a split installation',
    };
  }
  return undefined;
}

/** Why this tool cannot back the release up as one, or undefined when it can. */
export function unsupportedTopology(installation: Pick<Installation, 'release' | 'topology'>): string | undefined {
  const problem = topologyProblem(installation);
  return problem && `${problem.message}; ${refusingCommands(problem)} refuse this release`;
}

const refusingCommands = (problem: TopologyProblem): string => {
  const commands = Object.keys(problem.refusals);
  return commands.length > 1 ? `${commands.slice(0, -1).join(', ')} and ${commands.at(-1)}` : (commands[0] ?? '');
};

/** Throws exit 3 before anything changes when the release is not one combined, single-tenant cluster. */
export function refuseUnsupportedTopology(installation: Pick<Installation, 'release' | 'topology'>, command: ChangingCommand): void {
  const problem = topologyProblem(installation);
  const refusal = problem?.refusals[command];
  if (problem && refusal) throw new PreconditionError(`${problem.message}; ${refusal}; nothing was changed`, { hint: problem.hint });
}

/** For the read-only commands: what they show may mix tenants or miss other releases, and which commands refuse. */
export function topologyWarning(installation: Pick<Installation, 'release' | 'topology'>): string | undefined {
  const problem = topologyProblem(installation);
  if (!problem) return undefined;
  const reads = otherTenants(installation.topology!).length > 0 ? 'status, list and check read what the management API reports for every tenant at once' : 'status, list and check see only this release';
  return `${problem.message}. ${reads}; ${refusingCommands(problem)} refuse this release.`;
}
