// Domain errors of the restreamer (only lib/http knows their statuses).

import { SkyfeedError } from '../../errors.js';

export type RestreamErrorCode =
  /** No target with that label in restream.targets. */
  | 'SKYFEED_ERR_RESTREAM_UNKNOWN_TARGET';

export class RestreamError extends SkyfeedError {
  declare readonly code: RestreamErrorCode;

  constructor(code: RestreamErrorCode, message: string) {
    super(code, message);
    this.name = 'RestreamError';
  }
}
