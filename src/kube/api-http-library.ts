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
import { kubeApiErrorFromResponse, kubeTimeoutError, kubeUnreachableError } from './kube-errors.js';

export interface ApiHttpLibraryOptions {
  /** API server URL, for messages. */
  readonly server: string;
  readonly requestTimeoutMs: number;
  /** Stops every request when it aborts; the request then rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  readonly inner?: HttpLibrary | undefined;
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
