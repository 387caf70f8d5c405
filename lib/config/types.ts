// The validated configuration. Field names follow config/default.yaml, so
// the YAML a user writes and the code read the same.

import type { RateLimitConfig } from '../util/rate-limiter.js';

export type { RateLimitConfig };

export interface CorsConfig {
  origins: string[];
  allow_credentials: boolean;
  max_age_s: number;
}

export interface HttpConfig {
  host: string;
  port: number;
  max_body_bytes: number;
  cors: CorsConfig;
  allowed_hosts: string[];
  tls?: { cert: string; key: string };
}

export interface AuthConfig {
  enabled: boolean;
  viewer_access: 'open' | 'token';
  /** '' = tokens.json next to the config file. */
  tokens_file: string;
  session_ttl_s: number;
}

export interface StreamingConfig {
  fps: number;
  quality: number;
  width: number;
  height: number;
  enable_cache: boolean;
  cache_ttl_ms: number;
  skip_identical_frames: boolean;
  min_quality: number;
  max_quality: number;
  quality_step: number;
  adapt_down_ms: number;
  adapt_up_ms: number;
  min_fps: number;
  max_fps: number;
  max_http_clients: number;
  stalled_client_timeout_s: number;
  max_ws_clients: number;
  max_clients_per_address: number;
}

export interface PipelineConfig {
  workers: number;
  ring_slots: number;
  encoded_slots: number;
}

export interface SourceConfig {
  type: 'synthetic' | 'v4l2' | 'ffmpeg';
  /** Synthetic picture: the original counter scene (moving, static) or the aerial scenes with ground truth (lib/vision/sim). */
  scene?: 'moving' | 'static' | 'aerial' | 'aerial_occluded' | 'aerial_fast';
  frame_code?: boolean;
  device?: string;
  input?: string;
  loop?: boolean;
  pixel_format?: 'mjpeg' | 'yuyv' | 'rgb24';
  jpeg_quality?: number;
  buffers?: number;
  ffmpeg_path?: string;
  input_options?: string[];
  media_dirs?: string[];
  reconnect_min_ms?: number;
  reconnect_max_ms?: number;
  stall_timeout_ms?: number;
  no_signal_fps?: number;
}


export interface WebRtcConfig {
  enabled: boolean;
  encoder: 'libx264' | 'h264_v4l2m2m' | 'h264_vaapi';
  bitrate_kbps: number;
  /** 0: one keyframe a second. */
  gop: number;
  profile: 'baseline' | 'main';
  max_peers: number;
  stalled_timeout_s: number;
  idle_stop_s: number;
  ice_servers: string[];
  vaapi_device?: string;
}

export interface OsdConfig {
  enabled: boolean;
  preset: 'minimal' | 'professional' | 'debug';
}

export interface SkyfeedConfig {
  http: HttpConfig;
  streaming: StreamingConfig;
  pipeline: PipelineConfig;
  source: SourceConfig;
  rate_limit: RateLimitConfig;
  auth: AuthConfig;
  webrtc: WebRtcConfig;
  smart: SmartConfig;
  osd: OsdConfig;
  [section: string]: unknown;
}

export interface SmartConfig {
  detect_fps: number;
  /** File only: a YOLO-family .onnx model; empty: the built-in contrast detector. */
  model_path: string;
}
