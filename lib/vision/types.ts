// Shared vision types: frames, boxes, tracker measurements, detections.
// Frames are RGB24 (stride width*3) as the raw ring stores them; trackers
// build the grey or colour features they need from the pixels they look at,
// so nobody converts a whole frame that a tracker only reads 1 % of.

export interface RgbFrame {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Axis-aligned box in pixels, top-left corner (fractional values allowed). */
export interface PixelBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** What a tracker reports for one frame. */
export interface Measurement {
  box: PixelBox;
  /**
   * How much the box still looks like the target, 0..1, by the tracker's own
   * appearance model; the session gates on it (spec: < 0.7 is rejected).
   */
  appearance: number;
  /**
   * The tracker placed the box from a partly visible target (an edge of it
   * anchored): the position holds even though the appearance is low. The
   * session lets such a measurement steer its estimate (never following).
   */
  anchored?: boolean;
}

export interface Tracker {
  /** Catalog name (e.g. 'CSRT'); `algorithm` says what runs under it. */
  readonly name: string;
  readonly algorithm: string;
  /** Starts on `box` in `frame`; throws a TypeError/RangeError for a box that cannot be tracked. */
  init(frame: RgbFrame, box: PixelBox): void;
  /**
   * Finds the target in the next frame. `predicted` is the session's
   * estimate (Kalman), used to centre the search; null without one. Returns
   * null when the tracker has nothing to offer. The returned object is reused
   * by the next call.
   */
  update(frame: RgbFrame, predicted?: PixelBox | null): Measurement | null;
}

/** One detector result. bbox in pixels [x, y, w, h]. */
export interface Detection {
  bbox: [number, number, number, number];
  class_id: number;
  class_name: string;
  score: number;
}

export interface Detector {
  readonly name: string;
  detect(frame: RgbFrame): Detection[];
}

/** A detector whose inference is asynchronous (onnxruntime-node); the detector worker awaits either kind. */
export interface AsyncDetector {
  readonly name: string;
  detect(frame: RgbFrame): Promise<Detection[]>;
}

/** A clear error for frames that are not what they claim (short buffer, odd size). */
export function checkFrame(frame: RgbFrame): void {
  const { width, height, data } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`frame size must be positive integers, got ${width}x${height}`);
  }
  if (!(data instanceof Uint8Array) || data.length < width * height * 3) {
    throw new RangeError(`frame data must hold ${width * height * 3} RGB bytes for ${width}x${height}`);
  }
}

/** A clear error for a frame whose size differs from the one a tracker started on. */
export function checkSameSize(frame: RgbFrame, width: number, height: number): void {
  if (frame.width !== width || frame.height !== height) {
    throw new RangeError(`frame is ${frame.width}x${frame.height} but tracking started on ${width}x${height}; start again`);
  }
  checkFrame(frame);
}

/** A clear error for a box that is not a finite, positive-size box overlapping the frame. */
export function checkBox(box: PixelBox, width: number, height: number): void {
  const { x, y, w, h } = box;
  if (![x, y, w, h].every(Number.isFinite)) throw new TypeError(`box values must be finite numbers, got ${JSON.stringify(box)}`);
  if (w < 2 || h < 2) throw new RangeError(`box must be at least 2x2 pixels, got ${w}x${h}`);
  if (x + w <= 0 || y + h <= 0 || x >= width || y >= height) {
    throw new RangeError(`box ${JSON.stringify(box)} lies outside the ${width}x${height} frame`);
  }
}
