// WHEP through the real server's routes (POST /whep, PATCH and DELETE on the session), with a node-datachannel viewer as
// the client (like a non-browser WHEP player): 201 + Location + ETag + an
// answer that carries our candidates, trickle by PATCH, DELETE ends the
// session, and the typed errors map to 400/404/422/503.

import t from 'tap';
import { NdcReceiver } from '../../../bench/webrtc/ndc-receiver.js';
import { WebRtcError } from '../../../lib/stream/webrtc/webrtc-errors.js';
import { hasCommand, FFMPEG_MISSING } from '../../helpers/tools.js';
import { startWebRtcServer, type WebRtcServer } from '../../helpers/webrtc-server.js';

if (!hasCommand('ffmpeg')) throw new Error(FFMPEG_MISSING);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rig(t: { teardown(fn: () => unknown): void }, maxPeers = 20): Promise<WebRtcServer> {
  return startWebRtcServer(t, { width: 320, height: 240, webrtc: { max_peers: maxPeers } });
}

function post(r: WebRtcServer, sdp: string, type = 'application/sdp'): Promise<Response> {
  return fetch(`${r.base}/whep`, { method: 'POST', headers: { 'Content-Type': type }, body: sdp });
}

function fragment(v: NdcReceiver, ufrag?: string): string {
  const lines = [`a=ice-ufrag:${ufrag ?? /a=ice-ufrag:(\S+)/.exec(v.pc.localDescription()!.sdp)![1]}`, 'a=mid:0'];
  for (const c of v.candidates) lines.push(`a=${c.candidate.replace(/^a=/, '')}`);
  return lines.join('\r\n') + '\r\n';
}

t.test('POST an offer, PATCH candidates, receive video, DELETE', async (t) => {
  const r = await rig(t);
  const v = new NdcReceiver({ trickle: true });
  t.teardown(() => v.close());
  const res = await post(r, await v.offer());
  t.equal(res.status, 201);
  t.equal(res.headers.get('content-type'), 'application/sdp');
  const location = res.headers.get('location')!;
  t.match(location, /^\/whep\/[0-9a-f]{32}$/, 'an unguessable session URL');
  t.match(res.headers.get('etag'), /^"[0-9a-f]+"$/);
  const answer = await res.text();
  t.match(answer, /a=candidate:/, 'the answer carries our candidates (no server trickle in WHEP)');
  t.match(answer, /a=rtpmap:102 H264\/90000/, 'H.264 on the payload type the client offered');
  v.accept(answer);
  const headers = { 'Content-Type': 'application/trickle-ice-sdpfrag' };
  const patch = await fetch(`${r.base}${location}`, { method: 'PATCH', headers, body: fragment(v) });
  t.equal(patch.status, 204);
  await v.connected();
  const end = performance.now() + 5000;
  while (v.counts.frames < 30 && performance.now() < end) await sleep(50);
  t.ok(v.counts.frames >= 30, `${v.counts.frames} frames received`);
  t.ok(v.counts.keyframes >= 1);
  const untyped = await fetch(`${r.base}${location}`, { method: 'PATCH', body: fragment(v) });
  t.equal(untyped.status, 415, 'a PATCH without the trickle media type is refused');
  const restart = await fetch(`${r.base}${location}`, { method: 'PATCH', headers, body: fragment(v, 'newufrag') });
  t.equal(restart.status, 422, 'an ICE restart is refused');
  const del = await fetch(`${r.base}${location}`, { method: 'DELETE' });
  t.equal(del.status, 200);
  t.equal(r.service.fanout.peerCount, 0, 'DELETE closed the peer');
  t.equal(r.service.whep.sessionCount, 0);
  t.equal((await fetch(`${r.base}${location}`, { method: 'DELETE' })).status, 404);
  t.equal((await fetch(`${r.base}${location}`, { method: 'PATCH', headers, body: 'a=mid:0\r\n' })).status, 404);
});

t.test('bad offers are 400 with a reason, and cost no peer', async (t) => {
  const r = await rig(t);
  const audioOnly = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n';
  for (const [body, why] of [['hello', /v=0/], ['v=0\r\n', /no m= line/], [audioOnly, /no video/]] as const) {
    const res = await post(r, body);
    t.equal(res.status, 400);
    t.match(await res.text(), why);
  }
  t.equal((await post(r, 'v=0', 'application/json')).status, 415);
  t.equal(r.service.fanout.stats().peers_total, 0);
  let err: unknown;
  try {
    await r.service.whep.createSession(null);
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof WebRtcError && err.code === 'SKYFEED_ERR_WEBRTC_BAD_SDP', 'the engine throws the typed error');
});

t.test('past max_peers: 503', async (t) => {
  const r = await rig(t, 1);
  const a = new NdcReceiver({ trickle: true });
  const b = new NdcReceiver({ trickle: true });
  t.teardown(() => { a.close(); b.close(); });
  t.equal((await post(r, await a.offer())).status, 201);
  const res = await post(r, await b.offer());
  t.equal(res.status, 503);
  t.match(await res.text(), /Max peers reached/);
  // A bad offer is still a 400 when no slot is free: it is checked before a peer is asked for.
  const sendOnly = (await b.offer()).replace(/a=(recvonly|sendrecv)/, 'a=sendonly');
  const bad = await post(r, sendOnly);
  t.equal(bad.status, 400, 'a send-only offer: 400, not 503');
});

t.test('trickled hostnames are never resolved; candidates per peer are bounded; If-Match must match (412)', async (t) => {
  const r = await rig(t);
  const v = new NdcReceiver({ trickle: true });
  t.teardown(() => v.close());
  const res = await post(r, await v.offer());
  t.equal(res.status, 201);
  const location = res.headers.get('location')!;
  const etag = res.headers.get('etag')!;
  v.accept(await res.text());
  const headers = { 'Content-Type': 'application/trickle-ice-sdpfrag' };
  const names = ['a=mid:0', ...Array.from({ length: 40 }, (_, i) => `a=candidate:${i} 1 udp 2113937151 h${i}.example.com ${40000 + i} typ host`)].join('\r\n');
  const threads0 = (await import('node:fs')).readdirSync(`/proc/${process.pid}/task`).length;
  t.equal((await fetch(`${r.base}${location}`, { method: 'PATCH', headers, body: names })).status, 204, 'accepted and dropped');
  const threads1 = (await import('node:fs')).readdirSync(`/proc/${process.pid}/task`).length;
  t.ok(threads1 - threads0 < 10, `no resolver thread per name (threads ${threads0} → ${threads1})`);
  const wrong = await fetch(`${r.base}${location}`, { method: 'PATCH', headers: { ...headers, 'If-Match': '"nope"' }, body: fragment(v) });
  t.equal(wrong.status, 412);
  t.equal(((await wrong.json()) as { code: string }).code, 'SKYFEED_ERR_WEBRTC_PRECONDITION');
  t.equal((await fetch(`${r.base}${location}`, { method: 'PATCH', headers: { ...headers, 'If-Match': etag }, body: fragment(v) })).status, 204);
  const many = ['a=mid:0', ...Array.from({ length: 70 }, (_, i) => `a=candidate:${i} 1 udp 2113937151 192.0.2.${(i % 250) + 1} ${41000 + i} typ host`)].join('\r\n');
  const over = await fetch(`${r.base}${location}`, { method: 'PATCH', headers, body: many });
  t.equal(over.status, 400, 'more than 64 candidates for one peer: 400');
});
