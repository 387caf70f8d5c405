// The V4L2 source end to end: the real server loads the N-API addon, whose
// capture thread streams from an emulated camera (LD_PRELOAD shim in
// test/fixtures) with mmap buffers and poll. MJPEG is passed through byte for
// byte at the camera's quality and re-encoded for others; YUYV is converted;
// a camera that vanishes mid-stream shows NO SIGNAL on the same connection
// and comes back by itself. Child processes: the native addon runs in the
// server under the LD_PRELOAD camera.

import t from 'tap';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type Owner, type RunningServer } from '../helpers/child-server.js';
import { call } from '../helpers/http.js';
import { decode, isNoSignal } from '../helpers/jpeg-frames.js';
import { openMjpeg } from '../helpers/stream-client.js';
import { waitFor } from '../helpers/wait.js';
import { hasCommand, CC_MISSING } from '../helpers/tools.js';
import { makeFakeCamera, FAKE_DEVICE, CAMERA_TAG, type FakeCamera } from '../helpers/fake-camera.js';

const W = 640;
const H = 480;
const here = path.dirname(fileURLToPath(import.meta.url));
const devicesModule = path.resolve(here, '../../lib/capture/v4l2-devices.js');
const addonModule = path.resolve(here, '../../lib/capture/v4l2-addon.js');

/** A server whose process sees the emulated camera. */
const startWithCamera = (t: Owner, cam: FakeCamera, config: Record<string, unknown>): Promise<RunningServer> =>
  startServer(t, config, { env: cam.env() });

const v4l2Config = (source: Record<string, unknown> = {}, streaming: Record<string, unknown> = {}) => ({
  streaming: { width: W, height: H, fps: 30, ...streaming },
  pipeline: { workers: 1 },
  source: { type: 'v4l2', device: FAKE_DEVICE, reconnect_min_ms: 300, reconnect_max_ms: 1000, ...source },
});

function addonBuilt(): string | null {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import(${JSON.stringify(addonModule)}).then((m) => m.loadV4l2Addon())`], { encoding: 'utf8' });
  return r.status === 0 ? null : r.stderr;
}

if (!hasCommand('cc', ['--version'])) {
  t.fail(CC_MISSING);
} else {
  const missing = addonBuilt();
  if (missing) t.fail(`the V4L2 addon is not built (npm install builds it with node-gyp): ${missing}`);
  let cam: FakeCamera;
  t.before(async () => {
    cam = await makeFakeCamera(W, H);
  });

  t.test('enumerates the device: formats, sizes, rates', async (t) => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e',
      `import(${JSON.stringify(devicesModule)}).then((m) => console.log(JSON.stringify(m.listV4l2Devices([${JSON.stringify(FAKE_DEVICE)}, '/dev/null']))))`],
      { encoding: 'utf8', env: cam.env() });
    t.equal(r.status, 0, r.stderr);
    const devices = JSON.parse(r.stdout);
    t.equal(devices.length, 1, '/dev/null is not a capture device and is left out');
    t.equal(devices[0].card, 'Skyfeed Test Camera');
    t.same(devices[0].formats.map((f: { fourcc: string }) => f.fourcc), ['MJPG', 'YUYV']);
    t.equal(devices[0].formats[0].compressed, true);
    t.same(devices[0].formats[1].sizes[2], { width: 1280, height: 720, fps: [30, 15] });
  });

  t.test('MJPEG: camera JPEGs passed through untouched; other qualities re-encoded', async (t) => {
    const srv = await startWithCamera(t, cam, v4l2Config());
    const camera = await openMjpeg(`${srv.base}/video_feed`);
    const low = await openMjpeg(`${srv.base}/video_feed?quality=40`);
    t.teardown(() => camera.close());
    t.teardown(() => low.close());
    let identical = 0;
    for (let i = 0; i < 10; i++) {
      const p = await camera.next(10000);
      if (cam.frames.some((f) => f.equals(p.jpeg))) identical++;
    }
    t.ok(identical >= 9, `default-quality frames are the camera's bytes (${identical}/10)`);
    for (let i = 0; i < 5; i++) {
      const q = await low.next(10000);
      t.notOk(q.jpeg.includes(CAMERA_TAG), 'quality 40 frame was re-encoded');
      const img = await decode(q.jpeg);
      t.same([img.width, img.height], [W, H]);
    }
    t.match(srv.output(), /source v4l2/);
  });

  t.test('YUYV: converted to the right colours', async (t) => {
    const srv = await startWithCamera(t, cam, v4l2Config({ pixel_format: 'yuyv' }));
    const s = await openMjpeg(`${srv.base}/video_feed`);
    t.teardown(() => s.close());
    const { part } = await s.until((_p, i) => !isNoSignal(i), 10000);
    const img = await decode(part.jpeg);
    const px = (x: number, y: number) => [...img.data.subarray((y * W + x) * 3, (y * W + x) * 3 + 3)];
    const [r1, g1, b1] = px(W / 4, H / 2);
    const [r2, g2, b2] = px((3 * W) / 4, H / 2);
    t.ok(r1 > 200 && g1 < 60 && b1 < 60, `left half red (${r1},${g1},${b1})`);
    t.ok(b2 > 200 && r2 < 60 && g2 < 60, `right half blue (${r2},${g2},${b2})`);
    for (let i = 0; i < 5; i++) await s.next(5000);
  });

  t.test('camera vanishes mid-stream: NO SIGNAL, then live again on one connection', async (t) => {
    rmSync(cam.unplugFile, { force: true });
    const srv = await startWithCamera(t, cam, v4l2Config());
    t.teardown(() => rmSync(cam.unplugFile, { force: true }));
    const s = await openMjpeg(`${srv.base}/video_feed`);
    t.teardown(() => s.close());
    await s.until((p) => p.jpeg.includes(CAMERA_TAG), 10000);
    writeFileSync(cam.unplugFile, '');
    const down = await s.until((_p, i) => isNoSignal(i), 10000);
    t.pass(`NO SIGNAL once unplugged (${down.skipped} live frames before)`);
    // Stay unplugged across a few reconnection attempts.
    const attempts = async () => (await call(srv.base, 'GET', '/api/video/health')).body.video.recovery_attempts as number;
    const a0 = await attempts();
    await waitFor(async () => (await attempts()) >= a0 + 2, 'two more reconnection attempts while unplugged', { everyMs: 100 });
    await s.until((_p, i) => isNoSignal(i), 5000);
    rmSync(cam.unplugFile);
    const up = await s.until((p) => p.jpeg.includes(CAMERA_TAG), 10000);
    t.pass(`camera frames again after ${up.skipped} NO SIGNAL frames`);
    t.equal(s.sockets, 1, 'same connection throughout');
    t.notOk(s.finished, 'and still open');
    const out = srv.output();
    t.match(out, /video \(v4l2\): degraded: .*VIDIOC_DQBUF: No such device/);
    t.match(out, /cannot open .*No such file or directory/);
    t.match(out, /video \(v4l2\): recovered/);
  });

  t.test('a size the camera does not offer: server up, NO SIGNAL, clear error', async (t) => {
    const srv = await startWithCamera(t, cam, v4l2Config({}, { width: 800, height: 600 }));
    const s = await openMjpeg(`${srv.base}/video_feed`);
    t.teardown(() => s.close());
    const { part } = await s.until((_p, i) => isNoSignal(i), 10000);
    const img = await decode(part.jpeg);
    t.same([img.width, img.height], [800, 600]);
    t.match(srv.output(), /unavailable: .*gave MJPG 640x480 for MJPG 800x600.*\(320x240, 640x480, 1280x720\)/);
  });

  t.test('no such device at start: server up in degraded mode', async (t) => {
    const srv = await startWithCamera(t, cam, v4l2Config({ device: '/dev/video-skyfeed-absent' }));
    const s = await openMjpeg(`${srv.base}/video_feed`);
    t.teardown(() => s.close());
    await s.until((_p, i) => isNoSignal(i), 10000);
    t.match(srv.output(), /degraded: .*cannot open \/dev\/video-skyfeed-absent/);
  });
}
