// The ffmpeg source against the real server: a short clip made with lavfi
// testsrc streams; killing ffmpeg mid-stream shows NO SIGNAL on the same
// connection and then live frames again; MJPEG output is passed through
// untouched at the camera's quality and re-encoded for other qualities; a
// missing ffmpeg or input leaves the server up with NO SIGNAL. Child
// processes: ffmpeg is the server's child, killed and restarted, and what
// the server logs about it is checked.

import t from 'tap';
import { mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../helpers/child-server.js';
import { decode, hasLavcComment, isNoSignal } from '../helpers/jpeg-frames.js';
import { openMjpeg } from '../helpers/stream-client.js';
import { hasCommand, ffmpeg, childPids, FFMPEG_MISSING } from '../helpers/tools.js';

const W = 320;
const H = 240;
const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-ffmpeg-'));
const clip = path.join(dir, 'testsrc.mp4');

const base = (source: Record<string, unknown>) => ({
  streaming: { width: W, height: H, fps: 15 },
  pipeline: { workers: 1 },
  source: { type: 'ffmpeg', reconnect_min_ms: 500, reconnect_max_ms: 2000, ...source },
});

if (!hasCommand('ffmpeg')) {
  t.fail(FFMPEG_MISSING);
} else {
  ffmpeg(['-f', 'lavfi', '-i', `testsrc=size=${W}x${H}:rate=15`, '-t', '3', '-c:v', 'mpeg4', '-q:v', '4', clip]);

  t.test('a looping clip streams live frames of the configured size', async (t) => {
    const srv = await startServer(t, base({ input: clip, loop: true }));
    const s = await openMjpeg(`${srv.base}/video_feed`);
    t.teardown(() => s.close());
    const { part } = await s.until((_p, img) => !isNoSignal(img), 15000);
    const img = await decode(part.jpeg);
    t.equal(img.width, W);
    t.equal(img.height, H);
    // testsrc is colourful: plenty of saturated pixels.
    let saturated = 0;
    for (let i = 0; i < img.data.length; i += 3) {
      const max = Math.max(img.data[i], img.data[i + 1], img.data[i + 2]);
      const min = Math.min(img.data[i], img.data[i + 1], img.data[i + 2]);
      if (max - min > 100) saturated++;
    }
    t.ok(saturated > (W * H) / 4, `testsrc picture (${saturated} saturated px)`);
    for (let i = 0; i < 5; i++) await s.next(5000);
  });

  t.test('killing ffmpeg: NO SIGNAL, then live again, on one connection', async (t) => {
    // A 1.5 s first retry leaves room for several NO SIGNAL frames at 2 fps.
    const srv = await startServer(t, base({ input: clip, loop: true, reconnect_min_ms: 1500 }));
    t.teardown(() => {
      if (!t.passing()) t.comment(srv.output());
    });
    const s = await openMjpeg(`${srv.base}/video_feed`);
    t.teardown(() => s.close());
    await s.until((_p, img) => !isNoSignal(img), 15000);
    const pids = childPids(srv.pid, 'ffmpeg');
    t.equal(pids.length, 1, 'one ffmpeg child');
    process.kill(pids[0], 'SIGKILL');
    const down = await s.until((_p, img) => isNoSignal(img), 10000);
    t.pass(`NO SIGNAL after the kill (${down.skipped} live frames still in flight)`);
    const up = await s.until((_p, img) => !isNoSignal(img), 15000);
    t.pass(`live frames again after ${up.skipped} NO SIGNAL frames`);
    t.equal(s.sockets, 1, 'same connection throughout');
    t.notOk(s.finished, 'and still open');
    t.equal(s.lost, 0, 'the test client kept up');
    const after = childPids(srv.pid, 'ffmpeg');
    t.equal(after.length, 1, 'ffmpeg restarted');
    t.not(after[0], pids[0], 'a new ffmpeg process');
    t.match(srv.output(), /video \(ffmpeg\): degraded: ffmpeg killed by SIGKILL/);
    t.match(srv.output(), /video \(ffmpeg\): recovered/);
  });

  t.test('MJPEG output: passthrough at the camera quality, re-encode otherwise', async (t) => {
    const srv = await startServer(t, base({ input: clip, loop: true, pixel_format: 'mjpeg' }));
    const camera = await openMjpeg(`${srv.base}/video_feed`);
    const low = await openMjpeg(`${srv.base}/video_feed?quality=40`);
    t.teardown(() => camera.close());
    t.teardown(() => low.close());
    let passed = 0;
    let reencoded = 0;
    for (let i = 0; i < 10; i++) {
      const p = await camera.next(15000);
      if (hasLavcComment(p.jpeg)) passed++;
      const q = await low.next(15000);
      if (hasLavcComment(q.jpeg)) reencoded++;
      const img = await decode(q.jpeg);
      t.equal(img.width, W, 'the re-encoded frame decodes');
    }
    t.ok(passed >= 8, `default-quality client gets ffmpeg's own JPEG bytes (${passed}/10)`);
    t.equal(reencoded, 0, 'quality 40 client gets frames re-encoded by the pool');
  });

  t.test('input missing at start: server up with NO SIGNAL, live once it appears', async (t) => {
    const later = path.join(dir, 'later.mp4');
    const srv = await startServer(t, base({ input: later, loop: true }));
    const s = await openMjpeg(`${srv.base}/video_feed`);
    t.teardown(() => s.close());
    const { part } = await s.until((_p, i) => isNoSignal(i), 10000);
    const img = await decode(part.jpeg);
    t.equal(img.width, W, 'NO SIGNAL frame at stream size');
    t.match(srv.output(), /video \(ffmpeg\): degraded: ffmpeg exited with code/);
    // Publish the clip atomically; the next attempt picks it up.
    ffmpeg(['-i', clip, '-c', 'copy', path.join(dir, 'tmp.mp4')]);
    renameSync(path.join(dir, 'tmp.mp4'), later);
    await s.until((_p, i) => !isNoSignal(i), 20000);
    t.equal(s.sockets, 1, 'same connection');
    t.notOk(s.finished, 'still open');
  });

  t.test('ffmpeg not installed: clear error, server stays up', async (t) => {
    const srv = await startServer(t, base({ input: clip, ffmpeg_path: path.join(dir, 'no-such-ffmpeg') }));
    const s = await openMjpeg(`${srv.base}/video_feed`);
    t.teardown(() => s.close());
    await s.until((_p, i) => isNoSignal(i), 10000);
    t.match(srv.output(), /unavailable: ffmpeg not found .*apt-get install ffmpeg/);
  });
}

if (hasCommand('ffmpeg')) {
  t.test('http:// MJPEG input: another skyfeed server as the camera', async (t) => {
    const camera = await startServer(t, { streaming: { width: W, height: H, fps: 15 }, pipeline: { workers: 1 } });
    const srv = await startServer(t, base({ input: `${camera.base}/video_feed`, pixel_format: 'mjpeg' }));
    const s = await openMjpeg(`${srv.base}/video_feed`);
    t.teardown(() => s.close());
    const { part } = await s.until((_p, img) => !isNoSignal(img), 15000);
    const img = await decode(part.jpeg);
    t.same([img.width, img.height], [W, H]);
    for (let i = 0; i < 5; i++) await s.next(5000);
    t.notMatch(srv.output(), /degraded/, 'no reconnects needed');
  });
}
