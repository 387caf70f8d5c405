// The one owner of the running configuration. Config writes come here: the
// store validates, saves and audits them, and for the `immediate` tier this
// object applies them to the running engine, in one place: a new capture
// rate re-paces every client and restarts the source; a new default quality
// re-tiers the clients that follow it and moves the MJPEG passthrough tier;
// new rate limits reconfigure the limiter; the OSD switch and preset apply
// at the next encoded frame. Nothing else writes the running
// configuration, so what /status shows is what runs.

import type { SkyfeedConfig } from '../config/types.js';
import type { ConfigService, ParamChange } from '../config/config-service.js';
import { changeResponse, restoreResponse, type ChangeResult } from '../config/change-response.js';
import { reloadTier } from '../config/schema-meta.js';
import type { JpegPipeline } from '../encode/jpeg-pipeline.js';
import type { Fanout } from '../stream/fanout.js';
import { defaultClientFps } from '../stream/stream-params.js';
import { tierOf, type QualityPolicy } from '../policy/quality-tiers.js';
import type { RateLimiter } from '../util/rate-limiter.js';
import { Mutex } from '../util/mutex.js';
import type { VideoService } from './video-service.js';

export interface LiveSettingsParts {
  store: ConfigService;
  jpeg: JpegPipeline;
  fanout: Fanout;
  video: VideoService;
  limiter: RateLimiter;
  policy: QualityPolicy;
}

export class LiveSettings {
  /** The running configuration; read by everyone, written only here. */
  readonly running: SkyfeedConfig;
  readonly store: ConfigService;
  readonly #p: LiveSettingsParts;
  /** Save and apply in one step: two writes never apply out of the order they were saved in. */
  readonly #lock = new Mutex();

  constructor(running: SkyfeedConfig, parts: LiveSettingsParts) {
    this.running = running;
    this.store = parts.store;
    this.#p = parts;
    parts.jpeg.setPassthroughQuality(this.#passthroughTier());
  }

  update(section: string, param: string, value: unknown, client: string): Promise<ChangeResult> {
    return this.#lock.run(async () => {
      const c = await this.store.update(section, param, value, client);
      const warnings: string[] = [];
      const applied = c.saved && (await this.#applyIfImmediate(c.section, c.param, c.value, warnings));
      return changeResponse(c, applied, warnings);
    });
  }

  revert(section: string, param: string, client: string): Promise<ChangeResult> {
    return this.#lock.run(async () => {
      const c = await this.store.revert(section, param, client);
      const warnings: string[] = [];
      const applied = c.saved && (await this.#applyIfImmediate(c.section, c.param, c.value, warnings));
      return changeResponse(c, applied, warnings);
    });
  }

  restore(id: string, client: string): Promise<Record<string, unknown>> {
    return this.#lock.run(async () => {
      const r = await this.store.restore(id, client);
      const warnings: string[] = [];
      const applied: ParamChange[] = [];
      for (const c of r.changed) {
        if (await this.#applyIfImmediate(c.section, c.parameter, c.current, warnings)) applied.push(c);
      }
      return restoreResponse(r, applied, warnings);
    });
  }

  /** True when `section.param` is `immediate` and took effect; a failure becomes a warning. */
  async #applyIfImmediate(section: string, param: string, value: unknown, warnings: string[]): Promise<boolean> {
    if (reloadTier(section, param) !== 'immediate') return false;
    try {
      await this.#apply(`${section}.${param}`, value);
      return true;
    } catch (err) {
      warnings.push(`saved but not applied live: ${(err as Error).message}; it applies at the next start`);
      return false;
    }
  }

  async #apply(key: string, value: unknown): Promise<void> {
    const s = this.running.streaming;
    const p = this.#p;
    switch (key) {
      case 'streaming.fps': {
        s.fps = value as number;
        p.fanout.followSourceFps(s.fps, defaultClientFps(s));
        await p.video.restart();
        return;
      }
      case 'streaming.quality': {
        s.quality = value as number;
        p.jpeg.setPassthroughQuality(this.#passthroughTier());
        p.fanout.followDefaultQuality(s.quality);
        return;
      }
      case 'rate_limit.window_s':
      case 'rate_limit.max_requests':
      case 'rate_limit.max_clients': {
        const rl = this.running.rate_limit as unknown as Record<string, unknown>;
        rl[key.slice('rate_limit.'.length)] = value;
        p.limiter.configure(this.running.rate_limit);
        return;
      }
      case 'osd.enabled':
      case 'osd.preset': {
        // The encoders read these per frame (OsdFeed): the next frame shows the change.
        const o = this.running.osd as unknown as Record<string, unknown>;
        o[key.slice('osd.'.length)] = value;
        return;
      }
      default:
        throw new Error(`${key} has no live setter`);
    }
  }

  /**
   * MJPEG passthrough tier: clients at the camera's quality (source.jpeg_quality,
   * else the default stream quality) get a JPEG source's frames as they are.
   */
  #passthroughTier(): number {
    return tierOf(this.running.source.jpeg_quality ?? this.running.streaming.quality, this.#p.policy);
  }
}
