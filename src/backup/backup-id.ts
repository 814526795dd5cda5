/**
 * One backup id for the whole run. The docs recommend `date +%s`: unique and always increasing, so Zeebe's rule
 * "higher than every earlier backup" holds (camunda-backup-api.md §5).
 */
import { UsageError } from '../errors.js';

export function newBackupId(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}

/** Zeebe takes an int64 > 0; JSON numbers beyond 2^53 would be rounded on the way, so stop at safe integers. */
export function parseBackupId(text: string): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) {
    throw new UsageError(`invalid backup ID "${text}": expected a positive integer such as 1748937221 (unix seconds)`);
  }
  const id = Number(trimmed);
  if (id <= 0) throw new UsageError(`invalid backup ID "${text}": it must be greater than 0`);
  if (!Number.isSafeInteger(id)) {
    throw new UsageError(`invalid backup ID "${text}": it must be at most ${Number.MAX_SAFE_INTEGER}`);
  }
  return id;
}
