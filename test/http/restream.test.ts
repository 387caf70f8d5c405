// Restream through the real server: the shared H.264 encode sent as RTP to
// receivers on 127.0.0.1 — ffmpeg decoding it from an SDP file (what a media
// server does with it), and our own receiver — plus the API that starts and
// stops targets, its roles, and the /stats block.

import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freeUdpPort } from '../../bench/udp-port.js';
import { spawnTied } from '../../lib/util/spawn-tied.js';
import { call } from '../helpers/http.js';
import { startInProcess } from '../helpers/in-process.js';
import { RtpReceiver } from '../helpers/rtp.js';
import { FFMPEG_MISSING, hasCommand } from '../helpers/tools.js';
import { waitFor } from '../helpers/wait.js';

if (!hasCommand('ffmpeg')) throw new Error(FFMPEG_MISSING);


/** ffmpeg receiving RTP (SRTP with `crypto`) described by an SDP file and decoding `frames` frames to gray raw video on stdout. */
function ffmpegReceiver(port: number, pt: number, frames: number, crypto?: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-sdp-'));
  const sdp = path.join(dir, 'in.sdp');
  writeFileSync(sdp, [
    'v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=skyfeed restream test', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=video ${port} RTP/AVP ${pt}`, `a=rtpmap:${pt} H264/90000`, `a=fmtp:${pt} packetization-mode=1`, ...(crypto ? [`a=crypto:1 ${crypto}`] : []), '',
  ].join('\n'));
  const proc = spawnTied('ffmpeg', [
    '-hide_banner', '-nostats', '-protocol_whitelist', 'file,udp,rtp', '-i', sdp,
    '-frames:v', String(frames), '-f', 'rawvideo', '-pix_fmt', 'gray', '-',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let bytes = 0;
  let stderr = '';
  proc.stdout!.on('data', (c: Buffer) => { bytes += c.length; });
  proc.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-20000); });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, exited, bytes: () => bytes, stderr: () => stderr };
}

t.test('ffmpeg decodes the restreamed H.264 from an SDP file; the API starts and stops the target', async (t) => {
  const ffPort = await freeUdpPort();
  const rx = await RtpReceiver.open();
  t.teardown(() => rx.close());
  const srv = await startInProcess(t, {
    streaming: { fps: 30 },
    restream: {
      targets: [
        { label: 'ours', type: 'rtp', host: '127.0.0.1', video_port: rx.port, payload_type: 96, viewer_url: 'http://janus.example/x' },
        { label: 'ff', type: 'rtp', host: 'localhost', video_port: ffPort, payload_type: 100, autostart: false, mtu: 600 },
      ],
    },
  });
  // autostart: our receiver gets the encode without any viewer asking for it.
  await waitFor(() => rx.depacketizer.units.some((u) => u.keyframe) && rx.depacketizer.units.length >= 10, 'autostarted target delivering', 20000);
  t.ok(rx.depacketizer.units[0].keyframe, 'the first access unit received is an IDR');

  const list = await call(srv.base, 'GET', '/api/restream');
  t.equal(list.status, 200);
  t.same(list.body.targets.map((x: { label: string; state: string }) => [x.label, x.state]), [['ours', 'sending'], ['ff', 'stopped']]);
  t.equal(list.body.targets[0].viewer_url, 'http://janus.example/x');

  // The API: admin only, unknown labels 404 before anything else.
  const anon = await call(srv.base, 'POST', '/api/restream/ff/start', undefined, { authorization: '' });
  t.equal(anon.status, 401, 'no token: 401');
  const unknown = await call(srv.base, 'POST', '/api/restream/nope/start');
  t.equal(unknown.status, 404);
  t.equal(unknown.body.code, 'SKYFEED_ERR_RESTREAM_UNKNOWN_TARGET');
  t.equal((await call(srv.base, 'GET', '/api/restream/nope')).status, 404);

  const ff = ffmpegReceiver(ffPort, 100, 45);
  t.teardown(() => { ff.proc.kill('SIGKILL'); });
  // ffmpeg must be listening before packets come, or the first IDR is lost (it then waits for the next, 1 s later).
  await waitFor(() => /Input #0|sdp/.test(ff.stderr()) || ff.proc.pid, 'ffmpeg started', 5000);
  const started = await call(srv.base, 'POST', '/api/restream/ff/start');
  t.equal(started.status, 200);
  t.equal(started.body.target.label, 'ff');
  t.not(started.body.target.state, 'stopped');
  t.equal((await call(srv.base, 'POST', '/api/restream/ff/start')).status, 200, 'start is idempotent');
  const code = await Promise.race([ff.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 25000))]);
  t.equal(code, 0, 'ffmpeg decoded 45 frames and exited');
  t.equal(ff.bytes(), 45 * 640 * 480, '45 decoded 640x480 frames');
  t.match(ff.stderr(), /Video: h264 \(Constrained Baseline\)|Video: h264/, 'ffmpeg saw H.264');
  t.match(ff.stderr(), /640x480/);

  const stats = await call(srv.base, 'GET', '/stats');
  const ffStats = stats.body.restream.find((x: { label: string }) => x.label === 'ff');
  t.ok(ffStats.packets > 0 && ffStats.bytes > 0 && ffStats.access_units > 0, `/stats counts packets (${ffStats.packets}) and bytes (${ffStats.bytes})`);
  t.equal(ffStats.payload_type, 100);
  t.equal(ffStats.address, '127.0.0.1', 'localhost resolved');

  const stopped = await call(srv.base, 'POST', '/api/restream/ours/stop');
  t.equal(stopped.body.target.state, 'stopped');
  const n = rx.packets.length;
  await new Promise((r) => setTimeout(r, 150));
  t.equal(rx.packets.length, n, 'no packet after stop');
  await call(srv.base, 'POST', '/api/restream/ff/stop');
  t.same((await call(srv.base, 'GET', '/api/restream')).body.targets.map((x: { state: string }) => x.state), ['stopped', 'stopped']);
});

t.test('without targets and with WebRTC off there is no encoder; the list is empty', async (t) => {
  const srv = await startInProcess(t, { webrtc: { enabled: false } });
  const list = await call(srv.base, 'GET', '/api/restream');
  t.same(list.body.targets, []);
  t.equal(srv.server.context.restream.size, 0);
  t.same((await call(srv.base, 'GET', '/stats')).body.restream, []);
});

t.test('targets run with WebRTC off: the shared encoder exists for them alone', async (t) => {
  const rx = await RtpReceiver.open();
  t.teardown(() => rx.close());
  const srv = await startInProcess(t, {
    webrtc: { enabled: false },
    restream: { targets: [{ label: 'only', type: 'rtp', host: '127.0.0.1', video_port: rx.port, payload_type: 96 }] },
  });
  t.equal(srv.server.context.webrtc, null);
  await waitFor(() => rx.depacketizer.units.length >= 5, 'access units with WebRTC disabled', 20000);
  t.pass('restream works with webrtc.enabled false');
});

t.test('the config file decides where video goes: the API cannot change restream.targets', async (t) => {
  const srv = await startInProcess(t, {});
  const r = await call(srv.base, 'PUT', '/api/config/restream/targets', { value: [{ label: 'x', type: 'rtp', host: '203.0.113.9', video_port: 5004, payload_type: 96 }] });
  t.equal(r.status, 403);
  t.equal(r.body.code, 'SKYFEED_ERR_CONFIG_FILE_ONLY');
});

t.test('SRTP on the hop: ffmpeg with the key decodes; with another key it decodes nothing; a missing key file is a failing target', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-srtp-'));
  const key = Buffer.from(Array.from({ length: 30 }, (_, i) => (i * 37 + 11) & 0xff)).toString('base64');
  const keyFile = path.join(dir, 'hop.key');
  writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  const goodPort = await freeUdpPort();
  const badPort = await freeUdpPort();
  const srtp = { suite: 'AES_CM_128_HMAC_SHA1_80', key_file: keyFile };
  const good = ffmpegReceiver(goodPort, 96, 30, `AES_CM_128_HMAC_SHA1_80 inline:${key}`);
  const wrongKey = Buffer.alloc(30, 1).toString('base64');
  const bad = ffmpegReceiver(badPort, 96, 30, `AES_CM_128_HMAC_SHA1_80 inline:${wrongKey}`);
  t.teardown(() => { good.proc.kill('SIGKILL'); bad.proc.kill('SIGKILL'); });
  const srv = await startInProcess(t, {
    restream: {
      targets: [
        { label: 'good', type: 'rtp', host: '127.0.0.1', video_port: goodPort, payload_type: 96, srtp },
        { label: 'bad', type: 'rtp', host: '127.0.0.1', video_port: badPort, payload_type: 96, srtp },
        { label: 'nokey', type: 'rtp', host: '127.0.0.1', video_port: badPort, payload_type: 96, srtp: { ...srtp, key_file: path.join(dir, 'absent.key') } },
      ],
    },
  });
  const code = await Promise.race([good.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 25000))]);
  t.equal(code, 0, 'ffmpeg with the key decoded 30 frames');
  t.equal(good.bytes(), 30 * 640 * 480);
  const list = (await call(srv.base, 'GET', '/api/restream')).body.targets;
  const bySrtp = Object.fromEntries(list.map((x: { label: string }) => [x.label, x]));
  t.equal(bySrtp.good.srtp, 'AES_CM_128_HMAC_SHA1_80');
  t.ok(bySrtp.bad.packets > 30, `the wrong-key receiver got ${bySrtp.bad.packets} packets`);
  t.equal(bad.bytes(), 0, 'and decoded none of them');
  t.equal(bySrtp.nokey.state, 'failing');
  t.match(bySrtp.nokey.last_error, /absent\.key: ENOENT/);
  t.equal(bySrtp.nokey.packets, 0);
});
