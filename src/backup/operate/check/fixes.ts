/**
 * The fix for a part that could not be asked follows from the kind of error, never from its wording: the component's
 * error kind (classified once, where its answer is read), the layout's known problem, or the transport's failure.
 */
import type { BackupErrorKind } from '../../../camunda/component-errors.js';
import { ComponentHttpError } from '../../../camunda/management-api.js';
import type { BackupPart } from '../../../camunda/versions.js';
import { toolCommand, type CommandTarget } from '../../../kube/cluster-flags.js';
import { HttpReachError } from '../../../reach/http-reach-error.js';
import { PartUnavailableError } from '../../part-clients.js';

/** The fix when the error says it all: the same list with every call shown, reaching the same cluster. */
const genericFix = (target: CommandTarget): string => `see the message; ${toolCommand('list -v 4', target)} shows the calls`;

const COMPONENT_FIXES: Readonly<Record<BackupErrorKind, (part: BackupPart, target: CommandTarget) => string>> = {
  'no-backup-store': () => 'configure a Zeebe backup store (S3, GCS, Azure or filesystem) in the release values',
  'no-repository': (part) =>
    part === 'zeebe-records'
      ? 'register the repository in Elasticsearch/OpenSearch under the configured name'
      : `configure the snapshot repository of ${part}, registered in Elasticsearch/OpenSearch under the same name as the other components`,
  'endpoint-absent': () => 'check the Camunda version really running there; --camunda-version forces a procedure at your own risk',
  'not-found': (_part, target) => genericFix(target),
  'id-conflict': (_part, target) => genericFix(target),
  other: (_part, target) => genericFix(target),
};

/** How to fix what kept a part from answering; a command it names reaches `target`. */
export function fixFor(failure: unknown, part: BackupPart, target: CommandTarget): string {
  if (failure instanceof PartUnavailableError) return failure.problem.hint;
  if (failure instanceof ComponentHttpError) return COMPONENT_FIXES[failure.kind](part, target);
  if (failure instanceof HttpReachError) return 'check that the pod runs and its port answers; --access exec may help when port-forwards are blocked';
  return genericFix(target);
}
