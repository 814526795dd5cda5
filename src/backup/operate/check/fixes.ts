/**
 * The fix for a part that could not be asked follows from the kind of error, never from its wording: the component's
 * error kind (classified once, where its answer is read), the layout's known problem, or the transport's failure.
 */
import type { BackupErrorKind } from '../../../camunda/component-errors.js';
import { ComponentHttpError } from '../../../camunda/management-api.js';
import type { BackupPart } from '../../../camunda/versions.js';
import { HttpReachError } from '../../../reach/http-reach-error.js';
import { PartUnavailableError } from '../../part-clients.js';

const GENERIC_FIX = 'see the message; kubectl camunda-backup list -v shows the calls';

const COMPONENT_FIXES: Readonly<Record<BackupErrorKind, (part: BackupPart) => string>> = {
  'no-backup-store': () => 'configure a Zeebe backup store (S3, GCS, Azure or filesystem) in the release values',
  'no-repository': (part) =>
    part === 'zeebe-records'
      ? 'register the repository in Elasticsearch/OpenSearch under the configured name'
      : `configure the snapshot repository of ${part}, registered in Elasticsearch/OpenSearch under the same name as the other components`,
  'endpoint-absent': () => 'check the Camunda version really running there; --camunda-version forces a procedure at your own risk',
  'not-found': () => GENERIC_FIX,
  'id-conflict': () => GENERIC_FIX,
  other: () => GENERIC_FIX,
};

/** How to fix what kept a part from answering. */
export function fixFor(failure: unknown, part: BackupPart): string {
  if (failure instanceof PartUnavailableError) return failure.problem.hint;
  if (failure instanceof ComponentHttpError) return COMPONENT_FIXES[failure.kind](part);
  if (failure instanceof HttpReachError) return 'check that the pod runs and its port answers; --access exec may help when port-forwards are blocked';
  return GENERIC_FIX;
}
