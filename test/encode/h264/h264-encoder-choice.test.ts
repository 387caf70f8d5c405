// The H.264 encoder waiting for the hardware detection's choice: nothing is
// spawned until the choice settles, then the chosen encoder runs (a real
// ffmpeg, whose command line says which); a stop meanwhile spawns nothing;
// a failed choice keeps the configured encoder, with a log line.

import t from 'tap';
import { readFileSync } from 'node:fs';
import type { H264EncoderName } from '../../../lib/encode/h264/encoder-args.js';
import { H264Encoder, type H264EncoderOptions } from '../../../lib/encode/h264/h264-encoder.js';
import { childPids, hasCommand, FFMPEG_MISSING } from '../../helpers/tools.js';

if (!hasCommand('ffmpeg')) throw new Error(FFMPEG_MISSING);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function encoder(t: { teardown(fn: () => unknown): void }, o: Partial<H264EncoderOptions>, logs: string[] = []): H264Encoder {
  const enc = new H264Encoder({ width: 320, height: 240, fps: 30, log: (m) => logs.push(m), ...o });
  t.teardown(() => enc.close());
  return enc;
}

/** A promise with its resolve/reject. */
function later<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The running process's argv (setpriv has exec'd ffmpeg by the time it is running). */
function argvOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

t.test('spawns only once the choice is in, and runs the chosen encoder', async (t) => {
  const choice = later<H264EncoderName>();
  const enc = encoder(t, { encoder: 'h264_vaapi', encoderChoice: choice.promise });
  enc.start();
  await sleep(300);
  t.equal(enc.pid, undefined, 'no process while the choice is pending');
  t.same(childPids(process.pid, 'ffmpeg'), []);
  t.equal(enc.stats().encoder, 'h264_vaapi', 'still the configured name');
  choice.resolve('libx264');
  await until(() => enc.state === 'running' && enc.pid !== undefined, 3000, 'the encoder to run');
  const pid = enc.pid!;
  await until(() => argvOf(pid)[0]?.endsWith('ffmpeg') ?? false, 3000, 'setpriv to exec ffmpeg');
  const argv = argvOf(pid);
  t.equal(argv[argv.indexOf('-c:v') + 1], 'libx264', 'ffmpeg runs the chosen encoder');
  t.notOk(argv.includes('h264_vaapi'));
  t.equal(enc.stats().encoder, 'libx264');
  // It encodes: a frame in, an access unit out.
  let units = 0;
  enc.onAccessUnit(() => void units++);
  const frame = new Uint8Array(320 * 240 * 3).fill(90);
  for (let i = 0; i < 60 && units === 0; i++) {
    enc.push(frame, i, Date.now());
    await sleep(50);
  }
  t.ok(units > 0, `${units} access units`);
});

t.test('a stop before the choice settles spawns nothing', async (t) => {
  const choice = later<H264EncoderName>();
  const enc = encoder(t, { encoderChoice: choice.promise });
  enc.start();
  await enc.stop();
  choice.resolve('libx264');
  await sleep(500);
  t.equal(enc.pid, undefined);
  t.equal(enc.state, 'stopped');
  t.same(childPids(process.pid, 'ffmpeg'), []);
  enc.start();
  await until(() => enc.pid !== undefined, 3000, 'a later start to spawn');
  t.pass('a later start spawns at once');
});

t.test('a failed choice keeps the configured encoder and says so', async (t) => {
  const logs: string[] = [];
  const choice = later<H264EncoderName>();
  const enc = encoder(t, { encoder: 'libx264', encoderChoice: choice.promise }, logs);
  enc.start();
  choice.reject(new Error('detection blew up'));
  await until(() => enc.pid !== undefined, 3000, 'the encoder to run');
  t.equal(enc.stats().encoder, 'libx264');
  t.match(logs.join('\n'), /encoder choice failed \(detection blew up\); running libx264/);
  const bogus = encoder(t, { encoderChoice: Promise.resolve('x264_fake' as H264EncoderName) }, logs);
  bogus.start();
  await until(() => bogus.pid !== undefined, 3000, 'the encoder to run');
  t.match(logs.join('\n'), /unknown encoder x264_fake/);
});
