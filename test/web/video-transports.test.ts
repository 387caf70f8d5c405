// The video panel plays over each transport in real Chromium (frames
// advance, the readout names the transport), picks WebRTC by default, and
// logs no console errors.

import t from 'tap';
import { startInProcess } from '../helpers/in-process.js';
import { launch, openDashboard, waitFrames } from './dashboard.js';

t.test('auto picks WebRTC, and each transport plays when chosen', async (t) => {
  const srv = await startInProcess(t, { source: { type: 'synthetic', scene: 'aerial' } });
  const browser = await launch(t);
  if (!browser) return;
  const { page, errors } = await openDashboard(browser, srv, { token: null });
  const n = await waitFrames(page, 'webrtc', 15);
  t.ok(n >= 15, `auto: webrtc showed ${n} frames`);
  t.match(await page.textContent('#vstat'), /^webrtc · \d+ fps/, 'the readout names the transport');
  for (const kind of ['ws', 'mjpeg', 'webrtc']) {
    await page.selectOption('#transport', kind);
    const got = await waitFrames(page, kind, 15);
    t.pass(`${kind}: frames advance (${got})`);
    if (kind === 'ws') {
      const lat = Number(await page.getAttribute('#video-panel', 'data-latency-ms'));
      t.ok(lat >= 0 && lat < 5000, `ws latency from the frame's capture time: ${lat} ms`);
      t.ok(Number(await page.getAttribute('#video-panel', 'data-frame-id')) > 0, 'ws frames carry the server frame id');
    }
  }
  const stats = await (await fetch(`${srv.base}/stats`)).json() as { webrtc: { peers: number }; http_connections: number; ws_connections: number };
  t.equal(stats.webrtc.peers, 1, 'one WebRTC peer: the earlier transports were closed');
  t.equal(stats.http_connections + stats.ws_connections, 0, 'no MJPEG or WS viewer left open');
  t.same(errors, [], 'no console errors');
});

t.test('without WebRTC the panel falls back to the WebSocket by itself', async (t) => {
  const srv = await startInProcess(t, { source: { type: 'synthetic', scene: 'aerial' }, webrtc: { enabled: false } });
  const browser = await launch(t);
  if (!browser) return;
  const { page } = await openDashboard(browser, srv, { token: null });
  await waitFrames(page, 'ws', 10);
  t.match(await page.textContent('#video-msg'), /webrtc unavailable .*using ws/, 'the fallback is explained');
});
