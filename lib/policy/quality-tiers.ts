// Quality tiers and the adaptive-quality rule.
//
// Requested qualities are rounded to a grid (min, min+step, ..., max) so that
// the encoders work per tier, not per client: 400 clients asking for 84, 85
// and 86 cost one encode per frame, not three.
//
// Adaptive rule, per client:
//  - a drop (a frame was due while the client still had the previous one in
//    flight) steps the client down one tier, at most once per adapt_down_ms,
//    never below min_quality;
//  - a client that has had no drop for adapt_up_ms steps up one tier, at most
//    once per adapt_up_ms, never above the quality it asked for.

/** The streaming settings the policy is made of (config.streaming has them). */
export interface QualityBounds {
  min_quality: number;
  max_quality: number;
  quality_step: number;
  adapt_down_ms: number;
  adapt_up_ms: number;
}

export interface QualityPolicy {
  min: number;
  max: number;
  step: number;
  downMs: number;
  upMs: number;
}

/** The policy as the streaming configuration states it. */
export function qualityPolicy(s: QualityBounds): QualityPolicy {
  return { min: s.min_quality, max: s.max_quality, step: s.quality_step, downMs: s.adapt_down_ms, upMs: s.adapt_up_ms };
}

/** The tier nearest to `q`, within min..max. */
export function tierOf(q: number, p: QualityPolicy): number {
  if (q >= p.max) return p.max;
  if (q <= p.min) return p.min;
  const k = Math.round((q - p.min) / p.step);
  return Math.min(p.max, p.min + k * p.step);
}

/** How many tiers the grid has: min, min+step, ... below max, and max. */
export function tierCount(p: QualityPolicy): number {
  if (p.max <= p.min) return 1;
  const below = Math.ceil((p.max - p.min) / p.step); // grid points under max
  return below + 1;
}

export function stepDown(tier: number, p: QualityPolicy): number {
  return tier <= p.min ? p.min : Math.max(p.min, tierOf(tier - p.step, p));
}

export function stepUp(tier: number, ceiling: number, p: QualityPolicy): number {
  if (tier >= ceiling) return ceiling;
  // From a tier just under max, the next step may land on max itself.
  return Math.min(ceiling, tier + p.step >= p.max ? p.max : tierOf(tier + p.step, p));
}

/** Per-client adaptive state; the decisions take the time of the frame. */
export class AdaptiveQuality {
  requested: number;
  tier: number;
  #lastChange = 0;
  #lastDrop = 0;
  readonly #p: QualityPolicy;

  constructor(requested: number, p: QualityPolicy, now: number) {
    this.#p = p;
    this.requested = tierOf(requested, p);
    this.tier = this.requested;
    this.#lastChange = now;
    this.#lastDrop = now;
  }

  /** A new requested quality (client message): applies at once. */
  request(q: number, now: number): void {
    this.requested = tierOf(q, this.#p);
    this.tier = this.requested;
    this.#lastChange = now;
  }

  /** Returns the tier after a drop at `now`. */
  onDrop(now: number): number {
    this.#lastDrop = now;
    if (now - this.#lastChange >= this.#p.downMs && this.tier > this.#p.min) {
      this.tier = stepDown(this.tier, this.#p);
      this.#lastChange = now;
    }
    return this.tier;
  }

  /** Returns the tier after a frame delivered on time at `now`. */
  onSent(now: number): number {
    if (this.tier < this.requested && now - this.#lastDrop >= this.#p.upMs && now - this.#lastChange >= this.#p.upMs) {
      this.tier = stepUp(this.tier, this.requested, this.#p);
      this.#lastChange = now;
    }
    return this.tier;
  }
}
