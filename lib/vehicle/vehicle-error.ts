// Refusals from the vehicle side, with stable codes; lib/http maps codes to
// status codes (unknown profile 400, following active 409, ...).

export type VehicleErrorCode =
  | 'SKYFEED_ERR_UNKNOWN_PROFILE'
  | 'SKYFEED_ERR_PROFILE_NOT_IMPLEMENTED'
  | 'SKYFEED_ERR_FOLLOWING_ACTIVE'
  | 'SKYFEED_ERR_BAD_CONNECTION'
  | 'SKYFEED_ERR_VEHICLE_CONFIG'
  | 'SKYFEED_ERR_FAULT_INJECTION_DISABLED'
  | 'SKYFEED_ERR_LINK_UNAVAILABLE';

export class VehicleError extends Error {
  readonly code: VehicleErrorCode;

  constructor(code: VehicleErrorCode, message: string) {
    super(message);
    this.name = 'VehicleError';
    this.code = code;
  }
}
