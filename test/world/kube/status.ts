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

/** Core group resources only, which is all the tool reads; the group is "" and so omitted from details. */
export function notFound(resource: string, name: string): ApiStatus {
  return failure(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource });
}

/** What the API server answers for a path no handler serves (reason NotFound, empty details). */
export const pathNotFound = (): ApiStatus => failure(404, 'NotFound', 'the server could not find the requested resource', {});

export const badRequest = (message: string): ApiStatus => failure(400, 'BadRequest', message);

export const methodNotAllowed = (): ApiStatus =>
  failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

export interface ForbiddenRequest {
  user: string;
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
  const subject = request.name ? `${request.resource} "${request.name}"` : request.resource;
  const message = `${subject} is forbidden: User "${request.user}" cannot ${request.verb} resource "${resourcePath}" in API group "" ${scope}`;
  return failure(403, 'Forbidden', message, request.name ? { name: request.name, kind: request.resource } : { kind: request.resource });
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
