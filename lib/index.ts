// The public face: load a configuration and create a server from it, or the
// engine alone behind another front end (the benchmark's node:http
// ablation); the parts such a front end and the benchmark's tools need.
export { createServer, type SkyfeedServer, type ServerOptions } from './server.js';
export { createEngine, type Engine, type EngineOptions } from './app/engine.js';
export type { AppController, ControllerFlags } from './app/controller.js';
export { loadConfig, validateConfig, ConfigError } from './config/load.js';
export type { SkyfeedConfig } from './config/types.js';
export { InlineEncoder } from './encode/inline-encoder.js';
export type { JpegEncoder, JpegEncoderFactory } from './encode/jpeg-encoder.js';
export type { EncodedFrame } from './encode/encoded-frame.js';
export { realtimeJpeg } from './encode/jpeg-options.js';
export { StreamClient } from './stream/stream-client.js';
export { streamParams, type StreamParams } from './stream/stream-params.js';
export type { QualityPolicy } from './policy/quality-tiers.js';
export { QueryError } from './util/int-param.js';
export { H264Encoder, type H264EncoderOptions } from './encode/h264/index.js';
export { codeAgeMs, codeRow, drawFrameCode, READ_FRAME_CODE_JS } from './capture/frame-code.js';
export type { WebRtcStats } from './stream/webrtc/index.js';
export { createScene, SyntheticScene, type SceneKind } from './capture/synthetic/scenes.js';
// The vision layer's public entry (trackers, session, smart click, OSD, aerial scene): the tracking bench drives it.
export * from './vision/index.js';
export type { OsdSource } from './encode/osd/osd-state.js';
// The vehicle side (followers, MAVLink link, offboard, simulated vehicle): the vehicle bench drives it.
export { VehicleService, SimProcess, projectGroundPoint, PROFILES, IMPLEMENTED_PROFILES } from './vehicle/index.js';
export type { ImagePoint, SimStats, JournalEntry, OffboardReport } from './vehicle/index.js';
export type { CameraPose } from './capture/synthetic/camera-pose.js';
