// Peer churn: N viewers (node-datachannel over WHEP, trickled candidates)
// connect, take video for 50 ms and leave, one after another, against the
// rig in this process. Prints RSS every 25 viewers (after a GC when run with
// --expose-gc): per-peer state must not accumulate. The process must exit on
// its own afterwards (node-datachannel holds the loop if anything leaks).
//   node --expose-gc dist/bench/webrtc/churn.js [N=300]

import { NdcReceiver } from './ndc-receiver.js';
import { startRig } from './rig.js';

const n = Number(process.argv[2] ?? 300);
const gc = (globalThis as { gc?: () => void }).gc;
const rssMb = () => Math.round(process.memoryUsage().rss / 1e6);
const rig = await startRig({ alwaysOn: true });
const samples: string[] = [];
let failed = 0;
for (let i = 0; i < n; i++) {
  const v = new NdcReceiver({ trickle: true });
  const s = await rig.whep.createSession(await v.offer());
  v.accept(s.answerSdp);
  rig.whep.patch(s.id, ['a=mid:0', ...v.candidates.map((c) => `a=${c.candidate.replace(/^a=/, '')}`)].join('\r\n'));
  const ok = await Promise.race([v.connected().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
  if (!ok) failed++;
  await new Promise((r) => setTimeout(r, 50));
  v.close();
  rig.whep.deleteSession(s.id);
  if (i % 25 === 0) {
    gc?.();
    samples.push(`${i}:${rssMb()}`);
  }
}
gc?.();
await new Promise((r) => setTimeout(r, 1000));
console.log(`RSS MB after viewer i: ${samples.join(' ')}; end ${rssMb()} MB; ${failed} of ${n} failed to connect; ` +
  `peers left ${rig.fanout.peerCount}, total ${rig.fanout.stats().peers_total}`);
await rig.close();
