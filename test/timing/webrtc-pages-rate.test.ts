// Timing suite: three Chromium pages (signaling with the browser's offer,
// signaling with the server's offer, WHEP) on one encode each decode at
// least 140 of the camera's 150 frames in 5 s at 640x480. A rate over a
// fixed window, so it runs here, one file at a time; that the three share
// one ffmpeg process and decode at all is checked in
// test/stream/webrtc/chromium.test.ts.

import t from 'tap';
import { childPids, hasCommand, FFMPEG_MISSING } from '../helpers/tools.js';
import { chromiumViewers, pageStats, waitDecoded, type Mode } from '../helpers/webrtc-pages.js';
import { startWebRtcServer } from '../helpers/webrtc-server.js';

if (!hasCommand('ffmpeg')) throw new Error(FFMPEG_MISSING);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('three pages, one encoder: >= 140 frames decoded in 5 s each at 640x480', async (t) => {
  const viewers = await chromiumViewers(t);
  const r = await startWebRtcServer(t);
  const modes: Mode[] = ['ws', 'ws-server-offer', 'whep'];
  const pages = await Promise.all(modes.map((m) => viewers.open(r, m)));
  await Promise.all(pages.map((p) => waitDecoded(p, 1, 10_000)));
  await sleep(1000); // past the GOP replay burst
  const before = await Promise.all(pages.map(pageStats));
  await sleep(5000);
  const after = await Promise.all(pages.map(pageStats));
  modes.forEach((mode, i) => {
    const decoded = after[i]!.framesDecoded - before[i]!.framesDecoded;
    t.ok(decoded >= 140, `${mode}: ${decoded} frames decoded in 5 s`);
    t.equal(after[i]!.frameWidth, 640);
    t.equal(after[i]!.frameHeight, 480);
  });
  t.same(childPids(process.pid, 'ffmpeg'), [r.service.encoder.pid], 'one ffmpeg process for the three pages');
  const reconnects = (await Promise.all(pages.map((p) => p.evaluate('viewer.reconnects')))) as number[];
  t.comment(`pages that reconnected after a failed ICE/DTLS start (server offers only): ${reconnects.join(', ')}`);
  await Promise.all(pages.map((p) => p.close()));
});
