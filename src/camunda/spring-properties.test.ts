import { describe, expect, it } from 'vitest';
import type { ConfigMap, Container } from '../kube/kube-client.js';
import { containerEnv, propertyKeyForEnv, resolvePlaceholders, springPropertiesFrom } from './spring-properties.js';

const cm = (name: string, data: Record<string, string>): ConfigMap => ({ name, namespace: 'ns', data });

describe('springPropertiesFrom', () => {
  it('reads dotted and nested keys in any relaxed spelling; later imported files win', () => {
    const props = springPropertiesFrom([
      cm('c', {
        'application.yaml': 'camunda.database:\n  type: elasticsearch\ncamunda:\n  data:\n    secondary-storage:\n      type: "rdbms"\n    backup:\n      repositoryName: a\n',
        'zz-extra.yaml': 'camunda.data.backup.repository-name: b\n',
        'startup.sh': 'not: yaml: at all',
      }),
    ]);
    expect(props.get('camunda.database.type')).toBe('elasticsearch');
    expect(props.get('camunda.data.secondaryStorage.type')).toBe('rdbms');
    expect(props.get(propertyKeyForEnv('CAMUNDA_DATA_SECONDARYSTORAGE_TYPE'))).toBe('rdbms');
    expect(props.get('camunda.data.backup.repository-name')).toBe('b');
    expect(props.sources).toEqual(['c/application.yaml', 'c/zz-extra.yaml']);
    expect(props.children('camunda.data')).toEqual(['secondarystorage', 'backup']);
    expect(props.has('camunda.data.backup')).toBe(true);
    expect(props.has('camunda.data.back')).toBe(false);
  });

  it('reports files that are not YAML instead of failing', () => {
    const props = springPropertiesFrom([cm('c', { 'application.yaml': 'a: [unclosed' })]);
    expect(props.unreadable).toEqual(['c/application.yaml']);
    expect(props.get('a')).toBeUndefined();
  });
});

describe('containerEnv', () => {
  const container: Container = {
    name: 'app',
    image: 'x',
    env: [
      { name: 'LITERAL', value: 'one' },
      { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'env-cm', key: 'repo' } } },
      { name: 'FROM_MISSING_CM', valueFrom: { configMapKeyRef: { name: 'gone', key: 'repo' } } },
    ],
    envFrom: [{ configMapRef: 'bulk' }, { secretRef: 'bulk-secret' }],
    ports: [],
  };
  const configMaps = new Map([
    ['env-cm', cm('env-cm', { repo: 'two' })],
    ['bulk', cm('bulk', { BULK: 'three', LITERAL: 'overridden-by-env' })],
  ]);

  it.each([
    ['LITERAL', { kind: 'value', value: 'one', from: 'env LITERAL' }],
    ['FROM_SECRET', { kind: 'unknown', from: 'env FROM_SECRET (Secret s, key k)' }],
    ['FROM_CM', { kind: 'value', value: 'two', from: 'env FROM_CM (ConfigMap env-cm, key repo)' }],
    ['FROM_MISSING_CM', { kind: 'unknown', from: 'env FROM_MISSING_CM (ConfigMap gone, key repo)' }],
    ['BULK', { kind: 'value', value: 'three', from: 'env BULK (envFrom ConfigMap bulk)' }],
    ['ABSENT', undefined],
  ])('%s', (name, expected) => {
    expect(containerEnv(container, name, configMaps)).toEqual(expected);
  });
});

describe('resolvePlaceholders', () => {
  const env = (name: string) => ({ REPO: 'from-env' })[name];
  it.each([
    ['plain', 'plain'],
    ['${REPO}', 'from-env'],
    ['${MISSING:fallback}', 'fallback'],
    ['${MISSING}', undefined],
    ['pre-${REPO}-post', 'pre-from-env-post'],
  ])('%s → %s', (value, expected) => {
    expect(resolvePlaceholders(value, env)).toBe(expected);
  });
});
