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
  /** auto: the first hardware encoder whose trial encode passes at start, else libx264. */
  encoder: 'auto' | 'libx264' | 'h264_v4l2m2m' | 'h264_vaapi' | 'h264_nvmpi';
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

/** One receiver of the restreamed H.264 (restream.targets; see config/schema.json). */
export interface RestreamTargetConfig {
  /** Unique name: in URLs (/api/restream/<label>/start) and in /stats. */
  label: string;
  type: 'rtp';
  /** IPv4/IPv6 literal or a host name (resolved at each start and retry). */
  host: string;
  video_port: number;
  payload_type: number;
  /** RTP SSRC; random per start when absent. */
  ssrc?: number;
  /** Start sending when the server starts (default true). */
  autostart?: boolean;
  /** Largest RTP packet in bytes, IP and UDP headers on top (default 1200). */
  mtu?: number;
  /** Where people watch this target (a Janus demo page, a player); shown on the dashboard. */
  viewer_url?: string;
  /** SRTP on the hop: the suite and a file holding the base64 master key + salt (as Janus's srtpcrypto). */
  srtp?: { suite: 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32'; key_file: string };
}

export interface RestreamConfig {
  targets: RestreamTargetConfig[];
}

export interface OsdConfig {
  enabled: boolean;
  preset: 'minimal' | 'professional' | 'debug';
}

export interface VehicleConfig {
  /** sim | udpin://HOST:PORT | udpout://HOST:PORT | serial://DEVICE?baud=N */
  connection: string;
  system_id: number;
  component_id: number;
  /** 0 = the first autopilot heard. */
  target_system: number;
  /** Empty = signing off. */
  signing_passphrase: string;
  heartbeat_timeout_s: number;
  telemetry_timeout_s: number;
  setpoint_rate_hz: number;
  command_timeout_s: number;
  prestream_s: number;
  mode_switch_timeout_s: number;
  max_publish_failures: number;
  stop_mode: 'hold' | 'position';
}

export interface PidGainsConfig {
  p: number;
  i: number;
  d: number;
}

export type LossAction = 'hover' | 'land' | 'rtl';

export interface LossPolicyConfig {
  hold_s: number;
  action_after_s: number;
  action: LossAction;
}

export interface ProfileLimitsConfig {
  max_velocity_m_s?: number;
  max_total_velocity_m_s?: number;
  max_yaw_rate_deg_s?: number;
  max_rate_deg_s?: number;
}

export interface ProfileOverrideConfig {
  limits?: ProfileLimitsConfig;
  loss?: Partial<LossPolicyConfig>;
}

export type ImplementedProfileName = 'mc_velocity_ground' | 'mc_velocity_chase' | 'mc_velocity_position' | 'mc_attitude_rate';

export interface FollowerConfig {
  profile: ImplementedProfileName;
  aim_x: number;
  aim_y: number;
  input_timeout_s: number;
  max_accel_m_s2: number;
  command_smoothing: number;
  descend_to_target: boolean;
  max_descent_m_s: number;
  feed_forward: FeedForwardConfig;
  chase_mode: 'coordinated_turn' | 'sideslip';
  chase_accel_m_s2: number;
  chase_min_confidence: number;
  hover_thrust: number;
  gains: {
    yaw: PidGainsConfig;
    right: PidGainsConfig;
    down: PidGainsConfig;
    forward: PidGainsConfig;
    lateral: PidGainsConfig;
    altitude: PidGainsConfig;
    pitch_rate: PidGainsConfig;
    roll_rate: PidGainsConfig;
  };
  loss: LossPolicyConfig;
  profiles: Partial<Record<ImplementedProfileName, ProfileOverrideConfig>>;
}

export interface SafetyConfig {
  /** auto = on for real links, off for the sim. */
  circuit_breaker: 'auto' | 'on' | 'off';
  max_velocity_m_s: number;
  max_total_velocity_m_s: number;
  max_yaw_rate_deg_s: number;
  min_altitude_m: number;
  max_altitude_m: number;
  max_rate_deg_s: number;
  max_tilt_deg: number;
  min_thrust: number;
  max_thrust: number;
}

export interface LogConfig {
  /** Least severe level written (SKYFEED_LOG_LEVEL overrides it). */
  level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export interface SimConfig {
  listen_host: string;
  listen_port: number;
  target_host: string;
  target_port: number;
  start_altitude_m: number;
  start_yaw_deg: number;
  velocity_time_constant_s: number;
  max_accel_m_s2: number;
  max_speed_m_s: number;
  telemetry_rate_hz: number;
  offboard_min_stream_s: number;
  offboard_loss_timeout_s: number;
  offboard_loss_action: 'hold' | 'land' | 'rtl';
  camera_hfov_deg: number;
  fault_injection: boolean;
}

export interface FeedForwardConfig {
  enabled: boolean;
  gain: number;
  time_constant_s: number;
  camera_hfov_deg: number;
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
  vehicle: VehicleConfig;
  follower: FollowerConfig;
  safety: SafetyConfig;
  sim: SimConfig;
  restream: RestreamConfig;
  log: LogConfig;
  [section: string]: unknown;
}

export interface SmartConfig {
  detect_fps: number;
  /** File only: a YOLO-family .onnx model; empty: the built-in contrast detector. */
  model_path: string;
}
