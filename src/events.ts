/**
 * Progress as a typed stream: the runner emits, reporters render, logic never prints. It sits beside errors.ts at
 * the ground floor, so every layer (kube, reach, camunda, backup) can emit without importing from above.
 */

/** Names one step of a run ("pause-exporting", "backup-zeebe"); the backup layer spells its own (BackupStepId). */
export type StepId = string;

export type RunEvent =
  /** `title` is what the user reads for this step in every later line: step IDs are never shown. */
  | { readonly kind: 'step-started'; readonly step: StepId; readonly title: string }
  /** The step's state in a few words, e.g. "IN_PROGRESS (3 of 6 snapshots done)"; the reporter adds the elapsed time. */
  | { readonly kind: 'step-progress'; readonly step: StepId; readonly message: string }
  | { readonly kind: 'step-succeeded'; readonly step: StepId; readonly durationMs: number; readonly message?: string | undefined }
  /**
   * `message` is the reason; the command's error states it, so progress lines do not repeat it. `stopped`: the step
   * did not fail on its own but was stopped (an interrupt, the deadline, a parallel step that failed).
   */
  | { readonly kind: 'step-failed'; readonly step: StepId; readonly message: string; readonly durationMs?: number | undefined; readonly stopped?: boolean | undefined }
  /** `title`: the step's words, as it never started. */
  | { readonly kind: 'step-skipped'; readonly step: StepId; readonly reason: string; readonly title?: string | undefined }
  | { readonly kind: 'cleanup-started'; readonly title: string }
  | { readonly kind: 'cleanup-succeeded'; readonly title: string }
  | { readonly kind: 'cleanup-failed'; readonly title: string; readonly message: string }
  /** This run paused Zeebe exporting (sent the pause), or its resume was confirmed: the reporter counts the window. */
  | { readonly kind: 'exporting'; readonly paused: boolean }
  | { readonly kind: 'http'; readonly method: string; readonly path: string; readonly status: number; readonly via: string; readonly durationMs: number }
  | { readonly kind: 'warning'; readonly message: string }
  | { readonly kind: 'info'; readonly message: string };

export type Reporter = (event: RunEvent) => void;
