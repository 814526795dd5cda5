/**
 * Whether this machine can run the container tier. In CI (CI=true) a missing Docker engine is a failure, not a
 * skip: .ci/run starts dockerd, so a tier that silently skipped there would hide a broken CI. Elsewhere the tier
 * is skipped with a message saying why.
 */
import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';

export type DockerStatus = { available: true; version: string } | { available: false; reason: string };

export function dockerStatus(): DockerStatus {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 20_000 });
  if (result.error) return { available: false, reason: `docker CLI: ${result.error.message}` };
  const version = result.stdout.trim();
  if (result.status !== 0 || version === '') {
    const detail = (result.stderr || result.stdout).trim().split('\n').filter(Boolean).pop() ?? `exit ${String(result.status)}`;
    return { available: false, reason: detail.replace(/[.\s]+$/, '') };
  }
  return { available: true, version };
}

export function inCi(): boolean {
  return ['true', '1'].includes((process.env['CI'] ?? '').toLowerCase());
}

/** describe() that runs with Docker, fails loudly in CI without it, and skips with the reason elsewhere. */
export function describeWithDocker(name: string, body: () => void): void {
  const status = dockerStatus();
  if (status.available) {
    describe(name, body);
    return;
  }
  if (inCi()) {
    describe(name, () => {
      it('has a Docker engine (CI=true requires the container tier)', () => {
        throw new Error(`Docker is not available (${status.reason}); .ci/run installs docker.io and starts dockerd, see /tmp/dockerd.log`);
      });
    });
    return;
  }
  const why = `Docker is not available (${status.reason}); start dockerd (or set DOCKER_HOST) to run the container tier`;
  console.warn(`container tier skipped: ${why}`);
  describe.skip(`${name} — skipped: ${why}`, body);
}
