// The RTP sender against real UDP sockets on 127.0.0.1: what reaches a
// receiver, how a dead receiver shows (ICMP port unreachable → failing),
// recovery, a stalled path, a host that does not resolve, stop.

import t from 'tap';
import type { AccessUnit, AccessUnitListener, AccessUnitSource } from '../../../lib/encode/h264/index.js';
import { AnnexBSplitter } from '../../../lib/encode/h264/annexb-splitter.js';
import { RestreamHub, targetSpec, type RestreamTargetSpec } from '../../../lib/stream/restream/index.js';
import { makeStream } from '../../helpers/h264-streams.js';
import { RtpReceiver, nalTypesOf } from '../../helpers/rtp.js';
import { FFMPEG_MISSING, hasCommand } from '../../helpers/tools.js';
import { waitFor } from '../../helpers/wait.js';

if (!hasCommand('ffmpeg')) throw new Error(FFMPEG_MISSING);

const { bytes } = makeStream({ frames: 60, gop: 10, format: 'h264', width: 320, height: 240, x264: 'aud=0' });
const units: Buffer[] = [];
const splitter = new AnnexBSplitter(1 << 22, (buf, s, e) => units.push(Buffer.from(buf.subarray(s, e))));
splitter.push(bytes);
splitter.push(Buffer.from([0, 0, 0, 1, 9, 0xf0]));

/** Plays the real access units on demand, like the encoder would, and counts holds and keyframe requests. */
class FakeEncoder implements AccessUnitSource {
  listeners: AccessUnitListener[] = [];
  holds = 0;
  keyframeRequests = 0;
  #next = 0;
  #seq = 0;
  onAccessUnit(fn: AccessUnitListener): () => void {
    this.listeners.push(fn);
    return () => { this.listeners = this.listeners.filter((f) => f !== fn); };
  }
  gop(): readonly AccessUnit[] { return []; }
  requestKeyframe(): boolean { this.keyframeRequests++; return true; }
  hold(): () => void {
    this.holds++;
    let done = false;
    return () => { if (!done) { done = true; this.holds--; } };
  }
  skip(n: number): void {
    this.#next += n;
  }
  /** Emits the next `n` units (wrapping), 33 ms of capture time apart. */
  emit(n: number): void {
    for (let i = 0; i < n; i++) {
      const data = units[this.#next];
      this.#next = (this.#next + 1) % units.length;
      const au: AccessUnit = {
        data, keyframe: nalTypesOf(data).includes(5), frameId: this.#seq, captureMs: 1000 + this.#seq * 33, seq: this.#seq, readyMs: Date.now(),
      };
      this.#seq++;
      for (const fn of this.listeners) fn(au);
    }
  }
  /** Emits until a receiver check holds, so the test does not depend on timing. */
  async emitUntil<T>(check: () => T | false | undefined, what: string, timeoutMs = 5000): Promise<T> {
    return waitFor(() => { this.emit(1); return check(); }, what, { timeoutMs, everyMs: 5 });
  }
}

function spec(port: number, extra: Partial<RestreamTargetSpec> = {}): RestreamTargetSpec {
  return targetSpec({ label: 'rx', type: 'rtp', host: '127.0.0.1', video_port: port, payload_type: 97, ...extra });
}

function hubFor(t: { teardown(fn: () => unknown): void }, enc: FakeEncoder, s: RestreamTargetSpec, opts = {}): RestreamHub {
  const hub = new RestreamHub([s], { source: enc, hold: () => enc.hold() }, opts);
  t.teardown(() => hub.close());
  return hub;
}

t.test('a started target waits for an IDR, then the receiver gets every access unit intact', async (t) => {
  const rx = await RtpReceiver.open();
  t.teardown(() => rx.close());
  const enc = new FakeEncoder();
  const hub = hubFor(t, enc, spec(rx.port, { ssrc: 4242, autostart: false }));
  hub.startAutostart();
  t.equal(hub.status('rx').state, 'stopped', 'autostart false stays stopped');
  t.equal(enc.holds, 0);
  hub.start('rx');
  t.equal(enc.holds, 1, 'a sending target holds the encoder');
  t.ok(enc.keyframeRequests >= 1, 'and asks for a keyframe to begin with');
  await waitFor(() => hub.status('rx').address, 'the socket to open');
  // Start mid-GOP: units 1..9 are P-frames a receiver could not decode; unit 10 is the next IDR.
  t.same([1, 9, 10].map((i) => nalTypesOf(units[i]).includes(5)), [false, false, true]);
  enc.skip(1);
  enc.emit(21);
  await waitFor(() => rx.depacketizer.units.length >= 12, '12 access units at the receiver');
  const got = rx.depacketizer.units;
  t.ok(got[0].keyframe, 'the first unit received is an IDR');
  t.ok(rx.packets.every((p) => p.payloadType === 97 && p.ssrc === 4242), 'payload type and ssrc from the config');
  t.same(got.slice(1, 4).map((u) => u.timestamp - got[0].timestamp), [2970, 5940, 8910], '90 kHz from capture times 33 ms apart');
  const s = hub.status('rx');
  t.equal(s.state, 'sending');
  t.equal(s.access_units, 12, 'the 9 P-frames before the IDR were not sent');
  await waitFor(() => hub.status('rx').packets === rx.packets.length, 'packet counter to match the receiver');
  t.equal(hub.status('rx').bytes, rx.packets.reduce((a, p) => a + p.size, 0), 'byte counter matches');
  hub.stop('rx');
  t.equal(enc.holds, 0, 'stop releases the encoder');
  t.equal(hub.status('rx').state, 'stopped');
  const before = rx.packets.length;
  enc.emit(10);
  await new Promise((r) => setTimeout(r, 100));
  t.equal(rx.packets.length, before, 'nothing sent after stop');
});

t.test('the receiver going away shows as failing; it coming back resumes with a keyframe request', async (t) => {
  let rx = await RtpReceiver.open();
  const port = rx.port;
  const enc = new FakeEncoder();
  const hub = hubFor(t, enc, spec(port), { failingWindowMs: 400 });
  hub.start('rx');
  await waitFor(() => hub.status('rx').address, 'the socket to open');
  await enc.emitUntil(() => rx.depacketizer.units.length >= 3, 'units at the receiver');
  await rx.close();
  await enc.emitUntil(() => hub.status('rx').state === 'failing', 'state failing after the receiver closed');
  const failing = hub.status('rx');
  t.ok(failing.errors > 0);
  t.equal(failing.last_error, 'ECONNREFUSED');
  t.equal(enc.holds, 1, 'still holding the encoder: it keeps trying');
  rx = await RtpReceiver.open(port);
  t.teardown(() => rx.close());
  const requests = enc.keyframeRequests;
  await enc.emitUntil(() => hub.status('rx').state === 'sending' && rx.depacketizer.units.length > 0, 'sending again to the new receiver');
  await enc.emitUntil(() => enc.keyframeRequests > requests, 'recovery to ask the encoder for an IDR', 2000);
  t.pass('recovery asked the encoder for an IDR');
});

t.test('a stalled path drops whole access units and restarts at an IDR; memory stays at the slab', async (t) => {
  const rx = await RtpReceiver.open();
  t.teardown(() => rx.close());
  const enc = new FakeEncoder();
  // 3 slots of 200 bytes: an IDR of this stream needs more, so every IDR is refused.
  const hub = hubFor(t, enc, spec(rx.port, { mtu: 200 }), { slots: 3 });
  hub.start('rx');
  await waitFor(() => hub.status('rx').address, 'the socket to open');
  enc.emit(25);
  const s = hub.status('rx');
  t.ok(s.dropped_access_units >= 2, `dropped ${s.dropped_access_units}`);
  t.equal(s.access_units, 0, 'no partial unit and no P-frame without its IDR');
  t.equal(s.state, 'waiting_keyframe');
  t.ok(s.in_flight <= 3);
});

t.test('a host that does not resolve is failing with the reason, and retried', async (t) => {
  const enc = new FakeEncoder();
  const hub = hubFor(t, enc, spec(5004, { host: 'no-such-host.invalid' }), { retryMs: 50 });
  hub.start('rx');
  await waitFor(() => hub.status('rx').errors >= 2, 'two failed resolutions (retry)');
  const s = hub.status('rx');
  t.equal(s.state, 'failing');
  t.match(s.last_error, /ENOTFOUND|EAI_AGAIN/);
  hub.stop('rx');
  const errors = hub.status('rx').errors;
  await new Promise((r) => setTimeout(r, 150));
  t.equal(hub.status('rx').errors, errors, 'no retry after stop');
});

t.test('labels: unknown → RESTREAM_UNKNOWN_TARGET; duplicates and targets without an encoder are refused', async (t) => {
  const enc = new FakeEncoder();
  const hub = hubFor(t, enc, spec(5004));
  t.throws(() => hub.start('nope'), { code: 'SKYFEED_ERR_RESTREAM_UNKNOWN_TARGET' });
  t.throws(() => new RestreamHub([spec(1), spec(2)], { source: enc, hold: () => enc.hold() }), /twice/);
  t.throws(() => new RestreamHub([spec(1)], null), /encoder/);
  t.same(new RestreamHub([], null).list(), []);
});
