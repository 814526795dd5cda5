/**
 * The last checks of a restore, once everything runs again (camunda-restore.md §8.2, §12 steps 8–9): Zeebe
 * exporting is not left paused (a restored broker may come up paused; it is resumed then), and the restored backup
 * is listed by every component again. Both read the installation anew: the applications' pods have new names.
 */
import type { Installation } from '../../camunda/installation.js';
import type { KubeClient } from '../../kube/kube-client.js';
import type { Reporter } from '../../events.js';
import type { Connector } from '../../reach/component-http.js';
import { openPool } from '../connections.js';
import { findBrokers, pausedPartitions, readExporterStates, resumeWithRetries } from '../exporting.js';
import { layoutOf, partOf } from '../layout.js';
import { describeFailure, partClient } from '../part-clients.js';

export interface VerifyDeps {
  readonly kube: KubeClient;
  readonly connect: Connector;
  readonly emit: Reporter;
  /** Discovery again (read-only), now that the applications run. */
  readonly rediscover: (signal: AbortSignal) => Promise<Installation>;
}

export async function verifyExportingAfterRestore(deps: VerifyDeps, signal: AbortSignal): Promise<string> {
  const installation = await deps.rediscover(signal);
  const pool = openPool({ connect: deps.connect, emit: deps.emit, signal });
  try {
    const read = async () => readExporterStates(await findBrokers(deps.kube, installation), pool);
    const states = await read();
    const readable = states.filter((s) => s.ok);
    if (readable.length === 0) return `exporter state not readable (${states.map((s) => (s.ok ? '' : `${s.broker}: ${s.message}`)).join('; ')}); not judged`;
    const paused = pausedPartitions(states);
    if (paused.length === 0) return `exporting on ${readable.length} broker(s)`;
    const zeebe = partOf(layoutOf(installation), 'zeebe');
    if (!zeebe?.target) throw new Error(`exporting is paused (${paused.map((p) => `${p.broker} partition ${p.partitionId} ${p.exporterPhase}`).join(', ')}) and no Zeebe endpoint was found to resume it`);
    await resumeWithRetries(await pool.api(zeebe), installation.procedure.exportingResumePath, [250, 1_000, 3_000], (message) => deps.emit({ kind: 'warning', message: `resume: ${message}` }), signal);
    const still = pausedPartitions(await read());
    if (still.length > 0) throw new Error(`exporting still paused after the resume: ${still.map((p) => `${p.broker} partition ${p.partitionId} ${p.exporterPhase}`).join(', ')}`);
    return `exporting was paused on ${paused.length} partition(s) after the restore: resumed`;
  } finally {
    await pool.close();
  }
}

/** Every part that belongs to the backup lists the ID as completed (the restored snapshots live in the same repository). */
export async function verifyBackupListed(deps: VerifyDeps, backupId: number, signal: AbortSignal): Promise<string> {
  const installation = await deps.rediscover(signal);
  const layout = layoutOf(installation);
  const pool = openPool({ connect: deps.connect, emit: deps.emit, signal });
  try {
    const problems: string[] = [];
    const listed: string[] = [];
    await Promise.all(
      layout.present.map(async (endpoint) => {
        try {
          const observation = (await (await partClient(pool, endpoint)).list()).get(backupId);
          if (observation?.state === 'COMPLETED') listed.push(endpoint.part);
          else problems.push(`${endpoint.part}: ${observation ? observation.state : 'not listed'}`);
        } catch (error) {
          problems.push(`${endpoint.part}: ${describeFailure(error)}`);
        }
      }),
    );
    if (problems.length > 0) throw new Error(`backup ${backupId} is not listed as completed by every component: ${problems.sort().join('; ')}`);
    return `listed as completed by ${listed.sort().join(', ')}`;
  } finally {
    await pool.close();
  }
}
