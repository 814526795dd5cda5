import { describe, expect, it } from 'vitest';
import { PreconditionError } from '../errors.js';
import type { HelmRelease } from '../kube/helm-release.js';
import type { ConfigMap, Container } from '../kube/kube-client.js';
import type { DiscoveryContext } from './discovery-context.js';
import { HelmValues } from './helm-values.js';
import { refuseUnsupportedTopology, resolveTopology, tenantsBeyondDefault, topologyWarning, unsupportedTopology } from './resolve-topology.js';
import { springPropertiesFrom } from './spring-properties.js';
import { procedureForLine } from './versions.js';

const TENANTS_FILE = `camunda:
  physical-tenants:
    default:
      data:
        exporters-assigned: [elasticsearch]
    tenanta:
      data:
        secondary-storage:
          elasticsearch:
            index-prefix: tenanta
`;

function context(config: Record<string, unknown> = {}): DiscoveryContext {
  const release = { name: 'camunda', namespace: 'camunda', version: 1, config, chart: { metadata: { name: 'camunda-platform', version: '15.0.0' }, values: { global: { topology: { mode: 'combined' } } } } } as unknown as HelmRelease;
  return {
    release: 'camunda',
    namespace: 'camunda',
    procedure: procedureForLine('8.10')!,
    values: new HelmValues(release),
    pods: [],
    services: new Map(),
    configMaps: new Map(),
    choices: {},
    warnings: [],
  };
}

const configMap = (data: Record<string, string>): ConfigMap => ({ name: 'camunda-zeebe-configuration', namespace: 'camunda', data });
const container = (env: Container['env']): Container => ({ name: 'orchestration', image: 'camunda/camunda:8.10.9', env, envFrom: [], ports: [] });
const none = springPropertiesFrom([]);

describe('resolveTopology', () => {
  it('a combined release without Physical Tenants: nothing to say', () => {
    const topology = resolveTopology(context(), springPropertiesFrom([configMap({ 'application.yaml': 'camunda: {data: {secondary-storage: {type: elasticsearch}}}' })]), container([]));
    expect(topology).toEqual({ mode: 'combined', physicalTenants: [], declaredIn: [] });
    expect(unsupportedTopology({ release: 'camunda', topology })).toBeUndefined();
  });

  it('Physical Tenants in an extra configuration file of the orchestration ConfigMap are found and named', () => {
    const props = springPropertiesFrom([configMap({ 'application.yaml': 'server: {port: 8080}', 'physical-tenants.yaml': TENANTS_FILE })]);
    const topology = resolveTopology(context(), props, container([]));
    expect(topology.physicalTenants).toEqual(['default', 'tenanta']);
    expect(topology.declaredIn).toEqual(['camunda.physical-tenants in camunda-zeebe-configuration']);
    const why = unsupportedTopology({ release: 'camunda', topology })!;
    expect(why).toContain('release camunda declares Physical Tenants default, tenanta (camunda.physical-tenants in camunda-zeebe-configuration)');
    expect(topologyWarning({ release: 'camunda', topology })).toMatch(/create, delete, resume and restore refuse this release\.$/);
  });

  it('dotted keys and env vars (relaxed binding) declare tenants too', () => {
    const dotted = springPropertiesFrom([configMap({ 'application.yaml': 'camunda.physical-tenants.tenantb.data.secondary-storage.elasticsearch.index-prefix: b' })]);
    expect(resolveTopology(context(), dotted, undefined).physicalTenants).toEqual(['tenantb']);
    const env = container([{ name: 'CAMUNDA_PHYSICALTENANTS_TENANTC_DATA_SECONDARYSTORAGE_ELASTICSEARCH_INDEXPREFIX', value: 'c' }]);
    const fromEnv = resolveTopology(context(), none, env);
    expect(fromEnv.physicalTenants).toEqual(['tenantc']);
    expect(fromEnv.declaredIn).toEqual(['env CAMUNDA_PHYSICALTENANTS_* of container orchestration']);
  });

  it('without the ConfigMap, the extraConfiguration files in the Helm values still tell', () => {
    const ctx = context({ orchestration: { extraConfiguration: [{ file: 'physical-tenants.yaml', content: TENANTS_FILE }] } });
    expect(resolveTopology(ctx, none, undefined)).toMatchObject({ physicalTenants: ['default', 'tenanta'], declaredIn: ['orchestration.extraConfiguration in the Helm values'] });
  });

  it('only the default tenant declared is a single-tenant cluster', () => {
    const props = springPropertiesFrom([configMap({ 'application.yaml': 'camunda.physical-tenants.default.data.exporters-assigned: [elasticsearch]' })]);
    const topology = resolveTopology(context(), props, undefined);
    expect(topology.physicalTenants).toEqual(['default']);
    expect(unsupportedTopology({ release: 'camunda', topology })).toBeUndefined();
  });

  it('a hub release refuses every command: it runs no orchestration cluster', () => {
    const error = (() => {
      try {
        resolveTopology(context({ global: { topology: { mode: 'hub' } } }), none, undefined);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PreconditionError);
    expect((error as PreconditionError).exitCode).toBe(3);
    expect((error as PreconditionError).message).toContain('release camunda is a Camunda Hub release (global.topology.mode: hub)');
  });

  it('an orchestration-only release of a split topology is named as such', () => {
    const topology = resolveTopology(context({ global: { topology: { mode: 'orchestration' } } }), none, undefined);
    expect(topology.mode).toBe('orchestration');
    expect(unsupportedTopology({ release: 'camunda', topology })).toContain('part of a split topology (global.topology.mode: orchestration)');
  });
});

describe('refuseUnsupportedTopology', () => {
  const multi = { release: 'camunda', topology: { mode: 'combined', physicalTenants: ['default', 'tenanta'], declaredIn: ['camunda.physical-tenants in camunda-zeebe-configuration'] } };

  it.each(['create', 'delete', 'resume', 'restore'] as const)('%s refuses with exit 3, naming the tenants, why, and that nothing changed', (command) => {
    try {
      refuseUnsupportedTopology(multi, command);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PreconditionError);
      const refusal = error as PreconditionError;
      expect(refusal.exitCode).toBe(3);
      expect(refusal.message).toContain('Physical Tenants default, tenanta');
      expect(refusal.message).toContain(`${command} refuses`);
      expect(refusal.message).toMatch(/nothing was changed$/);
      expect(refusal.hint).toContain('?physicalTenant=<id>');
    }
  });

  it('an orchestration-only release: create, delete and restore refuse for that reason, resume stays possible', () => {
    const split = { release: 'camunda', topology: { mode: 'orchestration', physicalTenants: [], declaredIn: [] } };
    expect(() => refuseUnsupportedTopology(split, 'create')).toThrow(/split topology \(global\.topology\.mode: orchestration\).*create refuses until split-topology backups are designed; nothing was changed$/);
    expect(() => refuseUnsupportedTopology(split, 'delete')).toThrow(/delete refuses: it would delete only the parts of a backup that live in this release; nothing was changed$/);
    expect(() => refuseUnsupportedTopology(split, 'restore')).toThrow(/restore refuses: it would stop and restore only the parts that live in this release while the others keep running on their own data; nothing was changed$/);
    expect(() => refuseUnsupportedTopology(split, 'resume')).not.toThrow();
    expect(unsupportedTopology(split)).toMatch(/; create, delete and restore refuse this release$/);
    expect(topologyWarning(split)).toMatch(/status, list and check see only this release; create, delete and restore refuse this release\.$/);
  });

  it('a hand-built installation (no topology) and a single tenant pass', () => {
    expect(() => refuseUnsupportedTopology({ release: 'camunda' }, 'create')).not.toThrow();
    expect(() => refuseUnsupportedTopology({ release: 'camunda', topology: { mode: 'combined', physicalTenants: ['default'], declaredIn: ['x'] } }, 'delete')).not.toThrow();
  });
});

describe('tenantsBeyondDefault (the 8.10 runtime answer)', () => {
  it('names the tenants besides default, sorted; none for a single-tenant answer or none at all', () => {
    expect(tenantsBeyondDefault({ tenantb: 7, default: 7, tenanta: 7 })).toEqual(['tenanta', 'tenantb']);
    expect(tenantsBeyondDefault({ default: 7 })).toEqual([]);
    expect(tenantsBeyondDefault(undefined)).toEqual([]);
  });
});
