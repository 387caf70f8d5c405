// What the hardware-encoder detection reports: per codec, every candidate
// encoder with whether it is usable here and why (not). The lead lists it in
// /status and picks the first usable one, falling back to software with a
// warning.

/** Boards we ship to, as far as the machine says. */
export type BoardKind = 'raspberry-pi' | 'jetson' | 'generic';

export interface PlatformInfo {
  /** process.arch: x64, arm64, arm. */
  arch: string;
  board: BoardKind;
  /** The device-tree model ("Raspberry Pi 4 Model B Rev 1.4"), the Jetson release line, or ''. */
  model: string;
  /** Raspberry Pi generation (4, 5, ...) when known, else 0. */
  piGeneration: number;
}

/** How the encoder is driven: an ffmpeg encoder, a GStreamer element (Jetson, Pi JPEG), or a library in this process (sharp). */
export type EncoderVia = 'ffmpeg' | 'gstreamer' | 'library';

export interface EncoderCandidate {
  /** ffmpeg encoder name (libx264, h264_v4l2m2m, h264_vaapi, h264_nvmpi) or GStreamer element (nvv4l2h264enc, v4l2jpegenc, nvjpegenc). */
  name: string;
  via: EncoderVia;
  hardware: boolean;
  usable: boolean;
  /** Why usable or not, in words an operator can act on. */
  reason: string;
  /** The device it would use (/dev/video11, /dev/dri/renderD128), when there is one. */
  device?: string;
}

export interface HwReport {
  platform: PlatformInfo;
  /** Best first: hardware before software; the first usable one is the choice. */
  h264: EncoderCandidate[];
  /** Hardware JPEG encoders only: software JPEG (sharp/libjpeg-turbo) is always there. */
  jpeg: EncoderCandidate[];
  /** Milliseconds the detection took (trial encodes included). */
  tookMs: number;
}
