// Domain errors of the H.264 encoder, with codes from lib/errors.ts
// (lib/http maps codes to statuses; nothing here knows HTTP).

import { SkyfeedError } from '../../errors.js';

export type EncoderErrorCode =
  /** ffmpeg (or the configured binary) is not installed / not executable. */
  | 'SKYFEED_ERR_ENCODER_UNAVAILABLE'
  /** An option is out of range or unknown. */
  | 'SKYFEED_ERR_ENCODER_CONFIG';

export class EncoderError extends SkyfeedError {
  declare readonly code: EncoderErrorCode;

  constructor(code: EncoderErrorCode, message: string) {
    super(code, message);
    this.name = 'EncoderError';
  }
}
