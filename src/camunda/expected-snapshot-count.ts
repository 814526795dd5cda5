/**
 * How many snapshots a web-app or Optimize backup will have, read from the names it gave them:
 * `camunda_operate_<id>_<version>_part_<n>_of_<N>` (camunda-backup-api.md §3.1–3.3). The backup's `details` list
 * only the snapshots that have started, so counting them would make "3 of 4" grow to "3 of 6"; the names say 6
 * from the first answer on. Undefined when no name carries a count (then the caller shows no total).
 */
const PART_OF = /_part_\d+_of_(\d+)$/;

export function expectedSnapshotCount(names: readonly string[]): number | undefined {
  const counts = names.flatMap((name) => {
    const total = PART_OF.exec(name)?.[1];
    return total === undefined ? [] : [Number(total)];
  });
  return counts.length === 0 ? undefined : Math.max(...counts);
}
