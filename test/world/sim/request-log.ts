/** One HTTP exchange seen by a simulator; the shared log lets tests assert order across components. */
export interface SimRequest {
  /** Epoch milliseconds when the request arrived. */
  at: number;
  /** e.g. operate, tasklist, optimize, zeebe-gateway, zeebe-broker, orchestration, elasticsearch, opensearch. */
  component: string;
  /** Pod name, or the external host for search clusters outside Kubernetes. */
  pod: string;
  method: string;
  /** Path including the query string, as sent. */
  path: string;
  body: string;
  /** HTTP status sent; 0 when the connection was dropped without an answer. */
  status: number;
}

export type RequestLog = SimRequest[];
