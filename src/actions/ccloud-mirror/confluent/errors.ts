import { ActionError } from '../../../core/errors.js';

/**
 * Why a Confluent call failed, so callers can react (list links on not-found, stop sending on auth...).
 * `unreachable`: sent, but no answer came (it may have been applied); `out-of-time`: never sent, the run's deadline had passed.
 */
export type ConfluentFailure =
  'unauthenticated' | 'forbidden' | 'not-found' | 'rejected' | 'rate-limited' | 'server-error' | 'unreachable' | 'out-of-time' | 'unexpected';

/** A failed Confluent REST call, with the cluster, the key id and a fix; never the secret. */
export class ConfluentApiError extends ActionError {
  constructor(
    message: string,
    readonly kind: ConfluentFailure,
    /** The HTTP status; undefined when the cluster never answered. */
    readonly status: number | undefined,
    readonly errorCode: number | undefined,
    readonly detail: string,
    options: { where: string; fix?: string; cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConfluentApiError';
  }
}
