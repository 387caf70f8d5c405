// Bench server process: the rig (encoder always on, synthetic camera at the
// given size and rate, WHEP and signaling on an ephemeral port) in its own
// process, so its CPU can be read from /proc apart from the load clients'.
// Prints `READY {"port":…,"ffmpegPid":…}`; answers {type:'stats'} on IPC;
// exits on SIGTERM.

import { startRig } from './rig.js';

interface Args { width: number; height: number; fps: number; maxPeers: number; bitrateKbps: number }

const args = JSON.parse(process.argv[2] ?? '{}') as Partial<Args>;
const rig = await startRig({
  width: args.width ?? 640, height: args.height ?? 480, fps: args.fps ?? 30, alwaysOn: true,
  encoder: { bitrateKbps: args.bitrateKbps ?? 1000 },
  fanout: { maxPeers: args.maxPeers ?? 64 },
});
const started = performance.now();
while (!rig.encoder.pid && performance.now() - started < 5000) await new Promise((r) => setTimeout(r, 20));
process.stdout.write(`READY ${JSON.stringify({ port: rig.port, ffmpegPid: rig.encoder.pid })}\n`);

process.on('message', (msg: { type: string }) => {
  if (msg.type === 'stats') process.send!({ type: 'stats', webrtc: rig.fanout.stats(rig.encoder), encoder: rig.encoder.stats() });
});
process.on('SIGTERM', () => {
  void rig.close().then(() => process.exit(0));
});
