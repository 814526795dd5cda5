/**
 * The search simulator (test/world/sim) in process: a ComponentHttp whose requests go straight to the
 * Elasticsearch/OpenSearch handler, so unit tests of code that talks to the search engine meet the simulator's
 * real behaviour (error shapes, ignore_unavailable, wildcard refusal, the request-line limit) without a server.
 */
import type { ComponentHttp, HttpRequest, HttpResponse } from '../../src/reach/component-http.js';
import { createFaults } from '../world/sim/faults.js';
import { createSearchHandler } from '../world/sim/search-sim.js';
import { SearchStore, type SearchFlavor } from '../world/sim/search-store.js';

export interface SimSearch {
  readonly store: SearchStore;
  readonly http: ComponentHttp;
  /** Every request as sent: method, path with query. */
  readonly requests: { readonly method: string; readonly path: string; readonly status: number }[];
}

export function simSearch(options: { flavor: SearchFlavor; indices: readonly string[]; repositories?: readonly string[] }): SimSearch {
  const store = new SearchStore({ flavor: options.flavor, version: options.flavor === 'elasticsearch' ? '8.17.4' : '2.19.1', indices: options.indices, repositories: options.repositories ?? ['camunda-backup'] });
  const handler = createSearchHandler(store, { snapshotDurationMs: 0, rejectFeatureStates: options.flavor === 'opensearch' }, createFaults());
  const requests: SimSearch['requests'] = [];
  const http: ComponentHttp = {
    description: `sim ${options.flavor}`,
    async request(request: HttpRequest): Promise<HttpResponse> {
      const url = new URL(request.path, 'http://sim.local');
      const answer = await handler({
        method: request.method,
        path: decodeURIComponent(url.pathname),
        fullPath: decodeURIComponent(url.pathname),
        target: request.path,
        query: url.searchParams,
        headers: {},
        body: request.body === undefined ? '' : JSON.stringify(request.body),
        host: 'sim.local',
      });
      if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      const body = answer.lateBody ? answer.lateBody() : answer.body;
      requests.push({ method: request.method, path: request.path, status: answer.status });
      return { status: answer.status, body: answer.text ?? (body === undefined ? '' : JSON.stringify(body)) };
    },
    close: () => Promise.resolve(),
  };
  return { store, http, requests };
}
