// profile-level-id for SDP (RFC 6184 8.1): the profile we encode and the
// smallest level (H.264 table A-1) whose limits fit the picture size and rate,
// so a receiver that checks levels is told the truth.

export type H264Profile = 'baseline' | 'main';

/** [level_idc, max macroblocks per second, max frame size in macroblocks]. */
const LEVELS: readonly (readonly [number, number, number])[] = [
  [0x1e, 40500, 1620], // 3.0
  [0x1f, 108000, 3600], // 3.1
  [0x20, 216000, 5120], // 3.2
  [0x28, 245760, 8192], // 4.0
  [0x2a, 522240, 8704], // 4.2
  [0x32, 589824, 22080], // 5.0
  [0x33, 983040, 36864], // 5.1
];

export function h264Level(width: number, height: number, fps: number): number {
  const frameMbs = Math.ceil(width / 16) * Math.ceil(height / 16);
  const mbps = frameMbs * fps;
  for (const [idc, maxMbps, maxFs] of LEVELS) if (mbps <= maxMbps && frameMbs <= maxFs) return idc;
  return 0x33;
}

/**
 * Six hex digits: profile_idc, constraint flags, level_idc. Baseline is
 * announced as constrained baseline (42e0), which is what x264's baseline
 * produces and what every browser decodes; main is 4d00.
 */
export function profileLevelId(profile: H264Profile, width: number, height: number, fps: number): string {
  const prefix = profile === 'main' ? '4d00' : '42e0';
  return prefix + h264Level(width, height, fps).toString(16).padStart(2, '0');
}
