// Bench load client process: opens WebRTC viewers (node-datachannel, not
// browsers) against the bench server over WHEP, with trickled candidates,
// and reports what they received. Driven over IPC:
//   {type:'open', base, count}  → {type:'opened', count, failed}
//   {type:'counts'}             → {type:'counts', peers:[{frames, keyframes, lost, bytes, firstKeyframeMs}]}
//   {type:'close'}              → closes every viewer (DELETE) and exits

import { NdcReceiver } from './ndc-receiver.js';

interface Viewer { v: NdcReceiver; location: string }

const viewers: Viewer[] = [];
let base = '';

async function openOne(): Promise<Viewer> {
  const v = new NdcReceiver({ trickle: true });
  const res = await fetch(`${base}/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: await v.offer() });
  if (res.status !== 201) {
    v.close();
    throw new Error(`WHEP ${res.status} ${await res.text()}`);
  }
  const location = res.headers.get('location')!;
  v.accept(await res.text());
  const ufrag = /a=ice-ufrag:(\S+)/.exec(v.pc.localDescription()!.sdp)![1];
  const frag = [`a=ice-ufrag:${ufrag}`, 'a=mid:0', ...v.candidates.map((c) => `a=${c.candidate.replace(/^a=/, '')}`)].join('\r\n');
  await fetch(`${base}${location}`, { method: 'PATCH', headers: { 'Content-Type': 'application/trickle-ice-sdpfrag' }, body: frag });
  await Promise.race([v.connected(), new Promise((_, reject) => setTimeout(() => reject(new Error('connect timeout')), 10_000))]);
  return { v, location };
}

process.on('message', (msg: { type: string; base?: string; count?: number }) => {
  void (async () => {
    if (msg.type === 'open') {
      base = msg.base!;
      let failed = 0;
      for (let i = 0; i < msg.count!; i++) {
        try {
          viewers.push(await openOne());
        } catch {
          failed++;
        }
      }
      process.send!({ type: 'opened', count: viewers.length, failed });
    } else if (msg.type === 'counts') {
      process.send!({
        type: 'counts',
        peers: viewers.map(({ v }) => ({
          ...v.counts, firstKeyframeMs: v.firstKeyframeAt ? v.firstKeyframeAt - v.startedAt : null,
        })),
      });
    } else if (msg.type === 'close') {
      await Promise.all(viewers.map(({ location }) => fetch(`${base}${location}`, { method: 'DELETE' }).catch(() => {})));
      for (const { v } of viewers) v.close();
      process.exit(0);
    }
  })();
});
