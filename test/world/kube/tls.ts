/**
 * Throw-away PKI for the simulated cluster: a CA and a server certificate it signed, so clients verify TLS exactly
 * as against a real one (certificate-authority-data in the kubeconfig, a CA file for Elasticsearch; no skip-verify).
 */
import { generate } from 'selfsigned';

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

type AltName = { type: 2; value: string } | { type: 7; ip: string };

export interface CertificateRequest {
  /** Common name of the CA. */
  readonly ca: string;
  /** Common name of the server certificate. */
  readonly server: string;
  /** DNS names (type 2) and IP addresses (type 7) the server answers on. */
  readonly altNames: readonly AltName[];
}

/** A new CA and a server certificate it signed, valid from a minute ago for a week. */
export async function issueServerCertificate(request: CertificateRequest): Promise<TlsMaterial> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 7 * 24 * 3600_000);
  const ca = await generate([{ name: 'commonName', value: request.ca }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: request.server }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...request.altNames] },
    ],
  });
  return { caPem: ca.cert, certPem: server.cert, keyPem: server.private };
}

let cached: Promise<TlsMaterial> | undefined;

/** The fake API server's: one per process, made on first use (key generation is the slow part of starting a server). */
export function tlsMaterial(): Promise<TlsMaterial> {
  cached ??= issueServerCertificate({
    ca: 'fake-kubernetes-ca',
    server: 'kube-apiserver',
    altNames: [
      { type: 2, value: 'localhost' },
      { type: 2, value: 'kubernetes.default.svc' },
      { type: 7, ip: '127.0.0.1' },
      { type: 7, ip: '::1' },
    ],
  }).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
