import { PreconditionError } from '../errors.js';
import type { CliErrorOptions } from '../errors.js';

/** Why an HTTP call did not get an answer at all (as opposed to an answer with an error status). */
export type ReachFailure = 'connect' | 'timeout' | 'dns' | 'empty-reply' | 'connection-lost' | 'tls' | 'protocol' | 'other';

/**
 * An HTTP call that got no response: refused, timed out, dropped, unparseable. Exit 3 when it escapes discovery
 * (nothing was changed then); during a run the runner turns it into a failed step.
 */
export class HttpReachError extends PreconditionError {
  readonly reason: ReachFailure;
  constructor(reason: ReachFailure, message: string, options: CliErrorOptions = {}) {
    super(message, options);
    this.reason = reason;
  }
}
