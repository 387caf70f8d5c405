// Options of the simulated vehicle from the skyfeed configuration (sim and
// safety sections, the follower's hover thrust, the signing passphrase), and
// the command line of `npm run sim-vehicle`.

import type { SkyfeedConfig } from '../../config/types.js';
import { globalLimits } from '../followers/limits.js';
import type { SimVehicleOptions } from './sim-vehicle.js';

/** SimVehicleOptions without the log callback: what crosses to a child process. */
export type SimSettings = Omit<SimVehicleOptions, 'log'>;

/** Physical limits of the simulated airframe (not configurable: they are the vehicle, not a setting). */
const MAX_YAW_RATE_DEG_S = 120;
const MAX_TILT_DEG = 35;

export function simSettingsFromConfig(c: Pick<SkyfeedConfig, 'sim' | 'safety' | 'follower' | 'vehicle'>): SimSettings {
  const s = c.sim;
  return {
    listenHost: s.listen_host,
    listenPort: s.listen_port,
    targetHost: s.target_host,
    targetPort: s.target_port,
    systemId: 1,
    componentId: 1,
    startAltitudeM: s.start_altitude_m,
    startYawDeg: s.start_yaw_deg,
    model: {
      velocityTauS: s.velocity_time_constant_s,
      maxAccelMs2: s.max_accel_m_s2,
      maxSpeedMs: s.max_speed_m_s,
      maxYawRateDegS: MAX_YAW_RATE_DEG_S,
      maxTiltDeg: MAX_TILT_DEG,
      hoverThrust: c.follower.hover_thrust,
    },
    telemetryRateHz: s.telemetry_rate_hz,
    offboardMinStreamS: s.offboard_min_stream_s,
    offboardLossTimeoutS: s.offboard_loss_timeout_s,
    offboardLossAction: s.offboard_loss_action,
    limits: globalLimits(c.safety),
    signingPassphrase: c.vehicle.signing_passphrase,
    faultInjection: s.fault_injection,
  };
}

export interface SimArgs {
  configFile?: string;
  /** --ipc: options arrive from the parent process. */
  ipc: boolean;
  help?: boolean;
  statsIntervalS: number;
  overrides: Partial<Pick<SimSettings, 'listenHost' | 'listenPort' | 'targetHost' | 'targetPort' | 'faultInjection' | 'startAltitudeM'>>;
}

export const SIM_USAGE = `usage: npm run sim-vehicle -- [--config user.yaml] [--listen-host H] [--listen-port N] [--target-host H] [--target-port N]
                            [--start-alt M] [--fault-injection] [--stats-interval S]
  A simulated PX4 multicopter over MAVLink 2/UDP: listens on sim.listen_port (14580) and sends to
  sim.target_host:sim.target_port (127.0.0.1:14540) until a peer talks to it, like PX4 SITL.
  Settings come from config/default.yaml, then --config, then these flags; signing uses
  vehicle.signing_passphrase from the config. Ctrl-C prints the final statistics.`;

function num(flag: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n) || n < min || n > max) throw new Error(`${flag} needs a number within ${min}..${max}, got ${v ?? 'nothing'}`);
  return n;
}

/** Parses argv (without node and the script); throws with a clear message on a bad flag. */
export function parseSimArgs(argv: string[]): SimArgs {
  const out: SimArgs = { ipc: false, statsIntervalS: 5, overrides: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    switch (a) {
      case '--config': case '-c': out.configFile = next(); if (!out.configFile) throw new Error('--config needs a file'); break;
      case '--ipc': out.ipc = true; break;
      case '--listen-host': out.overrides.listenHost = next(); break;
      case '--listen-port': out.overrides.listenPort = num(a, next(), 0, 65535); break;
      case '--target-host': out.overrides.targetHost = next(); break;
      case '--target-port': out.overrides.targetPort = num(a, next(), 1, 65535); break;
      case '--start-alt': out.overrides.startAltitudeM = num(a, next(), 1, 500); break;
      case '--fault-injection': out.overrides.faultInjection = true; break;
      case '--stats-interval': out.statsIntervalS = num(a, next(), 0, 3600); break;
      case '--help': case '-h': out.help = true; break;
      default: throw new Error(`unknown argument ${a}\n${SIM_USAGE}`);
    }
  }
  return out;
}
