/** How the backup logic talks to a component's HTTP API, whichever access mode carries the bytes. */

export type AccessMode = 'port-forward' | 'exec';

/** One pod port that all calls of one backup go to (some states are only judged right on that pod). */
export interface PodTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly port: number;
}

/** Where an HTTP API lives: a pod port, or a URL outside the cluster reached from inside a pod that has curl. */
export type HttpTarget =
  | { readonly kind: 'pod'; readonly pod: PodTarget }
  | { readonly kind: 'url'; readonly url: string; readonly via?: PodTarget | undefined };

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Absolute path including any base path and query, e.g. "/operate/actuator/backups?verbose=false". */
  readonly path: string;
  /** JSON-encoded when present. */
  readonly body?: unknown;
  /** Extra headers, e.g. Authorization for Elasticsearch. Values are secret: never log them. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Per-request deadline; exec mode passes it to curl --max-time. */
  readonly timeoutMs?: number | undefined;
  /** Stops the call when it aborts (the exec is terminated, the tunnel connection destroyed); rejects with its reason. */
  readonly signal?: AbortSignal | undefined;
}

export interface HttpResponse {
  readonly status: number;
  /** Raw body text; parsing belongs to src/camunda. */
  readonly body: string;
}

/** An open channel to one HTTP target. */
export interface ComponentHttp {
  /** For progress and errors, e.g. "port-forward pod/camunda-operate-7d9f:9600". */
  readonly description: string;
  request(request: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

/** Opens a channel to a target. Throws a CliError (exit 3) when the target cannot be reached at all. */
export type Connector = (target: HttpTarget) => Promise<ComponentHttp>;
