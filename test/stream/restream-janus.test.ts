// skyfeed's restream into Debian's Janus (issue 15): Janus and a headless
// Chromium viewer run in a network namespace of the test's own (libnice
// offers no loopback candidates, and the test must not use a real LAN
// address); skyfeed, in the root namespace, sends RTP H.264 over the veth
// to the shipped mountpoint (deploy/janus). The browser watches through
// Janus's HTTP API with our own client (test/helpers/janus-viewer.ts).
//
// First a quicker check of the harness alone, fed by ffmpeg (so a failure
// there is the harness's or the deploy config's, not skyfeed's); then
// skyfeed's restream: watched through Janus, Janus killed under a local
// viewer, Janus restarted.
//
// Rates here are sanity bounds on a shared 2-core machine; the figures are
// printed as comments.

import t from 'tap';
import { findExecutable, spawnTied } from '../../lib/util/spawn-tied.js';
import { startJanus } from '../helpers/janus.js';
import { closeViewer, framesInWindow, watchMountpoint } from '../helpers/janus-viewer.js';
import { createNetNs, netnsUnavailable } from '../helpers/netns.js';
import { launchChromiumInNetns } from '../helpers/netns-chromium.js';
import { FFMPEG_MISSING } from '../helpers/tools.js';

// Janus + Chromium start-up, 5 s + 3 s + 3 s windows and a restart, on a loaded machine.
t.setTimeout(120000);

const FPS = 30;

const unavailable = await netnsUnavailable();
if (unavailable) {
  t.test('restream into Janus', { skip: `network namespaces cannot be created here, so Janus cannot be watched: ${unavailable}` }, () => {});
} else {
  t.test('the harness: ffmpeg RTP -> Janus (shipped mountpoint) -> Chromium in the namespace', async (t) => {
    const ffmpegBin = findExecutable('ffmpeg');
    if (!ffmpegBin) return t.fail(FFMPEG_MISSING);
    const ns = await createNetNs(t);
    const janus = await startJanus(t, ns);
    const ff = spawnTied(ffmpegBin, ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `testsrc2=size=640x480:rate=${FPS}`,
      '-c:v', 'libx264', '-profile:v', 'baseline', '-tune', 'zerolatency', '-preset', 'ultrafast', '-g', String(FPS),
      '-bsf:v', 'h264_mp4toannexb', '-payload_type', '96', '-f', 'rtp', `rtp://${ns.nsAddr}:5004?pkt_size=1200`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let ffErr = '';
    ff.stderr!.on('data', (d) => (ffErr = (ffErr + d).slice(-4000)));
    const ffExit = new Promise((r) => ff.once('exit', r));
    t.teardown(async () => {
      ff.kill('SIGKILL');
      await ffExit;
    });
    const ctx = await launchChromiumInNetns(t, ns);
    const page = await watchMountpoint(ctx, janus.base, janus.mountpointId);
    const w = await framesInWindow(page, 5000).catch((err: Error) => {
      throw new Error(`${err.message}\nffmpeg: ${ffErr}\njanus:\n${janus.output().slice(-3000)}`);
    });
    t.comment(`ffmpeg -> janus: first frame ${w.first.firstFrameMs.toFixed(0)} ms after watch, ${w.frames} frames in 5 s ` +
      `(${(w.frames / 5).toFixed(1)} fps), ${w.last.frameWidth}x${w.last.frameHeight}, ${w.last.packetsLost} packets lost`);
    t.ok(w.frames >= 140, `>= 140 frames decoded in 5 s (got ${w.frames})`);
    t.equal(w.last.frameWidth, 640, 'the picture is ffmpeg\'s 640x480');
    await closeViewer(page);
  });
}
