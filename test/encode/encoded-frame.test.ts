// The WebSocket meta of an encoded frame: the contract's fields unchanged,
// plus the tracker box and target_state the frame was taken with.

import t from 'tap';
import { publishFrame } from '../../lib/encode/encoded-frame.js';
import { EncodedRing } from '../../lib/encode/encoded-ring.js';
import type { OsdState, OsdTargetState } from '../../lib/encode/osd/osd-state.js';

const ring = new EncodedRing({ slots: 2, capacity: 4096 });

const state = (target_state: OsdTargetState, bbox: [number, number, number, number] | null): OsdState => ({
  track: {
    bbox, predicted_bbox: null, target_state, tracker_id: 'KCF', velocity: null, confidence: 0.5, appearance_score: 0.5,
    motion_score: 0.5, loss_reason: null, frames_lost: 0, frame_id: 7, usable_for_following: false,
  },
  following: false, timeS: 0,
});

const meta = (osd: OsdState | null) => JSON.parse(publishFrame(ring, 0, 100, 7, 85, 1_700_000_000_123.4567, 0, 0n, osd).wsMeta) as Record<string, unknown>;

t.test('existing fields keep their names, order and values', async (t) => {
  const m = publishFrame(ring, 1, 321, 12, 60, 1_700_000_000_500, 0, 0n, null).wsMeta;
  t.match(m, /^\{"type":"frame","timestamp":1700000000\.500000,"frame_id":12,"quality":60,"size":321,/);
});

t.test('box and target_state: unknown, nothing tracked, measured, estimate, inactive', async (t) => {
  t.same([meta(null).box, meta(null).target_state], [null, null], 'no tracker state known');
  const none = meta({ track: null, following: false, timeS: 0 });
  t.same([none.box, none.target_state], [null, 'inactive'], 'nothing tracked');
  const m = meta(state('measured', [10.4, 20.6, 30.5, 40]));
  t.same([m.box, m.target_state], [[10, 21, 31, 40], 'measured'], 'a measured box, rounded to pixels');
  const p = meta(state('prediction_only', [1, 2, 3, 4]));
  t.same([p.box, p.target_state], [[1, 2, 3, 4], 'prediction_only'], 'an estimate keeps its box and says so');
  const i = meta(state('inactive', [1, 2, 3, 4]));
  t.same([i.box, i.target_state], [null, 'inactive'], 'an inactive tracker shows no box');
});
