// A complete bench ScenarioResult with plausible figures, for tests of the
// report arithmetic; each test overrides the fields it is about.

import type { ScenarioResult } from '../../bench/run-scenario.js';
import { CONFIGS } from '../../bench/scenarios.js';

export function benchResult(over: Partial<ScenarioResult>): ScenarioResult {
  return {
    id: 'x', group: 'fanout', config: CONFIGS.real, server: 'uws', transport: 'mjpeg', encoder: 'pool', clients: 1, slow: 0,
    width: 640, height: 480, source_fps: 30, workers: 2, window_s: 8,
    delivered_fps: { min: 30, median: 30, mean: 30 }, total_fps: 30, latency_ms: { p50: 3, p99: 9, max: 12, samples: 240 },
    server_cpu_pct: 10, cpu_us_per_frame: 20, main_thread_us_per_frame: 10, main_thread_sys_us_per_frame: 5, cpu_us_per_encode: 3000,
    peak_rss_mb: 100, peak_rss_anon_mb: 60, rss_window_start_mb: 100, rss_window_end_mb: 100, rss_series_mb: [], rss_slope_mb_per_min: 0,
    encode_ms_p50: 2, encode_ms_p99: 4, encoded_fps: 30, capture_fps: 30, identical_skipped: 0, stale_skipped: 0, torn: 0, out_of_order: 0,
    server_frames_sent: 240, server_frames_dropped: 0, bytes_per_frame: 60000,
    loadgen: { processes: 1, cpu_pct: [5], elu: [0.1], saturated: false }, machine_busy_pct: 20, other_busy_pct: 5,
    threads: {}, sample_jpeg: null, health: { ok: true, problems: [] }, server_exit: 0,
    ...over,
  };
}
