// Fan-out in-process, with a real pipeline and synthetic camera: a client
// whose send throws is dropped and counted; the others keep their frames and
// the process keeps running.

import t from 'tap';
import { startRig } from '../helpers/jpeg-rig.js';
import { waitFor } from '../helpers/wait.js';
import type { EncodedFrame } from '../../lib/encode/encoded-frame.js';
import { Fanout } from '../../lib/stream/fanout.js';
import { StreamClient } from '../../lib/stream/stream-client.js';
import type { QualityPolicy } from '../../lib/policy/quality-tiers.js';

const policy: QualityPolicy = { min: 30, max: 95, step: 5, downMs: 1000, upMs: 5000 };

class RecordingClient extends StreamClient {
  readonly kind = 'ws' as const;
  received = 0;
  closedWith: number | null = null;
  constructor(readonly explode: boolean) {
    super('127.0.0.1', 85, 30, policy, 30);
  }
  protected busy(): boolean {
    return false;
  }
  protected send(frame: EncodedFrame): number {
    if (this.explode) throw new Error('Invalid access of closed uWS.WebSocket');
    this.received++;
    return frame.length;
  }
  close(code = 1001): void {
    this.closed = true;
    this.closedWith = code;
  }
  abort(): void {
    this.close(1006);
  }
}

t.test('a client whose send throws is dropped and counted; the rest keep streaming', async (t) => {
  const rig = await startRig({ workers: 1, encodedSlots: 8 });
  t.teardown(() => rig.close());
  const fanout = new Fanout(rig.jpeg);
  const a = new RecordingClient(false);
  const bad = new RecordingClient(true);
  const b = new RecordingClient(false);
  for (const c of [a, bad, b]) fanout.add(c);
  await waitFor(() => a.received >= 8 && b.received >= 8, 'frames for the healthy clients');
  t.equal(fanout.sendErrors, 1, 'one failure counted');
  t.match(fanout.lastSendError, /closed uWS/);
  t.equal(bad.closedWith, 1011, 'the failing client is closed with 1011');
  t.equal(fanout.count('ws'), 2, 'and removed');
  t.equal(rig.jpeg.listenerErrors, 0, 'nothing escaped to the pipeline');
  const before = a.received;
  await waitFor(() => a.received > before, 'frames after the failure');
});
