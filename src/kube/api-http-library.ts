/**
 * The HTTP library under client-node's generated REST clients, wrapped so that every call has a deadline and fails
 * with a KubeApiError carrying the Kubernetes Status message. Wrapping the transport (not catching ApiException)
 * matters: for 401 the generated code throws ApiException without the body, and its message is raw
 * "HTTP-Code: … Body: …" text that users must never see.
 */
import {
  AbortError,
  FetchError,
  IsomorphicFetchHttpLibrary,
  Observable,
  ResponseContext,
  type HttpLibrary,
  type RequestContext,
} from '@kubernetes/client-node';
import { KubeApiError, kubeApiErrorFromResponse, kubeTimeoutError, kubeUnreachableError } from './kube-errors.js';

export interface ApiHttpLibraryOptions {
  /** API server URL, for messages. */
  readonly server: string;
  readonly requestTimeoutMs: number;
  /** Stops every request when it aborts; the request then rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  readonly inner?: HttpLibrary | undefined;
  /** Told of every request once it ended (status 0: no answer); -v 6 prints them, like kubectl's. */
  readonly onRequest?: ((request: ApiRequestLog) => void) | undefined;
}

/** One Kubernetes API request as -v 6 shows it: never headers or bodies (they carry tokens and Secrets). */
export interface ApiRequestLog {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
}

export function createApiHttpLibrary(options: ApiHttpLibraryOptions): HttpLibrary {
  const inner = options.inner ?? new IsomorphicFetchHttpLibrary();
  return {
    send(request: RequestContext): Observable<ResponseContext> {
      return new Observable(send(inner, request, options));
    },
  };
}

async function send(inner: HttpLibrary, request: RequestContext, options: ApiHttpLibraryOptions): Promise<ResponseContext> {
  const started = performance.now();
  let status = 0;
  try {
    const response = await sendOnce(inner, request, options);
    status = response.httpStatusCode;
    return response;
  } catch (error) {
    if (error instanceof KubeApiError) status = error.httpStatus ?? 0;
    throw error;
  } finally {
    options.onRequest?.({ method: request.getHttpMethod(), path: pathOf(request.getUrl()), status, durationMs: Math.round(performance.now() - started) });
  }
}

async function sendOnce(inner: HttpLibrary, request: RequestContext, options: ApiHttpLibraryOptions): Promise<ResponseContext> {
  const what = `${request.getHttpMethod()} ${pathOf(request.getUrl())}`;
  const cancel = options.signal;
  if (cancel?.aborted) throw cancel.reason;
  const deadline = AbortSignal.timeout(options.requestTimeoutMs);
  request.setSignal(cancel ? AbortSignal.any([deadline, cancel]) : deadline);
  let response: ResponseContext;
  let body: string;
  try {
    response = await inner.send(request).toPromise();
    // Read the body here, under the same deadline, so a stalled body cannot escape as a raw AbortError later.
    body = await response.body.text();
  } catch (error) {
    // Cancelled (Ctrl-C, the run's --timeout): the caller's reason, as every other abandoned call reports it.
    if (cancel?.aborted) throw cancel.reason;
    if (error instanceof AbortError || (error instanceof Error && error.name === 'AbortError')) {
      throw kubeTimeoutError(options.server, what, options.requestTimeoutMs);
    }
    if (error instanceof FetchError || (error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string')) {
      throw kubeUnreachableError(options.server, error);
    }
    throw error;
  }
  if (response.httpStatusCode >= 400) {
    throw kubeApiErrorFromResponse(response.httpStatusCode, body, what, options.server);
  }
  return new ResponseContext(response.httpStatusCode, response.headers, {
    text: () => Promise.resolve(body),
    binary: () => Promise.resolve(Buffer.from(body, 'utf8')),
  });
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname;
  } catch {
    return url;
  }
}
