// stop_offboard_mode while the vehicle follows is never refused for want of a
// video frame: a live fps change replaces the video source, and until the new
// one delivers, every other command answers 409. The end-to-end version
// (a real source restart during real following) is in
// test/http/following-faults.test.ts; this one pins the rule without a race.

import t from 'tap';
import { BuiltinController, type FlightPort } from '../../lib/app/builtin-controller.js';
import type { OffboardReport } from '../../lib/vehicle/index.js';
import { SkyfeedError } from '../../lib/errors.js';

/** A flight side that records the calls it gets and reports what a real stop would. */
function flightPort(following: boolean): FlightPort & { calls: string[]; following: boolean } {
  const report = (wasActive: boolean): OffboardReport => ({
    status: 'success',
    details: { steps: [], errors: [], warnings: [], initial_state: {}, final_state: {}, execution_time_ms: 0 },
    was_active: wasActive,
  } as unknown as OffboardReport);
  const port = {
    calls: [] as string[],
    following,
    async startOffboard() { port.calls.push('start'); return report(false); },
    async stopOffboard() {
      port.calls.push('stop');
      const was = port.following;
      port.following = false;
      return report(was);
    },
    followerTelemetry: () => ({}),
    profiles: () => ({ current_profile: 'mc_velocity_ground', profiles: [], following_active: port.following }),
    switchProfile: () => ({}),
    trackingStopped() { port.calls.push('trackingStopped'); },
    osdVehicle: () => ({ connected: true, mode: 'Offboard', armed: true, alt_m: 20 }),
  };
  return port;
}

t.test('no frame while following: stop_offboard_mode still stops the vehicle', async (t) => {
  const flight = flightPort(true);
  const c = new BuiltinController({ frame: () => ({ width: 640, height: 480 }), hasFrame: () => false, flight });
  c.followingChanged();
  t.equal(c.flags.following_active, true);
  const r = await c.stopOffboard();
  t.same(flight.calls, ['stop'], 'the stop reached the flight side');
  t.equal(r.was_active, true);
  t.equal(c.flags.following_active, false);
});

t.test('no frame and not following: 409 as before (the contract: commands wait for the first frame)', async (t) => {
  const flight = flightPort(false);
  const c = new BuiltinController({ frame: () => ({ width: 640, height: 480 }), hasFrame: () => false, flight });
  const err = await c.stopOffboard().then(() => null, (e: unknown) => e);
  t.ok(err instanceof SkyfeedError);
  t.equal((err as SkyfeedError).code, 'SKYFEED_ERR_NO_VIDEO_FRAME');
  t.same(flight.calls, []);
  const start = await c.startOffboard().then(() => null, (e: unknown) => e);
  t.equal((start as SkyfeedError).code, 'SKYFEED_ERR_NO_VIDEO_FRAME', 'start still needs a frame');
});
