// Loads the V4L2 addon (native/v4l2.c, built at install by node-gyp and
// found by node-gyp-build). The build is optional: when it is missing the
// v4l2 source is unavailable with a message saying why and how to fix it.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { SourceUnavailable } from './live-session.js';

export type V4l2Handle = { readonly __v4l2: unique symbol };

export interface V4l2FrameSize {
  width: number;
  height: number;
  fps: number[];
  /** Present for stepwise / continuous sizes: width/height are then the maximum. */
  minWidth?: number;
  minHeight?: number;
  stepWidth?: number;
  stepHeight?: number;
}

export interface V4l2Format {
  fourcc: string;
  description: string;
  compressed: boolean;
  sizes: V4l2FrameSize[];
}

export interface V4l2Negotiated {
  fourcc: string;
  width: number;
  height: number;
  bytesPerLine: number;
  sizeImage: number;
  /** 0 when the driver does not report its rate. */
  fps: number;
}

export interface V4l2Addon {
  open(path: string): V4l2Handle;
  querycap(h: V4l2Handle): { driver: string; card: string; busInfo: string; capabilities: number };
  formats(h: V4l2Handle): V4l2Format[];
  setFormat(h: V4l2Handle, fourcc: string, width: number, height: number, fps: number): V4l2Negotiated;
  start(h: V4l2Handle, buffers: number): number;
  /** Bytes copied into `target`; 0 on timeout; -1 for a bad or oversize frame (dropped). */
  read(h: V4l2Handle, target: Uint8Array, timeoutMs: number): number;
  close(h: V4l2Handle): void;
}

/** The repository root (binding.gyp, build/): this file runs as dist/lib/capture/v4l2-addon.js. */
const root = fileURLToPath(new URL('../../..', import.meta.url));

let cached: V4l2Addon | Error | null = null;

/** The addon, or throws SourceUnavailable explaining why it is missing. */
export function loadV4l2Addon(): V4l2Addon {
  if (cached === null) {
    try {
      if (process.platform !== 'linux') throw new Error(`V4L2 exists on Linux only (this is ${process.platform})`);
      const require = createRequire(import.meta.url);
      const load = require('node-gyp-build') as (dir: string) => unknown;
      cached = load(root) as V4l2Addon;
    } catch (err) {
      cached = err as Error;
    }
  }
  if (cached instanceof Error) {
    throw new SourceUnavailable(
      `source.type v4l2 needs the native addon, which is not built: ${cached.message.split('\n')[0]}. ` +
        'Install a C compiler (Debian: apt-get install build-essential) and run `npm rebuild` or `npx node-gyp rebuild`.');
  }
  return cached;
}
