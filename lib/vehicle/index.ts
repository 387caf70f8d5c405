// The vehicle side's public surface: the service façade, the types the
// server wires with, and the pieces tests and benches use directly.

export { VehicleService, vehicleConfigProblems } from './vehicle-service.js';
export type { VehicleServiceConfig, VehicleServiceOptions, VehicleEvents, LossEvent, LinkEvent, SimEvent } from './vehicle-service.js';
export { VehicleError, type VehicleErrorCode } from './vehicle-error.js';
export type { CameraPose, ImagePoint } from './camera-pose.js';
export { projectGroundPoint } from './camera-pose.js';
export type { Setpoint, VelocityBodySetpoint, AttitudeRateSetpoint } from './setpoint.js';
export type { TrackerSample } from './followers/tracker-sample.js';
export { PROFILES, IMPLEMENTED_PROFILES, type ProfileInfo } from './followers/catalog.js';
export type { LinkState } from './link/mavlink-link.js';
export type { VehicleTelemetry } from './link/telemetry.js';
export type { OffboardReport, OffboardStateSnapshot } from './offboard/offboard-report.js';
export type { OffboardContext, OffboardTransition } from './offboard/offboard-controller.js';
export type { FaultEvent, FaultState } from './fault-injector.js';
export { SimProcess } from './sim/sim-process.js';
export type { SimStats, JournalEntry } from './sim/sim-vehicle.js';
