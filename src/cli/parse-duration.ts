/** Durations are parsed at the ground floor (the progress reporter reads one from the environment too). */
export { parseDurationMs } from '../parse-duration.js';
