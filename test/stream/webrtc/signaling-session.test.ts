// Signaling over the real server's /ws/webrtc_signaling, with its real
// encoder and real WebRTC peers (node-datachannel viewers): garbage is
// answered with `error` and counted, max_peers closes the extra socket with
// 1008, a silent viewer is closed as stalled, telemetry arrives. (Candidates
// sent before the offer: the Chromium test, since a libdatachannel viewer
// cannot take the server's early ICE checks reliably; see NdcReceiver.)

import t from 'tap';
import WebSocket from 'ws';
import { NdcReceiver } from '../../../bench/webrtc/ndc-receiver.js';
import { hasCommand, FFMPEG_MISSING } from '../../helpers/tools.js';
import { startWebRtcServer, type WebRtcServer, type WebRtcServerOptions } from '../../helpers/webrtc-server.js';

if (!hasCommand('ffmpeg')) throw new Error(FFMPEG_MISSING);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Msg { type: string; message?: string; peer_id?: string; payload?: { sdp?: string; candidate?: string; sdpMid?: string } }

class Client {
  readonly ws: WebSocket;
  readonly messages: Msg[] = [];
  closed: { code: number; reason: string } | null = null;
  #waiters: (() => void)[] = [];

  constructor(rig: WebRtcServer) {
    this.ws = new WebSocket(`ws://127.0.0.1:${rig.port}/ws/webrtc_signaling`);
    this.ws.on('message', (d) => { this.messages.push(JSON.parse(String(d)) as Msg); this.#wake(); });
    this.ws.on('close', (code, reason) => { this.closed = { code, reason: String(reason) }; this.#wake(); });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => { this.ws.once('open', () => resolve()); this.ws.once('error', reject); });
  }

  send(data: unknown): void {
    this.ws.send(typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data));
  }

  async next(pred: (m: Msg) => boolean, ms = 5000): Promise<Msg> {
    const end = performance.now() + ms;
    for (;;) {
      const i = this.messages.findIndex(pred);
      if (i >= 0) return this.messages.splice(i, 1)[0];
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting`);
      if (performance.now() > end) throw new Error('timed out waiting for a message');
      await new Promise<void>((r) => { this.#waiters.push(r); setTimeout(r, 50); });
    }
  }

  async whenClosed(ms = 5000): Promise<{ code: number; reason: string }> {
    const end = performance.now() + ms;
    while (!this.closed) {
      if (performance.now() > end) throw new Error('socket did not close');
      await sleep(20);
    }
    return this.closed;
  }
}

function rig(t: { teardown(fn: () => unknown): void }, o: WebRtcServerOptions = {}): Promise<WebRtcServer> {
  return startWebRtcServer(t, { width: 320, height: 240, ...o });
}

t.test('garbage is answered with error and counted; the session survives and still works', async (t) => {
  const r = await rig(t);
  const c = new Client(r);
  await c.open();
  t.teardown(() => c.ws.close());
  const garbage: unknown[] = [
    'not json', '[1,2,3]', '42', '{}', { type: 7 }, { type: 'dance' }, { type: 'offer' }, { type: 'offer', payload: 'x' },
    { type: 'offer', payload: { sdp: 42 } }, { type: 'offer', payload: { sdp: 'v=0 but nothing else', type: 'offer' } },
    { type: 'offer', payload: { sdp: 'hello', type: 'offer' } }, { type: 'offer', payload: { sdp: 'v=0\r\n', type: 'answer' } },
    { type: 'ice-candidate', payload: null }, { type: 'ice-candidate', payload: { candidate: 5 } },
    { type: 'ice-candidate', payload: { candidate: 'candidate:1', sdpMLineIndex: -1 } },
    { type: 'answer', payload: { sdp: 'v=0\r\n', type: 'answer' } },
    Buffer.from([1, 2, 3]),
  ];
  for (const g of garbage) {
    c.send(g);
    const m = await c.next(() => true);
    t.equal(m.type, 'error', `${JSON.stringify(g instanceof Buffer ? 'binary' : g).slice(0, 60)} → error: ${m.message}`);
  }
  c.send('x'.repeat(100_000));
  t.match((await c.next(() => true)).message, /too large/);
  const s = r.service.fanout.stats();
  t.equal(s.signaling.errors, garbage.length + 1, 'every bad message counted');
  t.equal(s.signaling.oversized, 1);
  t.equal(s.peers, 0, 'no garbage created a peer');
  t.equal(c.closed, null, 'the socket is still open');
  c.send({ type: 'request-offer' });
  const offer = await c.next((m) => m.type === 'offer');
  t.match(offer.payload?.sdp, /^v=0/);
  t.match(offer.payload?.sdp, /H264\/90000/);
  t.ok(offer.peer_id, 'the first valid message created the peer and its id');
  t.equal(r.service.fanout.peerCount, 1);
});

/** Offer, answer, then candidates both ways (trickle: no DTLS race, see NdcReceiver). */
async function connectViewer(c: Client, v: NdcReceiver): Promise<string> {
  c.send({ type: 'offer', payload: { sdp: await v.offer(), type: 'offer' } });
  const answer = await c.next((m) => m.type === 'answer');
  v.accept(answer.payload!.sdp!);
  for (const cand of v.candidates) {
    c.send({ type: 'ice-candidate', payload: { candidate: cand.candidate, sdpMid: cand.mid, sdpMLineIndex: 0 } });
  }
  const first = await c.next((m) => m.type === 'ice-candidate');
  for (const m of [first, ...c.messages.filter((x) => x.type === 'ice-candidate')]) {
    v.addCandidate(m.payload!.candidate!, m.payload!.sdpMid!);
  }
  await v.connected();
  return answer.peer_id!;
}

t.test('past max_peers the socket is closed with 1008; a freed slot is reusable', async (t) => {
  const r = await rig(t, { webrtc: { max_peers: 2 } });
  const clients = [new Client(r), new Client(r), new Client(r)];
  t.teardown(() => clients.forEach((c) => c.ws.close()));
  await Promise.all(clients.map((c) => c.open()));
  for (const c of clients.slice(0, 2)) {
    c.send({ type: 'request-offer' });
    await c.next((m) => m.type === 'offer');
  }
  clients[2].send({ type: 'request-offer' });
  t.match((await clients[2].next(() => true)).message, /Max peers reached/);
  t.same(await clients[2].whenClosed(), { code: 1008, reason: 'Max peers reached' });
  t.equal(r.service.fanout.stats().rejected_full, 1);
  clients[0].ws.close();
  const end = performance.now() + 2000;
  while (r.service.fanout.peerCount > 1 && performance.now() < end) await sleep(20);
  t.equal(r.service.fanout.peerCount, 1, 'closing the socket closed its peer');
  const again = new Client(r);
  t.teardown(() => again.ws.close());
  await again.open();
  again.send({ type: 'request-offer' });
  t.equal((await again.next(() => true)).type, 'offer', 'the freed slot is usable');
});

t.test('a viewer that stops sending RTCP is closed as stalled; one that reports stays', async (t) => {
  const r = await rig(t, { tuning: { fanout: { stalledTimeoutMs: 2500 } } });
  async function connect(rtcp: boolean): Promise<{ c: Client; v: NdcReceiver }> {
    const c = new Client(r);
    await c.open();
    const v = new NdcReceiver({ rtcp, trickle: true });
    await connectViewer(c, v);
    return { c, v };
  }
  const silent = await connect(false);
  const good = await connect(true);
  t.teardown(() => { silent.v.close(); good.v.close(); silent.c.ws.close(); good.c.ws.close(); });
  const closed = await silent.c.whenClosed(8000);
  t.same(closed, { code: 1000, reason: 'peer closed (stalled)' });
  t.match(silent.c.messages.find((m) => m.type === 'error')?.message, /stalled/);
  const s = r.service.fanout.stats();
  t.equal(s.stalled_closed, 1);
  t.equal(s.peers, 1, 'the reporting viewer is still connected');
  t.equal(good.c.closed, null);
  // Kept receiving: frames before the silent one was closed and after it (a count, not a rate: the machine may be loaded).
  const atClose = good.v.counts.frames;
  t.ok(atClose > 30, `it received while the other stalled (${atClose} frames)`);
  const after = performance.now() + 10000;
  while (good.v.counts.frames < atClose + 15 && performance.now() < after) await sleep(20);
  t.ok(good.v.counts.frames >= atClose + 15, `and goes on receiving (${good.v.counts.frames - atClose} more frames)`);
  const row = r.service.fanout.stats().peer_list[0];
  t.equal(row.state, 'connected');
  t.ok(row.frames_sent > 45 && row.bytes_per_sec > 0, `stats: ${row.frames_sent} frames, ${row.bytes_per_sec} B/s`);
});

t.test('the server pushes telemetry to viewers that offered a data channel, tagged with the frame id, at most at the rate limit', async (t) => {
  // The server's feed sends 10 Hz; a 5 Hz cap must hold it to 5.
  const r = await rig(t, { tuning: { fanout: { telemetryMaxHz: 5 } } });
  const c = new Client(r);
  await c.open();
  const v = new NdcReceiver({ dataChannel: true, trickle: true });
  t.teardown(() => { v.close(); c.ws.close(); });
  await connectViewer(c, v);
  const end = performance.now() + 5000;
  while (performance.now() < end && v.counts.telemetry === 0) await sleep(20);
  const before = v.counts.telemetry;
  await sleep(2000);
  const got = v.counts.telemetry - before;
  t.ok(got >= 7 && got <= 12, `${got} messages in 2 s (feed 10 Hz, limit 5/s)`);
  const last = v.lastTelemetry as { type: string; frame_id: number; timestamp: number; tracker: unknown; follower: unknown; flags: unknown };
  t.equal(last.type, 'telemetry');
  t.ok(Number.isInteger(last.frame_id) && last.frame_id > 0 && last.frame_id <= r.server.context.bus.ring.latestSeq(),
    `frame_id ${last.frame_id} is a frame the camera made`);
  t.ok(Math.abs(last.timestamp - Date.now() / 1000) < 2, 'timestamp in seconds, now');
  t.ok(last.tracker !== undefined && last.follower !== undefined && last.flags !== undefined, 'tracker, follower and flags as in /status');
  t.ok(r.service.fanout.stats().telemetry.skipped_rate > 0, 'the cap skipped some');
  t.throws(() => r.service.fanout.broadcastTelemetry({ box: 1 } as never), /frame_id/);
});

t.test('a peer that never connects is closed after connectTimeoutMs and frees its slot', async (t) => {
  const r = await rig(t, { webrtc: { max_peers: 1 }, tuning: { fanout: { connectTimeoutMs: 1000 } } });
  const c = new Client(r);
  await c.open();
  t.teardown(() => c.ws.close());
  c.send({ type: 'request-offer' });
  await c.next((m) => m.type === 'offer');
  t.equal(r.service.fanout.peerCount, 1);
  // No answer ever comes: the half-open peer would hold the only slot.
  t.same(await c.whenClosed(5000), { code: 1000, reason: 'peer closed (connect_timeout)' });
  t.equal(r.service.fanout.stats().connect_timeouts, 1);
  t.equal(r.service.fanout.peerCount, 0, 'the slot is free again');
});
