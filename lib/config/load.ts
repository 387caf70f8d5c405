import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { defaultConfigPath } from './paths.js';
import { deepMerge, isPlainObject } from './merge.js';
import { configValidator, describeErrors } from './validate.js';
import type { SkyfeedConfig } from './types.js';
import { encodedSlotsNeeded } from './derived.js';
import { MAX_TIMESTAMPS } from '../util/rate-limiter.js';

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super(`invalid configuration in ${file}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [`cannot read file: ${(err as Error).message}`]);
  }
  try {
    return parse(text) ?? {};
  } catch (err) {
    throw new ConfigError(file, [`not valid YAML: ${(err as Error).message}`]);
  }
}

/** Cross-key rules that JSON Schema cannot state cleanly. */
function crossChecks(c: SkyfeedConfig): string[] {
  const out: string[] = [];
  const s = c.streaming;
  if (s.min_quality > s.max_quality) out.push(`streaming.min_quality: value ${s.min_quality} must be <= streaming.max_quality (${s.max_quality})`);
  if (s.quality < s.min_quality || s.quality > s.max_quality) out.push(`streaming.quality: value ${s.quality} must be within min_quality..max_quality (${s.min_quality}..${s.max_quality})`);
  if (s.min_fps > s.max_fps) out.push(`streaming.min_fps: value ${s.min_fps} must be <= streaming.max_fps (${s.max_fps})`);
  const cors = c.http.cors;
  if (cors.allow_credentials && cors.origins.includes('*')) out.push('http.cors.origins: value "*" is not allowed while http.cors.allow_credentials is true');
  if (c.source.type === 'v4l2' && !c.source.device) out.push('source.device: is required when source.type is v4l2');
  if (c.source.type === 'ffmpeg' && !c.source.input) out.push('source.input: is required when source.type is ffmpeg (a file, rtsp://, udp://, http:// ...)');
  const rl = c.rate_limit;
  if (rl.max_requests * rl.max_clients > MAX_TIMESTAMPS) {
    out.push(`rate_limit.max_requests: value ${rl.max_requests} × rate_limit.max_clients ${rl.max_clients} must be <= ${MAX_TIMESTAMPS} (the limiter's memory bound, ${MAX_TIMESTAMPS * 8 / 2 ** 20} MiB of timestamps)`);
  }
  const slots = c.pipeline.encoded_slots;
  const need = encodedSlotsNeeded(c);
  if (slots > 0 && slots < need.slots) {
    out.push(`pipeline.encoded_slots: value ${slots} is below the ${need.slots} this configuration needs (${need.tiers} quality tiers × (${need.workers} encode workers + 1)); 0 sizes it automatically`);
  }
  if (c.source.type === 'v4l2' && c.source.pixel_format === 'rgb24') out.push('source.pixel_format: value "rgb24" is for ffmpeg; v4l2 takes mjpeg or yuyv');
  return out;
}

/** Validates a whole configuration object; throws ConfigError naming each key. */
export function validateConfig(merged: unknown, file: string): SkyfeedConfig {
  const validate = configValidator();
  if (!validate(merged)) throw new ConfigError(file, describeErrors(validate.errors, merged));
  const cfg = merged as SkyfeedConfig;
  const cross = crossChecks(cfg);
  if (cross.length) throw new ConfigError(file, cross);
  return cfg;
}

export function loadDefaults(): Record<string, unknown> {
  const d = readYaml(defaultConfigPath);
  if (!isPlainObject(d)) throw new ConfigError(defaultConfigPath, ['top level must be a mapping']);
  return d;
}

/**
 * Defaults from config/default.yaml, overridden key by key by the user's file
 * (when given) and then by programmatic overrides (tests, bench).
 */
export function loadConfig(userFile?: string, overrides?: Record<string, unknown>): SkyfeedConfig {
  let merged: unknown = loadDefaults();
  let file = defaultConfigPath;
  if (userFile) {
    const user = readYaml(userFile);
    if (!isPlainObject(user)) throw new ConfigError(userFile, ['top level must be a mapping of sections']);
    try {
      merged = deepMerge(merged, user);
    } catch (err) {
      throw new ConfigError(userFile, [(err as Error).message]);
    }
    file = userFile;
  }
  if (overrides) merged = deepMerge(merged, overrides);
  return validateConfig(merged, file);
}
