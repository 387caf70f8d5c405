// "On stop_tracking (or target loss) the first zero setpoint goes out
// ≤ 100 ms later", measured end to end: from the epoch time the bench sent
// the request (POST /commands/stop_tracking, or POST /api/sim/faults
// corrupt_tracker: the follower's next tracker sample is unusable) to the
// epoch time the simulated vehicle received the first zero setpoint after
// motion (its journal's zero_after_motion, stamped on arrival in its own
// process with the same clock formula). It includes the HTTP request, the
// follower and the keep-alive; for a corrupt sample also the wait for the
// tracker's next output (≤ one frame).

import type { FollowApi } from './follow-api.js';

export type ZeroKind = 'stop_tracking' | 'target_loss';

export interface ZeroTrial {
  kind: ZeroKind;
  /** The follower commanded a non-zero velocity just before (a zero-after-motion can only follow motion). */
  moving: boolean;
  /** Request sent → answer read, ms. */
  http_ms: number;
  /** Request sent → first zero setpoint at the vehicle, ms; null when none arrived within ZERO_WAIT_MS. */
  zero_ms: number | null;
}

interface JournalEntry { at_ms: number; kind: string }

/** How long to look for the zero: ten times the target. */
const ZERO_WAIT_MS = 1000;
const JOURNAL_POLL_MS = 50;
/** A trial waits this long at most for the follower to be tracking and moving (after a drill it re-acquires in a frame or two). */
const MOVING_WAIT_MS = 3000;
/** Length of the corrupt_tracker drill: a few tracker samples, then it recovers and follows again. */
export const CORRUPT_S = 0.3;

/** The first zero_after_motion the vehicle journaled after `sentMs` (epoch ms), minus `sentMs`; null if none within ZERO_WAIT_MS. */
export async function firstZeroAfter(api: FollowApi, sentMs: number): Promise<number | null> {
  const end = performance.now() + ZERO_WAIT_MS;
  for (;;) {
    const s = await api.get<{ journal: JournalEntry[] }>('/api/sim/vehicle');
    const z = s.journal.find((e) => e.kind === 'zero_after_motion' && e.at_ms > sentMs);
    if (z) return z.at_ms - sentMs;
    if (performance.now() > end) return null;
    await new Promise((r) => setTimeout(r, JOURNAL_POLL_MS));
  }
}

/** True when the follower's current command moves the vehicle. */
export async function followerMoving(api: FollowApi): Promise<boolean> {
  const f = await api.get('/telemetry/follower_data');
  const x = f.fields ?? {};
  return f.following_active === true && f.loss_policy?.phase === 'tracking'
    && (Math.abs(x.vel_body_fwd ?? 0) + Math.abs(x.vel_body_right ?? 0) + Math.abs(x.vel_body_down ?? 0)) > 0;
}

/** One trial: waits (≤ MOVING_WAIT_MS) for the follower to follow and move, then `kind` ends (or interrupts) it. */
export async function zeroTrial(api: FollowApi, kind: ZeroKind): Promise<ZeroTrial> {
  const end = performance.now() + MOVING_WAIT_MS;
  let moving = await followerMoving(api);
  while (!moving && performance.now() < end) {
    await new Promise((r) => setTimeout(r, JOURNAL_POLL_MS));
    moving = await followerMoving(api);
  }
  const sent = kind === 'stop_tracking'
    ? await api.post('/commands/stop_tracking')
    : await api.post('/api/sim/faults', { kind: 'corrupt_tracker', seconds: CORRUPT_S });
  const zero = await firstZeroAfter(api, sent.sent_ms);
  return { kind, moving, http_ms: sent.answered_ms - sent.sent_ms, zero_ms: zero };
}
