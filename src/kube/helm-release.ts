/**
 * Reading Helm 3/4 release records (secret driver) without Helm: choosing the live revision of each release from
 * the Secrets' labels, and decoding the one record we need (helm-layout.md §6). Pure: no I/O.
 */
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import type { Secret } from './kube-client.js';

export const HELM_RELEASE_SECRET_TYPE = 'helm.sh/release.v1';
/** What Helm itself lists releases with (`helm list`). */
export const HELM_OWNER_SELECTOR = 'owner=helm';

/** One Helm release as its Secrets' labels describe it, before anything is decoded. */
export interface HelmReleaseRef {
  readonly name: string;
  readonly namespace: string;
  /** Highest revision whose status is `deployed`, undefined when no revision is deployed. */
  readonly deployed?: { readonly revision: number; readonly secret: Secret } | undefined;
  /** The newest revision of any status, e.g. a `pending-upgrade` or `failed` one above the deployed revision. */
  readonly latest: { readonly revision: number; readonly status: string };
}

/**
 * Groups release Secrets by namespace and label `name` (Helm's own key), highest `version` first.
 * `createdAt`/`modifiedAt` are not used: Helm rewrites and copies them between revisions.
 */
export function helmReleasesFromSecrets(secrets: readonly Secret[]): HelmReleaseRef[] {
  const groups = new Map<string, { name: string; namespace: string; revisions: { revision: number; status: string; secret: Secret }[] }>();
  for (const secret of secrets) {
    if (secret.type !== HELM_RELEASE_SECRET_TYPE || secret.labels['owner'] !== 'helm') continue;
    const name = secret.labels['name'];
    const revision = Number(secret.labels['version']);
    if (!name || !Number.isInteger(revision) || revision <= 0) continue;
    const key = `${secret.namespace}/${name}`;
    const group = groups.get(key) ?? { name, namespace: secret.namespace, revisions: [] };
    group.revisions.push({ revision, status: secret.labels['status'] ?? 'unknown', secret });
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((group) => {
      const sorted = group.revisions.sort((a, b) => b.revision - a.revision);
      const deployed = sorted.find((r) => r.status === 'deployed');
      const newest = sorted[0];
      return {
        name: group.name,
        namespace: group.namespace,
        deployed: deployed ? { revision: deployed.revision, secret: deployed.secret } : undefined,
        latest: { revision: newest?.revision ?? 0, status: newest?.status ?? 'unknown' },
      };
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

const jsonObject = z.record(z.string(), z.unknown());

/** The parts of Helm's release JSON discovery reads; everything else is kept but not checked. */
const helmReleaseSchema = z.looseObject({
  name: z.string(),
  namespace: z.string(),
  version: z.number().int(),
  info: z.looseObject({ status: z.string(), description: z.string().optional() }),
  chart: z.looseObject({
    metadata: z.looseObject({ name: z.string(), version: z.string(), appVersion: z.string().optional() }),
    /** Chart defaults (values.yaml). */
    values: jsonObject.nullish(),
  }),
  /** User-supplied values only; Helm omits it when empty. */
  config: jsonObject.nullish(),
  manifest: z.string().optional(),
});
export type HelmRelease = z.infer<typeof helmReleaseSchema>;

export class HelmReleaseDecodeError extends Error {}

/**
 * `data.release` as the API returns it → release JSON. Two base64 layers (the Secret's and Helm's), then gzip,
 * which Helm itself skips when the bytes lack the gzip magic (very old, uncompressed records).
 */
export function decodeHelmReleaseData(secretDataRelease: string): unknown {
  const helmLayer = Buffer.from(Buffer.from(secretDataRelease, 'base64').toString('utf8'), 'base64');
  const isGzip = helmLayer.length >= 3 && helmLayer[0] === 0x1f && helmLayer[1] === 0x8b && helmLayer[2] === 0x08;
  return JSON.parse((isGzip ? gunzipSync(helmLayer) : helmLayer).toString('utf8')) as unknown;
}

/** Decodes and validates one release Secret. Throws HelmReleaseDecodeError naming the Secret. */
export function decodeHelmReleaseSecret(secret: Secret): HelmRelease {
  const data = secret.data['release'];
  if (!data) throw new HelmReleaseDecodeError(`Helm release Secret ${secret.namespace}/${secret.name} has no data.release`);
  let json: unknown;
  try {
    json = decodeHelmReleaseData(data);
  } catch (error) {
    throw new HelmReleaseDecodeError(`Helm release Secret ${secret.namespace}/${secret.name} could not be decoded (base64 → base64 → gzip → JSON)`, { cause: error });
  }
  const parsed = helmReleaseSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HelmReleaseDecodeError(
      `Helm release Secret ${secret.namespace}/${secret.name} is not a Helm release record (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})`,
    );
  }
  return parsed.data;
}
