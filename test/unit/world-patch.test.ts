import { describe, expect, it } from 'vitest';
import { applyJsonPatch, applyMergePatch, applyPatch, applyStrategicMergePatch, PatchError, patchTypeOf } from '../world/kube/patch.js';

const sts = {
  spec: {
    replicas: 3,
    template: {
      spec: {
        containers: [
          { name: 'zeebe', image: 'z:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], livenessProbe: { httpGet: { port: 9600 } } },
          { name: 'sidecar', image: 's:1' },
        ],
      },
    },
  },
};

describe('test world patches', () => {
  it('strategic merge merges containers and env by name, deletes with $patch and null, replaces other lists', () => {
    const patched = applyStrategicMergePatch(sts, {
      spec: { template: { spec: { containers: [{ name: 'zeebe', env: [{ name: 'B', $patch: 'delete' }, { name: 'C', value: '3' }, { name: 'A', value: 'x' }], livenessProbe: null }] } } },
    }) as typeof sts;
    const zeebe = patched.spec.template.spec.containers[0];
    expect(zeebe?.env).toEqual([{ name: 'A', value: 'x' }, { name: 'C', value: '3' }]);
    expect(zeebe).not.toHaveProperty('livenessProbe');
    expect(patched.spec.template.spec.containers[1]).toEqual({ name: 'sidecar', image: 's:1' });
    expect(sts.spec.template.spec.containers[0]?.env).toHaveLength(2);
  });
  it('merge patch replaces lists wholesale; JSON patch applies operations in order and fails a test op', () => {
    const merged = applyMergePatch(sts, { spec: { template: { spec: { containers: [{ name: 'only' }] } } } }) as typeof sts;
    expect(merged.spec.template.spec.containers).toEqual([{ name: 'only' }]);
    const patched = applyJsonPatch(sts, [
      { op: 'test', path: '/spec/replicas', value: 3 },
      { op: 'replace', path: '/spec/replicas', value: 0 },
      { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'Z', value: 'z' } },
      { op: 'remove', path: '/spec/template/spec/containers/0/livenessProbe' },
    ]) as typeof sts;
    expect(patched.spec.replicas).toBe(0);
    expect(patched.spec.template.spec.containers[0]?.env?.at(-1)).toEqual({ name: 'Z', value: 'z' });
    expect(() => applyJsonPatch(sts, [{ op: 'test', path: '/spec/replicas', value: 1 }])).toThrow(PatchError);
    expect(() => applyJsonPatch(sts, [{ op: 'remove', path: '/spec/nothing' }])).toThrow(/missing/);
  });
  it('knows the content types and rejects bodies that are not JSON', () => {
    expect(patchTypeOf('application/strategic-merge-patch+json; charset=utf-8')).toBe('strategic');
    expect(patchTypeOf('application/json')).toBeUndefined();
    expect(() => applyPatch('merge', {}, '{')).toThrow(PatchError);
    expect(() => applyPatch('merge', {}, '[]')).toThrow(/cannot unmarshal array/);
  });
});
