#!/usr/bin/env node
// `npm run sim-vehicle`: the simulated vehicle as its own process, speaking
// MAVLink over UDP like PX4 SITL (listens on 14580, sends to 14540). Forked
// with --ipc by the vehicle service or a test, it takes its settings from the
// parent and answers stats/journal/fault requests; it exits with its parent.

import { loadConfig } from '../../config/load.js';
import { px4ModeText } from '../link/px4-modes.js';
import type { ChildMessage, ParentMessage } from './sim-ipc.js';
import { parseSimArgs, simSettingsFromConfig, SIM_USAGE, type SimSettings } from './sim-options.js';
import { SimVehicle, type SimStats } from './sim-vehicle.js';

const log = (line: string) => console.log(line);

function summary(s: SimStats): string {
  const p = s.pose;
  const l = s.limits;
  return `${s.mode_text}${s.armed ? '' : ' (disarmed)'} N ${p.north_m.toFixed(1)} E ${p.east_m.toFixed(1)} alt ${p.alt_m.toFixed(1)} m yaw ${p.yaw_deg.toFixed(0)}`
    + ` | setpoints ${s.setpoints.received} (${s.setpoints.rate_hz} Hz) | limit violations ${l.violations}/${l.checked}`
    + ` | OFFBOARD accepted ${s.commands.offboard_accepted} refused ${s.commands.offboard_rejected}`;
}

async function run(settings: SimSettings, statsIntervalS: number, ipc: boolean): Promise<void> {
  const sim = new SimVehicle({ ...settings, log });
  const port = await sim.start();
  log(`sim-vehicle: listening on ${settings.listenHost}:${port}, sending to ${settings.targetHost}:${settings.targetPort} until a peer talks`
    + ` (system ${settings.systemId}, ${px4ModeText(sim.stats().mode)}, ${settings.startAltitudeM} m, signing ${settings.signingPassphrase ? 'on' : 'off'}`
    + `, fault injection ${settings.faultInjection ? 'on' : 'off'})`);
  const timer = statsIntervalS > 0 ? setInterval(() => log(`sim-vehicle: ${summary(sim.stats())}`), statsIntervalS * 1000) : null;
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    if (timer) clearInterval(timer);
    log(`sim-vehicle: ${why}; final: ${summary(sim.stats())}`);
    const v = sim.stats().limits;
    if (v.violations) log(`sim-vehicle: limit violations by kind: ${JSON.stringify(v.by_kind)}`);
    await sim.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  if (!ipc) return;
  const send = (m: ChildMessage) => process.send?.(m);
  process.on('disconnect', () => void stop('parent gone'));
  process.on('message', (m: ParentMessage) => {
    if (m.type !== 'request') return;
    try {
      let result: unknown = null;
      if (m.cmd === 'stats') result = sim.stats();
      else if (m.cmd === 'journal') result = sim.journal();
      else if (m.cmd === 'reset_stats') sim.resetStats();
      else if (m.cmd === 'drop_link') sim.dropLink(m.seconds);
      send({ type: 'reply', id: m.id, ok: true, result });
    } catch (err) {
      send({ type: 'reply', id: m.id, ok: false, error: (err as Error).message });
    }
  });
  send({ type: 'ready', port });
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseSimArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`sim-vehicle: ${(err as Error).message}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(SIM_USAGE);
    process.exit(0);
  }
  if (args.ipc) {
    if (!process.send) {
      console.error('sim-vehicle: --ipc needs to be started by a parent process with an IPC channel');
      process.exit(2);
    }
    process.once('message', (m: ParentMessage) => {
      if (m.type !== 'init') return;
      run(m.settings, 0, true).catch((err) => {
        process.send?.({ type: 'failed', error: (err as Error).message } satisfies ChildMessage);
        process.exit(1);
      });
    });
    return;
  }
  const config = loadConfig(args.configFile);
  await run({ ...simSettingsFromConfig(config), ...args.overrides }, args.statsIntervalS, false);
}

main().catch((err) => {
  console.error(`sim-vehicle: ${(err as Error).message}\n${SIM_USAGE}`);
  process.exit(1);
});
