// The V4L2 capture loop, run in a worker thread (workers/v4l2-capture.ts):
// opens the device through the addon, negotiates the format, then loops
// poll → DQBUF → copy into the raw ring slot → QBUF. The addon's read blocks
// (up to POLL_MS), which is why this runs off the main thread. Messages to
// the main thread: {type:'ready'} once streaming, a number (the sequence)
// per frame, {type:'error'} when it cannot start or the device is lost;
// then the loop returns.

import type { MessagePort } from 'node:worker_threads';
import { RawRing, PixelFormat } from '../bus/raw-ring.js';
import { loadV4l2Addon, type V4l2Format, type V4l2Handle } from './v4l2-addon.js';

export interface V4l2CaptureOptions {
  device: string;
  width: number;
  height: number;
  fps: number;
  /** Omitted: MJPEG when the camera offers it, else YUYV. */
  pixelFormat?: 'mjpeg' | 'yuyv';
  buffers: number;
}

/** What the capture thread is started with. */
export interface V4l2CaptureData extends V4l2CaptureOptions {
  sab: SharedArrayBuffer;
  /** Int32[0] = 1 asks the thread to stop (not the ring's flag: the ring outlives sessions). */
  stopSab: SharedArrayBuffer;
}

/** poll() timeout: how soon a stop request is seen when no frame comes. */
const POLL_MS = 200;
const FOURCC = { mjpeg: 'MJPG', yuyv: 'YUYV' } as const;

function pickFourcc(data: V4l2CaptureOptions, formats: V4l2Format[]): string {
  const offered = formats.map((f) => f.fourcc);
  if (data.pixelFormat) {
    const want = FOURCC[data.pixelFormat];
    if (!offered.includes(want)) {
      throw Object.assign(new Error(`${data.device} does not offer ${data.pixelFormat} (offers ${offered.join(', ') || 'nothing'})`), { permanent: true });
    }
    return want;
  }
  if (offered.includes('MJPG')) return 'MJPG';
  if (offered.includes('YUYV')) return 'YUYV';
  throw Object.assign(new Error(`${data.device} offers neither MJPEG nor YUYV (offers ${offered.join(', ')})`), { permanent: true });
}

function sizesOf(formats: V4l2Format[], fourcc: string): string {
  const f = formats.find((x) => x.fourcc === fourcc);
  return f ? f.sizes.map((s) => `${s.width}x${s.height}`).join(', ') : '';
}

/** Captures until asked to stop or the device fails; reports on `port`. */
export function runV4l2Capture(data: V4l2CaptureData, port: Pick<MessagePort, 'postMessage'>): void {
  const stop = new Int32Array(data.stopSab);
  const fail = (message: string, code: string | undefined, permanent: boolean) => port.postMessage({ type: 'error', message, code, permanent });
  const addon = loadV4l2Addon();
  const ring = RawRing.attach(data.sab);
  let h: V4l2Handle | null = null;
  try {
    h = addon.open(data.device);
    const formats = addon.formats(h);
    const fourcc = pickFourcc(data, formats);
    const got = addon.setFormat(h, fourcc, data.width, data.height, data.fps);
    if (got.fourcc !== fourcc || got.width !== data.width || got.height !== data.height) {
      throw Object.assign(new Error(
        `${data.device} gave ${got.fourcc} ${got.width}x${got.height} for ${fourcc} ${data.width}x${data.height}; ` +
          `set streaming.width/height to a size it offers (${sizesOf(formats, fourcc)})`), { permanent: true });
    }
    const yuyv = fourcc === 'YUYV';
    if (yuyv && got.bytesPerLine !== data.width * 2) {
      throw Object.assign(new Error(`${data.device}: padded YUYV lines (${got.bytesPerLine} bytes) are not supported`), { permanent: true });
    }
    const buffers = addon.start(h, data.buffers);
    port.postMessage({
      type: 'ready',
      format: `${yuyv ? 'yuyv' : 'mjpeg'} ${got.width}x${got.height}@${got.fps ? Math.round(got.fps * 100) / 100 : '?'} (${buffers} buffers)`,
    });
    const format = yuyv ? PixelFormat.YUYV : PixelFormat.JPEG;
    const frameBytes = data.width * data.height * 2;
    let seq = (ring.latestSeq() + 1) & 0x7fffffff;
    while (Atomics.load(stop, 0) === 0) {
      const out = ring.beginWrite(seq);
      const n = addon.read(h, out, POLL_MS);
      if (n <= 0) continue; // timeout, or a frame the driver flagged bad
      if (yuyv && n < frameBytes) continue; // short YUYV frame: skip, do not show garbage
      ring.commitWrite(seq, yuyv ? frameBytes : n, format, performance.timeOrigin + performance.now());
      port.postMessage(seq);
      seq = (seq + 1) & 0x7fffffff;
    }
  } catch (err) {
    const e = err as Error & { code?: string; permanent?: boolean };
    fail(e.message, e.code, e.permanent === true || e.name === 'SourceUnavailable');
  } finally {
    if (h) addon.close(h);
  }
}
