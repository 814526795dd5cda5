/**
 * Where Zeebe writes its backups (S3, GCS, AZURE, FILESYSTEM, or NONE, which makes Zeebe refuse them) and whether
 * 8.9's continuous backups are on, which changes how a Zeebe backup is requested (camunda-backup-api.md §8, §13).
 */
import { configuredSetting } from './configured-setting.js';
import type { ConfigSource, DiscoveryContext } from './discovery-context.js';
import type { ZeebeBackupStore } from './installation.js';

export function resolveZeebeStore(broker: ConfigSource, ctx: DiscoveryContext): ZeebeBackupStore {
  const store = configuredSetting('Zeebe backup store', ctx.procedure.zeebeStoreEnv, broker, ctx);
  const continuousSetting = configuredSetting('Zeebe continuous backups', ctx.procedure.continuousBackupEnv, broker, ctx);
  const continuous = continuousSetting.value?.toLowerCase() === 'true';
  if (continuousSetting.unknownFrom) ctx.warnings.push(`Zeebe continuous backups: set from ${continuousSetting.unknownFrom}, which discovery does not read; assuming off.`);
  if (store.value) return { store: store.value.toUpperCase(), continuous };
  if (store.unknownFrom) {
    ctx.warnings.push(`Zeebe backup store comes from ${store.unknownFrom}, which discovery does not read.`);
    return { store: undefined, continuous };
  }
  if (broker.container?.envFrom.some((f) => f.secretRef)) {
    ctx.warnings.push('Zeebe backup store: not in the env, values or ConfigMap; the brokers also take env from Secrets, which discovery does not read.');
    return { store: undefined, continuous };
  }
  ctx.warnings.push('Zeebe has no backup store configured (NONE): Zeebe will refuse the backup until one is (S3, GCS, AZURE or FILESYSTEM).');
  return { store: 'NONE', continuous };
}
