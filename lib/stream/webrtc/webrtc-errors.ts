// Domain errors of the WebRTC engine with stable codes. Only lib/http knows
// statuses; the intended mapping is noted per code for whoever wires it.

export type WebRtcErrorCode =
  /** Malformed or unusable SDP / SDP fragment (HTTP 400). */
  | 'SKYFEED_ERR_WEBRTC_BAD_SDP'
  /** webrtc.max_peers reached (WebSocket close 1008; WHEP 503). */
  | 'SKYFEED_ERR_WEBRTC_MAX_PEERS'
  /** No such WHEP session (HTTP 404). */
  | 'SKYFEED_ERR_WEBRTC_NO_SESSION'
  /** A request the session's state does not allow, e.g. an ICE restart or a second offer (HTTP 422). */
  | 'SKYFEED_ERR_WEBRTC_UNSUPPORTED'
  /** The peer connection closed while the request was in progress (HTTP 503). */
  | 'SKYFEED_ERR_WEBRTC_CLOSED';

export class WebRtcError extends Error {
  readonly code: WebRtcErrorCode;

  constructor(code: WebRtcErrorCode, message: string) {
    super(message);
    this.name = 'WebRtcError';
    this.code = code;
  }
}
