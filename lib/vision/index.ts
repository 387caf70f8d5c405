// Public entry point of the vision layer: what the server's wiring, the
// tracker and detector workers and the benchmarks use. Internals (filters,
// FFTs, blob finder) stay behind it.

export type { RgbFrame, PixelBox, Measurement, Tracker, Detection, Detector, AsyncDetector } from './types.js';
export { checkFrame, checkBox } from './types.js';

export { trackerCatalog, createTracker, findTracker, DEFAULT_TRACKER } from './tracker-catalog.js';
export type { TrackerCatalogEntry } from './tracker-catalog.js';
export { HybridTracker } from './hybrid-tracker.js';
export { KcfTracker } from './kcf-tracker.js';
export { MosseTracker } from './mosse-tracker.js';

export { TrackingSession } from './tracking-session.js';
export { Redetector } from './redetector.js';
export type { RedetectResult, RedetectorOptions } from './redetector.js';
export type { TrackingSessionOptions, SessionStatus, SessionState } from './tracking-session.js';
export { emptyOutput, copyOutput, normalizedBox, normalizedCenter } from './tracker-output.js';
export type {
  TrackerOutput, DataType, TargetState, LossReason, ExitEdge, RejectDetail, MeasurementSource, Velocity, Box4,
} from './tracker-output.js';

export { ContrastSegmenter, OBJECT_CLASS_ID, OBJECT_CLASS_NAME } from './contrast-segmenter.js';
export type { SegmentResult, ContrastSegmenterOptions } from './contrast-segmenter.js';
export { ContrastDetector } from './contrast-detector.js';
export { selectClick, clickToPixels, edgeTolerance, distanceToBox } from './click-select.js';
export type { ClickSelection, TimedDetection, SelectOptions } from './click-select.js';
export { SmartClick } from './smart-click.js';
export { MultiTargets } from './multi-target.js';
export type { MultiTargetOutput, TargetRow } from './multi-target.js';
export { OnnxDetector } from './onnx-detector.js';
export type { OnnxDetectorOptions, OnnxStatus } from './onnx-detector.js';
export { letterbox, unletterbox } from './letterbox.js';
export type { LetterboxMap } from './letterbox.js';
export { nms } from './nms.js';
export { COCO_NAMES } from './coco-names.js';
export type { SmartClickResult } from './smart-click.js';

export { OsdRenderer, OSD_PRESETS, OSD_COLORS } from '../encode/osd/osd-renderer.js';
export type { OsdPreset, OsdState, OsdTrack, OsdDetection } from '../encode/osd/osd-renderer.js';

export { AerialScene } from '../capture/synthetic/aerial-scene.js';
export type { TargetTruth, AerialSceneOptions } from '../capture/synthetic/aerial-scene.js';
export { AERIAL_SCENE_KINDS } from '../capture/synthetic/scene-targets.js';
export type { AerialSceneKind } from '../capture/synthetic/scene-targets.js';
export { DEFAULT_POSE, focalPx } from '../capture/synthetic/camera-pose.js';
export type { CameraPose } from '../capture/synthetic/camera-pose.js';
export { TruthHistory } from '../capture/synthetic/truth-history.js';
export type { TruthRecord } from '../capture/synthetic/truth-history.js';
