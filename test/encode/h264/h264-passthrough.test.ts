// Already-encoded H.264 (a camera's own stream) through the same access-unit
// path as our encoder: SPS/PPS sent once by the "camera" end up in front of
// every IDR, the GOP cache decodes on its own, and a live ffmpeg stream fed
// chunk by chunk reaches a WebRTC viewer through the fan-out.

import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { AnnexBSplitter } from '../../../lib/encode/h264/annexb-splitter.js';
import { H264Passthrough } from '../../../lib/encode/h264/h264-passthrough.js';
import { WebRtcFanout } from '../../../lib/stream/webrtc/webrtc-fanout.js';
import { WhepEndpoint } from '../../../lib/stream/webrtc/whep.js';
import { NdcReceiver } from '../../../bench/webrtc/ndc-receiver.js';
import { hasCommand, FFMPEG_MISSING } from '../../helpers/tools.js';
import { makeStream, nalTypes } from '../../helpers/h264-streams.js';

if (!hasCommand('ffmpeg')) throw new Error(FFMPEG_MISSING);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('a camera that sends SPS/PPS once: every IDR published with them, the cached GOP decodes alone', async (t) => {
  const { bytes } = makeStream({ format: 'h264', frames: 25, gop: 10 });
  const camera: Buffer[] = [];
  const splitter = new AnnexBSplitter(1 << 20, (buf, s, e) => camera.push(Buffer.from(buf.subarray(s, e))));
  splitter.push(bytes);
  splitter.flush();
  // Like many cameras: parameter sets in the first IDR only.
  for (let i = 1; i < camera.length; i++) camera[i] = withoutParameterSets(camera[i]);
  t.equal(camera.length, 25);
  t.notOk(nalTypes(camera[10]).includes(7), 'the camera\'s second IDR has no SPS');
  const p = new H264Passthrough({ keyframeMinIntervalMs: 0 });
  const seen: { frameId: number; keyframe: boolean; types: number[] }[] = [];
  p.onAccessUnit((au) => seen.push({ frameId: au.frameId, keyframe: au.keyframe, types: nalTypes(au.data) }));
  camera.forEach((au, i) => p.push(au, 100 + i, 5000 + i));
  t.same(seen.map((s) => s.frameId), camera.map((_, i) => 100 + i), 'frame ids kept');
  for (const s of seen.filter((x) => x.keyframe)) t.same(s.types.slice(0, 2), [7, 8], `IDR ${s.frameId} opens with SPS, PPS`);
  const gop = p.gop();
  t.same(gop.map((u) => u.frameId), [120, 121, 122, 123, 124]);
  const r = spawnSync('ffmpeg', ['-v', 'error', '-f', 'h264', '-i', 'pipe:0', '-f', 'framecrc', '-'],
    { input: Buffer.concat(gop.map((u) => Buffer.from(u.data))), encoding: 'utf8' });
  t.equal(r.stdout.split('\n').filter((l) => /^0,/.test(l)).length, 5, 'the cached GOP decodes on its own');
  t.equal(r.stderr, '');
  let forced = 0;
  const q = new H264Passthrough({ forceKeyframe: () => forced++, keyframeMinIntervalMs: 10_000 });
  t.ok(q.requestKeyframe());
  t.notOk(q.requestKeyframe());
  t.equal(forced, 1, 'the source is asked once, the second request is rate-limited');
});

t.test('a live Annex-B stream (ffmpeg, like an RTSP camera with -c:v copy) reaches a WebRTC viewer', async (t) => {
  const p = new H264Passthrough();
  const fanout = new WebRtcFanout(p, { width: 320, height: 240, fps: 30 });
  const whep = new WhepEndpoint(fanout);
  const cam = spawn('ffmpeg', ['-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=30', '-c:v', 'libx264',
    '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-g', '30',
    '-f', 'h264', 'pipe:1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  cam.stdout.on('data', (d: Buffer) => p.pushStream(d));
  const v = new NdcReceiver({ trickle: true });
  t.teardown(() => {
    v.close();
    whep.close();
    fanout.close();
    cam.kill('SIGKILL');
  });
  const s = await whep.createSession(await v.offer());
  v.accept(s.answerSdp);
  whep.patch(s.id, ['a=mid:0', ...v.candidates.map((c) => `a=${c.candidate.replace(/^a=/, '')}`)].join('\r\n'));
  await v.connected();
  const end = performance.now() + 8000;
  while (v.counts.frames < 45 && performance.now() < end) await sleep(50);
  t.ok(v.counts.frames >= 45, `${v.counts.frames} frames received`);
  t.ok(v.counts.keyframes >= 1, 'keyframes among them');
  t.equal(p.stats().missing_parameter_sets, 0);
});

/** An Annex-B access unit without its SPS and PPS NAL units. */
function withoutParameterSets(au: Buffer): Buffer {
  const starts: number[] = [];
  for (let i = 0; i + 3 < au.length; i++) if (au[i] === 0 && au[i + 1] === 0 && au[i + 2] === 1) starts.push(i);
  const keep: Buffer[] = [];
  starts.forEach((s, k) => {
    const type = au[s + 3] & 31;
    if (type !== 7 && type !== 8) keep.push(Buffer.concat([Buffer.from([0]), au.subarray(s, k + 1 < starts.length ? starts[k + 1] : au.length)]));
  });
  return Buffer.concat(keep);
}
