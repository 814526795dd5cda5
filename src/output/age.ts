/**
 * kubectl's AGE: apimachinery's duration.HumanDuration (k8s.io/apimachinery/pkg/util/duration), about two
 * significant figures: 45s, 5m30s, 42m, 3h20m, 36h, 2d5h, 12d, 1y30d.
 */
export function formatAge(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  // Up to 2 s in the future is clock skew between the cluster and this machine: "now".
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

/** The AGE cell of an ISO time, or "-" when there is none or it cannot be read. */
export function ageCell(time: string | undefined, nowMs: number): string {
  const ms = time === undefined ? NaN : Date.parse(time);
  return Number.isFinite(ms) ? formatAge(nowMs - ms) : '-';
}
