/**
 * Throw-away PKI for the fake API server: one CA and one server certificate for 127.0.0.1/localhost/::1, so clients
 * verify TLS exactly as against a real cluster (certificate-authority-data in the kubeconfig, no skip-verify).
 */
import { generate } from 'selfsigned';

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

let cached: Promise<TlsMaterial> | undefined;

async function createTlsMaterial(): Promise<TlsMaterial> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 7 * 24 * 3600_000);
  const ca = await generate([{ name: 'commonName', value: 'fake-kubernetes-ca' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'kube-apiserver' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 2, value: 'kubernetes.default.svc' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { caPem: ca.cert, certPem: server.cert, keyPem: server.private };
}

/** Generated once per process on first use: key generation is the slow part of starting a server. */
export function tlsMaterial(): Promise<TlsMaterial> {
  cached ??= createTlsMaterial().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
