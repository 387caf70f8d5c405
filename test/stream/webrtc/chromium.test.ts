// End to end in Debian's headless Chromium against the real server (in this
// process: its one ffmpeg encode is a child of this process, fed by the
// synthetic camera): pages on the server's origin connect through
// /ws/webrtc_signaling (browser offers, or the server offers on request) and
// through WHEP, and decode H.264 in the browser. Frame counts come from the
// browser's own getStats().

import t from 'tap';
import { childPids, hasCommand, FFMPEG_MISSING } from '../../helpers/tools.js';
import { chromiumViewers, pageStats as stats, waitDecoded, type Mode } from '../../helpers/webrtc-pages.js';
import { startWebRtcServer, type WebRtcServer, type WebRtcServerOptions } from '../../helpers/webrtc-server.js';

if (!hasCommand('ffmpeg')) throw new Error(FFMPEG_MISSING);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const viewers = await chromiumViewers(t);

function rig(t: { teardown(fn: () => unknown): void }, o: WebRtcServerOptions = {}): Promise<WebRtcServer> {
  return startWebRtcServer(t, o);
}

const openViewer = (r: WebRtcServer, mode: Mode, connect = true) => viewers.open(r, mode, connect);

// The full-rate check (>= 140 frames in 5 s each) is in test/timing/webrtc-pages-rate.test.ts:
// here other test files may share the two cores, so only "it flows" is asserted.
t.test('three pages at once (signaling, server offer, WHEP) share one encoder and decode 640x480', async (t) => {
  const r = await rig(t);
  const pages = await Promise.all([openViewer(r, 'ws'), openViewer(r, 'ws-server-offer'), openViewer(r, 'whep')]);
  await Promise.all(pages.map((p) => waitDecoded(p, 1, 10_000)));
  const before = await Promise.all(pages.map(stats));
  await sleep(5000);
  const after = await Promise.all(pages.map(stats));
  ['ws', 'ws-server-offer', 'whep'].forEach((mode, i) => {
    const decoded = after[i]!.framesDecoded - before[i]!.framesDecoded;
    t.ok(decoded >= 60, `${mode}: ${decoded} frames decoded in 5 s`);
    t.equal(after[i]!.frameWidth, 640, `${mode}: 640 wide`);
    t.equal(after[i]!.frameHeight, 480, `${mode}: 480 high`);
  });
  t.same(childPids(process.pid, 'ffmpeg'), [r.service.encoder.pid], 'one ffmpeg process for all three');
  const s = r.service.stats();
  t.equal(s.peers, 3);
  t.same(s.peer_list.map((p) => p.kind).sort(), ['whep', 'ws', 'ws']);
  for (const p of s.peer_list) {
    t.equal(p.state, 'connected');
    t.ok(p.rtt_ms !== null, `peer ${p.kind}: RTT from the browser's receiver reports (${p.rtt_ms} ms)`);
    t.ok(p.bytes_per_sec > 50_000, `peer ${p.kind}: ${p.bytes_per_sec} B/s`);
  }
  t.equal(s.encoder?.state, 'running');
  // A sanity bound: the rate itself is the timing suite's (other test files share the cores here).
  t.ok(s.encoder!.fps > 15, `encoder ${s.encoder!.fps} fps, ${s.encoder!.kbps} kbit/s`);
  // The pages read the capture time the camera drew into the picture: what
  // they show is live. (Background tabs present ~1 frame a second.)
  const ages = (await pages[0].evaluate('viewer.displayed.filter((d) => d.frame >= 0).slice(-5).map((d) => codeAgeMs(d.frame, d.presented))')) as number[];
  // Signed: the browser's clock and ours may differ by a few ms.
  t.ok(ages.length > 0 && ages.every((a) => a > -50 && a < 1000), `decoded pictures are live: captured ${ages.join(', ')} ms before display`);
  // Telemetry rides on the data channel of the pages that offered one.
  const tel = (await Promise.all(pages.map((p) => p.evaluate('viewer.telemetry.length')))) as number[];
  t.ok(tel[0] > 40 && tel[1] > 40, `telemetry messages received: ${tel.join(', ')}`);
  t.equal(tel[2], 0, 'the WHEP page offered no data channel: no telemetry');
  const last = (await pages[0].evaluate('viewer.telemetry.at(-1).data')) as { type: string; frame_id: number };
  t.equal(last.type, 'telemetry');
  t.ok(last.frame_id > 0 && last.frame_id <= r.server.context.bus.ring.latestSeq(), `telemetry for frame ${last.frame_id}`);
  await Promise.all(pages.map((p) => p.close()));
});

t.test('candidates sent before the offer are queued and used (the offer carries none)', async (t) => {
  const r = await rig(t);
  const page = await openViewer(r, 'ws-candidates-first');
  t.teardown(() => page.close());
  await waitDecoded(page, 30, 10_000);
  t.ok((await page.evaluate('viewer.sentCandidates')) as number > 0, 'the page sent its candidates first');
  t.same(await page.evaluate('viewer.errors'), []);
});

t.test('a peer joining mid-GOP gets a picture in < 1 s (the cached GOP); without the cache it waits for the next IDR', async (t) => {
  // GOP 2 s: joining 0.5 s after an IDR leaves 1.5 s to the next one.
  async function join(gopCacheUnits: number): Promise<{ ms: number; newIdrs: number }> {
    const r = await startWebRtcServer(t, { alwaysOn: true, webrtc: { gop: 60 }, tuning: { encoder: { gopCacheUnits } } });
    const page = await openViewer(r, 'ws', false);
    try {
      const end = performance.now() + 10_000;
      // Wait for a fresh IDR, then half a second.
      let lastKey = r.service.encoder.stats().keyframes;
      while (r.service.encoder.stats().keyframes === lastKey || r.service.encoder.stats().keyframes < 1) {
        if (performance.now() > end) throw new Error('no IDR');
        await sleep(5);
      }
      lastKey = r.service.encoder.stats().keyframes;
      await sleep(500);
      await page.evaluate(`viewer.connect('ws')`);
      const start = (await page.evaluate('viewer.startedAt')) as number;
      await waitDecoded(page, 1, 5000);
      const end2 = performance.now() + 3000;
      while (!((await page.evaluate('viewer.firstFrameAt')) as number) && performance.now() < end2) await sleep(10);
      const first = (await page.evaluate('viewer.firstFrameAt')) as number;
      return { ms: first - start, newIdrs: r.service.encoder.stats().keyframes - lastKey };
    } finally {
      await page.close();
      await r.close();
    }
  }
  const cached = await join(300);
  t.ok(cached.ms < 1000, `with the GOP cache: first picture ${cached.ms.toFixed(0)} ms after connecting`);
  t.equal(cached.newIdrs, 0, 'decoded from the cached GOP, before any new IDR');
  const uncached = await join(1);
  t.ok(uncached.ms > 1000, `control, cache too small for the GOP: ${uncached.ms.toFixed(0)} ms (waits for the next IDR)`);
  t.equal(uncached.newIdrs, 1, 'the control had to wait for the next IDR');
});

t.test('a killed encoder comes back and the page receives frames again, on the same connection', async (t) => {
  const r = await rig(t, { tuning: { encoder: { restartMinMs: 500 } } });
  const page = await openViewer(r, 'ws');
  t.teardown(() => page.close());
  await waitDecoded(page, 30, 10_000);
  const peerId = r.service.fanout.stats().peer_list[0].id;
  const pid = r.service.encoder.pid!;
  process.kill(pid, 'SIGKILL');
  const end = performance.now() + 5000;
  while (!(r.service.encoder.pid && r.service.encoder.pid !== pid && r.service.encoder.state === 'running')) {
    if (performance.now() > end) throw new Error('encoder did not come back');
    await sleep(20);
  }
  const atRestart = (await stats(page))!.framesDecoded;
  const again = await waitDecoded(page, atRestart + 60, 8000);
  t.ok(again.framesDecoded >= atRestart + 60, `decoding resumed: ${again.framesDecoded - atRestart} more frames`);
  const s = r.service.stats();
  t.equal(s.encoder?.restarts, 1);
  t.match(s.encoder?.last_error, /SIGKILL/);
  t.equal(s.peer_list.length, 1);
  t.equal(s.peer_list[0].id, peerId, 'the same peer connection carried on');
  t.same(childPids(process.pid, 'ffmpeg'), [r.service.encoder.pid]);
});
