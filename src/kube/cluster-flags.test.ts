import { describe, expect, it } from 'vitest';
import { clusterFlagsOf, kubectlCommand, toolCommand } from './cluster-flags.js';

describe('toolCommand: every tool command printed for a person reaches this run\'s cluster', () => {
  it.each([
    [{ cluster: { context: 'prod' }, namespace: 'camunda' }, 'kubectl camunda-backup check --context prod -n camunda'],
    [
      { cluster: { kubeconfig: '/etc/kube/prod config.yaml', context: 'prod' }, namespace: 'camunda', release: 'c8', access: 'exec' },
      "kubectl camunda-backup check --kubeconfig '/etc/kube/prod config.yaml' --context prod -n camunda --release c8 --access exec",
    ],
    [{ cluster: {}, namespace: 'camunda', release: 'c8', access: 'port-forward' }, 'kubectl camunda-backup check -n camunda --release c8 --access port-forward'],
  ])('%j', (target, text) => {
    expect(toolCommand('check', target)).toBe(text);
  });

  it('puts the command\'s own arguments first', () => {
    expect(toolCommand('list -v 4', { cluster: { context: 'dev' }, namespace: 'n' })).toBe('kubectl camunda-backup list -v 4 --context dev -n n');
  });

  it('names the context the kubeconfig chose when the run was given none, and none in a pod', () => {
    expect(toolCommand('create', { cluster: clusterFlagsOf({}, 'kind-dev'), namespace: 'n' })).toBe('kubectl camunda-backup create --context kind-dev -n n');
    expect(toolCommand('create', { cluster: clusterFlagsOf({}, 'in-cluster'), namespace: 'n' })).toBe('kubectl camunda-backup create -n n');
  });
});

describe('kubectlCommand', () => {
  it('adds the same cluster flags to a plain kubectl command', () => {
    expect(kubectlCommand('get pods', { cluster: { kubeconfig: '/k', context: 'prod' }, namespace: 'camunda' })).toBe('kubectl get pods --kubeconfig /k --context prod -n camunda');
  });
});
