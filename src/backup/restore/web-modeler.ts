/**
 * Web Modeler keeps its data in its own PostgreSQL database, outside every backup part; `create` dumps it with
 * pg_dump (take/web-modeler-dump.ts). Loading that dump back is the operator's step after the restore: the command
 * here reaches the same cluster and, like the dump, takes the password from the database container's own
 * environment, so nothing secret is on a command line (camunda-restore.md §2 step 10).
 */
import type { WebModelerDatabase } from '../../camunda/installation.js';
import { clusterFlagsText, shellWord, type ClusterFlags } from '../../kube/cluster-flags.js';

/** `kubectl exec -i … psql … < <file>`: loads a plain pg_dump into the (empty) Web Modeler database. */
export function webModelerLoadCommand(database: WebModelerDatabase, file: string, cluster: ClusterFlags): string {
  const psql = [
    'PGPASSWORD="${POSTGRES_PASSWORD:-${POSTGRESQL_PASSWORD:-}}"',
    `psql -v ON_ERROR_STOP=1 -h 127.0.0.1 -p ${database.pod.port} -U ${shellWord(database.username)} -d ${shellWord(database.database)}`,
  ].join(' ');
  return `kubectl exec -i ${clusterFlagsText(cluster, database.pod.namespace)} ${database.pod.pod} -c ${database.pod.container} -- sh -c ${shellWord(psql)} < ${shellWord(file)}`;
}
