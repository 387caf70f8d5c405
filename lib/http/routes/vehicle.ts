// The vehicle side: its full state, the bounded log of what happened to it
// (offboard transitions, losses, link, drills), and the fault drills that
// prove each failure ends in the configured policy. 404 with
// vehicle.connection none.

import type { RouteGroup } from '../context.js';
import { endpoint } from '../endpoint.js';
import { SkyfeedError } from '../../errors.js';
import { VehicleError } from '../../vehicle/index.js';
import type { FlightService } from '../../app/flight-service.js';

const tag = 'vehicle';

export const vehicleRoutes: RouteGroup = (router, ctx) => {
  const flight = (): FlightService => {
    if (!ctx.flight) throw new SkyfeedError('SKYFEED_ERR_NOT_FOUND', 'No vehicle: vehicle.connection is none');
    return ctx.flight;
  };
  endpoint(router, ctx, {
    access: 'viewer', method: 'get', path: '/api/vehicle/status', tag, errors: { 404: 'vehicle.connection is none' },
    summary: 'Link (heartbeat age, mode, armed, packets, signing), offboard phase, keep-alive, follower loss phase, sim process, drills',
    handle: () => ({ ...flight().status(), timestamp: Date.now() / 1000 }),
  });
  endpoint(router, ctx, {
    access: 'viewer', method: 'get', path: '/api/vehicle/telemetry', tag, errors: { 404: 'vehicle.connection is none' },
    summary: 'The newest MAVLink telemetry (attitude, local and global position, VFR_HUD, SYS_STATUS) and the camera pose derived from it',
    handle: () => {
      const f = flight();
      return { telemetry: f.vehicle.telemetry(), pose: f.vehicle.pose(), timestamp: Date.now() / 1000 };
    },
  });
  endpoint(router, ctx, {
    access: 'viewer', method: 'get', path: '/api/vehicle/events', tag, errors: { 404: 'vehicle.connection is none' },
    summary: 'What happened to the vehicle, newest last (the last 200): offboard transitions, target-loss steps, link, drills',
    handle: () => ({ events: flight().events(), timestamp: Date.now() / 1000 }),
  });
  endpoint(router, ctx, {
    access: 'viewer', method: 'get', path: '/api/sim/vehicle', tag,
    errors: { 404: 'Not the simulated vehicle (vehicle.connection is not sim)', 503: 'The simulated vehicle is not running' },
    summary: "The simulated vehicle's own view: mode, pose, setpoints received and their rate, limit violations (every packet judged), commands, and its journal of mode changes and setpoint kinds",
    handle: async () => {
      const sim = flight().vehicle.sim;
      if (!sim) throw new SkyfeedError('SKYFEED_ERR_NOT_FOUND', 'Not the simulated vehicle: vehicle.connection is not sim');
      if (!sim.running) throw new SkyfeedError('SKYFEED_ERR_LINK_UNAVAILABLE', 'The simulated vehicle is not running');
      const [stats, journal] = await Promise.all([sim.stats(), sim.journal()]);
      return { stats, journal, timestamp: Date.now() / 1000 };
    },
  });
  endpoint<{ kind: 'drop_link' | 'freeze_video' | 'corrupt_tracker'; seconds: number }>(router, ctx, {
    access: 'admin', method: 'post', path: '/api/sim/faults', tag, body: 'FaultDrill', limit: 'commands',
    errors: {
      400: 'Malformed JSON', 403: 'sim.fault_injection is false', 404: 'vehicle.connection is none', 413: 'Body too large',
      415: 'Not JSON', 422: 'Invalid body', 429: 'Too many requests', 503: 'The simulated vehicle is not running',
    },
    summary: 'Fault drill (sim.fault_injection only): drop the link, freeze the video or corrupt the tracker output for N seconds',
    handle: async ({ body }) => {
      const f = flight();
      try {
        await f.injectFault(body.kind, body.seconds);
      } catch (err) {
        if (err instanceof VehicleError) throw new SkyfeedError(err.code, err.message);
        throw err;
      }
      return { status: 'injected', kind: body.kind, seconds: body.seconds, faults: f.vehicle.faults.state() };
    },
  });
};
