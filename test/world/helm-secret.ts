/**
 * Helm 3/4 release storage (secret driver), byte-compatible with what `helm install` writes:
 * Secret `sh.helm.release.v1.<release>.v<revision>`, type `helm.sh/release.v1`, labels owner/name/status/version,
 * `data.release` = base64( base64( gzip( goJson(release) ) ) ) — the outer layer is the Secret's own data encoding.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

export type HelmStatus =
  | 'unknown'
  | 'deployed'
  | 'uninstalled'
  | 'superseded'
  | 'failed'
  | 'uninstalling'
  | 'pending-install'
  | 'pending-upgrade'
  | 'pending-rollback';

/** Go's encoding/json escapes these so the output is safe inside HTML; Helm's bytes carry the escapes. */
export function goJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Go marshals maps with sorted keys; user-supplied values (`config`) are maps all the way down. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, sortKeysDeep(record[key])]),
    );
  }
  return value;
}

/** Helm's storage string (one base64 layer): what the ConfigMap driver stores and what the Secret data decodes to. */
export function encodeHelmRelease(release: unknown): string {
  return gzipSync(Buffer.from(goJson(release), 'utf8'), { level: 9 }).toString('base64');
}

/** Inverse of the two layers a Kubernetes client sees; skips gunzip for (very old) uncompressed records like Helm does. */
export function decodeHelmReleaseData(secretDataRelease: string): unknown {
  const helmLayer = Buffer.from(Buffer.from(secretDataRelease, 'base64').toString('utf8'), 'base64');
  const isGzip = helmLayer[0] === 0x1f && helmLayer[1] === 0x8b && helmLayer[2] === 0x08;
  return JSON.parse((isGzip ? gunzipSync(helmLayer) : helmLayer).toString('utf8'));
}

export interface HelmSecretOptions {
  readonly release: string;
  readonly namespace: string;
  readonly revision: number;
  readonly status: HelmStatus;
  /** Unix seconds; Helm keeps `modifiedAt` on records it updated. */
  readonly modifiedAt?: number | undefined;
  readonly creationTimestamp?: string | undefined;
}

/** The release Secret as the API server returns it (JSON, `data` base64). */
export function encodeHelmReleaseSecret(release: unknown, options: HelmSecretOptions): Record<string, unknown> {
  const name = `sh.helm.release.v1.${options.release}.v${options.revision}`;
  const labels: Record<string, string> = {
    ...(options.modifiedAt !== undefined ? { modifiedAt: String(options.modifiedAt) } : {}),
    name: options.release,
    owner: 'helm',
    status: options.status,
    version: String(options.revision),
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: options.namespace,
      labels,
      ...(options.creationTimestamp ? { creationTimestamp: options.creationTimestamp } : {}),
    },
    type: 'helm.sh/release.v1',
    data: { release: Buffer.from(encodeHelmRelease(release), 'utf8').toString('base64') },
  };
}
