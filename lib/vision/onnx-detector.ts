// A YOLO-family ONNX detector through onnxruntime-node (an optional
// dependency): letterbox, one inference, decode (YOLOv8/v11 [1, 4+C, N] or
// YOLOv5/v7 [1, N, 5+C] layouts), confidence filter, per-class NMS, COCO
// names. When the package or the model is missing or unusable it reports
// "unavailable: <why>" and detects nothing; it never throws for that.
//
// Inference is asynchronous in onnxruntime-node, so this implements
// AsyncDetector; the detector worker awaits either kind the same way.

import type { AsyncDetector, Detection, RgbFrame } from './types.js';
import { checkFrame } from './types.js';
import { LetterboxMap, letterbox, unletterbox } from './letterbox.js';
import { nms } from './nms.js';
import { COCO_NAMES } from './coco-names.js';

export interface OnnxDetectorOptions {
  modelPath: string;
  /** Original's defaults: confidence 0.3, IoU 0.3, at most 20 detections. */
  confidence?: number;
  iou?: number;
  maxDetections?: number;
  /** Input side when the model's input shape is dynamic (YOLO's usual 640). */
  inputSize?: number;
  /** Class names by id; COCO's when the model has 80 classes, else "class_<id>". */
  classNames?: readonly string[];
  /** Module to load the runtime from (tests point it at a missing one). */
  runtimeModule?: string;
}

export type OnnxStatus =
  | { available: true; model: string; input: string; input_size: number; layout: 'yolov8' | 'yolov5' | 'unknown'; classes: number | null }
  | { available: false; why: string };

// The few onnxruntime-node shapes used here, declared locally so that the
// project compiles where the optional package is not installed.
interface OrtTensor {
  data: unknown;
  dims: readonly number[];
}
interface OrtSession {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata?: readonly { name: string; isTensor?: boolean; shape?: readonly (number | string)[] }[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}
interface OrtModule {
  InferenceSession: { create(path: string, options?: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => OrtTensor;
}

export class OnnxDetector implements AsyncDetector {
  readonly name = 'onnx';
  readonly #o: Required<Omit<OnnxDetectorOptions, 'classNames' | 'runtimeModule'>> & Pick<OnnxDetectorOptions, 'classNames'>;
  #status: OnnxStatus;
  #ort: OrtModule | null = null;
  #session: OrtSession | null = null;
  /** Model input buffer (3 × size × size), reused per call. */
  #input = new Float32Array(0);
  readonly #map: LetterboxMap = { size: 0, scale: 1, padX: 0, padY: 0 };

  private constructor(o: OnnxDetectorOptions, status: OnnxStatus) {
    this.#o = {
      modelPath: o.modelPath, confidence: o.confidence ?? 0.3, iou: o.iou ?? 0.3, maxDetections: o.maxDetections ?? 20,
      inputSize: o.inputSize ?? 640, classNames: o.classNames,
    };
    this.#status = status;
  }

  /** Loads the runtime and the model; the result says whether it is usable (status) rather than throwing. */
  static async load(o: OnnxDetectorOptions): Promise<OnnxDetector> {
    const bad = (why: string) => new OnnxDetector(o, { available: false, why });
    if (typeof o.modelPath !== 'string' || o.modelPath === '') return bad('no model path configured (smart.model_path)');
    let ort: OrtModule;
    const mod = o.runtimeModule ?? 'onnxruntime-node';
    try {
      ort = (await import(mod)) as OrtModule;
      if (!ort.InferenceSession) ort = (ort as unknown as { default: OrtModule }).default;
    } catch (e) {
      return bad(`package ${mod} is not installed or does not load (${firstLine(e)}); `
        + 'install it with ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1.30.0');
    }
    let session: OrtSession;
    try {
      session = await ort.InferenceSession.create(o.modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    } catch (e) {
      return bad(`model ${o.modelPath} does not load: ${firstLine(e)}`);
    }
    if (session.inputNames.length !== 1 || session.outputNames.length < 1) {
      const io = `${session.inputNames.length} inputs and ${session.outputNames.length} outputs`;
      return bad(`model ${o.modelPath} has ${io}; a YOLO detector has 1 image input`);
    }
    const meta = session.inputMetadata?.find((m) => m.name === session.inputNames[0]);
    const shape = meta?.shape ?? [];
    const staticSide = typeof shape[2] === 'number' && shape[2] === shape[3] && shape[2] > 0 ? shape[2] : null;
    if (shape.length === 4 && typeof shape[1] === 'number' && shape[1] !== 3) return bad(`model input has ${shape[1]} channels, not 3 (RGB)`);
    const d = new OnnxDetector({ ...o, inputSize: staticSide ?? o.inputSize ?? 640 }, { available: false, why: 'loading' });
    d.#ort = ort;
    d.#session = session;
    d.#input = new Float32Array(3 * d.#o.inputSize * d.#o.inputSize);
    d.#status = {
      available: true, model: o.modelPath, input: session.inputNames[0], input_size: d.#o.inputSize, layout: 'unknown', classes: null,
    };
    return d;
  }

  get status(): OnnxStatus {
    return this.#status;
  }

  /** Detections in the frame ([] when unavailable; a model whose output cannot be decoded becomes unavailable). */
  async detect(frame: RgbFrame): Promise<Detection[]> {
    checkFrame(frame);
    const s = this.#session;
    if (!s || !this.#ort || !this.#status.available) return [];
    const size = this.#o.inputSize;
    letterbox(frame, size, this.#input, this.#map);
    const input = new this.#ort.Tensor('float32', this.#input, [1, 3, size, size]);
    const out = (await s.run({ [s.inputNames[0]]: input }))[s.outputNames[0]];
    const decoded = this.#decode(out, frame.width, frame.height);
    if (decoded === null) return [];
    return nms(decoded, this.#o.iou, this.#o.maxDetections);
  }

  #decode(out: OrtTensor, width: number, height: number): Detection[] | null {
    const data = out.data;
    const dims = out.dims;
    if (!(data instanceof Float32Array) || dims.length !== 3 || dims[0] !== 1) {
      this.#status = { available: false, why: `model output ${JSON.stringify(dims)} is not a YOLO float tensor [1, 4+C, N] or [1, N, 5+C]` };
      return null;
    }
    // YOLOv8/v11 put the channels first ([1, 4+C, 8400]); v5/v7 put the anchors first ([1, 25200, 5+C]). The class
    // count decides when it is known (names given, or COCO's 80); otherwise the shorter axis is the channels.
    const c = this.#o.classNames?.length ?? 80;
    const v8 = dims[1] === 4 + c ? true : dims[2] === 5 + c ? false : dims[1] < dims[2];
    const channels = v8 ? dims[1] : dims[2];
    const n = v8 ? dims[2] : dims[1];
    const classes = v8 ? channels - 4 : channels - 5;
    if (classes < 1) {
      this.#status = { available: false, why: `model output ${JSON.stringify(dims)} has no class channels` };
      return null;
    }
    if (this.#status.available) {
      this.#status.layout = v8 ? 'yolov8' : 'yolov5';
      this.#status.classes = classes;
    }
    const at = v8 ? (i: number, c: number) => data[c * n + i] : (i: number, c: number) => data[i * channels + c];
    const names = this.#o.classNames ?? (classes === 80 ? COCO_NAMES : null);
    const found: Detection[] = [];
    for (let i = 0; i < n; i++) {
      const obj = v8 ? 1 : at(i, 4);
      if (obj < this.#o.confidence) continue;
      let best = -1;
      let bestScore = 0;
      const first = v8 ? 4 : 5;
      for (let c = 0; c < classes; c++) {
        const v = at(i, first + c) * obj;
        if (v > bestScore) {
          bestScore = v;
          best = c;
        }
      }
      if (best < 0 || bestScore < this.#o.confidence) continue;
      const bbox = unletterbox(at(i, 0), at(i, 1), at(i, 2), at(i, 3), this.#map, width, height);
      if (bbox[2] < 1 || bbox[3] < 1) continue;
      found.push({ bbox, class_id: best, class_name: names?.[best] ?? `class_${best}`, score: bestScore });
    }
    return found;
  }

  /** Frees the session; idempotent. */
  async close(): Promise<void> {
    const s = this.#session;
    this.#session = null;
    if (s?.release) await s.release();
    if (this.#status.available) this.#status = { available: false, why: 'closed' };
  }
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200);
}
