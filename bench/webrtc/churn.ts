// Peer churn: N viewers (node-datachannel over WHEP, trickled candidates)
// connect to the real server (its own process), take video for 50 ms and
// leave, one after another. Prints the server's RSS every 25 viewers:
// per-peer state must not accumulate; this process must exit on its own
// afterwards (node-datachannel holds the loop if anything leaks).
//   node dist/bench/webrtc/churn.js [N=300]

import { startWebRtcServer, webrtcStats } from './cpu-scenario.js';
import { NdcReceiver } from './ndc-receiver.js';
import { memory } from '../proc-stats.js';

const n = Number(process.argv[2] ?? 300);
const server = await startWebRtcServer({ maxPeers: 8 });
const base = `http://127.0.0.1:${server.port}`;
const rssMb = () => Math.round(memory(server.pid).rss / 1e6);
const samples: string[] = [];
let failed = 0;
for (let i = 0; i < n; i++) {
  const v = new NdcReceiver({ trickle: true });
  const res = await fetch(`${base}/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: await v.offer() });
  const location = res.headers.get('location');
  if (res.status !== 201 || !location) {
    failed++;
    v.close();
    continue;
  }
  v.accept(await res.text());
  const frag = ['a=mid:0', ...v.candidates.map((c) => `a=${c.candidate.replace(/^a=/, '')}`)].join('\r\n');
  await fetch(`${base}${location}`, { method: 'PATCH', headers: { 'Content-Type': 'application/trickle-ice-sdpfrag' }, body: frag });
  const ok = await Promise.race([v.connected().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
  if (!ok) failed++;
  await new Promise((r) => setTimeout(r, 50));
  v.close();
  await fetch(`${base}${location}`, { method: 'DELETE' });
  if (i % 25 === 0) samples.push(`${i}:${rssMb()}`);
}
await new Promise((r) => setTimeout(r, 1000));
const s = await webrtcStats(server.port);
console.log(`server RSS MB after viewer i: ${samples.join(' ')}; end ${rssMb()} MB; ${failed} of ${n} failed to connect; ` +
  `peers left ${s.peers}, total ${s.peers_total}`);
await server.stop();
