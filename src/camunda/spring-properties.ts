/**
 * Reading Spring Boot configuration the way the Camunda applications see it: YAML files from a ConfigMap (dotted
 * keys allowed at any level) and environment variables, matched with Spring's relaxed binding, so one table entry
 * (an env var name) also finds `camunda.data.secondary-storage.elasticsearch.backup.repository-name` in YAML.
 */
import { parse as parseYaml } from 'yaml';
import type { ConfigMap, Container, EnvVar } from '../kube/kube-client.js';

/** Relaxed-binding form of a property key: lower case, no dashes or underscores, dots kept. */
function canonicalPropertyKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** The property an environment variable binds to: CAMUNDA_DATA_BACKUP_STORE → camunda.data.backup.store. */
export function propertyKeyForEnv(envName: string): string {
  return envName.toLowerCase().replace(/_/g, '.');
}

export interface SpringProperties {
  /** Names of the files that were read, e.g. "camunda-zeebe-configuration/application.yaml". */
  readonly sources: readonly string[];
  /** Files that are not valid YAML. */
  readonly unreadable: readonly string[];
  /** Value of a property (any spelling Spring accepts), or undefined. Later files win, like spring.config.import. */
  get(key: string): string | undefined;
  /** Whether the property or anything below it is set. */
  has(prefix: string): boolean;
  /** Direct children of a property, e.g. children("zeebe.broker.exporters") → ["elasticsearch", "camundaexporter"]. */
  children(prefix: string): string[];
}

function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    // Lists are not needed by discovery (no list-valued key is read); record that the key exists.
    out.set(canonicalPropertyKey(prefix), '');
    return;
  }
  if (typeof value === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) flatten(child, prefix ? `${prefix}.${key}` : key, out);
    return;
  }
  out.set(canonicalPropertyKey(prefix), String(value));
}

/** Every YAML file of the given ConfigMaps, application.yaml first (the others are imported over it). */
export function springPropertiesFrom(configMaps: readonly (ConfigMap | undefined)[]): SpringProperties {
  const values = new Map<string, string>();
  const sources: string[] = [];
  const unreadable: string[] = [];
  for (const configMap of configMaps) {
    if (!configMap) continue;
    const files = Object.keys(configMap.data)
      .filter((file) => /\.ya?ml$/i.test(file))
      .sort((a, b) => Number(b.startsWith('application.')) - Number(a.startsWith('application.')) || a.localeCompare(b));
    for (const file of files) {
      let parsed: unknown;
      try {
        parsed = parseYaml(configMap.data[file] ?? '') as unknown;
      } catch {
        unreadable.push(`${configMap.name}/${file}`);
        continue;
      }
      flatten(parsed, '', values);
      sources.push(`${configMap.name}/${file}`);
    }
  }
  const keys = [...values.keys()];
  return {
    sources,
    unreadable,
    get: (key) => values.get(canonicalPropertyKey(key)),
    has: (prefix) => {
      const canonical = canonicalPropertyKey(prefix);
      return keys.some((k) => k === canonical || k.startsWith(`${canonical}.`));
    },
    children: (prefix) => {
      const canonical = `${canonicalPropertyKey(prefix)}.`;
      return [...new Set(keys.filter((k) => k.startsWith(canonical)).map((k) => k.slice(canonical.length).split('.')[0] ?? ''))].filter(Boolean);
    },
  };
}

/** A value as the pod sees it: literal, from a ConfigMap key we could read, or unknown (Secret, unreadable). */
export type EnvValue = { readonly kind: 'value'; readonly value: string; readonly from: string } | { readonly kind: 'unknown'; readonly from: string };

/**
 * Looks an env var up on a container: `env` first (it overrides `envFrom` in Kubernetes), then `envFrom` ConfigMaps.
 * Secret references stay unknown: discovery never reads Secrets to learn configuration.
 */
export function containerEnv(container: Container | undefined, name: string, configMaps: ReadonlyMap<string, ConfigMap>): EnvValue | undefined {
  if (!container) return undefined;
  const env: EnvVar | undefined = container.env.findLast((e) => e.name === name);
  if (env) {
    if (env.value !== undefined && !env.valueFrom) return { kind: 'value', value: env.value, from: `env ${name}` };
    const cmRef = env.valueFrom?.configMapKeyRef;
    if (cmRef) {
      const value = configMaps.get(cmRef.name)?.data[cmRef.key];
      return value !== undefined
        ? { kind: 'value', value, from: `env ${name} (ConfigMap ${cmRef.name}, key ${cmRef.key})` }
        : { kind: 'unknown', from: `env ${name} (ConfigMap ${cmRef.name}, key ${cmRef.key})` };
    }
    const secretRef = env.valueFrom?.secretKeyRef;
    return { kind: 'unknown', from: secretRef ? `env ${name} (Secret ${secretRef.name}, key ${secretRef.key})` : `env ${name}` };
  }
  for (const from of [...container.envFrom].reverse()) {
    if (!from.configMapRef) continue;
    const value = configMaps.get(from.configMapRef)?.data[name];
    if (value !== undefined) return { kind: 'value', value, from: `env ${name} (envFrom ConfigMap ${from.configMapRef})` };
  }
  return undefined;
}

/** The value the container sees when discovery can read it: literal, or from a ConfigMap; "" counts as a value. */
export function literalEnv(container: Container | undefined, name: string, configMaps: ReadonlyMap<string, ConfigMap>): string | undefined {
  const found = containerEnv(container, name, configMaps);
  return found?.kind === 'value' ? found.value : undefined;
}

/** Resolves Spring `${NAME}` / `${NAME:default}` placeholders from literal container env; undefined when it cannot. */
export function resolvePlaceholders(value: string, lookup: (name: string) => string | undefined): string | undefined {
  let unresolved = false;
  const resolved = value.replace(/\$\{([^}:]+)(?::([^}]*))?\}/g, (_match, name: string, fallback: string | undefined) => {
    const found = lookup(name) ?? fallback;
    if (found === undefined) unresolved = true;
    return found ?? '';
  });
  return unresolved ? undefined : resolved;
}
