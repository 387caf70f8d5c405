// Offboard from the page in simulation (the simulated vehicle): after a box
// is tracked, O (confirmed) starts offboard and the follower setpoints in
// the telemetry panel change; and the phone-sized layout shows the video
// and the controls without horizontal scrolling. SKYFEED_SCREENSHOTS=dir
// saves the laptop and phone views (docs/dashboard-*.png).

import path from 'node:path';
import t from 'tap';
import { startInProcess } from '../helpers/in-process.js';
import { trackCar, launch, openDashboard, screenshot, waitFrames } from './dashboard.js';

const shots = process.env.SKYFEED_SCREENSHOTS;

t.test('offboard in simulation: setpoints change in the telemetry panel', async (t) => {
  const srv = await startInProcess(t, { source: { type: 'synthetic', scene: 'aerial' }, vehicle: { connection: 'sim' } });
  const browser = await launch(t);
  if (!browser) return;
  const { page, errors } = await openDashboard(browser, srv, { transport: 'ws' });
  await waitFrames(page, 'ws', 5);
  await page.waitForFunction(`document.querySelector('#t-vehicle [data-key="connected"]')?.textContent === 'yes'`, undefined, { timeout: 15000 });
  const started = await trackCar(t, page, srv, errors);
  t.match(started, /^start_tracking: tracking /, String(started));
  await page.waitForFunction(`document.querySelector('#t-tracker [data-key="usable"]')?.textContent === 'yes'`, undefined, { timeout: 10000 });
  await page.keyboard.press('o');
  await page.waitForFunction(`document.getElementById('command-result').dataset.command === 'start_offboard_mode'`, undefined, { timeout: 15000 });
  t.pass(`offboard: ${await page.textContent('#command-result')}`);
  const read = () => page.textContent('#follower-fields');
  const first = await read();
  await page.waitForFunction(`document.getElementById('follower-fields').textContent !== ${JSON.stringify(first)}`, undefined, { timeout: 10000 });
  t.not(await read(), first, `setpoints change: ${first} → ${await read()}`);
  if (shots) await screenshot(page, path.join(shots, 'dashboard-laptop.png'));
  await page.keyboard.press('x');
  await page.waitForFunction(`document.getElementById('command-result').dataset.command === 'stop_offboard_mode'`);
  t.same(errors, [], `no console errors: ${errors.join(' | ')}`);
});

t.test('phone viewport: video and controls, no horizontal scroll', async (t) => {
  const srv = await startInProcess(t, { source: { type: 'synthetic', scene: 'aerial' } });
  const browser = await launch(t);
  if (!browser) return;
  const { page, errors } = await openDashboard(browser, srv, { width: 390, height: 844 });
  await waitFrames(page, 'webrtc', 10);
  const sw = await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]') as number[];
  t.ok(sw[0] <= sw[1], `no horizontal scroll (scrollWidth ${sw[0]}, clientWidth ${sw[1]})`);
  const stage = (await page.locator('#stage').boundingBox())!;
  t.ok(stage.width >= 350 && stage.x >= 0 && stage.x + stage.width <= 390, `the video fits the width (${JSON.stringify(stage)})`);
  t.ok(await page.locator('#cmd-stop-tracking').isVisible(), 'the controls are shown');
  if (shots) await screenshot(page, path.join(shots, 'dashboard-phone.png'));
  t.same(errors, [], `no console errors: ${errors.join(' | ')}`);
});
