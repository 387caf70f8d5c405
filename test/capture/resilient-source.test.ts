// ResilientSource state machine with scripted sessions (in process, real
// ring and timers): backoff doubling to the cap, degraded → failed, NO SIGNAL
// frames while down, recovery to healthy, stall detection, forced reconnect,
// and permanent unavailability.

import t from 'tap';
import { RawRing, PixelFormat } from '../../lib/bus/raw-ring.js';
import { ResilientSource, FAILED_AFTER } from '../../lib/capture/resilient-source.js';
import { SourceUnavailable, type LiveSession, type SessionEvents } from '../../lib/capture/live-session.js';

const W = 64;
const H = 48;
const newRing = () => RawRing.create({ slots: 4, width: W, height: H, slotBytes: W * H * 3 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A session that fails to start, or runs and writes RGB frames every 20 ms (or stalls). */
class Scripted implements LiveSession {
  #timer: NodeJS.Timeout | null = null;
  constructor(readonly mode: 'fail' | 'run' | 'stall', readonly log: number[]) {}
  describe() {
    return 'scripted';
  }
  async start(ring: RawRing, ev: SessionEvents) {
    this.log.push(Date.now());
    if (this.mode === 'fail') throw new Error('no device');
    if (this.mode === 'stall') return;
    this.#timer = setInterval(() => {
      const seq = (ring.latestSeq() + 1) & 0x7fffffff;
      ring.beginWrite(seq).fill(200);
      ring.commitWrite(seq, W * H * 3, PixelFormat.RGB24, Date.now());
      ev.frame(seq);
    }, 20);
  }
  async stop() {
    if (this.#timer) clearInterval(this.#timer);
  }
}

const opts = { fps: 30, reconnectMinMs: 50, reconnectMaxMs: 200, stallTimeoutMs: 600, noSignalFps: 10 };

t.test('backoff doubles to the cap; degraded then failed; NO SIGNAL frames meanwhile', async (t) => {
  const starts: number[] = [];
  const src = new ResilientSource('test', () => new Scripted('fail', starts), opts);
  const ring = newRing();
  const seen: number[] = [];
  await src.open(ring, { frame: (seq) => seen.push(ring.format(ring.slotOf(seq))) });
  t.equal(src.health().state, 'degraded');
  t.equal(src.health().lastError, 'no device');
  await sleep(1000);
  const h = src.health();
  t.equal(h.state, 'failed', `failed after ${FAILED_AFTER} failures`);
  t.ok(h.consecutiveFailures >= FAILED_AFTER);
  t.ok(h.nextRecoveryAt! > 0, 'next attempt scheduled');
  const gaps = starts.slice(1).map((s, i) => s - starts[i]);
  t.ok(gaps[0] >= 45 && gaps[1] >= 95 && gaps[2] >= 195, `gaps ${gaps}`);
  t.ok(gaps.slice(3).every((g) => g >= 195), 'capped at reconnect_max_ms');
  t.ok(seen.length >= 5 && seen.every((f) => f === PixelFormat.RGB24), `NO SIGNAL frames (${seen.length})`);
  await src.close();
  t.equal(src.health().state, 'unavailable');
});

t.test('recovers to healthy; a stalled session is dropped; reconnect() forces an attempt', async (t) => {
  const starts: number[] = [];
  let mode: 'fail' | 'run' | 'stall' = 'fail';
  const src = new ResilientSource('test', () => new Scripted(mode, starts), opts);
  const ring = newRing();
  let frames = 0;
  await src.open(ring, { frame: () => frames++ });
  t.equal(src.health().state, 'degraded');
  mode = 'run';
  await sleep(400);
  let h = src.health();
  t.equal(h.state, 'healthy', 'recovered');
  t.equal(h.consecutiveFailures, 0);
  t.equal(h.connectionOpen, true);
  t.ok(h.frames > 3, `live frames (${h.frames})`);

  mode = 'stall';
  t.equal(await src.reconnect(), false, 'forced reconnect onto a stalled session reports failure');
  await sleep(900);
  h = src.health();
  t.not(h.state, 'healthy', `stall detected (${h.state})`);
  t.match(h.lastError, /no frame for/);

  mode = 'run';
  t.equal(await src.reconnect(), true, 'forced reconnect with a working device');
  t.equal(src.health().state, 'healthy');
  await src.close();
});

t.test('SourceUnavailable: unavailable, no automatic retries', async (t) => {
  let attempts = 0;
  const src = new ResilientSource('test', () => {
    attempts++;
    throw new SourceUnavailable('addon not built');
  }, opts);
  const ring = newRing();
  let frames = 0;
  await src.open(ring, { frame: () => frames++ });
  await sleep(400);
  t.equal(src.health().state, 'unavailable');
  t.equal(src.health().lastError, 'addon not built');
  t.equal(attempts, 1, 'no retry loop');
  t.ok(frames >= 2, 'NO SIGNAL frames still served');
  t.equal(await src.reconnect(), false);
  t.equal(attempts, 2, 'reconnect() tries again');
  await src.close();
});
