// Public face of the WebRTC engine: fan-out, signaling session, WHEP, and
// their errors and stats types. Transport-agnostic: lib/http mounts them.

export { SignalingSession, CLOSE_NORMAL, CLOSE_POLICY, type SignalingOutgoing, type SignalingSessionOptions } from './signaling-session.js';
export { WebRtcError, type WebRtcErrorCode } from './webrtc-errors.js';
export {
  WebRtcFanout, type PeerHooks, type SignalingCounters, type TelemetryMessage, type WebRtcFanoutOptions, type WebRtcStats,
} from './webrtc-fanout.js';
export type { CloseReason, PeerKind, PeerState, PeerStats, WebRtcPeer } from './webrtc-peer.js';
export { WhepEndpoint, type WhepOptions, type WhepSession } from './whep.js';
