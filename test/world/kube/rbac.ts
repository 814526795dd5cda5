/**
 * Authorisation of the fake API server. By default every request is allowed except what `deny` rules name (the
 * tests' original model). A test may instead give the identity a Role: then, as with the real RBAC authorizer, a
 * request is allowed only when a rule of that Role covers its verb, API group, resource[/subresource] and name —
 * and `deny` still applies on top.
 */

/** One rule of a Role, as in rbac.authorization.k8s.io/v1 PolicyRule. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  /** "pods", "pods/log", "statefulsets/scale", "*", "*\/scale" */
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

export interface RequestAttributes {
  readonly verb: string;
  /** "" for the core group, "apps", "coordination.k8s.io" … */
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string | undefined;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
}

function resourceMatches(ruleResource: string, resource: string, subresource: string | undefined): boolean {
  const full = subresource ? `${resource}/${subresource}` : resource;
  if (ruleResource === '*' || ruleResource === full) return true;
  // "*/scale" covers the scale subresource of every resource (rbac/v1 helpers.ResourceMatches).
  return subresource !== undefined && ruleResource === `*/${subresource}`;
}

export function ruleAllows(rule: PolicyRule, attributes: RequestAttributes): boolean {
  if (!rule.verbs.some((verb) => verb === '*' || verb === attributes.verb)) return false;
  if (!rule.apiGroups.some((group) => group === '*' || group === attributes.group)) return false;
  if (!rule.resources.some((resource) => resourceMatches(resource, attributes.resource, attributes.subresource))) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) {
    // A list or create has no name: a rule restricted to names never allows it.
    if (attributes.name === undefined || !rule.resourceNames.includes(attributes.name)) return false;
  }
  return true;
}

/** True when a Role is configured and none of its rules allow the request. */
export function roleDenies(role: readonly PolicyRule[] | undefined, attributes: RequestAttributes): boolean {
  if (role === undefined) return false;
  return !role.some((rule) => ruleAllows(rule, attributes));
}
