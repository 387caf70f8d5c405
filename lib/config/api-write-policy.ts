// What the config API may write, beyond what the schema allows. The schema
// says what a valid configuration is; this says which valid values a remote
// caller may set. Keys that choose a program, its arguments or the listener
// are file-only (schema flag `file_only`), and a source path or URL from the
// API is held to devices, media files and network streams: ffmpeg reads
// anything it is given (`-f lavfi`, `concat:`, `subfile:`, `file:/etc/...`),
// so an unchecked input is a way to run filters or read files as the server.

import { realpathSync } from 'node:fs';
import path from 'node:path';
import { SkyfeedError } from '../errors.js';
import { isFileOnly } from './schema-meta.js';

/** Network streams ffmpeg may open for an API caller. */
const URL_RE = /^(rtsps?|https?|udp|srt):\/\/[^\s\\]+$/i;
/** Camera devices: the kernel's names and udev's stable links. */
const DEVICE_RE = /^\/dev\/(video\d{1,3}|v4l\/by-(id|path)\/[A-Za-z0-9._:+-]{1,200})$/;
/** Control characters never belong in a path or URL handed to a program. */
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f]/;

function refuse(section: string, param: string): SkyfeedError {
  return new SkyfeedError('SKYFEED_ERR_CONFIG_FILE_ONLY', `${section}.${param} is file-only: it chooses a program, its arguments, the listener or who is trusted, ` +
    'so it changes only by editing the config file');
}

/** The media directories, resolved once per call (they may be symlinks themselves). */
function resolvedDirs(mediaDirs: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of mediaDirs) {
    try {
      out.push(realpathSync(d));
    } catch {
      // a configured directory that does not exist allows nothing
    }
  }
  return out;
}

function checkInput(value: unknown, mediaDirs: readonly string[]): void {
  if (typeof value !== 'string') return; // the schema reports the type
  if (CONTROL_RE.test(value)) throw new SkyfeedError('SKYFEED_ERR_CONFIG_SOURCE_NOT_ALLOWED', 'source.input: control characters are not allowed');
  if (URL_RE.test(value) || DEVICE_RE.test(value)) return;
  if (!path.isAbsolute(value)) {
    throw new SkyfeedError('SKYFEED_ERR_CONFIG_SOURCE_NOT_ALLOWED', 'source.input: through the API, use a device (/dev/video0), an rtsp/http(s)/udp/srt URL, ' +
      'or an absolute path to a file under source.media_dirs; other ffmpeg inputs (options, lavfi, concat:, file:, subfile: ...) ' +
      'can only be set in the config file');
  }
  let real: string;
  try {
    real = realpathSync(value);
  } catch {
    throw new SkyfeedError('SKYFEED_ERR_CONFIG_SOURCE_NOT_ALLOWED', `source.input: ${value} does not exist`);
  }
  const dirs = resolvedDirs(mediaDirs);
  if (!dirs.some((d) => real.startsWith(d.endsWith(path.sep) ? d : d + path.sep))) {
    throw new SkyfeedError('SKYFEED_ERR_CONFIG_SOURCE_NOT_ALLOWED', `source.input: ${value} is not inside source.media_dirs (${dirs.length ? dirs.join(', ') : 'none configured'})`);
  }
}

function checkDevice(value: unknown): void {
  if (typeof value === 'string' && !DEVICE_RE.test(value)) {
    throw new SkyfeedError('SKYFEED_ERR_CONFIG_SOURCE_NOT_ALLOWED', 'source.device: through the API, only /dev/videoN or /dev/v4l/by-id|by-path/... devices');
  }
}

/**
 * Throws SKYFEED_ERR_CONFIG_FILE_ONLY for a file-only key and
 * SKYFEED_ERR_CONFIG_SOURCE_NOT_ALLOWED for a source path or URL
 * the API may not set. `mediaDirs`: source.media_dirs of the saved file.
 */
export function checkApiWrite(section: string, param: string, value: unknown, mediaDirs: readonly string[]): void {
  if (isFileOnly(section, param)) throw refuse(section, param);
  if (section === 'source' && param === 'input') checkInput(value, mediaDirs);
  if (section === 'source' && param === 'device') checkDevice(value);
}
