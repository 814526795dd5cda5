import { describe, expect, it } from 'vitest';
import { PreconditionError } from '../errors.js';
import { KubeApiError, kubeApiErrorFromResponse, kubeUnreachableError, networkCause, parseStatus } from './kube-errors.js';

const SERVER = 'https://10.0.0.1:6443';

describe('parseStatus', () => {
  it('reads a REST Status and an exec status frame', () => {
    expect(parseStatus('{"kind":"Status","status":"Failure","message":"m","reason":"Forbidden","code":403}')).toEqual({
      status: 'Failure',
      message: 'm',
      reason: 'Forbidden',
      code: 403,
      causes: [],
    });
    expect(parseStatus({ metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '7' }] } })).toMatchObject({
      causes: [{ reason: 'ExitCode', message: '7' }],
    });
  });

  it.each([['<html>502 Bad Gateway</html>'], [''], ['[1,2]'], ['{"items":[]}'], [null]])('is undefined for %j', (body) => {
    expect(parseStatus(body)).toBeUndefined();
  });
});

describe('kubeApiErrorFromResponse', () => {
  it('403: the Status message as is, with a hint', () => {
    const error = kubeApiErrorFromResponse(403, JSON.stringify({ status: 'Failure', message: 'secrets is forbidden: User "u" cannot list', reason: 'Forbidden', code: 403 }), 'GET /x', SERVER);
    expect(error).toBeInstanceOf(PreconditionError);
    expect(error).toMatchObject({ message: 'secrets is forbidden: User "u" cannot list', httpStatus: 403, reason: 'Forbidden', exitCode: 3 });
    expect(error.hint).toContain('RBAC');
  });

  it('401 without a body still names the server', () => {
    const error = kubeApiErrorFromResponse(401, '', 'GET /api/v1/namespaces/x/pods', SERVER);
    expect(error.message).toBe(`the API server at ${SERVER} rejected the credentials (401 Unauthorized) on GET /api/v1/namespaces/x/pods`);
  });

  it('other codes: what was attempted and the Status message', () => {
    const error = kubeApiErrorFromResponse(400, '{"status":"Failure","message":"container nope is not valid for pod p","reason":"BadRequest"}', 'exec in pod ns/p (container nope)', SERVER);
    expect(error.message).toBe('exec in pod ns/p (container nope): container nope is not valid for pod p');
  });

  it('a non-Status body is shown shortened, never as raw client text', () => {
    const error = kubeApiErrorFromResponse(502, `<html>${'x'.repeat(500)}</html>`, 'GET /x', SERVER);
    expect(error.message).toMatch(/^GET \/x: the API server answered HTTP 502: <html>x+…$/);
    expect(error.message.length).toBeLessThan(260);
  });
});

describe('unreachable', () => {
  it('keeps the system error of node-fetch and ws errors', () => {
    const fetchError = new Error('request to https://10.0.0.1:6443/api/v1/pods failed, reason: connect ECONNREFUSED 10.0.0.1:6443');
    expect(networkCause(fetchError)).toBe('connect ECONNREFUSED 10.0.0.1:6443');
    expect(networkCause(new Error('getaddrinfo ENOTFOUND api.example'))).toBe('getaddrinfo ENOTFOUND api.example');
    const error = kubeUnreachableError(SERVER, fetchError);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error.message).toBe(`cannot reach the API server at ${SERVER}: connect ECONNREFUSED 10.0.0.1:6443`);
    expect(error.httpStatus).toBeUndefined();
  });
});

describe('unreachable because of TLS', () => {
  /** A node-fetch FetchError as client-node raises it: the socket error's code copied onto the wrapper. */
  const fetchError = (code: string, reason: string): Error =>
    Object.assign(new Error(`request to ${SERVER}/api/v1/namespaces/camunda/pods failed, reason: ${reason}`), { code, errno: code });

  it.each([
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate', /self-signed certificate that the kubeconfig does not trust/, /certificate-authority/],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain', /self-signed CA/, /certificate-authority/],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate', /not signed by a certificate authority the kubeconfig trusts/, /certificate-authority/],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'unable to get local issuer certificate', /not signed by a certificate authority the kubeconfig trusts/, /certificate-authority/],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      "Hostname/IP does not match certificate's altnames: Host: api.example. is not in the cert's altnames: DNS:kube-apiserver",
      /not valid for the host name/,
      /server address/,
    ],
    ['CERT_HAS_EXPIRED', 'certificate has expired', /has expired/, /renewing.*clock/],
    ['CERT_NOT_YET_VALID', 'certificate is not yet valid', /not valid yet/, /clock/],
  ])('%s: a TLS problem, said as one, with what to check and no skip-verify offered', (code, reason, what, check) => {
    const error = kubeUnreachableError(SERVER, fetchError(code, reason));
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error.message).toMatch(new RegExp(`^TLS: cannot trust the API server at ${SERVER.replace(/\./g, '\\.')}: `));
    expect(error.message).toMatch(what);
    expect(error.message).toContain(reason);
    expect(error.hint).toMatch(check);
    expect(error.hint).toMatch(/Do not switch verification off/);
  });

  it('finds the code on a wrapped cause (ws handshake errors) and leaves other failures alone', () => {
    const wrapped = new Error('handshake failed', { cause: Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }) });
    expect(kubeUnreachableError(SERVER, wrapped).message).toMatch(/^TLS: /);
    expect(kubeUnreachableError(SERVER, fetchError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:6443')).message).toMatch(/^cannot reach the API server/);
  });
});
