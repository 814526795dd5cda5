/**
 * The release's static partition count: a restore needs the backup's to be equal (camunda-restore.md §7, §9 #3;
 * the restore application refuses with "Expected backup to have N partitions, but has M"). Read like every other
 * broker setting: env, values env, then the ConfigMap's YAML (8.6/8.7 `zeebe.broker.cluster.partitionsCount`,
 * 8.8+ `camunda.cluster.partition-count`).
 */
import { configuredSetting } from './configured-setting.js';
import type { ConfigSource, DiscoveryContext } from './discovery-context.js';

const PARTITION_COUNT_ENV = ['CAMUNDA_CLUSTER_PARTITIONCOUNT', 'ZEEBE_BROKER_CLUSTER_PARTITIONSCOUNT'] as const;

/** The configured count, or undefined when it is not readable (a Secret, or not set anywhere discovery looks). */
export function resolvePartitionCount(broker: ConfigSource, ctx: DiscoveryContext): number | undefined {
  const setting = configuredSetting('Zeebe partition count', PARTITION_COUNT_ENV, broker, ctx);
  const count = Number(setting.value);
  return Number.isInteger(count) && count > 0 ? count : undefined;
}
