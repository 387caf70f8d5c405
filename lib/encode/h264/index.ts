// Public face of the H.264 encoding layer: what the server wiring, the
// WebRTC fan-out and the bench use. Everything else here is internal.

export type { AccessUnit, AccessUnitListener, AccessUnitSource } from './access-unit.js';
export { DemandGate, type Startable } from './demand-gate.js';
export {
  encoderArgs, rawFrameBytes, ENCODER_NAMES, RAW_PIXEL_FORMATS,
  type EncoderArgsOptions, type H264EncoderName, type OutputFraming, type RawPixelFormat,
} from './encoder-args.js';
export { EncoderError, type EncoderErrorCode } from './encoder-errors.js';
export { H264Encoder, type EncoderState, type H264EncoderOptions, type H264EncoderStats } from './h264-encoder.js';
export { profileLevelId, type H264Profile } from './h264-level.js';
export { H264Passthrough, type H264PassthroughOptions, type H264PassthroughStats } from './h264-passthrough.js';
export { resolveFfmpeg } from './spawn-ffmpeg.js';
