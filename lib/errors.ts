// Every error a caller can get, with a stable code. Domain code throws
// SkyfeedError with a code and a `detail` (a sentence or a list of
// violations, the shape clients already parse); only lib/http knows
// which HTTP status each code becomes (lib/http/error-status.ts). Clients
// branch on `code`, never on the wording of `detail`. Each code is listed in
// the README (a test checks it), so code and docs cannot drift.

export const ERROR_CODES = [
  // Configuration API
  'SKYFEED_ERR_CONFIG_UNKNOWN_SECTION',
  'SKYFEED_ERR_CONFIG_UNKNOWN_PARAM',
  'SKYFEED_ERR_CONFIG_INVALID',
  'SKYFEED_ERR_CONFIG_FILE_ONLY',
  'SKYFEED_ERR_CONFIG_SOURCE_NOT_ALLOWED',
  'SKYFEED_ERR_CONFIG_READ_ONLY',
  'SKYFEED_ERR_CONFIG_FILE_BROKEN',
  'SKYFEED_ERR_CONFIG_SAVE_FAILED',
  'SKYFEED_ERR_BACKUP_ID_INVALID',
  'SKYFEED_ERR_BACKUP_NOT_FOUND',
  // Commands and the controller
  'SKYFEED_ERR_NO_VIDEO_FRAME',
  'SKYFEED_ERR_SMART_MODE_OFF',
  'SKYFEED_ERR_FOLLOWING_ACTIVE',
  'SKYFEED_ERR_UNKNOWN_TRACKER',
  'SKYFEED_ERR_TRACKER_START_FAILED',
  'SKYFEED_ERR_SIM_UNAVAILABLE',
  'SKYFEED_ERR_SIM_FRAME_UNKNOWN',
  'SKYFEED_ERR_UNKNOWN_PROFILE',
  'SKYFEED_ERR_GEOMETRY_INVALID',
  // Video
  'SKYFEED_ERR_VIDEO_STILL_DOWN',
  'SKYFEED_ERR_NO_FRAME_AVAILABLE',
  'SKYFEED_ERR_STREAM_LIMIT',
  'SKYFEED_ERR_SHUTTING_DOWN',
  // Requests
  'SKYFEED_ERR_BODY_MEDIA_TYPE',
  'SKYFEED_ERR_BODY_TOO_LARGE',
  'SKYFEED_ERR_BODY_MALFORMED',
  'SKYFEED_ERR_BODY_FORBIDDEN_KEY',
  'SKYFEED_ERR_BODY_NUMBER_RANGE',
  'SKYFEED_ERR_BODY_INVALID',
  'SKYFEED_ERR_PARAM_MALFORMED',
  'SKYFEED_ERR_QUERY_INVALID',
  'SKYFEED_ERR_NOT_FOUND',
  'SKYFEED_ERR_RATE_LIMITED',
  'SKYFEED_ERR_INTERNAL',
  // Access
  'SKYFEED_ERR_AUTH_REQUIRED',
  'SKYFEED_ERR_AUTH_INVALID_TOKEN',
  'SKYFEED_ERR_AUTH_ROLE',
  'SKYFEED_ERR_AUTH_LOCKED_OUT',
  'SKYFEED_ERR_HOST_NOT_ALLOWED',
  'SKYFEED_ERR_ORIGIN_NOT_ALLOWED',
  'SKYFEED_ERR_TOKEN_CONFLICT',
  'SKYFEED_ERR_TOKEN_NOT_FOUND',
  // WebRTC and the H.264 encoder
  'SKYFEED_ERR_WEBRTC_BAD_SDP',
  'SKYFEED_ERR_WEBRTC_MAX_PEERS',
  'SKYFEED_ERR_WEBRTC_NO_SESSION',
  'SKYFEED_ERR_WEBRTC_UNSUPPORTED',
  'SKYFEED_ERR_WEBRTC_CLOSED',
  'SKYFEED_ERR_WEBRTC_PRECONDITION',
  'SKYFEED_ERR_WEBRTC_LIMIT',
  'SKYFEED_ERR_RESTREAM_UNKNOWN_TARGET',
  'SKYFEED_ERR_WEBRTC_DISABLED',
  'SKYFEED_ERR_ENCODER_UNAVAILABLE',
  'SKYFEED_ERR_ENCODER_CONFIG',
  // The vehicle (lib/vehicle's VehicleError codes, as the controller passes them on)
  'SKYFEED_ERR_PROFILE_NOT_IMPLEMENTED',
  'SKYFEED_ERR_BAD_CONNECTION',
  'SKYFEED_ERR_VEHICLE_CONFIG',
  'SKYFEED_ERR_FAULT_INJECTION_DISABLED',
  'SKYFEED_ERR_LINK_UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class SkyfeedError extends Error {
  readonly code: ErrorCode;
  /** A sentence, or a list of violations. */
  readonly detail: unknown;
  /** Extra fields for the error body (e.g. 429's retry_after). */
  readonly extra?: Record<string, unknown>;
  /** Extra response headers (e.g. Retry-After, WWW-Authenticate). */
  readonly headers?: [string, string][];

  constructor(code: ErrorCode, detail: unknown, extra?: Record<string, unknown>, headers?: [string, string][]) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail));
    this.name = 'SkyfeedError';
    this.code = code;
    this.detail = detail;
    this.extra = extra;
    this.headers = headers;
  }
}
