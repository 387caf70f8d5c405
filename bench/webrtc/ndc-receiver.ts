// A WebRTC viewer without a browser, for tests and the bench's load client:
// a node-datachannel PeerConnection that offers to receive H.264, counts
// what arrives (RTP packets, sequence gaps, complete frames by marker bit,
// keyframes from the NAL types) and, unless told not to, answers the
// server's sender reports with receiver reports like a browser would.

import { PeerConnection, RtcpReceivingSession, Video, type DataChannel, type Track } from 'node-datachannel';

export interface ReceiverOptions {
  /** Send receiver reports (default true); false simulates a viewer that went silent. */
  rtcp?: boolean;
  /** Offer a data channel too (the server then opens `telemetry`). */
  dataChannel?: boolean;
  /**
   * Offer without candidates; the caller trickles `candidates` after accept().
   * Use it: a libdatachannel offerer that puts candidates in its offer can
   * be reached by the server's ICE checks before it has the answer, and then
   * fails DTLS (seen 1 in 6 to 1 in 10 on loopback; browsers are immune).
   */
  trickle?: boolean;
}

export interface ReceiverCounts {
  packets: number;
  bytes: number;
  /** RTP sequence numbers never seen (gaps). */
  lost: number;
  /** Frames completed (marker bit). */
  frames: number;
  /** Frames containing an IDR. */
  keyframes: number;
  telemetry: number;
}

const H264_PT = 102;

export class NdcReceiver {
  readonly pc: PeerConnection;
  readonly #track: Track;
  #dc: DataChannel | null = null;
  readonly #o: ReceiverOptions;
  readonly counts: ReceiverCounts = { packets: 0, bytes: 0, lost: 0, frames: 0, keyframes: 0, telemetry: 0 };
  /** Local candidates gathered (to send after accept() when trickling). */
  readonly candidates: { candidate: string; mid: string }[] = [];
  /** performance.now() of offer creation and of the first complete keyframe. */
  startedAt = 0;
  firstKeyframeAt = 0;
  lastTelemetry: unknown = null;
  #lastSeq = -1;
  #frameHasIdr = false;
  #gathered: Promise<void>;
  #connected: Promise<void>;
  onFrame: ((keyframe: boolean) => void) | null = null;

  constructor(o: ReceiverOptions = {}) {
    this.#o = o;
    this.pc = new PeerConnection('viewer', { iceServers: [], disableAutoNegotiation: true });
    this.pc.onLocalCandidate((candidate, mid) => this.candidates.push({ candidate, mid }));
    this.#gathered = new Promise((resolve) => this.pc.onGatheringStateChange((s) => s === 'complete' && resolve()));
    const video = new Video('0', 'RecvOnly');
    video.addH264Codec(H264_PT);
    this.#track = this.pc.addTrack(video);
    if (o.rtcp !== false) this.#track.setMediaHandler(new RtcpReceivingSession());
    this.#connected = new Promise((resolve) => this.#track.onOpen(() => resolve()));
    this.#track.onMessage((msg) => this.#onPacket(msg));
    // node-datachannel frees native callbacks only on these events, and only
    // when someone listens: without them a closed receiver holds the process.
    this.#track.onClosed(() => {});
    this.pc.onStateChange(() => {});
    this.pc.onDataChannel((dc) => {
      dc.onClosed(() => {});
      if (dc.getLabel() !== 'telemetry') return;
      dc.onMessage((m) => {
        this.counts.telemetry++;
        this.lastTelemetry = JSON.parse(String(m));
      });
    });
  }

  /** Our offer, once ICE gathering is complete. */
  async offer(): Promise<string> {
    if (this.#o.dataChannel) {
      this.#dc = this.pc.createDataChannel('control');
      this.#dc.onClosed(() => {});
    }
    this.startedAt = performance.now();
    this.pc.setLocalDescription('offer');
    await this.#gathered;
    const sdp = this.pc.localDescription()!.sdp;
    return this.#o.trickle ? sdp.split('\r\n').filter((l) => !l.startsWith('a=candidate:')).join('\r\n') : sdp;
  }

  accept(answerSdp: string): void {
    this.pc.setRemoteDescription(answerSdp, 'answer');
  }

  addCandidate(candidate: string, mid: string): void {
    this.pc.addRemoteCandidate(candidate, mid);
  }

  /** Resolves when the video track opens (DTLS-SRTP up). */
  connected(): Promise<void> {
    return this.#connected;
  }

  close(): void {
    try {
      this.#dc?.close();
      this.#track.close(); // releases the track's callbacks (pc.close() alone does not)
      this.pc.close();
    } catch {
      // already closed
    }
  }

  #onPacket(msg: Buffer): void {
    if (msg.length < 12 || (msg[0] >> 6) !== 2) return;
    const pt = msg[1] & 0x7f;
    if (pt !== H264_PT) return; // RTCP (SR/SDES) also arrives here
    const c = this.counts;
    c.packets++;
    c.bytes += msg.length;
    const seq = msg.readUInt16BE(2);
    if (this.#lastSeq >= 0) {
      const gap = (seq - this.#lastSeq + 65536) % 65536;
      // A retransmission (NACK) arrives "behind": not a gap.
      if (gap > 1 && gap < 32768) c.lost += gap - 1;
    }
    if (this.#lastSeq < 0 || ((seq - this.#lastSeq + 65536) % 65536) < 32768) this.#lastSeq = seq;
    const cc = msg[0] & 0x0f;
    const ext = (msg[0] & 0x10) !== 0;
    let p = 12 + cc * 4;
    if (ext && p + 4 <= msg.length) p += 4 + msg.readUInt16BE(p + 2) * 4;
    if (p >= msg.length) return;
    const nal = msg[p] & 0x1f;
    // Single NAL, STAP-A (aggregation: SPS/PPS/IDR) or FU-A start.
    if (nal === 5 || nal === 7) this.#frameHasIdr = true;
    else if (nal === 24) {
      for (let q = p + 1; q + 2 < msg.length;) {
        const len = msg.readUInt16BE(q);
        if ((msg[q + 2] & 0x1f) === 5 || (msg[q + 2] & 0x1f) === 7) this.#frameHasIdr = true;
        q += 2 + len;
      }
    } else if (nal === 28 && p + 1 < msg.length && (msg[p + 1] & 0x80) && (msg[p + 1] & 0x1f) === 5) this.#frameHasIdr = true;
    if (msg[1] & 0x80) {
      c.frames++;
      const key = this.#frameHasIdr;
      if (key) {
        c.keyframes++;
        if (!this.firstKeyframeAt) this.firstKeyframeAt = performance.now();
      }
      this.#frameHasIdr = false;
      this.onFrame?.(key);
    }
  }
}
