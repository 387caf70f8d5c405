// Which H.264 encoder the WebRTC encode runs, from webrtc.encoder and the
// detection report: a named encoder that is usable here, else libx264 with
// a warning; `auto` takes the first usable hardware encoder the ffmpeg
// command builder knows (a GStreamer-only one cannot be run yet), else
// libx264. Pure: the detection service calls it once its report is in.

import { ENCODER_NAMES, type H264EncoderName } from '../h264/encoder-args.js';
import type { EncoderCandidate } from './hw-report.js';

/** webrtc.encoder: an encoder name, or auto. */
export type H264EncoderSetting = H264EncoderName | 'auto';

export interface H264Selection {
  configured: H264EncoderSetting;
  /** What the encoder runs. */
  selected: H264EncoderName;
  /** Set when the configured encoder cannot be used and software runs instead. */
  warning: string | null;
  /** Why this one, in words. */
  reason: string;
}

const SOFTWARE: H264EncoderName = 'libx264';

/** Whether the ffmpeg command builder can run `name`. */
function runnable(name: string): name is H264EncoderName {
  return (ENCODER_NAMES as readonly string[]).includes(name);
}

/**
 * `candidates`: the report's h264 list, or null when detection did not finish
 * (`unfinished` says why). A named hardware encoder is never trusted unchecked.
 */
export function selectH264Encoder(
  configured: H264EncoderSetting, candidates: readonly EncoderCandidate[] | null, unfinished = 'detection did not finish',
): H264Selection {
  const find = (name: string) => candidates?.find((c) => c.name === name);
  if (configured === SOFTWARE) {
    const sw = find(SOFTWARE);
    const warning = sw && !sw.usable ? `libx264 is not usable here: ${sw.reason}` : null;
    return { configured, selected: SOFTWARE, warning, reason: 'configured' };
  }
  if (configured === 'auto') {
    if (!candidates) return { configured, selected: SOFTWARE, warning: null, reason: `auto: ${unfinished}; software` };
    const hw = candidates.find((c) => c.hardware && c.usable && runnable(c.name));
    if (hw) return { configured, selected: hw.name as H264EncoderName, warning: null, reason: `auto: ${hw.name} passed its trial encode` };
    const other = candidates.filter((c) => c.hardware && c.usable).map((c) => c.name);
    const note = other.length ? ` (${other.join(', ')} usable but not through ffmpeg, which the encoder runs)` : '';
    return { configured, selected: SOFTWARE, warning: null, reason: `auto: no usable hardware H.264 encoder${note}; software` };
  }
  const c = find(configured);
  if (c?.usable) return { configured, selected: configured, warning: null, reason: c.reason };
  const why = !candidates ? unfinished : c ? c.reason : 'not a candidate on this machine (not detected)';
  return {
    configured, selected: SOFTWARE, reason: `fallback: ${configured} not usable`,
    warning: `webrtc.encoder ${configured} is not usable here (${why}); using software libx264`,
  };
}
