// The encode step itself, independent of where it runs: a piscina worker
// (workers/encode.ts, the real configuration) or the main thread (the
// bench's ablation that shows what the pool buys).
//
// Hash the raw frame in place; unless it equals the previous picture,
// JPEG-encode it once per requested quality into the encoded ring. With an
// OSD the frame is first copied out of its slot into this encoder's own
// buffer and drawn on there (the ring stays the camera's picture for every
// other consumer); the hash is then over the drawn pixels, so a frame whose
// only change is the OSD is not skipped as identical.

import sharp, { type SharpOptions } from 'sharp';
import xxhash from 'xxhash-wasm';
import { RawRing, PixelFormat } from '../bus/raw-ring.js';
import { yuyvToRgb } from '../bus/yuyv-to-rgb.js';
import { EncodedRing } from './encoded-ring.js';
import { realtimeJpeg } from './jpeg-options.js';
import { EncodeOutcome, type EncodeResult, type EncodeTask, type EncodeWorkerData } from './messages.js';
import { OsdRenderer } from './osd/osd-renderer.js';

export type EncodeFn = (task: EncodeTask) => Promise<EncodeResult>;

export async function createEncoder(data: EncodeWorkerData): Promise<EncodeFn> {
  const raw = RawRing.attach(data.rawSab);
  const encoded = new EncodedRing(data.encoded, data.encodedSab);
  const { h64Raw } = await xxhash();
  // Built once: options objects and the raw-input descriptor never change.
  const jpegOptions = new Map<number, ReturnType<typeof realtimeJpeg>>();
  const rawInput = { raw: { width: raw.width, height: raw.height, channels: 3 as const } };
  const frameBytes = raw.width * raw.height * 3;
  // YUYV frames are converted here; one buffer per worker, reused every frame.
  let yuyvRgb: Buffer | null = null;
  // The RGB24 frame copied out of its slot for the OSD; one per worker, allocated on the first OSD frame.
  let osdCopy: Buffer | null = null;
  // One renderer per worker (its cached strings survive across frames); a JPEG of another size gets its own.
  let osd: OsdRenderer | null = null;

  // Warm-up: libvips' first encode in a thread costs tens of ms (codec
  // setup, JIT); pay it at start-up, not on the first viewer's first frame.
  await sharp(Buffer.alloc(16 * 16 * 3), { raw: { width: 16, height: 16, channels: 3 } }).jpeg(realtimeJpeg(80)).toBuffer();

  const torn = (seq: number, hash: bigint, hashMs: number): EncodeResult =>
    ({ seq, outcome: EncodeOutcome.Torn, hash, lengths: [], encodeMs: [], hashMs });

  const renderer = (width: number, height: number, preset: NonNullable<EncodeTask['osd']>['preset']): OsdRenderer => {
    if (!osd || osd.width !== width || osd.height !== height) osd = new OsdRenderer(width, height, preset);
    else if (osd.preset !== preset) osd.preset = preset;
    return osd;
  };

  /**
   * JPEG-encodes `pixels` (or passes `jpegIn` through) at each quality.
   * `fromSlot`: the input is still the ring slot, so a lap by the camera tears it.
   */
  async function encodeTiers(
    task: EncodeTask, pixels: Buffer, rawOpts: SharpOptions, jpegIn: Buffer | null, fromSlot: boolean, hash: bigint, hashMs: number,
  ): Promise<EncodeResult> {
    const { seq, slot } = task;
    const lapped = () => fromSlot && raw.slotSeq(slot) !== seq;
    const lengths: number[] = [];
    const encodeMs: number[] = [];
    for (let i = 0; i < task.qualities.length; i++) {
      const q = task.qualities[i];
      const outOffset = encoded.jpegOffset(task.outSlots[i]);
      const t1 = performance.now();
      if (jpegIn && q === task.passthroughQuality) {
        // MJPEG passthrough: the camera's JPEG goes out byte for byte.
        if (jpegIn.length > encoded.capacity) {
          lengths.push(-1);
        } else {
          encoded.bytes.set(jpegIn, outOffset);
          if (lapped()) return torn(seq, hash, hashMs);
          lengths.push(jpegIn.length);
        }
        encodeMs.push(performance.now() - t1);
        continue;
      }
      let opts = jpegOptions.get(q);
      if (!opts) jpegOptions.set(q, (opts = realtimeJpeg(q)));
      // JPEG in, other quality out: libvips decodes and re-encodes.
      let jpeg: Buffer;
      try {
        jpeg = jpegIn
          ? await sharp(jpegIn).jpeg(opts).toBuffer()
          : await sharp(pixels, rawOpts).jpeg(opts).toBuffer();
      } catch (err) {
        // A JPEG overwritten mid-decode looks corrupt: that is a torn frame.
        if (lapped()) return torn(seq, hash, hashMs);
        throw err;
      }
      // The camera may have lapped us while libvips read the pixels.
      if (lapped()) return torn(seq, hash, hashMs);
      if (jpeg.length > encoded.capacity) {
        lengths.push(-1);
      } else {
        // sharp hands back its own buffer; one memcpy puts it in the shared slot.
        encoded.bytes.set(jpeg, outOffset);
        lengths.push(jpeg.length);
      }
      encodeMs.push(performance.now() - t1);
    }
    return { seq, outcome: EncodeOutcome.Encoded, hash, lengths, encodeMs, hashMs };
  }

  /** The OSD path: copy (or convert, or decode) out of the slot, draw, hash the drawn pixels, encode from the copy. */
  async function encodeWithOsd(task: EncodeTask, format: PixelFormat, input: Buffer): Promise<EncodeResult> {
    const { seq, slot } = task;
    const frame = task.osd!;
    let pixels: Buffer;
    let opts: SharpOptions = rawInput;
    let width = raw.width;
    let height = raw.height;
    if (format === PixelFormat.RGB24) {
      osdCopy ??= Buffer.alloc(frameBytes);
      input.copy(osdCopy, 0, 0, frameBytes);
      pixels = osdCopy;
    } else if (format === PixelFormat.YUYV) {
      yuyvRgb ??= Buffer.alloc(frameBytes);
      yuyvToRgb(input, yuyvRgb, raw.width, raw.height);
      pixels = yuyvRgb;
    } else {
      // An MJPEG camera: no passthrough with an OSD, the picture must be
      // decoded to draw on it. sharp allocates the decoded buffer itself.
      try {
        const out = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        pixels = out.data;
        width = out.info.width;
        height = out.info.height;
        if (width !== raw.width || height !== raw.height) opts = { raw: { width, height, channels: 3 } };
      } catch (err) {
        if (raw.slotSeq(slot) !== seq) return torn(seq, 0n, 0);
        throw err;
      }
    }
    // From here on the pixels are ours: a lap after this check changes nothing.
    if (raw.slotSeq(slot) !== seq) return torn(seq, 0n, 0);
    renderer(width, height, frame.preset).draw(pixels, frame.state);
    const t0 = performance.now();
    const hash = h64Raw(pixels);
    const hashMs = performance.now() - t0;
    if (task.prevHash !== null && hash === task.prevHash) {
      return { seq, outcome: EncodeOutcome.Identical, hash, lengths: [], encodeMs: [], hashMs };
    }
    return encodeTiers(task, pixels, opts, null, false, hash, hashMs);
  }

  return async function encode(task: EncodeTask): Promise<EncodeResult> {
    const { seq, slot } = task;
    if (raw.slotSeq(slot) !== seq) return torn(seq, 0n, 0);
    // Format-aware input (slot metadata written by the source): RGB24 and
    // YUYV are pixels of the ring's size; JPEG is bytesUsed bytes of a file.
    const format = raw.format(slot);
    const used = format === PixelFormat.RGB24 ? frameBytes : Math.min(raw.bytesUsed(slot), raw.slotBytes);
    const input = raw.view(slot).subarray(0, used);
    if (task.osd) return encodeWithOsd(task, format, input);

    const t0 = performance.now();
    // For a JPEG the hash is over the compressed bytes: identical-frame skip
    // still works without decoding.
    const hash = h64Raw(input);
    const hashMs = performance.now() - t0;
    if (raw.slotSeq(slot) !== seq) return torn(seq, hash, hashMs);
    if (task.prevHash !== null && hash === task.prevHash) {
      return { seq, outcome: EncodeOutcome.Identical, hash, lengths: [], encodeMs: [], hashMs };
    }

    let pixels: Buffer = input;
    let jpegIn: Buffer | null = null;
    if (format === PixelFormat.YUYV) {
      if (!yuyvRgb) yuyvRgb = Buffer.alloc(frameBytes);
      yuyvToRgb(input, yuyvRgb, raw.width, raw.height);
      pixels = yuyvRgb;
      if (raw.slotSeq(slot) !== seq) return torn(seq, hash, hashMs);
    } else if (format === PixelFormat.JPEG) {
      jpegIn = input;
    }
    return encodeTiers(task, pixels, rawInput, jpegIn, true, hash, hashMs);
  };
}
