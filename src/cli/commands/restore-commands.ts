/** Where a restore command printed by this run goes: this run's cluster and installation flags, the restore's namespace and release. */
import { clusterFlagsOf, installationFlagsOf, type CommandTarget } from '../../kube/cluster-flags.js';
import type { GlobalOptions } from '../global-options.js';

export function restoreCommandTarget(options: GlobalOptions, contextName: string, where: { readonly namespace: string; readonly release: string }): CommandTarget {
  return { cluster: clusterFlagsOf(options, contextName), namespace: where.namespace, release: where.release, access: options.access, installation: installationFlagsOf(options) };
}
