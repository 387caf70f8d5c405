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
// viewer, Janus restarted, the target stopped and started through the API.
//
// In the timing suite (one file at a time): ≥ 140 frames in 5 s is the
// issue's acceptance figure (30 fps less a little), a fixed-window rate that
// another test file running beside it would disturb; on a heavily loaded 2-core machine skyfeed's encoder itself can
// produce fewer, so the test prints what skyfeed sent over the same window
// and checks separately that the viewer decoded all of it. The other rates
// are sanity bounds; the figures are printed as comments.

import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findExecutable, spawnTied } from '../../lib/util/spawn-tied.js';
import { call } from '../helpers/http.js';
import { startInProcess } from '../helpers/in-process.js';
import { startJanus } from '../helpers/janus.js';
import { closeViewer, framesInWindow, janusViewerStats, watchMountpoint } from '../helpers/janus-viewer.js';
import { createNetNs, netnsUnavailable } from '../helpers/netns.js';
import { launchChromiumInNetns } from '../helpers/netns-chromium.js';
import { openMjpeg, rate } from '../helpers/stream-client.js';
import { FFMPEG_MISSING } from '../helpers/tools.js';
import { pause, waitFor } from '../helpers/wait.js';

// Janus + Chromium start-up, 5 s + 3 s + 3 s windows and a restart, on a loaded machine.
t.setTimeout(120000);

const FPS = 30;
const LABEL = 'janus';

/** The restream target's /stats entry (the contract's fields). */
interface RestreamStats {
  label: string; state: string; packets: number; bytes: number; access_units: number; dropped_access_units: number;
  errors: number; last_error: string | null; last_error_ms: number | null;
}

async function targetStats(base: string): Promise<RestreamStats> {
  const s = (await call(base, 'GET', '/stats')).body as { restream?: RestreamStats[] };
  const target = s.restream?.find((r) => r.label === LABEL);
  if (!target) throw new Error(`/stats has no restream target ${LABEL}: ${JSON.stringify(s.restream)}`);
  return target;
}

const waitState = (base: string, state: string, timeoutMs = 10000, also: (s: RestreamStats) => boolean = () => true) =>
  waitFor(async () => {
    const s = await targetStats(base);
    return s.state === state && also(s) ? s : null;
  }, `restream target ${LABEL} in state ${state}`, { timeoutMs, everyMs: 100 });

const unavailable = await netnsUnavailable();
if (unavailable) {
  const skip = `network namespaces cannot be created here, so Janus cannot be watched: ${unavailable}`;
  t.test('restream into Janus', { skip }, () => {});
} else {
  t.test('the harness: ffmpeg RTP -> Janus (shipped mountpoint) -> Chromium in the namespace', async (t) => {
    const ffmpegBin = findExecutable('ffmpeg');
    if (!ffmpegBin) return t.fail(FFMPEG_MISSING);
    const ns = await createNetNs(t);
    const janus = await startJanus(t, ns);
    const ff = spawnTied(ffmpegBin, ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `testsrc2=size=640x480:rate=${FPS}`,
      '-c:v', 'libx264', '-profile:v', 'baseline', '-tune', 'zerolatency', '-preset', 'ultrafast', '-g', String(FPS),
      '-bsf:v', 'h264_mp4toannexb', '-payload_type', '96', '-f', 'rtp', `rtp://${ns.nsAddr}:5004?pkt_size=1200`],
      { stdio: ['ignore', 'ignore', 'pipe'] });
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
    // A sanity bound (20 fps): ffmpeg's own libx264 encode shares the 2 cores, and what it sent is not known here;
    // the acceptance figure (140) is checked on skyfeed's stream below, where the sender's count is.
    t.ok(w.frames >= 100, `Chromium decodes ffmpeg's stream through Janus: >= 100 frames in 5 s (got ${w.frames})`);
    t.equal(w.last.frameWidth, 640, 'the picture is ffmpeg\'s 640x480');
    await closeViewer(page);
  });
}

if (!unavailable) {
  t.test('skyfeed restream -> Janus: watched in Chromium, survives Janus dying, resumes when it is back', async (t) => {
    const ns = await createNetNs(t);
    const janus = await startJanus(t, ns);
    // Chromium first: its start-up burst is over before skyfeed's encoder runs (2 shared cores).
    const ctx = await launchChromiumInNetns(t, ns);
    const srv = await startInProcess(t, {
      source: { type: 'synthetic', scene: 'moving' },
      streaming: { width: 640, height: 480, fps: FPS },
      webrtc: { enabled: true },
      restream: { targets: [{ label: LABEL, type: 'rtp', host: ns.nsAddr, video_port: 5004, payload_type: 96, autostart: true }] },
    });
    const sending = await waitState(srv.base, 'sending', 15000, (s) => s.packets > 0);
    t.comment(`restream sending: ${sending.packets} packets, ${sending.bytes} bytes so far`);
    const diag = () => `\njanus:\n${janus.output().slice(-3000)}`;

    let page = await watchMountpoint(ctx, janus.base, janus.mountpointId);
    // What skyfeed sent over the same window: the encoder's own rate on a loaded machine, which bounds what any viewer can decode.
    let s0 = sending;
    let s1 = sending;
    let cpu0 = 0;
    let cpu1 = 0;
    const w = await framesInWindow(page, 5000, 10000, {
      start: async () => {
        s0 = await targetStats(srv.base);
        cpu0 = janus.cpuMs();
      },
      end: async () => {
        cpu1 = janus.cpuMs();
        s1 = await targetStats(srv.base);
      },
    }).catch((err: Error) => {
      throw new Error(err.message + diag());
    });
    const sent = s1.access_units - s0.access_units;
    t.comment(`skyfeed -> janus: first frame ${w.first.firstFrameMs.toFixed(0)} ms after watch, ${w.frames} frames in 5 s ` +
      `(${(w.frames / 5).toFixed(1)} fps), ${w.last.frameWidth}x${w.last.frameHeight}, ${w.last.packetsLost} packets lost, ` +
      `${w.last.framesReceived - w.first.framesReceived} frames received, ${w.last.framesDropped - w.first.framesDropped} dropped; ` +
      `skyfeed sent ${sent} access units in the window (${(sent / 5).toFixed(1)}/s); ` +
      `target totals ${s1.packets} packets, ${s1.bytes} bytes, ` +
      `${s1.dropped_access_units} access units dropped; Janus CPU ${((cpu1 - cpu0) / 50).toFixed(1)} % of a core over the window`);
    t.ok(w.frames >= 140, `Chromium decodes >= 140 frames in 5 s through Janus (got ${w.frames}, skyfeed sent ${sent})`);
    // Load-independent: Janus and the viewer lose nothing of what skyfeed sent (a frame or two may straddle the window's edges).
    t.ok(w.frames >= sent - 5, `the viewer decodes what skyfeed sent (${w.frames} of ${sent})`);
    t.equal(w.last.frameWidth, 640, 'at skyfeed\'s 640x480');
    t.equal(s1.errors, 0, 'no send errors while Janus is up');
    await closeViewer(page);

    // A local viewer while Janus dies: the sends are refused (ICMP port
    // unreachable from the namespace), the camera and its viewers go on.
    const local = await openMjpeg(`${srv.base}/video_feed`);
    t.teardown(() => local.close());
    await waitFor(() => local.received >= 10, 'the local MJPEG viewer\'s first 10 frames', { wake: local.changes });
    const beforeFrom = Date.now();
    await waitFor(() => Date.now() - beforeFrom >= 2000, 'a 2 s window of the local viewer with Janus up', { wake: local.changes });
    const before = rate(local.parts, beforeFrom, Date.now());
    await janus.kill();
    const killedAt = Date.now();
    const failing = await waitState(srv.base, 'failing', 10000, (s) => s.errors > 0);
    const failingMs = Date.now() - killedAt;
    // The window is 3 s from the kill (and covers the moment the target went failing).
    await waitFor(() => Date.now() - killedAt >= 3000, 'a 3 s window of the local viewer after the kill', { wake: local.changes });
    const after = rate(local.parts, killedAt, killedAt + 3000);
    const stillFailing = await targetStats(srv.base);
    t.comment(`local MJPEG viewer: ${before.toFixed(1)} fps over 2 s with Janus up, ${after.toFixed(1)} fps over 3 s after SIGKILL; ` +
      `target failing ${failingMs} ms after the kill, errors ${stillFailing.errors}, last_error ${stillFailing.last_error}`);
    t.ok(after >= 0.8 * FPS, `local viewer keeps >= 80 % of ${FPS} fps with Janus dead (${after.toFixed(1)} fps)`);
    t.equal(failing.state, 'failing', '/stats shows the target failing');
    t.ok(failing.errors > 0, `with send errors counted (${failing.errors})`);
    t.equal(stillFailing.state, 'failing', 'and still failing while Janus is gone');
    t.ok(stillFailing.packets > failing.packets, 'the sender keeps sending while failing (so a restarted Janus gets the stream)');

    // Janus back: the target recovers and a fresh viewer sees the picture.
    await janus.restart();
    const restartedAt = Date.now();
    const back = await waitState(srv.base, 'sending', 10000);
    t.comment(`target sending again ${Date.now() - restartedAt} ms after Janus answered its API`);
    t.equal(back.state, 'sending', 'the target returns to sending');
    page = await watchMountpoint(ctx, janus.base, janus.mountpointId);
    const w2 = await framesInWindow(page, 3000).catch((err: Error) => {
      throw new Error(err.message + diag());
    });
    t.comment(`after the restart: first frame ${w2.first.firstFrameMs.toFixed(0)} ms after watch, ${w2.frames} frames in 3 s`);
    t.ok(w2.frames >= 60, `a fresh viewer decodes >= 60 frames in 3 s (got ${w2.frames})`);

    // Stopped and started live through the API (admin token: the test helpers send it).
    const stop = await call(srv.base, 'POST', `/api/restream/${LABEL}/stop`);
    t.equal(stop.status, 200, 'POST /api/restream/janus/stop answers 200');
    t.equal((stop.body?.target ?? stop.body)?.state, 'stopped', 'with the target\'s status: stopped');
    const frozen = await targetStats(srv.base);
    const frozenDecoded = (await janusViewerStats(page)).framesDecoded;
    await pause(200);
    t.equal((await targetStats(srv.base)).packets, frozen.packets, 'a stopped target sends nothing');
    const start = await call(srv.base, 'POST', `/api/restream/${LABEL}/start`);
    t.equal(start.status, 200, 'POST /api/restream/janus/start answers 200');
    await waitState(srv.base, 'sending', 10000, (s) => s.packets > frozen.packets);
    await waitFor(async () => (await janusViewerStats(page)).framesDecoded >= frozenDecoded + 30,
      'the viewer that stayed on the mountpoint decoding 30 more frames after start', { timeoutMs: 10000, everyMs: 50 });
    t.pass('the viewer that stayed on the mountpoint decodes again after start');
    await closeViewer(page);
    local.close();
  });

  t.test('SRTP on the hop: Janus with the mountpoint key decodes skyfeed\'s SRTP; with another key it shows nothing', async (t) => {
    const key = Buffer.from(Array.from({ length: 30 }, (_, i) => (i * 53 + 5) & 0xff)).toString('base64');
    const keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'skyfeed-srtp-')), 'janus.key');
    writeFileSync(keyFile, key, { mode: 0o600 });
    const ns = await createNetNs(t);
    const janus = await startJanus(t, ns, { srtpKey: key });
    const ctx = await launchChromiumInNetns(t, ns);
    const srtp = { suite: 'AES_CM_128_HMAC_SHA1_80', key_file: keyFile };
    const srv = await startInProcess(t, {
      source: { type: 'synthetic', scene: 'moving' },
      restream: { targets: [{ label: LABEL, type: 'rtp', host: ns.nsAddr, video_port: 5004, payload_type: 96, srtp }] },
    });
    await waitState(srv.base, 'sending', 15000, (s) => s.packets > 0);
    let page = await watchMountpoint(ctx, janus.base, janus.mountpointId);
    const w = await framesInWindow(page, 3000, 10000).catch((err: Error) => {
      throw new Error(`${err.message}\njanus:\n${janus.output().slice(-3000)}`);
    });
    t.comment(`SRTP through Janus: first frame ${w.first.firstFrameMs.toFixed(0)} ms after watch, ${w.frames} frames in 3 s`);
    t.ok(w.frames >= 60, `Chromium decodes >= 60 frames in 3 s of SRTP through Janus (got ${w.frames})`);
    await closeViewer(page);

    // The same Janus, a skyfeed target with another key: Janus drops every packet (authentication fails).
    writeFileSync(keyFile, Buffer.alloc(30, 9).toString('base64'));
    await call(srv.base, 'POST', `/api/restream/${LABEL}/stop`);
    await call(srv.base, 'POST', `/api/restream/${LABEL}/start`);
    await waitState(srv.base, 'sending', 10000);
    page = await watchMountpoint(ctx, janus.base, janus.mountpointId);
    const none = await framesInWindow(page, 1000, 4000).then((x) => x.frames, () => 0);
    t.equal(none, 0, 'a wrong key: no frame decoded');
    await closeViewer(page);
  });
}
