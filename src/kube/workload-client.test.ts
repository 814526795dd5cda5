import { describe, expect, it } from 'vitest';
import { claimFromK8s, containerPatch, inverseChange, workloadFromK8s, type ContainerChange, type WorkloadContainer } from './workload-client.js';

const STS = {
  metadata: { name: 'camunda-zeebe', namespace: 'camunda', generation: 3 },
  spec: {
    replicas: 3,
    selector: { matchLabels: { 'app.kubernetes.io/component': 'zeebe-broker', app: 'camunda-platform' } },
    template: {
      spec: {
        containers: [
          {
            name: 'orchestration',
            image: 'camunda/camunda:8.8.35',
            command: ['bash', '/usr/local/bin/startup.sh'],
            env: [
              { name: 'CAMUNDA_DATA_BACKUP_STORE', value: 'S3' },
              { name: 'ZEEBE_RESTORE', value: 'false' },
              { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
            ],
            livenessProbe: { httpGet: { path: '/actuator/health/liveness', port: 9600 } },
          },
        ],
      },
    },
  },
  status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, observedGeneration: 3 },
};

describe('workloadFromK8s / claimFromK8s', () => {
  it('reads replicas, status, a sorted selector and the containers with their raw probes', () => {
    const workload = workloadFromK8s('StatefulSet', STS);
    expect(workload).toMatchObject({ kind: 'StatefulSet', name: 'camunda-zeebe', namespace: 'camunda', replicas: 3, currentReplicas: 3, readyReplicas: 2, updatedReplicas: 3, observed: true });
    expect(workload.selector).toBe('app=camunda-platform,app.kubernetes.io/component=zeebe-broker');
    expect(workload.containers[0]?.command).toEqual(['bash', '/usr/local/bin/startup.sh']);
    expect(workload.containers[0]?.livenessProbe).toEqual({ httpGet: { path: '/actuator/health/liveness', port: 9600 } });
    expect(workload.containers[0]?.env[2]).toEqual({ name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } });
    expect(workloadFromK8s('Deployment', { ...STS, status: { observedGeneration: 2 } }).observed).toBe(false);
  });
  it('reads a PVC pending deletion', () => {
    expect(claimFromK8s({ metadata: { name: 'data-camunda-zeebe-0', namespace: 'camunda', deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['kubernetes.io/pvc-protection'], labels: { a: 'b' } }, status: { phase: 'Bound' } })).toEqual({
      name: 'data-camunda-zeebe-0',
      namespace: 'camunda',
      labels: { a: 'b' },
      phase: 'Bound',
      deleting: true,
      finalizers: ['kubernetes.io/pvc-protection'],
    });
  });
});

describe('containerPatch / inverseChange', () => {
  const restore: ContainerChange = {
    container: 'orchestration',
    setEnv: [
      { name: 'ZEEBE_RESTORE', value: 'true' },
      { name: 'ZEEBE_RESTORE_FROM_BACKUP_ID', value: '7' },
      { name: 'SPRING_PROFILES_ACTIVE', value: 'restore' },
    ],
    livenessProbe: null,
    startupProbe: null,
  };

  it('builds a strategic merge patch that merges the container and its env by name and removes probes with null', () => {
    expect(containerPatch(restore)).toEqual({
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'orchestration',
                env: [
                  { name: 'ZEEBE_RESTORE', value: 'true', valueFrom: null },
                  { name: 'ZEEBE_RESTORE_FROM_BACKUP_ID', value: '7', valueFrom: null },
                  { name: 'SPRING_PROFILES_ACTIVE', value: 'restore', valueFrom: null },
                ],
                livenessProbe: null,
                startupProbe: null,
              },
            ],
          },
        },
      },
    });
    expect(containerPatch({ container: 'c', removeEnv: ['A'] })).toEqual({ spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'A', $patch: 'delete' }] }] } } } });
  });

  it('inverts a change exactly: old values back, new variables removed, probes restored', () => {
    const before = workloadFromK8s('StatefulSet', STS).containers[0] as WorkloadContainer;
    const inverse = inverseChange(before, { ...restore, removeEnv: ['SECRET'] });
    expect(inverse).toEqual({
      container: 'orchestration',
      setEnv: [{ name: 'ZEEBE_RESTORE', value: 'false' }, { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
      removeEnv: ['ZEEBE_RESTORE_FROM_BACKUP_ID', 'SPRING_PROFILES_ACTIVE'],
      livenessProbe: { httpGet: { path: '/actuator/health/liveness', port: 9600 } },
      startupProbe: null,
    });
    expect(containerPatch(inverse).spec).toMatchObject({ template: { spec: { containers: [{ env: expect.arrayContaining([{ name: 'SECRET', value: null, valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }]) }] } } });
  });
});
