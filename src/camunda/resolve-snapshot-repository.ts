/**
 * The snapshot repository of the run. Each web app and Optimize name theirs in their own configuration, and the
 * tool snapshots the zeebe-record indices into one repository, so the components must agree, or
 * --snapshot-repository chooses (camunda-backup-api.md §8).
 */
import { PreconditionError } from '../errors.js';
import { configuredSetting, type Setting } from './configured-setting.js';
import { type ComponentProperties, type DiscoveryContext, type Part, partLabel } from './discovery-context.js';
import type { ResolvedComponent } from './resolve-components.js';
import type { SearchEngine } from './versions.js';

type RepoPart = Exclude<Part, 'zeebe'>;

export interface SnapshotRepository {
  /** What the whole run uses: agreed by every component, or --snapshot-repository. */
  readonly name: string | undefined;
  /** What each component is configured with. */
  readonly byPart: ReadonlyMap<Part, string | undefined>;
}

export function resolveSnapshotRepository(
  components: ReadonlyMap<Part, ResolvedComponent>,
  props: ComponentProperties,
  engine: SearchEngine | undefined,
  ctx: DiscoveryContext,
): SnapshotRepository {
  const settings = new Map<RepoPart, Setting>();
  for (const [part, component] of components) {
    if (part === 'zeebe') continue;
    const setting = repositorySetting(part, component, props, engine, ctx);
    settings.set(part, setting);
    if (setting.unknownFrom) ctx.warnings.push(`${partLabel(part, ctx.procedure)}: the snapshot repository comes from ${setting.unknownFrom}, which discovery does not read.`);
  }
  return { name: agreeOnRepository(settings, ctx), byPart: new Map([...settings].map(([part, setting]) => [part, setting.value])) };
}

function repositorySetting(part: RepoPart, component: ResolvedComponent, props: ComponentProperties, engine: SearchEngine | undefined, ctx: DiscoveryContext): Setting {
  const label = partLabel(part, ctx.procedure);
  const source = { container: component.container, valuesKey: component.valuesKey, props: part === 'webapps' ? props.broker : props[part] };
  if (part !== 'optimize') return configuredSetting(label, ctx.procedure.webappRepositoryEnv[part] ?? [], source, ctx);
  const yamlKeys = engine === 'opensearch' ? ['opensearch.backup.repositoryName', 'backup.repositoryName'] : ['backup.repositoryName'];
  return configuredSetting(label, ctx.procedure.optimizeRepositoryEnv, source, ctx, yamlKeys);
}

function agreeOnRepository(settings: ReadonlyMap<RepoPart, Setting>, ctx: DiscoveryContext): string | undefined {
  const label = (part: RepoPart): string => partLabel(part, ctx.procedure);
  const override = ctx.choices.snapshotRepository?.trim();
  if (override) {
    for (const [part, { value }] of settings) {
      if (value && value !== override) {
        ctx.warnings.push(`${label(part)} is configured with snapshot repository ${value}, not ${override} (--snapshot-repository); the component uses its own configuration.`);
      }
    }
    return override;
  }
  const distinct = [...new Set([...settings.values()].map((s) => s.value).filter((value) => value !== undefined))];
  if (distinct.length > 1) {
    const list = [...settings].map(([part, s]) => `${label(part)}: ${s.value ?? (s.unknownFrom ? 'unknown' : 'not configured')}`).join(', ');
    throw new PreconditionError(`The components are configured with different snapshot repositories (${list}).`, {
      hint: 'Configure the same repository in every component, or pass --snapshot-repository <name> to choose the one the tool uses.',
    });
  }
  const [agreed] = distinct;
  if (agreed === undefined) {
    if (settings.size > 0) {
      ctx.warnings.push(
        `No snapshot repository is configured in ${[...settings.keys()].map(label).join(', ')} (looked at the container env, the Helm values and the ConfigMaps); those backups will be refused until one is, or pass --snapshot-repository.`,
      );
    }
    return undefined;
  }
  for (const [part, s] of settings) {
    if (!s.value && !s.unknownFrom) ctx.warnings.push(`${label(part)} has no snapshot repository configured (the others use ${agreed}); its backup will be refused.`);
  }
  return agreed;
}
