/**
 * The chart's values as its templates saw them: when no ConfigMap or env var says, discovery falls back to the
 * rules the chart renders with, and users also put settings in `<component>.env` (helm-layout.md §3).
 */
import type { HelmRelease } from '../kube/helm-release.js';
import type { EnvValue } from './spring-properties.js';

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => !!value && typeof value === 'object' && !Array.isArray(value);

function valueAt(root: unknown, path: readonly string[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (!isRecord(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Effective Helm values, read leaf by leaf: user values (`config`) over chart defaults, as Helm merges them. */
export class HelmValues {
  readonly #release: HelmRelease;
  constructor(release: HelmRelease) {
    this.#release = release;
  }
  get(path: string): unknown {
    const keys = path.split('.');
    const user = valueAt(this.#release.config, keys);
    if (user !== undefined && user !== null) return user;
    const fallback = valueAt(this.#release.chart.values, keys);
    // Chart defaults may be templates, e.g. host "{{ .Release.Name }}-elasticsearch".
    return typeof fallback === 'string' ? fallback.replace(/\{\{-?\s*\.Release\.Name\s*-?\}\}/g, this.#release.name) : fallback;
  }
  bool(path: string): boolean | undefined {
    const value = this.get(path);
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    return undefined;
  }
  string(path: string): string | undefined {
    const value = this.get(path);
    if (typeof value === 'number') return String(value);
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  }
  /** `<component>.env` entries as the user wrote them. */
  env(valuesKey: string, name: string): EnvValue | undefined {
    const list = this.get(`${valuesKey}.env`);
    if (!Array.isArray(list)) return undefined;
    const entry = list.findLast((e): e is Json => isRecord(e) && e['name'] === name);
    if (!entry) return undefined;
    if (entry['valueFrom'] === undefined && (typeof entry['value'] === 'string' || typeof entry['value'] === 'number' || typeof entry['value'] === 'boolean')) {
      return { kind: 'value', value: String(entry['value']), from: `values ${valuesKey}.env ${name}` };
    }
    return { kind: 'unknown', from: `values ${valuesKey}.env ${name}` };
  }
}
