// A node-datachannel viewer that joins over WHEP (POST the offer, PATCH the
// trickled candidates), for the tests that need a real WebRTC peer without a
// browser.

import { NdcReceiver } from '../../bench/webrtc/ndc-receiver.js';

/** A node-datachannel viewer over WHEP (trickled candidates); resolves once connected. */
export async function whepViewer(base: string, headers: Record<string, string> = {}): Promise<{ v: NdcReceiver; location: string }> {
  const v = new NdcReceiver({ trickle: true });
  const res = await fetch(`${base}/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp', ...headers }, body: await v.offer() });
  if (res.status !== 201) {
    v.close();
    throw new Error(`WHEP ${res.status}: ${await res.text()}`);
  }
  const location = res.headers.get('location')!;
  v.accept(await res.text());
  const frag = ['a=mid:0', ...v.candidates.map((c) => `a=${c.candidate.replace(/^a=/, '')}`)].join('\r\n');
  const patch = await fetch(`${base}${location}`, {
    method: 'PATCH', headers: { 'Content-Type': 'application/trickle-ice-sdpfrag', ...headers }, body: frag,
  });
  if (patch.status !== 204) throw new Error(`PATCH ${patch.status}`);
  await v.connected();
  return { v, location };
}
