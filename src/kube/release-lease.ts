/**
 * One changing run per release: a coordination.k8s.io/v1 Lease `camunda-backup-<release>` in the release's
 * namespace, held for the run, renewed while it runs and deleted at its end. A second run finds it held and stops;
 * a Lease whose holder stopped renewing (killed, lost its network) expires after its duration and is taken over.
 * Why not the exporter state alone: a run that has not paused yet, or a delete, shows nothing there, and a second
 * run's resume would end the first run's pause window.
 */
import { hostname, userInfo } from 'node:os';
import { PreconditionError } from '../errors.js';
import type { KubeClient, Lease, LeaseApi, LeaseSpec } from './kube-client.js';
import { KubeApiError } from './kube-errors.js';

/** Long enough to ride out a slow API server; a killed run blocks the next one for at most this long. */
export const LEASE_DURATION_SECONDS = 60;

export function leaseNameFor(release: string): string {
  return `camunda-backup-${release}`.slice(0, 253);
}

/** "alice@build-7 pid 4242 (create)": who to ask, and which process to look for, when the lock is held. */
export function holderIdentity(command: string): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (a container running as an arbitrary UID)
  }
  return `${user}@${hostname()} pid ${process.pid} (${command})`;
}

export interface ReleaseLockRequest {
  readonly namespace: string;
  readonly release: string;
  /** Holder identity written into the Lease. */
  readonly holder: string;
  readonly durationSeconds?: number | undefined;
  readonly now: () => number;
  /** Told when renewing fails or another run took the Lease over; the run goes on (it cannot undo a pause by stopping). */
  readonly onWarning: (message: string) => void;
  /** How a person would delete a stale Lease, with the flags that reach the same cluster. */
  readonly deleteCommand: string;
  /** Written on the Lease for readers (create names its backup ID, so status can tell its run is alive). */
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

export interface HeldReleaseLock {
  readonly kind: 'held';
  readonly name: string;
  /** True when an expired Lease of an earlier run was taken over (that run died without releasing it). */
  readonly tookOver: boolean;
  readonly previousHolder?: string | undefined;
  /** Stops renewing and deletes the Lease if it is still ours. Never throws; safe to call twice. */
  release(): Promise<void>;
}

export interface UnavailableReleaseLock {
  readonly kind: 'forbidden';
  /** The API server's words (RBAC). */
  readonly message: string;
}

export type ReleaseLock = HeldReleaseLock | UnavailableReleaseLock;

/** Another changing run holds the release (exit 3). */
export class ReleaseLockedError extends PreconditionError {}

const expiresAt = (lease: Lease): number => (lease.renewTime ?? lease.acquireTime ?? 0) + (lease.leaseDurationSeconds ?? 0) * 1000;
const isFree = (lease: Lease, now: number): boolean => !lease.holderIdentity || expiresAt(lease) <= now;

/** The Lease if a run holds it now (held and renewed in time), else undefined: its holder stopped or let it go. */
export function heldLease(lease: Lease | undefined, now: number): Lease | undefined {
  return lease && !isFree(lease, now) ? lease : undefined;
}
const isConflict = (error: unknown): boolean => error instanceof KubeApiError && error.httpStatus === 409;
const isForbidden = (error: unknown): error is KubeApiError => error instanceof KubeApiError && error.httpStatus === 403;
const iso = (ms: number | undefined): string => (ms === undefined ? 'an unknown time' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

function lockedError(lease: Lease, request: ReleaseLockRequest): ReleaseLockedError {
  const now = request.now();
  const renewed = lease.renewTime === undefined ? '' : `, renewed ${Math.max(0, Math.round((now - lease.renewTime) / 1000))}s ago`;
  return new ReleaseLockedError(
    `release ${request.release} is busy: another run holds Lease ${lease.namespace}/${lease.name}: ${lease.holderIdentity ?? 'unknown'}, since ${iso(lease.acquireTime)}${renewed}`,
    {
      hint:
        `wait until that run ends and try again (two runs at once would end each other's pause window); ` +
        `if that process is gone, the Lease expires at ${iso(expiresAt(lease))}, or delete it: ${request.deleteCommand}`,
    },
  );
}

/**
 * Takes the release's Lease or throws ReleaseLockedError naming its holder. A 403 anywhere is not an error: the
 * caller says so and relies on its other checks.
 */
export async function acquireReleaseLock(kube: Pick<KubeClient, 'leases'>, request: ReleaseLockRequest): Promise<ReleaseLock> {
  try {
    return await acquire(kube.leases, request);
  } catch (error) {
    if (isForbidden(error)) return { kind: 'forbidden', message: error.message };
    throw error;
  }
}

async function acquire(api: LeaseApi, request: ReleaseLockRequest): Promise<HeldReleaseLock> {
  const name = leaseNameFor(request.release);
  const durationSeconds = request.durationSeconds ?? LEASE_DURATION_SECONDS;
  // Each lost race (409) means another client wrote in between: read again and judge what it wrote.
  for (let attempt = 0; ; attempt++) {
    const current = await api.read(request.namespace, name);
    const now = request.now();
    if (current && !isFree(current, now)) throw lockedError(current, request);
    const spec: LeaseSpec = {
      holderIdentity: request.holder,
      leaseDurationSeconds: durationSeconds,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: current ? (current.leaseTransitions ?? 0) + 1 : 0,
      ...(request.annotations ? { annotations: request.annotations } : {}),
    };
    try {
      const lease = current ? await api.replace(current, spec) : await api.create(request.namespace, name, spec);
      return holdLease(api, lease, spec, request, current);
    } catch (error) {
      if (!isConflict(error) || attempt >= 4) throw error;
    }
  }
}

function holdLease(api: LeaseApi, acquired: Lease, spec: LeaseSpec, request: ReleaseLockRequest, previous: Lease | undefined): HeldReleaseLock {
  let lease: Lease | undefined = acquired;
  let renewing: Promise<void> = Promise.resolve();
  let warnedRenew = false;
  const durationMs = spec.leaseDurationSeconds * 1000;

  const renew = async (): Promise<void> => {
    const mine = lease;
    if (!mine) return;
    try {
      lease = await api.replace(mine, { ...spec, renewTime: request.now() });
      warnedRenew = false;
    } catch (error) {
      if (isConflict(error)) {
        const now = await api.read(mine.namespace, mine.name).catch(() => undefined);
        if (now?.holderIdentity === request.holder) {
          lease = now;
          return;
        }
        lease = undefined;
        clearInterval(timer);
        request.onWarning(
          `lost the lock on release ${request.release}: Lease ${mine.namespace}/${mine.name} is now held by ${now?.holderIdentity ?? 'nobody (deleted)'}; another changing run may overlap this one`,
        );
        return;
      }
      if (!warnedRenew) {
        warnedRenew = true;
        request.onWarning(`could not renew Lease ${mine.namespace}/${mine.name} (${error instanceof Error ? error.message : String(error)}); retrying`);
      }
    }
  };
  const timer = setInterval(() => {
    renewing = renewing.then(renew);
  }, Math.max(1000, Math.floor(durationMs / 3)));
  timer.unref();

  let released: Promise<void> | undefined;
  return {
    kind: 'held',
    name: acquired.name,
    tookOver: previous !== undefined && previous.holderIdentity !== undefined,
    previousHolder: previous?.holderIdentity,
    release: () =>
      (released ??= (async () => {
        clearInterval(timer);
        await renewing;
        const mine = lease;
        lease = undefined;
        if (!mine) return;
        try {
          await api.delete(mine);
        } catch (error) {
          if (error instanceof KubeApiError && error.httpStatus === 404) return;
          // Changed since our last write: delete only if it is still ours.
          const now = await api.read(mine.namespace, mine.name).catch(() => undefined);
          if (now?.holderIdentity === request.holder) {
            const retried = await api.delete(now).then(
              () => true,
              () => false,
            );
            if (retried) return;
          } else if (isConflict(error)) {
            return;
          }
          request.onWarning(
            `could not release Lease ${mine.namespace}/${mine.name} (${error instanceof Error ? error.message : String(error)}); it expires by itself ${spec.leaseDurationSeconds}s after its last renewal`,
          );
        }
      })()),
  };
}
