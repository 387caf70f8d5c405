// The H.264 encoder with a real ffmpeg process: frames in, one access unit
// out per accepted frame (with its frameId and capture time), keyframes on
// the GOP, busy stdin skips instead of queueing, a killed ffmpeg comes back
// with backoff, a missing binary is a clear message, and ffmpeg dies with
// the process that started it.

import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AccessUnit } from '../../../lib/encode/h264/access-unit.js';
import { DemandGate } from '../../../lib/encode/h264/demand-gate.js';
import { encoderArgs } from '../../../lib/encode/h264/encoder-args.js';
import { EncoderError } from '../../../lib/encode/h264/encoder-errors.js';
import { H264Encoder, type H264EncoderOptions } from '../../../lib/encode/h264/h264-encoder.js';
import { resolveFfmpeg } from '../../../lib/encode/h264/spawn-ffmpeg.js';
import { childPids, hasCommand, FFMPEG_MISSING } from '../../helpers/tools.js';
import { nalTypes } from '../../helpers/h264-streams.js';

if (!hasCommand('ffmpeg')) throw new Error(FFMPEG_MISSING);

const here = path.dirname(fileURLToPath(import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const epochMs = () => performance.timeOrigin + performance.now();

/** A moving gradient, rendered into one reused buffer (like a ring slot). */
function pattern(width: number, height: number) {
  const buf = new Uint8Array(width * height * 3);
  return (n: number): Uint8Array => {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 3;
        buf[i] = (x + n * 4) & 255;
        buf[i + 1] = (y + n * 2) & 255;
        buf[i + 2] = (x ^ y) & 255;
      }
    }
    return buf;
  };
}

function encoder(t: { teardown(fn: () => unknown): void }, o: Partial<H264EncoderOptions> = {}): H264Encoder {
  const enc = new H264Encoder({ width: 320, height: 240, fps: 30, log: () => {}, ...o });
  t.teardown(() => enc.close());
  return enc;
}

/** Pushes frames at `fps` for `ms`; returns the frames push() accepted (id → capture time). */
async function feed(enc: H264Encoder, ms: number, fps = 30, first = 0): Promise<Map<number, number>> {
  const draw = pattern(320, 240);
  const accepted = new Map<number, number>();
  const end = performance.now() + ms;
  for (let n = first; performance.now() < end; n++) {
    const now = epochMs();
    if (enc.push(draw(n), n, now)) accepted.set(n, now);
    await sleep(1000 / fps);
  }
  return accepted;
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

t.test('every accepted frame comes out as one access unit with its frameId and capture time', async (t) => {
  for (const framing of ['flv', 'annexb'] as const) {
    const enc = encoder(t, { gop: 15, framing });
    const units: AccessUnit[] = [];
    enc.onAccessUnit((au) => units.push({ ...au, data: Buffer.from(au.data) }));
    enc.start();
    await until(() => enc.state === 'running', 2000, 'running');
    const accepted = await feed(enc, 2500);
    await sleep(300);
    // Annex B holds the newest unit until the next one starts: stop flushes it.
    await enc.stop();
    t.ok(accepted.size > 20, `${framing}: ${accepted.size} frames accepted`);
    // Annex B knows a picture is complete only when the next one starts: the
    // newest accepted frame is still held when the encoder stops.
    const expected = framing === 'flv' ? [...accepted] : [...accepted].slice(0, -1);
    t.same(units.map((u) => u.frameId), expected.map(([id]) => id), `${framing}: one unit per accepted frame, in order`);
    t.same(units.map((u) => u.captureMs), expected.map(([, ms]) => ms), `${framing}: capture times carried over`);
    t.same(units.map((u) => u.keyframe), units.map((_, i) => i % 15 === 0), `${framing}: an IDR every 15 input frames`);
    for (const u of units.filter((x) => x.keyframe)) {
      t.same(nalTypes(u.data).slice(0, 2), [7, 8], `${framing}: SPS, PPS open IDR ${u.frameId}`);
    }
    t.same(units.map((u) => u.seq), units.map((_, i) => i), `${framing}: output sequence numbers`);
    const s = enc.stats();
    t.equal(s.unmatched, 0);
    t.equal(s.units, units.length);
    t.equal(s.frames_in, accepted.size);
  }
});

t.test('a frame offered while stdin still holds the previous one is skipped, never queued', async (t) => {
  const enc = encoder(t, { width: 1920, height: 1080 });
  enc.start();
  await until(() => enc.state === 'running', 2000, 'running');
  const frame = new Uint8Array(enc.frameBytes).fill(128);
  t.ok(enc.push(frame, 0, epochMs()), 'the first frame is taken');
  t.notOk(enc.push(frame, 1, epochMs()), 'the next, offered at once, is refused');
  const rssBefore = process.memoryUsage().rss;
  // Offer 1080p frames far faster than ffmpeg can take them, for 2 s.
  let offered = 0;
  let taken = 0;
  const end = performance.now() + 2000;
  while (performance.now() < end) {
    if (enc.push(frame, 2 + offered, epochMs())) taken++;
    offered++;
    await new Promise((r) => setImmediate(r));
  }
  const s = enc.stats();
  t.ok(s.skipped_busy >= offered - taken, `skipped_busy ${s.skipped_busy} (offered ${offered}, taken ${taken})`);
  t.ok(taken < offered / 2, 'most offers were refused');
  await sleep(500);
  const after = enc.stats();
  t.ok(after.frames_in - after.units <= 2, `at most a couple of frames in flight (${after.frames_in} in, ${after.units} out)`);
  const grownMb = (process.memoryUsage().rss - rssBefore) / 1e6;
  const gb = ((offered * enc.frameBytes) / 1e9).toFixed(1);
  t.ok(grownMb < 100, `RSS grew ${grownMb.toFixed(1)} MB while ${offered} frames (${gb} GB) were offered`);
});

t.test('frames of the wrong size are refused and counted', async (t) => {
  const enc = encoder(t);
  enc.start();
  await until(() => enc.state === 'running', 2000, 'running');
  t.notOk(enc.push(new Uint8Array(100), 0, epochMs()));
  t.equal(enc.stats().bad_frames, 1);
  t.notOk(new H264Encoder({ width: 320, height: 240, fps: 30 }).push(new Uint8Array(320 * 240 * 3), 0, 0), 'not started: refused');
});

t.test('a killed ffmpeg is restarted and access units flow again, starting with an IDR', async (t) => {
  const enc = encoder(t, { restartMinMs: 300 });
  const units: AccessUnit[] = [];
  enc.onAccessUnit((au) => units.push({ ...au, data: Buffer.alloc(0) }));
  enc.start();
  await until(() => enc.state === 'running', 2000, 'running');
  const feeding = feed(enc, 4000);
  await until(() => units.length > 10, 3000, 'first units');
  const pid = enc.pid!;
  t.same(childPids(process.pid, 'ffmpeg'), [pid], 'one ffmpeg, our child');
  process.kill(pid, 'SIGKILL');
  await until(() => enc.state === 'restarting', 2000, 'restarting');
  t.match(enc.stats().last_error, /killed by SIGKILL/);
  t.equal(enc.gop().length, 0, 'the dead stream\'s GOP is gone');
  const before = units.length;
  await until(() => enc.state === 'running' && enc.pid !== undefined && enc.pid !== pid, 3000, 'a new process');
  await until(() => units.length > before + 10, 3000, 'units after the restart');
  t.ok(units[before].keyframe, 'the first unit of the new process is an IDR');
  t.equal(enc.stats().restarts, 1);
  t.same(childPids(process.pid, 'ffmpeg'), [enc.pid], 'still exactly one ffmpeg');
  await feeding;
});

t.test('restarts back off: 1x, 2x, 4x the first delay, capped', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-fake-ffmpeg-'));
  const log = path.join(dir, 'starts');
  const fake = path.join(dir, 'ffmpeg');
  // A binary that records when it started and dies at once.
  writeFileSync(fake, `#!/bin/sh\ndate +%s%3N >> ${log}\nexit 3\n`);
  chmodSync(fake, 0o755);
  const enc = encoder(t, { ffmpegPath: fake, restartMinMs: 100, restartMaxMs: 400 });
  enc.start();
  await until(() => existsSync(log) && readFileSync(log, 'utf8').trim().split('\n').length >= 6, 5000, '6 starts');
  await enc.stop();
  const starts = readFileSync(log, 'utf8').trim().split('\n').map(Number);
  const gaps = starts.slice(1).map((s, i) => s - starts[i]);
  t.ok(gaps[0] >= 90 && gaps[0] < 400, `first gap ${gaps[0]} ms (~100)`);
  t.ok(gaps[1] >= 190, `second gap ${gaps[1]} ms (~200)`);
  t.ok(gaps[2] >= 390, `third gap ${gaps[2]} ms (~400)`);
  t.ok(gaps[3] >= 390 && gaps[3] < 1000, `capped at ~400 ms (${gaps[3]})`);
  t.match(enc.stats().last_error, /exited with code 3/);
});

t.test('a missing ffmpeg is a clear error, retried, never a crash', async (t) => {
  let err: unknown = null;
  try {
    resolveFfmpeg('skyfeed-no-such-ffmpeg');
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof EncoderError, 'a typed error');
  t.equal((err as EncoderError).code, 'SKYFEED_ERR_ENCODER_UNAVAILABLE');
  t.match((err as Error).message, /not found on PATH.*apt-get install ffmpeg/);
  const enc = encoder(t, { ffmpegPath: 'skyfeed-no-such-ffmpeg', restartMinMs: 100 });
  enc.start();
  t.equal(enc.state, 'restarting');
  t.match(enc.stats().last_error, /skyfeed-no-such-ffmpeg not found on PATH/);
  t.notOk(enc.push(new Uint8Array(enc.frameBytes), 0, 0));
});

t.test('ffmpeg dies with the process that started it (setpriv --pdeathsig KILL)', async (t) => {
  t.ok(existsSync('/usr/bin/setpriv'), 'util-linux setpriv is installed');
  const script = path.join(mkdtempSync(path.join(tmpdir(), 'skyfeed-owner-')), 'owner.mjs');
  const encUrl = new URL('../../../lib/encode/h264/h264-encoder.js', import.meta.url).href;
  writeFileSync(script, `import { H264Encoder } from '${encUrl}';
    const enc = new H264Encoder({ width: 320, height: 240, fps: 30, log: () => {} });
    enc.start();
    const wait = () => enc.pid ? console.log('PID ' + enc.pid) : setTimeout(wait, 20);
    wait();
    setInterval(() => {}, 1000);`);
  const owner = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = await new Promise<number>((resolve, reject) => {
    owner.stdout.on('data', (d: Buffer) => { const m = /PID (\d+)/.exec(d.toString()); if (m) resolve(Number(m[1])); });
    owner.once('exit', () => reject(new Error('owner exited early')));
  });
  const alive = (p: number) => { try { process.kill(p, 0); return true; } catch { return false; } };
  t.ok(alive(pid), 'ffmpeg runs');
  // setpriv execs ffmpeg under its own pid a moment after the spawn reports the pid: wait for it.
  const comm = () => { try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { return ''; } };
  await until(() => comm() === 'ffmpeg', 3000, 'setpriv to exec ffmpeg');
  t.equal(comm(), 'ffmpeg', 'setpriv exec\'d ffmpeg under the same pid');
  owner.kill('SIGKILL');
  await until(() => !alive(pid) || readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] === 'Z', 3000, 'ffmpeg to die');
  t.pass('ffmpeg died with its owner');
  void here;
});

t.test('without setpriv: a plain spawn and a warning in stats', async (t) => {
  // A PATH with ffmpeg on it but no setpriv.
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-path-'));
  symlinkSync(resolveFfmpeg(), path.join(dir, 'ffmpeg'));
  const saved = process.env.PATH;
  process.env.PATH = dir;
  t.teardown(() => { process.env.PATH = saved; });
  const warnings: string[] = [];
  const enc = encoder(t, { log: (m) => warnings.push(m) });
  const units: number[] = [];
  enc.onAccessUnit((au) => units.push(au.frameId));
  enc.start();
  process.env.PATH = saved;
  await feed(enc, 600);
  await until(() => units.length > 3, 3000, 'units');
  t.match(enc.stats().warning, /setpriv .*not found/);
  t.equal(warnings.length, 1, 'warned once');
  t.equal(readFileSync(`/proc/${enc.pid}/comm`, 'utf8').trim(), 'ffmpeg');
});

t.test('bad options are refused up front with the option named', async (t) => {
  const cases: [Partial<H264EncoderOptions>, RegExp][] = [
    [{ width: 641 }, /even/], [{ fps: 0 }, /fps/], [{ encoder: 'h265' as never }, /webrtc.encoder must be one of libx264/],
    [{ profile: 'high' as never }, /baseline or main/], [{ bitrateKbps: 10 }, /bitrateKbps/], [{ gop: 0 }, /gop/],
    [{ framing: 'mp4' as never }, /flv or annexb/], [{ restartMinMs: 500, restartMaxMs: 100 }, /restartMaxMs/],
  ];
  for (const [o, why] of cases) {
    let err: unknown = null;
    try {
      new H264Encoder({ width: 320, height: 240, fps: 30, ...o });
    } catch (e) {
      err = e;
    }
    t.ok(err instanceof EncoderError && err.code === 'SKYFEED_ERR_ENCODER_CONFIG', `${JSON.stringify(o)} refused`);
    t.match((err as Error).message, why);
  }
});

t.test('a keyframe request is counted and rate-limited', async (t) => {
  const enc = encoder(t, { keyframeMinIntervalMs: 500 });
  t.ok(enc.requestKeyframe());
  t.notOk(enc.requestKeyframe(), 'a second request within 500 ms is refused');
  await sleep(550);
  t.ok(enc.requestKeyframe());
  const s = enc.stats();
  t.equal(s.keyframe_requests, 2);
  t.equal(s.keyframe_requests_limited, 1);
});

t.test('the demand gate runs the encoder only while someone holds it', async (t) => {
  const enc = encoder(t);
  const gate = new DemandGate(enc, 300);
  t.teardown(() => gate.close());
  t.equal(enc.state, 'stopped');
  const a = gate.acquire();
  const b = gate.acquire();
  t.equal(enc.state, 'running');
  const pid = enc.pid!;
  a();
  a();
  t.equal(gate.users, 1, 'a release counts once');
  b();
  await sleep(100);
  const c = gate.acquire();
  await sleep(400);
  t.equal(enc.pid, pid, 'a new user within the idle delay keeps the same process');
  c();
  await until(() => enc.state === 'stopped', 1500, 'idle stop');
  await until(() => childPids(process.pid, 'ffmpeg').length === 0, 2000, 'ffmpeg gone');
  t.pass('stopped after the idle delay, process gone');
});

t.test('the hardware encoders\' arguments are accepted by this ffmpeg (the devices are absent here)', async (t) => {
  const base = {
    width: 640, height: 480, fps: 30, pixelFormat: 'rgb24', bitrateKbps: 1000, gop: 30, profile: 'baseline', framing: 'flv',
    vaapiDevice: '/dev/dri/renderD128',
  } as const;
  for (const encoderName of ['h264_v4l2m2m', 'h264_vaapi'] as const) {
    const args = encoderArgs({ ...base, encoder: encoderName });
    t.ok(args.includes(encoderName));
    // Let ffmpeg parse the whole command line; with no device it must fail
    // at opening the device or encoder, not at an unknown option.
    const verbose = args.map((a) => (a === 'error' ? 'info' : a));
    const r = spawnSync('ffmpeg', verbose, { input: Buffer.alloc(640 * 480 * 3), encoding: 'utf8', timeout: 10000 });
    t.not(r.status, 0, `${encoderName} cannot run here`);
    t.notMatch(r.stderr, /Unrecognized option|Option not found|Invalid argument.*option|Error splitting the argument list/i,
      `${encoderName}: every option parses (${r.stderr.trim().split('\n').pop()})`);
  }
});
