/**
 * HTTP face of the Zeebe cluster: the partitions backup API (`/actuator/backups` on the 8.6/8.7 gateway,
 * `/actuator/backupRuntime` on every 8.8–8.10 orchestration pod; 8.10 answers a take with `backupIds` per tenant), exporting pause/resume (always HTTP 200, the
 * outcome in the body) and each broker's `/actuator/partitions`.
 */
import { INVALID_JSON, json, parseJsonBody, springError } from './http-sim.js';
import type { SimHttpRequest, SimResponse } from './http-sim.js';
import { since89, ZeebeError } from './zeebe-cluster.js';
import type { ZeebeCluster } from './zeebe-cluster.js';

export const zeebeErrorBody = (status: number, message: string): SimResponse => json(status, { message });

function guarded(fn: () => SimResponse): SimResponse {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ZeebeError) return zeebeErrorBody(error.status, error.message);
    throw error;
  }
}

/** `/actuator/backups` (8.6/8.7) or `/actuator/backupRuntime` (8.8/8.9). Undefined for other paths. */
export function zeebeBackupRoutes(cluster: ZeebeCluster, endpoint: 'backups' | 'backupRuntime') {
  const prefix = `/actuator/${endpoint}`;
  const modern = endpoint === 'backupRuntime';
  const is89 = since89(cluster.config.minor);
  const is810 = cluster.config.minor === '8.10';

  const take = (request: SimHttpRequest): SimResponse => {
    const parsed = parseJsonBody(request.body);
    if (parsed === INVALID_JSON) return springError(400, request.fullPath);
    const raw = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>)['backupId'] : undefined;
    const id = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : undefined;
    // Before 8.9 there is only take(long backupId): Spring rejects a call without the parameter itself.
    if (id === undefined && !is89) return springError(400, request.fullPath);
    return guarded(() => {
      const backupId = cluster.take(id);
      const message = `A backup with id ${backupId} has been scheduled. Use GET actuator/backups/${backupId} to monitor the status.`;
      if (is810) {
        // TakeBackupRuntimeResponse: the default tenant's id, and every tenant's (a given id is used for all).
        const tenants = cluster.config.physicalTenants ?? ['default'];
        return json(202, { backupId, backupIds: Object.fromEntries(tenants.map((tenant) => [tenant, backupId])), message });
      }
      return json(202, { ...(is89 && cluster.config.takeResponseHasBackupId ? { backupId } : {}), message });
    });
  };

  return (request: SimHttpRequest): SimResponse | undefined => {
    if (request.path !== prefix && !request.path.startsWith(`${prefix}/`)) return undefined;
    const rest = request.path.slice(prefix.length).replace(/^\//, '');
    if (rest === '') {
      if (request.method === 'POST') return take(request);
      if (request.method === 'GET') return guarded(() => json(200, cluster.list()));
      return springError(405, request.fullPath);
    }
    if (is89 && rest === 'state') {
      if (request.method === 'GET') return guarded(() => json(200, cluster.checkpointState()));
      if (request.method === 'DELETE') {
        return guarded(() => {
          cluster.clearCheckpointState();
          return { status: 204 };
        });
      }
      return springError(405, request.fullPath);
    }
    if (is89 && rest === 'state/sync' && request.method === 'POST') return guarded(() => json(200, cluster.checkpointState()));
    if (request.method === 'GET') {
      if (modern && rest.includes('/')) return zeebeErrorBody(400, 'Invalid arguments provided.');
      if (modern && rest.endsWith('*')) {
        const digits = rest.slice(0, -1);
        return guarded(() => json(200, cluster.list(digits)));
      }
      if (!/^-?\d+$/.test(rest)) {
        return modern ? zeebeErrorBody(400, `Expected a backup ID or prefix ending with '*', but got '${rest}'.`) : springError(400, request.fullPath);
      }
      return guarded(() => json(200, cluster.status(Number(rest))));
    }
    if (request.method === 'DELETE') {
      if (!/^-?\d+$/.test(rest)) return springError(400, request.fullPath);
      return guarded(() => {
        cluster.delete(Number(rest));
        return { status: 204 };
      });
    }
    return springError(405, request.fullPath);
  };
}

/** `/actuator/exporting/{pause|resume}`: a WebEndpointResponse serialised as the body of an HTTP 200. */
export function exportingRoutes(cluster: ZeebeCluster) {
  const envelope = (failure: string | undefined): SimResponse =>
    json(200, failure === undefined ? { body: null, status: 204, contentType: null } : { body: { message: failure }, status: 500, contentType: null });
  return (request: SimHttpRequest): SimResponse | undefined => {
    if (!request.path.startsWith('/actuator/exporting')) return undefined;
    const operation = request.path.slice('/actuator/exporting'.length).replace(/^\//, '');
    if (request.method !== 'POST' || operation === '') return springError(405, request.fullPath);
    if (operation === 'pause') return envelope(cluster.pause(request.query.get('soft') === 'true'));
    if (operation === 'resume') return envelope(cluster.resume());
    return json(200, { body: { message: `Unknown operation: ${operation}` }, status: 500, contentType: null });
  };
}

export function partitionsRoute(cluster: ZeebeCluster, brokerIndex: number) {
  return (request: SimHttpRequest): SimResponse | undefined =>
    request.path === '/actuator/partitions' && request.method === 'GET' ? json(200, cluster.partitionsOfBroker(brokerIndex)) : undefined;
}
