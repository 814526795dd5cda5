/** The Roles the README's RBAC sections print, ready to apply, as a user would apply them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../../world/cluster-from-manifests.js';
import type { PolicyRule } from '../../world/kube/rbac.js';

export interface ReadmeRole {
  readonly name: string;
  readonly rules: PolicyRule[];
}

/** Every Role in the README's YAML blocks, in order. */
export function readmeRoles(): ReadmeRole[] {
  const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
  return [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .flatMap((block) => parseAllDocuments(block[1] ?? '').map((doc) => doc.toJS() as { kind?: string; metadata?: { name?: string }; rules?: PolicyRule[] } | null))
    .filter((doc) => doc?.kind === 'Role')
    .map((doc) => ({ name: String(doc?.metadata?.name), rules: doc?.rules ?? [] }));
}

/** The rules of one Role of the README ("camunda-backup": create's; "camunda-backup-restore"). */
export function readmeRole(name: string): PolicyRule[] {
  const role = readmeRoles().find((r) => r.name === name);
  if (!role) throw new Error(`README has no Role ${name}`);
  return role.rules;
}
