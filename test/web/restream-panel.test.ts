// The dashboard's restream panel against a real server sending RTP to our
// receiver on 127.0.0.1: the target's state and the viewer link are shown,
// an admin stops and starts it from the page (the receiver sees it), a
// viewer sees no buttons, and the panel hides when no target is configured.

import t from 'tap';
import { startInProcess } from '../helpers/in-process.js';
import { RtpReceiver } from '../helpers/rtp.js';
import { waitFor } from '../helpers/wait.js';
import { launch, openDashboard } from './dashboard.js';

const row = (label: string) => `#restream-panel tr[data-label="${label}"]`;

t.test('admin: state, link, stop and start from the page', async (t) => {
  const rx = await RtpReceiver.open();
  t.teardown(() => rx.close());
  const srv = await startInProcess(t, {
    restream: { targets: [{ label: 'janus-a', type: 'rtp', host: '127.0.0.1', video_port: rx.port, payload_type: 96, viewer_url: 'http://janus.test/streaming?id=1' }] },
  });
  const browser = await launch(t);
  if (!browser) return;
  const { page, errors } = await openDashboard(browser, srv);
  await page.waitForSelector(`${row('janus-a')}[data-state="sending"]`, { timeout: 20000 });
  t.ok(await page.locator('#restream-panel').isVisible(), 'the panel is shown when a target exists');
  t.equal(await page.getAttribute(`${row('janus-a')} a`, 'href'), 'http://janus.test/streaming?id=1', 'viewer link');
  await page.click(`${row('janus-a')} button[data-action="stop"]`);
  await page.waitForSelector(`${row('janus-a')}[data-state="stopped"]`, { timeout: 5000 });
  t.match(await page.textContent('#restream-msg'), /janus-a: stopped/);
  const n = rx.packets.length;
  await new Promise((r) => setTimeout(r, 150));
  t.equal(rx.packets.length, n, 'the receiver gets nothing after stop');
  await page.click(`${row('janus-a')} button[data-action="start"]`);
  await waitFor(() => rx.packets.length > n, 'packets again after start from the page', 10000);
  await page.waitForSelector(`${row('janus-a')}[data-state="sending"]`, { timeout: 10000 });
  t.same(errors, [], `no console errors: ${errors.join(' | ')}`);
});

t.test('viewer: state without buttons; no targets: no panel', async (t) => {
  const rx = await RtpReceiver.open();
  t.teardown(() => rx.close());
  const srv = await startInProcess(t, {
    restream: { targets: [{ label: 'b', type: 'rtp', host: '127.0.0.1', video_port: rx.port, payload_type: 96 }] },
  });
  const browser = await launch(t);
  if (!browser) return;
  const { page, errors } = await openDashboard(browser, srv, { token: null });
  await page.waitForSelector(`${row('b')}[data-state="sending"]`, { timeout: 20000 });
  t.equal(await page.locator(`${row('b')} button`).count(), 0, 'no start/stop for a viewer');
  const bare = await startInProcess(t, {});
  const other = await openDashboard(browser, bare, { token: null });
  await other.page.waitForSelector('#conn.ok', { timeout: 10000 });
  t.notOk(await other.page.locator('#restream-panel').isVisible(), 'hidden without targets');
  t.same([...errors, ...other.errors], [], 'no console errors');
});
