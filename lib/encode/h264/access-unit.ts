// What the H.264 encoder publishes: one access unit (one coded picture) per
// input frame, and the small interface the WebRTC fan-out consumes.

export interface AccessUnit {
  /**
   * Annex-B bytes: 4-byte start codes, no access unit delimiter, SPS and PPS
   * in front of every IDR. A view into the encoder's GOP arena: read it
   * synchronously (a later access unit may reuse the bytes); copy to keep.
   */
  readonly data: Buffer;
  /** Contains an IDR slice: a decoder can start here. */
  readonly keyframe: boolean;
  /** frameId of the input frame it encodes; -1 when it could not be matched. */
  readonly frameId: number;
  /** Capture time (epoch ms) of that input frame; the AU's completion time when unmatched. */
  readonly captureMs: number;
  /** Output sequence number, counting across encoder restarts. */
  readonly seq: number;
  /** Epoch ms when the access unit was complete on the encoder's output. */
  readonly readyMs: number;
}

export type AccessUnitListener = (au: AccessUnit) => void;

/** What a consumer of encoded video needs (the WebRTC fan-out, a restreamer). */
export interface AccessUnitSource {
  /** Calls `fn` for every access unit; returns the unsubscribe function. */
  onAccessUnit(fn: AccessUnitListener): () => void;
  /**
   * The current GOP: the newest IDR and every access unit after it, in order,
   * or an empty list when there is none (not started, or the GOP outgrew the
   * cache). Read synchronously; the list is the cache's own.
   */
  gop(): readonly AccessUnit[];
  /** Asks for an IDR soon (PLI/FIR); false when rate-limited. */
  requestKeyframe(): boolean;
}
