// One restream target: the shared H.264 encode, packetized as RTP and sent
// over UDP to a media server (Janus's streaming plugin, MediaMTX, ffmpeg).
// The socket is connected, so an ICMP "port unreachable" from a receiver
// that died comes back as an error event: that is how /stats can say
// `failing` for a protocol with no acknowledgements. Sending never blocks
// and never queues more than the packet slab: a dead or slow path costs
// dropped access units on this target, never a frame for local viewers.

import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { randomInt } from 'node:crypto';
import type { AccessUnit, AccessUnitSource } from '../../encode/h264/index.js';
import { PacketSlab } from './packet-slab.js';
import { H264RtpPacketizer, type PacketSink } from './rtp-packetizer.js';
import { SrtpProtector } from './srtp-protector.js';
import type { RestreamState, RestreamTargetSpec, RestreamTargetStatus } from './target-spec.js';

export interface RtpTargetOptions {
  /** Packets one target may have queued in the kernel/libuv (its memory bound: slots × mtu). */
  slots: number;
  /** A refused packet within this window keeps the state `failing` (ICMP replies are rate-limited to ~1/s). */
  failingWindowMs: number;
  /** Wait before resolving the host again after a failure. */
  retryMs: number;
  log(line: string): void;
}

export const RTP_TARGET_DEFAULTS: RtpTargetOptions = {
  // 512 × 1200 B = 600 KB: ~5 s of 1 Mbit/s video, several IDRs.
  slots: 512,
  failingWindowMs: 3000,
  retryMs: 2000,
  log: () => {},
};

/** RTP's video clock (RFC 6184 §5.1). */
const CLOCK_HZ_PER_MS = 90;

/** Hands packet slots to the packetizer and sends each as it is committed (SRTP-protected when keyed). */
class SendingSink implements PacketSink {
  readonly buf: Buffer;

  constructor(
    readonly slab: PacketSlab, readonly socket: dgram.Socket, readonly srtp: SrtpProtector | null, readonly onSent: (err: Error | null) => void,
  ) {
    this.buf = slab.buf;
  }

  nextSlot(): number {
    return this.slab.nextSlot();
  }

  commit(rtpLength: number): void {
    const off = this.slab.nextSlot();
    // The packetizer left room for the tag in the slot (its packets are mtu - tagBytes at most).
    const length = this.srtp ? this.srtp.protect(this.buf, off, rtpLength) : rtpLength;
    this.slab.commit(length);
    // Offset + length: no copy and no subarray of ours (Node makes one view per datagram).
    this.socket.send(this.buf, off, length, this.onSent);
  }
}

export class RtpTarget {
  readonly spec: RestreamTargetSpec;
  readonly #source: AccessUnitSource;
  readonly #hold: () => () => void;
  readonly #o: RtpTargetOptions;
  /** The open socket and its sink; null while stopped or resolving. */
  #sink: SendingSink | null = null;
  #packetizer: H264RtpPacketizer | null = null;
  #active = false;
  #needKeyframe = true;
  /** Set by a refused packet; cleared (with a keyframe request) once the window passes quietly. */
  #failing = false;
  /** The host did not resolve or the socket could not open: failing until the retry succeeds. */
  #openFailed = false;
  #unsubscribe: (() => void) | null = null;
  #release: (() => void) | null = null;
  #retry: NodeJS.Timeout | null = null;
  /** Bumped at every start and stop, so a lookup that returns late is ignored. */
  #generation = 0;
  #address: string | null = null;
  #ssrc = 0;
  #firstCaptureMs = -1;
  #lastElapsedMs = 0;
  #tsBase = 0;
  #startedMs: number | null = null;
  #packets = 0;
  #bytes = 0;
  #accessUnits = 0;
  #dropped = 0;
  #errors = 0;
  #lastError: string | null = null;
  #lastErrorMs: number | null = null;

  constructor(spec: RestreamTargetSpec, source: AccessUnitSource, hold: () => () => void, opts: Partial<RtpTargetOptions> = {}) {
    this.spec = spec;
    this.#source = source;
    this.#hold = hold;
    this.#o = { ...RTP_TARGET_DEFAULTS, ...opts };
    this.#ssrc = spec.ssrc ?? 0;
  }

  get active(): boolean {
    return this.#active;
  }

  /** Starts sending (idempotent): holds the encoder, resolves the host, waits for an IDR. */
  start(): void {
    if (this.#active) return;
    this.#active = true;
    this.#generation++;
    this.#startedMs = Date.now();
    this.#ssrc = this.spec.ssrc ?? randomInt(1, 0xffffffff);
    this.#packetizer = null;
    this.#tsBase = randomInt(0, 0xffffffff);
    this.#firstCaptureMs = -1;
    this.#lastElapsedMs = 0;
    this.#needKeyframe = true;
    this.#failing = false;
    this.#release = this.#hold();
    this.#unsubscribe = this.#source.onAccessUnit(this.#onAccessUnit);
    this.#source.requestKeyframe();
    void this.#open(this.#generation);
  }

  /** Stops sending (idempotent): closes the socket and lets the encoder idle if nobody else wants it. */
  stop(): void {
    if (!this.#active) return;
    this.#active = false;
    this.#generation++;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#release?.();
    this.#release = null;
    this.#closeSocket();
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.#openFailed = false;
  }

  close(): void {
    this.stop();
  }

  status(): RestreamTargetStatus {
    const s = this.spec;
    return {
      label: s.label, type: s.type, host: s.host, address: this.#address, video_port: s.video_port, payload_type: s.payload_type,
      ssrc: this.#ssrc, viewer_url: s.viewer_url ?? null, srtp: s.srtp?.suite ?? null, state: this.#state(), started_ms: this.#startedMs,
      packets: this.#packets, bytes: this.#bytes, access_units: this.#accessUnits, dropped_access_units: this.#dropped,
      in_flight: this.#sink?.slab.inFlight ?? 0, errors: this.#errors, last_error: this.#lastError, last_error_ms: this.#lastErrorMs,
    };
  }

  #state(): RestreamState {
    if (!this.#active) return 'stopped';
    if (this.#openFailed || this.#recentError()) return 'failing';
    if (!this.#sink || this.#needKeyframe) return 'waiting_keyframe';
    return 'sending';
  }

  #recentError(): boolean {
    return this.#lastErrorMs !== null && Date.now() - this.#lastErrorMs < this.#o.failingWindowMs;
  }

  async #open(generation: number): Promise<void> {
    let address: string;
    let family: number;
    let srtp: SrtpProtector | null = null;
    try {
      if (this.spec.srtp) {
        // Read at every start: a rotated key file takes effect on the next start.
        const text = await readFile(this.spec.srtp.key_file, 'utf8').catch((err: NodeJS.ErrnoException) => {
          throw Object.assign(new Error(`SRTP key file ${this.spec.srtp!.key_file}: ${err.code ?? err.message}`), { code: 'SRTP_KEY' });
        });
        try {
          srtp = new SrtpProtector(this.spec.srtp.suite, text);
        } catch (err) {
          throw Object.assign(new Error(`SRTP key file ${this.spec.srtp.key_file}: ${(err as Error).message}`), { code: 'SRTP_KEY' });
        }
      }
      ({ address, family } = await lookup(this.spec.host));
    } catch (err) {
      if (generation === this.#generation) this.#openFailure(err as Error);
      return;
    }
    if (generation !== this.#generation) return;
    this.#address = address;
    const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    const slab = new PacketSlab(this.#o.slots, this.spec.mtu);
    const packetizer = new H264RtpPacketizer({
      payloadType: this.spec.payload_type, ssrc: this.#ssrc, maxPacketBytes: this.spec.mtu - (srtp?.tagBytes ?? 0), initialSeq: randomInt(0, 0x10000),
    });
    const sink = new SendingSink(slab, socket, srtp, (err) => {
      // Callbacks of a socket we already closed land here too: only the current one counts.
      if (this.#sink !== sink) return;
      const length = slab.release();
      if (err) this.#recordError(err);
      else {
        this.#packets++;
        this.#bytes += length;
      }
    });
    socket.on('error', (err) => {
      if (this.#sink === sink || this.#sink === null) this.#recordError(err);
    });
    // Nothing is expected back on the RTP port; incoming datagrams are ignored.
    socket.on('message', () => {});
    socket.connect(this.spec.video_port, address, () => {
      if (generation !== this.#generation) {
        socket.close();
        return;
      }
      this.#openFailed = false;
      this.#sink = sink;
      this.#packetizer = packetizer;
      this.#o.log(`restream ${this.spec.label}: sending ${srtp ? 'SRTP' : 'RTP'} to ${address}:${this.spec.video_port}`);
    });
  }

  #openFailure(err: Error): void {
    this.#openFailed = true;
    this.#recordError(err);
    this.#lastError = err.message;
    this.#o.log(`restream ${this.spec.label}: cannot start: ${err.message}; retrying in ${this.#o.retryMs} ms`);
    const generation = this.#generation;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      if (generation === this.#generation && this.#active) void this.#open(generation);
    }, this.#o.retryMs);
    this.#retry.unref();
  }

  #recordError(err: Error): void {
    this.#errors++;
    this.#lastError = (err as NodeJS.ErrnoException).code ?? err.message;
    this.#lastErrorMs = Date.now();
    if (!this.#failing) {
      this.#failing = true;
      this.#o.log(`restream ${this.spec.label}: failing: ${this.#lastError}`);
    }
  }

  #closeSocket(): void {
    const sink = this.#sink;
    this.#sink = null;
    this.#packetizer = null;
    if (!sink) return;
    try {
      sink.socket.close();
    } catch {
      // Already closed by an error: nothing to release.
    }
  }

  /** Per access unit: no allocation here beyond Node's own per-datagram send request. */
  #onAccessUnit = (au: AccessUnit): void => {
    const sink = this.#sink;
    const packetizer = this.#packetizer;
    if (!sink || !packetizer) return;
    if (this.#failing && !this.#recentError()) {
      // The receiver stopped refusing (restarted): a fresh decoder needs an IDR.
      this.#failing = false;
      this.#source.requestKeyframe();
      this.#o.log(`restream ${this.spec.label}: receiver reachable again`);
    }
    if (this.#needKeyframe) {
      if (!au.keyframe) return;
      this.#needKeyframe = false;
    }
    const packets = packetizer.plan(au.data);
    if (packets === 0) return;
    if (!sink.slab.reserve(packets)) {
      // The path is stalled: skip to the next IDR instead of queueing more.
      this.#dropped++;
      this.#needKeyframe = true;
      this.#source.requestKeyframe();
      return;
    }
    packetizer.write(au.data, this.#timestamp(au.captureMs), sink);
    this.#accessUnits++;
  };

  /** 90 kHz from the frame's capture time, never going backwards. */
  #timestamp(captureMs: number): number {
    if (this.#firstCaptureMs < 0) this.#firstCaptureMs = captureMs;
    const elapsed = Math.max(this.#lastElapsedMs, captureMs - this.#firstCaptureMs);
    this.#lastElapsedMs = elapsed;
    return (this.#tsBase + Math.round(elapsed * CLOCK_HZ_PER_MS)) >>> 0;
  }
}
