// Domain errors of the H.264 encoder, with stable codes (lib/http maps codes
// to statuses; nothing here knows HTTP).

export type EncoderErrorCode =
  /** ffmpeg (or the configured binary) is not installed / not executable. */
  | 'SKYFEED_ERR_ENCODER_UNAVAILABLE'
  /** An option is out of range or unknown. */
  | 'SKYFEED_ERR_ENCODER_CONFIG';

export class EncoderError extends Error {
  readonly code: EncoderErrorCode;

  constructor(code: EncoderErrorCode, message: string) {
    super(message);
    this.name = 'EncoderError';
    this.code = code;
  }
}
