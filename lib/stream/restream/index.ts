// Public face of the restreamer: what the engine, the routes and the bench use.

export { RestreamHub, type RestreamEncoder } from './restream-hub.js';
export { RestreamError, type RestreamErrorCode } from './restream-errors.js';
export { RTP_TARGET_DEFAULTS, type RtpTargetOptions } from './rtp-target.js';
export { H264RtpPacketizer, RTP_HEADER_BYTES, type PacketSink, type RtpPacketizerOptions } from './rtp-packetizer.js';
export { DEFAULT_MTU, targetSpec, type RestreamState, type RestreamTargetSpec, type RestreamTargetStatus } from './target-spec.js';
export { SrtpProtector, SRTP_SUITES, deriveSessionKeys, parseInlineKey, type SrtpSuite } from './srtp-protector.js';
