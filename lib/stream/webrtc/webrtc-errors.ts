// Domain errors of the WebRTC engine, with codes from lib/errors.ts (only
// lib/http knows their statuses; the signaling socket closes 1008 on
// MAX_PEERS).

import { SkyfeedError } from '../../errors.js';

export type WebRtcErrorCode =
  /** Malformed or unusable SDP / SDP fragment. */
  | 'SKYFEED_ERR_WEBRTC_BAD_SDP'
  /** webrtc.max_peers reached. */
  | 'SKYFEED_ERR_WEBRTC_MAX_PEERS'
  /** No such WHEP session. */
  | 'SKYFEED_ERR_WEBRTC_NO_SESSION'
  /** A request the session's state does not allow, e.g. an ICE restart or a second offer. */
  | 'SKYFEED_ERR_WEBRTC_UNSUPPORTED'
  /** The peer connection closed while the request was in progress. */
  | 'SKYFEED_ERR_WEBRTC_CLOSED'
  /** If-Match names another ETag than the session's. */
  | 'SKYFEED_ERR_WEBRTC_PRECONDITION'
  /** Too many signaling sockets or WHEP sessions from one address, or in total. */
  | 'SKYFEED_ERR_WEBRTC_LIMIT';

export class WebRtcError extends SkyfeedError {
  declare readonly code: WebRtcErrorCode;

  constructor(code: WebRtcErrorCode, message: string) {
    super(code, message);
    this.name = 'WebRtcError';
  }
}
