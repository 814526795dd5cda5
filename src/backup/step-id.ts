import type { BackupPart } from '../camunda/versions.js';

/** The steps a backup run or an operating command reports progress for. */
export type BackupStepId =
  | 'pause-exporting'
  | 'resume-exporting'
  | `backup-${BackupPart}`
  | `delete-${BackupPart}`
  | `status-${BackupPart}`
  | 'web-modeler-dump'
  | 'continuous-backup';
