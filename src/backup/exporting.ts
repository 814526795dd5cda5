/**
 * Zeebe exporting, as every command sees it: the exact command that resumes it by hand, and whether it is paused
 * (resuming itself, with retries and failover, is resume-exporting.ts). Is Zeebe exporting paused? Each broker's `GET /actuator/partitions` shows the exporter phase of the partitions
 * it holds (EXPORTING, PAUSED, SOFT_PAUSED; camunda-backup-api.md §3.5). A soft pause survives restarts, so a run
 * that died paused is only visible here. Brokers are the `<release>-zeebe-N` pods (the orchestration pods on 8.8+).
 */
import type { Installation } from '../camunda/installation.js';
import { ComponentHttpError, readPartitions } from '../camunda/management-api.js';
import { clusterFlagsText, toolCommand, type ClusterFlags } from '../kube/cluster-flags.js';
import type { KubeClient, Pod } from '../kube/kube-client.js';
import type { AccessMode, PodTarget } from '../reach/component-http.js';
import type { ConnectionPool } from './connections.js';
import { layoutOf, partOf } from './layout.js';
import { describeFailure } from './part-clients.js';

export interface BrokerTarget {
  readonly pod: string;
  readonly ready: boolean;
  readonly target: PodTarget;
  readonly basePath: string;
}

const DEFAULT_MANAGEMENT_PORT = 9600;

/** Broker pods of the release, sorted by name, with the management port and base path from their readiness probe. */
export async function findBrokers(kube: Pick<KubeClient, 'listPods'>, installation: Pick<Installation, 'namespace' | 'release'>): Promise<BrokerTarget[]> {
  const selector = `app.kubernetes.io/instance=${installation.release},app.kubernetes.io/component=zeebe-broker`;
  const pods = await kube.listPods(installation.namespace, selector);
  return brokerTargets(pods, installation.namespace);
}

function brokerTargets(pods: readonly Pod[], namespace: string): BrokerTarget[] {
  return [...pods]
    .filter((pod) => !pod.deleting)
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))
    .map((pod) => {
      const container = pod.containers.find((c) => c.name === 'orchestration' || c.name === 'zeebe') ?? pod.containers[0];
      const probe = container?.readinessProbe;
      const named = typeof probe?.port === 'string' ? container?.ports.find((p) => p.name === probe.port)?.containerPort : undefined;
      const port = typeof probe?.port === 'number' ? probe.port : (named ?? DEFAULT_MANAGEMENT_PORT);
      const path = probe?.path ?? '';
      const index = path.indexOf('/actuator/');
      return {
        pod: pod.name,
        ready: pod.ready,
        target: { namespace: pod.namespace || namespace, pod: pod.name, container: container?.name ?? 'zeebe', port },
        basePath: index > 0 ? path.slice(0, index) : '',
      };
    });
}

export type BrokerExporterState =
  | { readonly broker: string; readonly ok: true; readonly partitions: readonly { readonly partitionId: number; readonly exporterPhase: string; readonly role?: string | undefined }[] }
  | {
      readonly broker: string;
      readonly ok: false;
      readonly message: string;
      /** The version does not expose /actuator/partitions (or the broker was not Ready): not an error in itself. */
      readonly unavailable: boolean;
    };

/** Reads every broker's partitions concurrently; a broker that cannot be read is reported, never thrown. */
export async function readExporterStates(brokers: readonly BrokerTarget[], pool: ConnectionPool): Promise<BrokerExporterState[]> {
  return Promise.all(
    brokers.map(async (broker): Promise<BrokerExporterState> => {
      if (!broker.ready) return { broker: broker.pod, ok: false, message: 'pod is not Ready', unavailable: true };
      try {
        const context = await pool.context({ target: { kind: 'pod', pod: broker.target } });
        const partitions = await readPartitions(context, broker.basePath);
        return {
          broker: broker.pod,
          ok: true,
          partitions: Object.entries(partitions)
            .map(([id, status]) => ({ partitionId: Number(id), exporterPhase: status.exporterPhase ?? 'UNKNOWN', role: status.role ?? undefined }))
            .sort((a, b) => a.partitionId - b.partitionId),
        };
      } catch (error) {
        const absent = error instanceof ComponentHttpError && (error.kind === 'endpoint-absent' || error.status === 404);
        return { broker: broker.pod, ok: false, message: describeFailure(error), unavailable: absent };
      }
    }),
  );
}

/** Partitions whose exporter is not EXPORTING, per broker ("camunda-zeebe-0: 1 SOFT_PAUSED"). */
export function pausedPartitions(states: readonly BrokerExporterState[]): { broker: string; partitionId: number; exporterPhase: string }[] {
  return states.flatMap((state) =>
    state.ok ? state.partitions.filter((p) => p.exporterPhase === 'PAUSED' || p.exporterPhase === 'SOFT_PAUSED').map((p) => ({ broker: state.broker, ...p })) : [],
  );
}

/** `kubectl camunda-backup resume` for this release, reaching the same cluster: the one line every refusal and failure names. */
export function resumeToolCommand(installation: Pick<Installation, 'namespace' | 'release'>, access: AccessMode, cluster: ClusterFlags): string {
  return toolCommand('resume', { cluster, namespace: installation.namespace, release: installation.release, access });
}

/**
 * The exact commands that resume exporting by hand: this tool's `resume`, and the raw call through the same
 * access mode for when the tool itself is what fails. The raw call answers HTTP 200 either way; only
 * `"status":204` in its body means resumed.
 */
export function resumeCommandFor(installation: Installation, access: AccessMode, cluster: ClusterFlags): string {
  const target = clusterFlagsText(cluster, installation.namespace);
  const tool = resumeToolCommand(installation, access, cluster);
  const zeebe = partOf(layoutOf(installation), 'zeebe');
  if (zeebe?.target?.kind !== 'pod') return tool;
  const { pod, container, port } = zeebe.target.pod;
  const path = `${zeebe.basePath}${installation.procedure.exportingResumePath}`;
  const raw =
    access === 'exec'
      ? `kubectl exec ${target} ${pod} -c ${container} -- curl -sS -X POST http://localhost:${port}${path}`
      : `kubectl port-forward ${target} pod/${pod} ${port}:${port} & sleep 2; curl -sS -X POST http://127.0.0.1:${port}${path}; kill $!`;
  return `${tool}\n${raw}`;
}
