/**
 * Errors of the Kubernetes layer. All of them are PreconditionErrors (exit 3) from this layer's point of view: the
 * API server or a pod could not be used. Callers that know a change was already made (src/backup) wrap them.
 */
import { type CliErrorOptions, PreconditionError } from '../errors.js';

/** The parts of a Kubernetes v1 Status that messages need. */
export interface KubeStatus {
  readonly status?: string | undefined;
  readonly message?: string | undefined;
  readonly reason?: string | undefined;
  readonly code?: number | undefined;
  readonly causes: readonly { readonly reason?: string | undefined; readonly message?: string | undefined }[];
}

/** Parses a Status from a JSON text or object; undefined when it is not one (an HTML proxy page, say). */
export function parseStatus(body: unknown): KubeStatus | undefined {
  let value = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      value = JSON.parse(body.toString());
    } catch {
      return undefined;
    }
  }
  if (!value || typeof value !== 'object') return undefined;
  const raw = value as Record<string, unknown>;
  if (typeof raw['status'] !== 'string' && typeof raw['message'] !== 'string') return undefined;
  const details = raw['details'] && typeof raw['details'] === 'object' ? (raw['details'] as Record<string, unknown>) : {};
  const causes = Array.isArray(details['causes']) ? (details['causes'] as unknown[]) : [];
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return {
    status: text(raw['status']),
    message: text(raw['message']),
    reason: text(raw['reason']),
    code: typeof raw['code'] === 'number' ? raw['code'] : undefined,
    causes: causes.map((c) => {
      const cause = c && typeof c === 'object' ? (c as Record<string, unknown>) : {};
      return { reason: text(cause['reason']), message: text(cause['message']) };
    }),
  };
}

export interface KubeApiErrorOptions extends CliErrorOptions {
  /** HTTP status of the answer; undefined when the API server never answered (unreachable, timed out). */
  readonly httpStatus?: number | undefined;
  /** Status.reason, e.g. "Forbidden", "NotFound". */
  readonly reason?: string | undefined;
}

/** A REST call or a WebSocket handshake failed. The message is the Kubernetes Status message, never raw HTTP text. */
export class KubeApiError extends PreconditionError {
  readonly httpStatus: number | undefined;
  readonly reason: string | undefined;
  constructor(message: string, options: KubeApiErrorOptions = {}) {
    super(message, options);
    this.httpStatus = options.httpStatus;
    this.reason = options.reason;
  }
}

const MAX_BODY_IN_MESSAGE = 200;

/**
 * The error for an HTTP error answer of the API server. `what` says what was attempted, e.g.
 * "GET /api/v1/namespaces/camunda/secrets" or "exec in pod camunda/zeebe-0 (container zeebe)".
 */
export function kubeApiErrorFromResponse(httpStatus: number, body: unknown, what: string, server: string): KubeApiError {
  const status = parseStatus(body);
  const reason = status?.reason;
  const statusMessage = status?.message?.trim();
  if (httpStatus === 401) {
    return new KubeApiError(`the API server at ${server} rejected the credentials (401 ${statusMessage || 'Unauthorized'}) on ${what}`, {
      httpStatus,
      reason: reason ?? 'Unauthorized',
      hint: 'the token or client certificate of the current context is not accepted; log in to the cluster again or choose another --context',
    });
  }
  if (statusMessage) {
    return new KubeApiError(httpStatus === 403 ? statusMessage : `${what}: ${statusMessage}`, {
      httpStatus,
      reason,
      hint: httpStatus === 403 ? 'ask a cluster admin for the RBAC permissions listed in the README' : undefined,
    });
  }
  const text = (typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString() : '').trim();
  const shown = text.length > MAX_BODY_IN_MESSAGE ? `${text.slice(0, MAX_BODY_IN_MESSAGE)}…` : text;
  return new KubeApiError(`${what}: the API server answered HTTP ${httpStatus}${shown ? `: ${shown}` : ''}`, { httpStatus, reason });
}

/** The API server could not be reached at all (DNS, refused, TLS, proxy). */
export function kubeUnreachableError(server: string, cause: unknown): KubeApiError {
  const tls = tlsProblemOf(cause);
  if (tls) {
    return new KubeApiError(`TLS: cannot trust the API server at ${server}: ${tls.what} (${networkCause(cause)})`, {
      cause,
      reason: 'TLS',
      hint: `${tls.check}. Do not switch verification off (insecure-skip-tls-verify) to get past this: credentials would go to whoever answers`,
    });
  }
  return new KubeApiError(`cannot reach the API server at ${server}: ${networkCause(cause)}`, {
    cause,
    hint: 'check the cluster address of the current context, the VPN or proxy, and that the cluster is running',
  });
}

export function kubeTimeoutError(server: string, what: string, timeoutMs: number): KubeApiError {
  return new KubeApiError(`the API server at ${server} did not answer ${what} within ${formatMs(timeoutMs)}`, {
    hint: 'the cluster may be overloaded or unreachable; --request-timeout raises the limit',
  });
}

/** What a failed TLS handshake means for a person, and what to check. */
export interface TlsProblem {
  readonly what: string;
  readonly check: string;
}

const CHECK_CA =
  "check the certificate-authority (or certificate-authority-data) of the context's cluster in the kubeconfig: it must be the CA that signed the API server's certificate";

/**
 * OpenSSL's verify codes and Node's host check, as Node reports them in `code` (node-fetch and ws copy it from the
 * socket error): https://nodejs.org/api/tls.html#x509-certificate-error-codes
 */
const TLS_PROBLEMS: Readonly<Record<string, TlsProblem>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: { what: 'it presented a self-signed certificate that the kubeconfig does not trust', check: CHECK_CA },
  SELF_SIGNED_CERT_IN_CHAIN: { what: 'its certificate chain ends in a self-signed CA that the kubeconfig does not trust', check: CHECK_CA },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { what: 'its certificate is not signed by a certificate authority the kubeconfig trusts', check: CHECK_CA },
  UNABLE_TO_GET_ISSUER_CERT: { what: 'its certificate is not signed by a certificate authority the kubeconfig trusts', check: CHECK_CA },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { what: 'its certificate is not signed by a certificate authority the kubeconfig trusts', check: CHECK_CA },
  CERT_UNTRUSTED: { what: 'its certificate is not trusted', check: CHECK_CA },
  CERT_SIGNATURE_FAILURE: { what: "its certificate's signature does not verify", check: CHECK_CA },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    what: 'its certificate is not valid for the host name in the server address',
    check: "check the server address of the context's cluster in the kubeconfig (and tls-server-name, if set): the certificate must name that host",
  },
  CERT_HAS_EXPIRED: {
    what: 'its certificate has expired',
    check: "the cluster's certificates need renewing (kubeadm: kubeadm certs renew), or this machine's clock is wrong; check both",
  },
  CERT_NOT_YET_VALID: { what: 'its certificate is not valid yet', check: "this machine's clock (or the API server's) is wrong; check both" },
};

/** The TLS problem behind a connection failure, followed through `cause`; undefined when it is no TLS problem. */
export function tlsProblemOf(error: unknown): TlsProblem | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code !== undefined && TLS_PROBLEMS[code]) return TLS_PROBLEMS[code];
  }
  return undefined;
}

/** node-fetch and ws wrap the socket error; the useful part is the system error ("connect ECONNREFUSED 127.0.0.1:6443"). */
export function networkCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const message = cause.message;
  const marker = 'reason: ';
  const at = message.indexOf(marker);
  return at >= 0 ? message.slice(at + marker.length) : message;
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Identifies the container an exec ran in; part of every exec error message. */
export interface ExecTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

export function describeExecTarget(target: ExecTarget): string {
  return `pod ${target.namespace}/${target.pod} (container ${target.container})`;
}

/** Base of the errors that happen after an exec was accepted by the API server. */
export abstract class ExecError extends PreconditionError {
  readonly target: ExecTarget;
  constructor(target: ExecTarget, message: string, options: CliErrorOptions = {}) {
    super(message, options);
    this.target = target;
  }
}

/**
 * The container runtime could not start the command, usually because the binary is not in the image. src/reach
 * uses this to fall back (curl → wget, or another pod).
 */
export class ExecCommandNotFoundError extends ExecError {
  readonly command: string;
  constructor(target: ExecTarget, command: string, runtimeMessage: string) {
    super(target, `cannot run ${command} in ${describeExecTarget(target)}: ${runtimeMessage}`);
    this.command = command;
  }
}

/**
 * Closing a command's stdin needs exec protocol v5 (the API server's stream translator, Kubernetes 1.30+ with
 * TranslateStreamCloseWebsocketRequests on); offered v5 alone, this API server refused the handshake. Nothing ran.
 */
export class ExecStdinCloseUnsupportedError extends ExecError {
  constructor(target: ExecTarget) {
    super(target, `the API server cannot close the stdin of a command in ${describeExecTarget(target)}: it does not speak exec protocol v5.channel.k8s.io (Kubernetes 1.29 or older)`);
  }
}

/** The command could not run for another reason the runtime reported (InternalError or another Status failure). */
export class ExecFailedError extends ExecError {
  constructor(target: ExecTarget, message: string, options: CliErrorOptions = {}) {
    super(target, `exec in ${describeExecTarget(target)} failed: ${message}`, options);
  }
}

/** The stream closed without an exit status: the command may or may not have run to the end. */
export class ExecConnectionLostError extends ExecError {
  readonly closeCode: number;
  constructor(target: ExecTarget, closeCode: number, detail?: string) {
    super(
      target,
      `lost the connection to ${describeExecTarget(target)} before the command finished (WebSocket closed with code ${closeCode}${detail ? `: ${detail}` : ''})`,
    );
    this.closeCode = closeCode;
  }
}

/** The client-side deadline passed; the WebSocket was terminated (the remote command may still be running). */
export class ExecTimeoutError extends ExecError {
  readonly timeoutMs: number;
  constructor(target: ExecTarget, timeoutMs: number) {
    super(target, `the command in ${describeExecTarget(target)} did not finish within ${formatMs(timeoutMs)}`);
    this.timeoutMs = timeoutMs;
  }
}
