/**
 * Schemas for every response body we read from Camunda and Elasticsearch/OpenSearch (camunda-backup-api.md §3, §7,
 * §13). Lenient where the components disagree with their own docs (§12), strict on the fields we act on.
 */
import { z } from 'zod';

/** Bodies are quoted in errors, but never whole: a stack trace in a body can be kilobytes. */
export function quoteBody(body: string, max = 200): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** A body that does not match its schema: names what was expected and quotes what came. */
export class UnexpectedResponseError extends Error {
  constructor(what: string, body: string, issues?: string) {
    super(`unexpected response for ${what}${issues ? ` (${issues})` : ''}: ${quoteBody(body) || '<empty body>'}`);
    this.name = 'UnexpectedResponseError';
  }
}

export function parseJsonBody<T>(schema: z.ZodType<T>, body: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new UnexpectedResponseError(what, body, 'not JSON');
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
    throw new UnexpectedResponseError(what, body, issue ? `${where}: ${issue.message}` : undefined);
  }
  return result.data;
}

const optionalString = z.string().nullish();

// ---------------------------------------------------------------------------------------------------------------
// Web apps (Operate/Tasklist 8.6/8.7, backupHistory 8.8+) and Optimize share the backup object.

/** Optimize's docs say COMPLETE; everything real says COMPLETED (§12.1). */
const webappState = z.preprocess(
  (value) => (value === 'COMPLETE' ? 'COMPLETED' : value),
  z.enum(['IN_PROGRESS', 'COMPLETED', 'FAILED', 'INCOMPATIBLE', 'INCOMPLETE']),
);
export type WebappBackupState = z.infer<typeof webappState>;

export const WebappBackupSchema = z.object({
  backupId: z.number(),
  state: webappState,
  failureReason: optionalString,
  details: z
    .array(
      z.object({
        snapshotName: z.string(),
        state: z.string().nullish(),
        startTime: optionalString,
        // null instead of [] when there are none (§3.1)
        failures: z.array(z.string()).nullish(),
      }),
    )
    .nullish(),
});
export type WebappBackup = z.infer<typeof WebappBackupSchema>;

export const WebappBackupListSchema = z.array(WebappBackupSchema);

/** POST answer of Operate/Tasklist/backupHistory: the snapshots to keep for restore. */
export const ScheduledSnapshotsSchema = z.object({ scheduledSnapshots: z.array(z.string()) });

/** A field we only report: a value of another shape is dropped, never a reason to fail the accepted call. */
const reportedOnly = <T extends z.ZodType>(schema: T) => schema.nullish().catch(undefined);

/**
 * POST answer of Optimize and Zeebe: a sentence; 8.9 docs add backupId (§12.9). 8.10's backupRuntime answers
 * `{backupId, backupIds, message}` (+ `failureReason` on a partial trigger): backupIds maps each Physical Tenant to
 * the id it took (camunda-8.10.md §2.2).
 */
export const ScheduledMessageSchema = z.object({
  message: optionalString,
  backupId: reportedOnly(z.number()),
  backupIds: reportedOnly(z.record(z.string(), z.number())),
  failureReason: reportedOnly(z.string()),
});

// ---------------------------------------------------------------------------------------------------------------
// Zeebe (backups 8.6/8.7, backupRuntime 8.8+)

const zeebeState = z.enum(['IN_PROGRESS', 'COMPLETED', 'FAILED', 'INCOMPLETE', 'DELETED', 'DOES_NOT_EXIST', 'INCOMPATIBLE']);
export type ZeebeBackupState = z.infer<typeof zeebeState>;

export const ZeebePartitionSchema = z.object({
  partitionId: z.number(),
  state: z.string(),
  failureReason: optionalString,
  createdAt: optionalString,
  lastUpdatedAt: optionalString,
  snapshotId: optionalString,
  checkpointPosition: z.number().nullish(),
  firstLogPosition: z.number().nullish(),
  brokerId: z.number().nullish(),
  brokerVersion: optionalString,
});
export type ZeebePartition = z.infer<typeof ZeebePartitionSchema>;

export const ZeebeBackupSchema = z.object({
  backupId: z.number(),
  state: zeebeState,
  failureReason: optionalString,
  details: z.array(ZeebePartitionSchema).nullish(),
});
export type ZeebeBackup = z.infer<typeof ZeebeBackupSchema>;

export const ZeebeBackupListSchema = z.array(ZeebeBackupSchema);

/** A checkpoint reference in /backupRuntime/state: a plain id in the source, an object in the docs (§12.10). */
const checkpointRef = z.union([
  z.number(),
  z.object({ checkpointId: z.number() }).loose(),
]);

export const RuntimeStateSchema = z
  .object({
    checkpointStates: z
      .array(z.object({ checkpointId: z.number(), partitionId: z.number(), checkpointType: optionalString }).loose())
      .nullish(),
    backupStates: z
      .array(z.object({ checkpointId: z.number(), partitionId: z.number(), checkpointType: optionalString }).loose())
      .nullish(),
    ranges: z
      .array(z.object({ partitionId: z.number(), start: checkpointRef.nullish(), end: checkpointRef.nullish() }).loose())
      .nullish(),
  })
  .loose();
export type RuntimeState = z.infer<typeof RuntimeStateSchema>;

export function checkpointIdOf(ref: z.infer<typeof checkpointRef> | null | undefined): number | undefined {
  if (ref === null || ref === undefined) return undefined;
  return typeof ref === 'number' ? ref : ref.checkpointId;
}

// ---------------------------------------------------------------------------------------------------------------
// Exporting control: always HTTP 200, the outcome is the body's status (§3.5).

export const ExportingResponseSchema = z.object({
  status: z.number(),
  body: z.unknown().optional(),
  contentType: z.unknown().optional(),
});

// ---------------------------------------------------------------------------------------------------------------
// Actuator index (HAL): proves which endpoints the application really exposes.

export const ActuatorIndexSchema = z.object({
  _links: z.record(z.string(), z.unknown()),
});

// ---------------------------------------------------------------------------------------------------------------
// Elasticsearch / OpenSearch snapshots (§7)

const shards = z.object({ total: z.number().nullish(), failed: z.number().nullish(), successful: z.number().nullish() }).loose();

export const SnapshotInfoSchema = z
  .object({
    snapshot: z.string(),
    uuid: optionalString,
    state: optionalString,
    indices: z.array(z.string()).nullish(),
    start_time: optionalString,
    end_time: optionalString,
    duration_in_millis: z.number().nullish(),
    failures: z.array(z.unknown()).nullish(),
    shards: shards.nullish(),
  })
  .loose();
export type SnapshotInfo = z.infer<typeof SnapshotInfoSchema>;

/** PUT answer: with wait_for_completion the finished snapshot, otherwise (or behind a proxy) just accepted. */
export const CreateSnapshotResponseSchema = z
  .object({
    snapshot: SnapshotInfoSchema.nullish(),
    accepted: z.boolean().nullish(),
  })
  .loose();

export const GetSnapshotsResponseSchema = z.object({ snapshots: z.array(SnapshotInfoSchema) }).loose();

/** GET /_snapshot/<repo>: `{ "<repo>": { "type": "fs", "settings": {…} } }`. */
export const RepositoriesResponseSchema = z.record(z.string(), z.object({ type: z.string() }).loose());

// ---------------------------------------------------------------------------------------------------------------
// Operating backups (status, list, check): health and the brokers' partition state.

/** `GET <base>/actuator/health`: Spring answers 200 UP, or 503 with the same shape when DOWN/OUT_OF_SERVICE. */
export const HealthSchema = z.object({ status: z.string() }).loose();
export type Health = z.infer<typeof HealthSchema>;

/** One partition of `GET /actuator/partitions` on a broker (§3.5); only what `check` reads is required. */
export const PartitionStatusSchema = z
  .object({
    role: optionalString,
    /** `<index>-<term>-<processedPosition>-<exportedPosition>…`; null while the partition has no snapshot. */
    snapshotId: optionalString,
    exporterPhase: optionalString,
    exportedPosition: z.number().nullish(),
    processedPosition: z.number().nullish(),
  })
  .loose();
export type PartitionStatus = z.infer<typeof PartitionStatusSchema>;

/** Keyed by partition id as a string: `{"1": {...}, "3": {...}}`. */
export const PartitionsSchema = z.record(z.string(), PartitionStatusSchema);

/** `GET /_cluster/health` of Elasticsearch/OpenSearch. */
export const ClusterHealthSchema = z.object({ status: z.string(), cluster_name: optionalString }).loose();
