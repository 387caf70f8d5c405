// ResilientSource state machine with scripted sessions (in process, real
// ring and timers): backoff doubling to the cap, degraded → failed, NO SIGNAL
// frames while down, recovery to healthy, stall detection, forced reconnect,
// and permanent unavailability. Each wait is for the state it expects; how
// soon a stall is noticed is in test/timing/source-recovery.test.ts.

import t from 'tap';
import { RawRing, PixelFormat } from '../../lib/bus/raw-ring.js';
import { ResilientSource, FAILED_AFTER } from '../../lib/capture/resilient-source.js';
import { SourceUnavailable } from '../../lib/capture/live-session.js';
import { ScriptedSession as Scripted, SCRIPTED_W as W, SCRIPTED_H as H, type ScriptedMode } from '../helpers/scripted-session.js';
import { pause, waitFor } from '../helpers/wait.js';

const newRing = () => RawRing.create({ slots: 4, width: W, height: H, slotBytes: W * H * 3 });

const opts = { fps: 30, reconnectMinMs: 50, reconnectMaxMs: 200, stallTimeoutMs: 600, noSignalFps: 10 };

t.test('backoff doubles to the cap; degraded then failed; NO SIGNAL frames meanwhile', async (t) => {
  const starts: number[] = [];
  const src = new ResilientSource('test', () => new Scripted('fail', starts), opts);
  const ring = newRing();
  const seen: number[] = [];
  await src.open(ring, { frame: (seq) => seen.push(ring.format(ring.slotOf(seq))) });
  t.equal(src.health().state, 'degraded');
  t.equal(src.health().lastError, 'no device');
  // FAILED_AFTER failures, then two more attempts at the capped backoff.
  await waitFor(() => src.health().state === 'failed' && starts.length >= FAILED_AFTER + 2 && seen.length >= 5,
    `state failed after ${FAILED_AFTER + 2} attempts, with NO SIGNAL frames`);
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
  let mode: ScriptedMode = 'fail';
  const src = new ResilientSource('test', () => new Scripted(mode, starts), opts);
  const ring = newRing();
  let frames = 0;
  await src.open(ring, { frame: () => frames++ });
  t.equal(src.health().state, 'degraded');
  mode = 'run';
  await waitFor(() => src.health().state === 'healthy' && src.health().frames > 3, 'recovery with live frames');
  let h = src.health();
  t.equal(h.state, 'healthy', 'recovered');
  t.equal(h.consecutiveFailures, 0);
  t.equal(h.connectionOpen, true);
  t.ok(h.frames > 3, `live frames (${h.frames})`);

  mode = 'stall';
  t.equal(await src.reconnect(), false, 'forced reconnect onto a stalled session reports failure');
  await waitFor(() => src.health().state !== 'healthy' && /no frame for/.test(src.health().lastError ?? ''), 'the stall to be noticed');
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
  await waitFor(() => frames >= 2, 'NO SIGNAL frames');
  // A retry loop (50 ms backoff) would have tried again twice by now.
  await pause(200);
  t.equal(src.health().state, 'unavailable');
  t.equal(src.health().lastError, 'addon not built');
  t.equal(attempts, 1, 'no retry loop');
  t.ok(frames >= 2, 'NO SIGNAL frames still served');
  t.equal(await src.reconnect(), false);
  t.equal(attempts, 2, 'reconnect() tries again');
  await src.close();
});
