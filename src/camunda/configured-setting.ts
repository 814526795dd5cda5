/**
 * One setting as the component sees it, looked up the way Spring resolves it: the container's env (env over
 * envFrom), then the env the user wrote in the Helm values, then the ConfigMap's YAML. A value behind a Secret
 * stays unknown: discovery never reads Secrets to learn configuration.
 */
import type { ConfigSource, DiscoveryContext } from './discovery-context.js';
import { containerEnv, type EnvValue, literalEnv, propertyKeyForEnv, resolvePlaceholders } from './spring-properties.js';

export interface Setting {
  readonly value?: string | undefined;
  /** Set when the setting exists but its value cannot be read (a Secret reference). */
  readonly unknownFrom?: string | undefined;
}

type KnownValue = Extract<EnvValue, { kind: 'value' }>;

/**
 * The first place that sets one of `envNames` (most specific first) wins; a different value elsewhere at the same
 * level is a warning. `extraKeys`: spellings that exist only in YAML, e.g. Optimize's `backup.repositoryName`.
 */
export function configuredSetting(label: string, envNames: readonly string[], source: ConfigSource, ctx: DiscoveryContext, extraKeys: readonly string[] = []): Setting {
  const [first, ...others] = candidates(envNames, source, ctx, extraKeys);
  if (!first) return {};
  if (first.kind === 'unknown') return { unknownFrom: first.from };
  const differing = others.filter((o): o is KnownValue => o.kind === 'value' && o.value !== first.value);
  if (differing.length > 0) {
    ctx.warnings.push(`${label}: ${first.from} = ${first.value} differs from ${differing.map((d) => `${d.from} = ${d.value}`).join(', ')}; the first one is used.`);
  }
  return { value: first.value.trim() || undefined };
}

function candidates(envNames: readonly string[], { container, valuesKey, props }: ConfigSource, ctx: DiscoveryContext, extraKeys: readonly string[]): EnvValue[] {
  const inContainer = envNames.map((name) => containerEnv(container, name, ctx.configMaps)).filter((found) => found !== undefined);
  if (inContainer.length > 0) return inContainer;
  const inValues = envNames.map((name) => ctx.values.env(valuesKey, name)).filter((found) => found !== undefined);
  if (inValues.length > 0) return inValues;
  return [...envNames.map(propertyKeyForEnv), ...extraKeys].flatMap((key): EnvValue[] => {
    const raw = props.get(key);
    if (raw === undefined || raw === '') return [];
    const from = `${props.sources[0] ?? 'configuration'} ${key}`;
    const value = resolvePlaceholders(raw, (name) => literalEnv(container, name, ctx.configMaps));
    return [value === undefined ? { kind: 'unknown', from } : { kind: 'value', value, from }];
  });
}
