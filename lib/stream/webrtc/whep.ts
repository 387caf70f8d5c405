// WHEP (WebRTC-HTTP Egress Protocol, RFC 9725 draft lineage) without HTTP:
// the route turns `POST /whep` (application/sdp) into createSession() and
// answers 201 with `Location: <base>/<id>`, `ETag` and the answer SDP;
// `DELETE <base>/<id>` is deleteSession(); `PATCH <base>/<id>`
// (application/trickle-ice-sdpfrag) is patch(). The answer carries our
// candidates (gathering is awaited, briefly), so clients that do not trickle
// (OBS, GStreamer whepsrc, ffmpeg-based players) connect with it alone.
// Errors are WebRtcError: BAD_SDP → 400, NO_SESSION → 404, MAX_PEERS → 503,
// UNSUPPORTED (ICE restart) → 422.

import { randomBytes } from 'node:crypto';
import { iceUfrag, parseSdp, parseSdpFragment, pickH264 } from './sdp.js';
import { WebRtcError } from './webrtc-errors.js';
import type { WebRtcFanout } from './webrtc-fanout.js';
import type { WebRtcPeer } from './webrtc-peer.js';

export interface WhepOptions {
  /** Longest wait for ICE gathering before answering with what we have (default 1000 ms; host candidates take ~1 ms). */
  gatherTimeoutMs?: number;
}

export interface WhepSession {
  /** The session id: the last segment of the Location URL (unguessable). */
  id: string;
  answerSdp: string;
  /** Entity tag of the ICE session (changes only with an ICE restart, which we refuse). */
  etag: string;
}

export class WhepEndpoint {
  readonly #fanout: WebRtcFanout;
  readonly #gatherTimeoutMs: number;
  /** Live sessions by id; an entry leaves when its peer closes, so the map is bounded by max_peers. */
  readonly #sessions = new Map<string, { peer: WebRtcPeer; etag: string; remoteUfrag: string | null }>();
  #closed = false;

  constructor(fanout: WebRtcFanout, options: WhepOptions = {}) {
    this.#fanout = fanout;
    this.#gatherTimeoutMs = options.gatherTimeoutMs ?? 1000;
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** `ended`: called once when the session ends for any reason (DELETE, stall, close); `remote`: the client's address (the log). */
  async createSession(offerSdp: unknown, ended?: () => void, remote = ''): Promise<WhepSession> {
    if (this.#closed) throw new WebRtcError('SKYFEED_ERR_WEBRTC_CLOSED', 'WHEP is closed');
    const parsed = parseSdp(offerSdp); // BAD_SDP before any peer exists
    if (!parsed.video) throw new WebRtcError('SKYFEED_ERR_WEBRTC_BAD_SDP', 'the offer has no video m-line');
    // Direction and codec too, so that a bad offer is a 400 even when every slot is taken.
    pickH264(parsed.video, this.#fanout.profile);
    const id = randomBytes(16).toString('hex');
    const etag = `"${randomBytes(8).toString('hex')}"`;
    const peer = this.#fanout.createPeer('whep', {
      closed: () => {
        this.#sessions.delete(id);
        ended?.();
      },
    }, remote);
    this.#sessions.set(id, { peer, etag, remoteUfrag: iceUfrag(offerSdp as string) });
    try {
      await peer.answer(offerSdp);
      const answerSdp = await peer.completeDescription(this.#gatherTimeoutMs);
      return { id, answerSdp, etag };
    } catch (e) {
      peer.close('error');
      throw e;
    }
  }

  /** Ends a session (DELETE); NO_SESSION when unknown or already gone. */
  deleteSession(id: string): void {
    const s = this.#sessions.get(id);
    if (!s) throw new WebRtcError('SKYFEED_ERR_WEBRTC_NO_SESSION', 'no such WHEP session');
    this.#sessions.delete(id);
    s.peer.close('client');
  }

  /**
   * Trickled candidates (PATCH with a trickle-ice-sdpfrag). Returns the number
   * added (mDNS names are dropped). An ICE restart (new ufrag) is refused:
   * the client should start a new session.
   */
  patch(id: string, fragment: unknown, ifMatch?: string): number {
    const s = this.#sessions.get(id);
    if (!s) throw new WebRtcError('SKYFEED_ERR_WEBRTC_NO_SESSION', 'no such WHEP session');
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== s.etag) {
      throw new WebRtcError('SKYFEED_ERR_WEBRTC_PRECONDITION', 'If-Match does not match the session\'s ETag');
    }
    const { ufrag, candidates } = parseSdpFragment(fragment);
    if (ufrag !== null && s.remoteUfrag !== null && ufrag !== s.remoteUfrag) {
      throw new WebRtcError('SKYFEED_ERR_WEBRTC_UNSUPPORTED', 'ICE restart is not supported: create a new session');
    }
    let added = 0;
    for (const c of candidates) if (s.peer.addRemoteCandidate(c.candidate, c.mid)) added++;
    return added;
  }

  /** Ends every session (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of [...this.#sessions.values()]) s.peer.close('server');
    this.#sessions.clear();
  }
}
