// What a follower does when its target is lost, on a timeline with timers
// (the original ground follower commanded zero forever; here every profile
// ends somewhere defined):
//
//   tracking ──loss──► lost ──hold_s──► holding ──action_after_s──► action
//      ▲                 │                  │                        │
//      └──usable sample──┴──────────────────┘                 hover | land | rtl
//
// lost:     the profile's own lost behaviour (zero setpoints; the chase coasts
//           to a stop on the last good coordinates).
// holding:  zero setpoints: the vehicle hovers in OFFBOARD.
// action:   the configured action is requested once (hover = Hold, land,
//           rtl); the offboard state machine executes it and following ends.
// Both timers count from the moment of loss. The phase, the reason and the
// timers are part of the follower's telemetry.

import type { LossAction, LossPolicyConfig } from '../../config/types.js';

export type LossPhase = 'idle' | 'tracking' | 'lost' | 'holding' | 'action';

export interface LossTransition {
  from: LossPhase;
  to: LossPhase;
  reason: string;
  /** performance.now() of the transition. */
  at_ms: number;
}

export interface LossPolicyTelemetry {
  phase: LossPhase;
  /** Why the target counts as lost (null while tracking). */
  reason: string | null;
  hold_s: number;
  action_after_s: number;
  action: LossAction;
  /** Seconds since the loss (null while tracking or idle). */
  time_lost_s: number | null;
  /** Seconds until the hold ends / the action runs (null while not lost; 0 once passed). */
  hold_remaining_s: number | null;
  action_in_s: number | null;
  /** The action was handed to the offboard state machine. */
  action_requested: boolean;
  /** Losses since the follower was created. */
  losses: number;
}

export class LossPolicy {
  /** Timeline settings. */
  readonly #cfg: LossPolicyConfig;
  /** Called on every phase change (events, audit log). */
  readonly #onTransition: (t: LossTransition) => void;
  /** Where on the timeline, and why the target counts as lost. */
  #phase: LossPhase = 'idle';
  #reason: string | null = null;
  /** performance.now() of the loss. */
  #lostAt = 0;
  /** The action was taken by consumeAction(). */
  #actionTaken = false;
  /** Losses since creation (telemetry). */
  #losses = 0;

  constructor(cfg: LossPolicyConfig, onTransition: (t: LossTransition) => void = () => {}) {
    if (!(cfg.action_after_s >= cfg.hold_s)) {
      throw new RangeError(`loss.action_after_s (${cfg.action_after_s}) must be >= loss.hold_s (${cfg.hold_s})`);
    }
    this.#cfg = cfg;
    this.#onTransition = onTransition;
  }

  get phase(): LossPhase {
    return this.#phase;
  }

  get config(): Readonly<LossPolicyConfig> {
    return this.#cfg;
  }

  #go(to: LossPhase, reason: string, nowMs: number): void {
    const from = this.#phase;
    if (from === to) return;
    this.#phase = to;
    this.#onTransition({ from, to, reason, at_ms: nowMs });
  }

  /** A usable sample arrived. */
  track(nowMs: number): void {
    if (this.#phase === 'tracking') return;
    this.#reason = null;
    this.#actionTaken = false;
    this.#go('tracking', 'target usable', nowMs);
  }

  /** The target is lost (no effect while idle, or when already lost: the first loss keeps its time). */
  lose(nowMs: number, reason: string): void {
    if (this.#phase !== 'tracking') return;
    this.#lostAt = nowMs;
    this.#reason = reason;
    this.#losses++;
    this.#go('lost', reason, nowMs);
    this.advance(nowMs);
  }

  /** Moves along the timeline; returns the phase. */
  advance(nowMs: number): LossPhase {
    if (this.#phase !== 'lost' && this.#phase !== 'holding') return this.#phase;
    const t = (nowMs - this.#lostAt) / 1000;
    if (this.#phase === 'lost' && t >= this.#cfg.hold_s) this.#go('holding', `no usable target for ${this.#cfg.hold_s} s`, nowMs);
    if (this.#phase === 'holding' && t >= this.#cfg.action_after_s) {
      this.#go('action', `no usable target for ${this.#cfg.action_after_s} s: ${this.#cfg.action}`, nowMs);
    }
    return this.#phase;
  }

  /** The action, once, when the timeline reached it; null otherwise. */
  consumeAction(): LossAction | null {
    if (this.#phase !== 'action' || this.#actionTaken) return null;
    this.#actionTaken = true;
    return this.#cfg.action;
  }

  /** Back to idle (a new follow session, or a profile switch). */
  reset(nowMs: number): void {
    this.#reason = null;
    this.#actionTaken = false;
    this.#go('idle', 'reset', nowMs);
  }

  telemetry(nowMs: number): LossPolicyTelemetry {
    const lost = this.#phase === 'lost' || this.#phase === 'holding' || this.#phase === 'action';
    const t = lost ? (nowMs - this.#lostAt) / 1000 : null;
    const r3 = (v: number) => Math.round(v * 1000) / 1000;
    return {
      phase: this.#phase,
      reason: this.#reason,
      hold_s: this.#cfg.hold_s,
      action_after_s: this.#cfg.action_after_s,
      action: this.#cfg.action,
      time_lost_s: t === null ? null : r3(t),
      hold_remaining_s: t === null ? null : r3(Math.max(0, this.#cfg.hold_s - t)),
      action_in_s: t === null ? null : r3(Math.max(0, this.#cfg.action_after_s - t)),
      action_requested: this.#actionTaken,
      losses: this.#losses,
    };
  }
}
