/**
 * Progress as a typed stream: the runner emits, reporters render, logic never prints. It sits beside errors.ts at
 * the ground floor, so every layer (kube, reach, camunda, backup) can emit without importing from above.
 */

/** Names one step of a run ("pause-exporting", "backup-zeebe"); the backup layer spells its own (BackupStepId). */
export type StepId = string;

export type RunEvent =
  | { readonly kind: 'step-started'; readonly step: StepId; readonly title: string }
  | { readonly kind: 'step-progress'; readonly step: StepId; readonly message: string }
  | { readonly kind: 'step-succeeded'; readonly step: StepId; readonly durationMs: number; readonly message?: string | undefined }
  | { readonly kind: 'step-failed'; readonly step: StepId; readonly message: string }
  | { readonly kind: 'step-skipped'; readonly step: StepId; readonly reason: string }
  | { readonly kind: 'cleanup-started'; readonly title: string }
  | { readonly kind: 'cleanup-succeeded'; readonly title: string }
  | { readonly kind: 'cleanup-failed'; readonly title: string; readonly message: string }
  | { readonly kind: 'http'; readonly method: string; readonly path: string; readonly status: number; readonly via: string; readonly durationMs: number }
  | { readonly kind: 'warning'; readonly message: string }
  | { readonly kind: 'info'; readonly message: string };

export type Reporter = (event: RunEvent) => void;
