/** The RBAC a check asks the API server about, before and after discovery, and the checklist item it makes. */
import type { Installation } from '../../../camunda/installation.js';
import type { AccessCheck, AccessCheckResult } from '../../../kube/kube-client.js';
import type { AccessMode } from '../../../reach/component-http.js';
import type { CheckItem } from '../lifecycle-report.js';

export interface Permission {
  readonly check: AccessCheck;
  /** What the tool does with it. */
  readonly why: string;
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
export function installationAccessNeeds(installation: Installation, access: AccessMode): Permission[] {
  const namespace = installation.namespace;
  const needs: Permission[] = [];
  const exec = (why: string): void => {
    needs.push({ check: { namespace, verb: 'get', resource: 'pods', subresource: 'exec' }, why }, { check: { namespace, verb: 'create', resource: 'pods', subresource: 'exec' }, why });
  };
  if (access === 'port-forward' && installation.search?.target.kind === 'url') exec(`reach ${installation.search.url} with curl from a pod`);
  else if (access === 'port-forward' && installation.webModeler) exec('run pg_dump in the Web Modeler database pod');
  if (installation.search?.credentials?.passwordSecret) {
    needs.push({ check: { namespace, verb: 'get', resource: 'secrets' }, why: `read the ${installation.search.engine} password (Secret ${installation.search.credentials.passwordSecret.name})` });
  }
  return needs;
}

export const describeAccess = (check: AccessCheck): string => `${check.verb} ${check.resource}${check.subresource ? `/${check.subresource}` : ''}`;

export function rbacItem(needs: readonly Permission[], results: readonly AccessCheckResult[], namespace: string): CheckItem {
  const denied = needs.flatMap((need, index) => {
    const result = results[index];
    return result && !result.allowed ? [{ need, result }] : [];
  });
  if (denied.length === 0) {
    return { id: 'rbac', title: 'Permissions (RBAC)', status: 'PASS', message: `granted: ${[...new Set(needs.map((n) => describeAccess(n.check)))].join(', ')}` };
  }
  const lines = [...new Map(denied.map(({ need, result }) => [describeAccess(need.check), `${describeAccess(need.check)} (to ${need.why}${result.reason ? `; ${result.reason}` : ''})`])).values()];
  return {
    id: 'rbac',
    title: 'Permissions (RBAC)',
    status: 'FAIL',
    message: `denied in namespace ${namespace}: ${lines.join('; ')}`,
    fix: 'bind the Role from the README ("RBAC") to your user or service account in this namespace',
  };
}

