/**
 * Status bodies exactly as Kubernetes serialises them (Go field order: kind, apiVersion, metadata, status, message,
 * reason, details, code). REST errors carry kind/apiVersion; exec status frames on channel 3 do not, because the
 * kubelet and the API server's stream translator json.Marshal a bare metav1.Status.
 */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

export interface ApiStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export function failure(code: number, reason: string, message: string, details?: StatusDetails): ApiStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

export const unauthorized = (): ApiStatus => failure(401, 'Unauthorized', 'Unauthorized');

/** `pods "x" not found`; other groups qualify the resource (`statefulsets.apps "x" not found`) and name the group. */
export function notFound(resource: string, name: string, group = ''): ApiStatus {
  const qualified = group ? `${resource}.${group}` : resource;
  return failure(404, 'NotFound', `${qualified} "${name}" not found`, { name, ...(group ? { group } : {}), kind: resource });
}

/** What the API server answers for a path no handler serves (reason NotFound, empty details). */
export const pathNotFound = (): ApiStatus => failure(404, 'NotFound', 'the server could not find the requested resource', {});

export const badRequest = (message: string): ApiStatus => failure(400, 'BadRequest', message);

export const methodNotAllowed = (): ApiStatus =>
  failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

export interface ForbiddenRequest {
  user: string;
  /** API group; "" (core) when absent. */
  group?: string;
  verb: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/**
 * RBAC denial, worded like k8s.io/apiserver's forbidden() + authorizer reason:
 * `pods "x" is forbidden: User "u" cannot get resource "pods/exec" in API group "" in the namespace "ns"`.
 */
export function forbidden(request: ForbiddenRequest): ApiStatus {
  const resourcePath = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  const scope = request.namespace ? `in the namespace "${request.namespace}"` : 'at the cluster scope';
  const group = request.group ?? '';
  const qualified = group ? `${request.resource}.${group}` : request.resource;
  const subject = request.name ? `${qualified} "${request.name}"` : qualified;
  const message = `${subject} is forbidden: User "${request.user}" cannot ${request.verb} resource "${resourcePath}" in API group "${group}" ${scope}`;
  const details = { ...(request.name ? { name: request.name } : {}), ...(group ? { group } : {}), kind: request.resource };
  return failure(403, 'Forbidden', message, details);
}

/** Channel-3 exec status (no kind/apiVersion). */
export type ExecStatus =
  | { metadata: Record<string, never>; status: 'Success' }
  | {
      metadata: Record<string, never>;
      status: 'Failure';
      message: string;
      reason: string;
      details?: StatusDetails;
      code?: number;
    };

export const execSuccess = (): ExecStatus => ({ metadata: {}, status: 'Success' });

/** containerd's exit error text ("error executing command [argv], exit code N") wrapped by the kubelet. */
export function execNonZeroExit(argv: readonly string[], exitCode: number): ExecStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** apierrors.NewInternalError(err) as the kubelet writes it when the command cannot start. */
export function execInternalError(cause: string): ExecStatus {
  const inner = `error executing command in container: ${cause}`;
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${inner}`,
    reason: 'InternalError',
    details: { causes: [{ message: inner }] },
    code: 500,
  };
}

/** runc's wording when argv[0] is not in the image, as containerd reports it (a path is stat'ed, a name looked up in $PATH). */
export function executableNotFound(command: string, execId: string): string {
  const reason = command.includes('/') ? `stat ${command}: no such file or directory` : 'executable file not found in $PATH';
  return `failed to exec in container: failed to start exec "${execId}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${command}": ${reason}: unknown`;
}

/** Optimistic concurrency: a write carrying an outdated metadata.resourceVersion. */
export function conflict(resource: string, name: string, group = ''): ApiStatus {
  const qualified = group ? `${resource}.${group}` : resource;
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified} "${name}": the object has been modified; please apply your changes to the latest version and try again`, {
    name,
    ...(group ? { group } : {}),
    kind: resource,
  });
}

/** Validation failure (422), e.g. `StatefulSet.apps "x" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`. */
export function invalid(kind: string, group: string, name: string, causes: Array<{ field: string; message: string; reason?: string }>): ApiStatus {
  const qualified = group ? `${kind}.${group}` : kind;
  const text = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  return failure(422, 'Invalid', `${qualified} "${name}" is invalid: ${text}`, {
    name,
    ...(group ? { group } : {}),
    kind,
    causes: causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field })),
  });
}

export const unsupportedMediaType = (contentType: string, accepted: readonly string[]): ApiStatus =>
  failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`, {
    causes: [{ reason: 'UnexpectedServerResponse', message: contentType }],
  });
