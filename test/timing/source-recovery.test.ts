// Timing suite: how soon ResilientSource gets where it should, on real
// timers (bounds as the windows test/capture/resilient-source.test.ts had
// before it waited for the states instead): failed within 1 s of 50..200 ms
// backoffs, healthy within 400 ms of the device working again, a stall
// (600 ms timeout) noticed within 900 ms.

import t from 'tap';
import { RawRing } from '../../lib/bus/raw-ring.js';
import { ResilientSource } from '../../lib/capture/resilient-source.js';
import { ScriptedSession, SCRIPTED_W as W, SCRIPTED_H as H, type ScriptedMode } from '../helpers/scripted-session.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const opts = { fps: 30, reconnectMinMs: 50, reconnectMaxMs: 200, stallTimeoutMs: 600, noSignalFps: 10 };

t.test('failed within 1 s; healthy within 400 ms; a stall noticed within 900 ms', async (t) => {
  const starts: number[] = [];
  let mode: ScriptedMode = 'fail';
  const src = new ResilientSource('test', () => new ScriptedSession(mode, starts), opts);
  t.teardown(() => src.close());
  await src.open(RawRing.create({ slots: 4, width: W, height: H, slotBytes: W * H * 3 }), { frame: () => {} });
  await sleep(1000);
  t.equal(src.health().state, 'failed', 'failed after 1 s of failures');
  mode = 'run';
  await sleep(400);
  t.equal(src.health().state, 'healthy', 'healthy 400 ms after the device works');
  mode = 'stall';
  await src.reconnect();
  await sleep(900);
  t.not(src.health().state, 'healthy', 'a stall noticed 900 ms after it began');
});
