/** The RBAC a check asks the API server about, before and after discovery, and the checklist item it makes. */
import type { Installation } from '../../../camunda/installation.js';
import { kubectlCommand, type ClusterFlags } from '../../../kube/cluster-flags.js';
import type { AccessCheck, AccessCheckResult } from '../../../kube/kube-client.js';
import { leaseNameFor } from '../../../kube/release-lease.js';
import { runRecordName } from '../../run-record.js';
import type { AccessMode } from '../../../reach/component-http.js';
import type { CheckItem } from '../lifecycle-report.js';

export interface Permission {
  readonly check: AccessCheck;
  /** What the tool does with it. */
  readonly why: string;
  /** Set when a run goes on without it, and says what it then cannot do: denied, it is a warning, not a failure. */
  readonly without?: string | undefined;
}

/** The RBAC a run needs before discovery tells more (README "RBAC"). */
export function baseAccessNeeds(namespace: string, access: AccessMode): Permission[] {
  const at = (verb: string, resource: string, why: string, subresource?: string): Permission => ({ check: { namespace, verb, resource, subresource }, why });
  const tunnel = access === 'exec' ? 'exec' : 'portforward';
  return [
    at('list', 'secrets', 'find the Helm release'),
    at('get', 'pods', 'read the component pods'),
    at('list', 'pods', 'find the component pods'),
    at('get', 'services', 'read the component services'),
    at('list', 'services', 'find the component services'),
    at('get', 'configmaps', 'read the component configuration'),
    at('get', 'pods', `open ${access} sessions`, tunnel),
    at('create', 'pods', `open ${access} sessions`, tunnel),
  ];
}

/** Extra RBAC that only discovery reveals: exec for URLs outside the cluster and Web Modeler, a search password Secret. */
export function installationAccessNeeds(installation: Installation, access: AccessMode, webModelerUse = 'run pg_dump in the Web Modeler database pod'): Permission[] {
  const namespace = installation.namespace;
  const needs: Permission[] = [];
  const exec = (why: string): void => {
    needs.push({ check: { namespace, verb: 'get', resource: 'pods', subresource: 'exec' }, why }, { check: { namespace, verb: 'create', resource: 'pods', subresource: 'exec' }, why });
  };
  if (access === 'port-forward' && installation.search?.target.kind === 'url') exec(`reach ${installation.search.url} with curl from a pod`);
  else if (access === 'port-forward' && installation.webModeler) exec(webModelerUse);
  if (installation.search?.credentials?.passwordSecret) {
    needs.push({ check: { namespace, verb: 'get', resource: 'secrets' }, why: `read the ${installation.search.engine} password (Secret ${installation.search.credentials.passwordSecret.name})` });
  }
  return needs;
}

/**
 * What create writes in Kubernetes besides reading: the release's Lease (the lock of changing runs) and the record
 * of its runs (a ConfigMap), by the names it uses, so that a Role narrowed by resourceNames answers as it will for
 * the run. create goes on without them, weaker, so they are a warning when denied.
 */
export function createWriteNeeds(installation: Pick<Installation, 'namespace' | 'release'>): Permission[] {
  const { namespace, release } = installation;
  const lease = leaseNameFor(release);
  const record = runRecordName(release);
  const withoutLease = 'create, delete and resume then run without the lock: two of them can overlap';
  const withoutRecord = 'create then keeps no record of its runs: an interrupted backup may later look complete';
  const leaseCheck = (verb: string, name?: string): Permission => ({
    check: { namespace, verb, group: 'coordination.k8s.io', resource: 'leases', ...(name !== undefined ? { name } : {}) },
    why: `hold the lock of a changing run (Lease ${lease})`,
    without: withoutLease,
  });
  const recordCheck = (verb: string, name?: string): Permission => ({
    check: { namespace, verb, resource: 'configmaps', ...(name !== undefined ? { name } : {}) },
    why: `record create's runs (ConfigMap ${record})`,
    without: withoutRecord,
  });
  return [
    leaseCheck('create'),
    leaseCheck('get', lease),
    leaseCheck('update', lease),
    leaseCheck('delete', lease),
    recordCheck('create'),
    recordCheck('update', record),
  ];
}

/** "get pods/exec", "update configmaps camunda-backup-camunda-runs", "create leases (coordination.k8s.io)". */
export const describeAccess = (check: AccessCheck): string =>
  `${check.verb} ${check.resource}${check.subresource ? `/${check.subresource}` : ''}${check.name ? ` ${check.name}` : ''}${check.group ? ` (${check.group})` : ''}`;

/** `kubectl auth can-i` for one permission, reaching the cluster the run reached. */
export function canICommand(check: AccessCheck, cluster: ClusterFlags): string {
  const resource = `${check.resource}${check.group ? `.${check.group}` : ''}${check.name ? `/${check.name}` : ''}`;
  return kubectlCommand(`auth can-i ${check.verb} ${resource}${check.subresource ? ` --subresource=${check.subresource}` : ''}`, { cluster, namespace: check.namespace });
}

export function rbacItem(needs: readonly Permission[], results: readonly AccessCheckResult[], namespace: string, cluster: ClusterFlags): CheckItem {
  const denied = needs.flatMap((need, index) => {
    const result = results[index];
    return result && !result.allowed ? [{ need, result }] : [];
  });
  if (denied.length === 0) {
    return { id: 'rbac', title: 'Permissions (RBAC)', status: 'PASS', message: `granted: ${[...new Set(needs.map((n) => describeAccess(n.check)))].join(', ')}` };
  }
  const lines = [...new Map(denied.map(({ need, result }) => [describeAccess(need.check), `${describeAccess(need.check)} (to ${need.why}${result.reason ? `; ${result.reason}` : ''})`])).values()];
  const consequences = [...new Set(denied.flatMap(({ need }) => (need.without ? [need.without] : [])))];
  const required = denied.some(({ need }) => need.without === undefined);
  const verify = [...new Map(denied.map(({ need }) => [describeAccess(need.check), canICommand(need.check, cluster)])).values()];
  return {
    id: 'rbac',
    title: 'Permissions (RBAC)',
    status: required ? 'FAIL' : 'WARN',
    message: `denied in namespace ${namespace}: ${lines.join('; ')}${consequences.length > 0 ? `. Without ${required ? 'some of ' : ''}them: ${consequences.join('; ')}` : ''}`,
    fix: `bind the Role from the README ("RBAC") to your user or service account in this namespace, then check with: ${verify.join(' ; ')}`,
  };
}
