/**
 * Spring Boot Actuator behaviour shared by the Camunda simulators: the HAL `_links` index at /actuator (the
 * capability list clients should probe), health groups, and the default 404 for endpoints that are not exposed.
 */
import { json, springError } from './http-sim.js';
import type { SimHttpRequest, SimResponse } from './http-sim.js';

/** Endpoint ids this management port exposes, e.g. backups, backupHistory, backupRuntime, exporting, partitions. */
export type ActuatorEndpoint = 'backups' | 'backupHistory' | 'backupRuntime' | 'exporting' | 'partitions' | 'health' | 'prometheus' | 'info';

const ACTUATOR_V3 = 'application/vnd.spring-boot.actuator.v3+json';

export function actuatorIndex(request: SimHttpRequest, basePath: string, endpoints: readonly ActuatorEndpoint[]): SimResponse {
  const root = `http://${request.host}${basePath}/actuator`;
  const link = (path: string, templated = false): { href: string; templated: boolean } => ({ href: `${root}${path}`, templated });
  const links: Record<string, { href: string; templated: boolean }> = { self: link('') };
  for (const endpoint of endpoints) {
    switch (endpoint) {
      case 'health':
        links['health'] = link('/health');
        links['health-path'] = link('/health/{*path}', true);
        break;
      case 'backups':
      case 'backupHistory':
        links[endpoint] = link(`/${endpoint}`);
        links[`${endpoint}-id`] = link(`/${endpoint}/{id}`, true);
        break;
      case 'backupRuntime':
        links['backupRuntime'] = link('/backupRuntime');
        links['backupRuntime-arguments'] = link('/backupRuntime/{*arguments}', true);
        links['backupRuntime-id'] = link('/backupRuntime/{id}', true);
        break;
      case 'exporting':
        links['exporting'] = link('/exporting');
        links['exporting-operationKey'] = link('/exporting/{operationKey}', true);
        break;
      default:
        links[endpoint] = link(`/${endpoint}`);
    }
  }
  return json(200, { _links: links }, ACTUATOR_V3);
}

/** Answers /actuator, /actuator/health[/...] and /actuator/info; undefined for anything else. */
export function commonActuator(request: SimHttpRequest, basePath: string, endpoints: readonly ActuatorEndpoint[]): SimResponse | undefined {
  if (request.method !== 'GET') return undefined;
  if (request.path === '/actuator' || request.path === '/actuator/') return actuatorIndex(request, basePath, endpoints);
  if (request.path === '/actuator/health') return json(200, { status: 'UP', groups: ['liveness', 'readiness', 'startup'] }, ACTUATOR_V3);
  if (request.path.startsWith('/actuator/health/')) return json(200, { status: 'UP' }, ACTUATOR_V3);
  if (request.path === '/actuator/info' && endpoints.includes('info')) return json(200, {}, ACTUATOR_V3);
  return undefined;
}

export function notFound(request: SimHttpRequest): SimResponse {
  return springError(404, request.fullPath);
}

/** Management base path from a container's readiness probe (`/operate/actuator/health/readiness` → `/operate`). */
export function basePathFromProbe(probePath: string | undefined): string {
  if (!probePath) return '';
  const index = probePath.indexOf('/actuator/');
  return index > 0 ? probePath.slice(0, index) : '';
}
