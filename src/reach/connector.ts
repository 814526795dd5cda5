import type { Reporter } from '../events.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { AccessMode, Connector } from './component-http.js';
import { createExecCurlConnector, type ExecConnectorOptions } from './via-exec-curl.js';
import { createPortForwardConnector } from './via-port-forward.js';

/**
 * The connector for an access mode, chosen once; nothing below it knows which one runs. Port-forward mode keeps
 * an exec connector for URLs a tunnel to a pod cannot reach (Elasticsearch outside the cluster). `emit` gets a
 * notice when exec falls back to wget or another pod; each call's 'http' event is the caller's (src/camunda).
 */
export function createConnector(kube: KubeClient, access: AccessMode, emit?: Reporter, execPod?: ExecConnectorOptions['execPod']): Connector {
  // Port-forward mode reaches pods through tunnels; the --exec-pod only runs its calls to URLs outside the cluster.
  const exec = createExecCurlConnector(kube, { emit, execPod: access === 'exec' ? execPod : undefined });
  return access === 'exec' ? exec : createPortForwardConnector(kube, { fallback: exec });
}
