// TelemetryHub: one build per tick per rate, the same string to every
// socket, ticks skipped (and counted) for a socket over its buffer bound,
// timers only for rates in use, close ends every socket once.

import t from 'tap';
import { TelemetryHub, type TelemetrySink } from '../../lib/stream/telemetry-hub.js';
import { pause, waitFor } from '../helpers/wait.js';

class Sink implements TelemetrySink {
  buffered = 0;
  got: string[] = [];
  ended: [number | undefined, string | undefined][] = [];
  getBufferedAmount(): number {
    return this.buffered;
  }
  send(message: string): number {
    this.got.push(message);
    return 1;
  }
  end(code?: number, reason?: string): void {
    this.ended.push([code, reason]);
  }
}

t.test('one build per tick per rate, the same string to each socket; a full socket is skipped and counted', async (t) => {
  let builds = 0;
  const hub = new TelemetryHub(() => `{"n":${++builds}}`, 1000);
  t.teardown(() => hub.close());
  const a = new Sink();
  const b = new Sink();
  const slow = new Sink();
  slow.buffered = 1001;
  const sa = hub.add(a, 10, '10.0.0.1');
  hub.add(b, 10, '10.0.0.1');
  const ss = hub.add(slow, 10, '10.0.0.2');
  t.equal(hub.countFrom('10.0.0.1'), 2);
  t.equal(hub.count(), 3);
  await waitFor(() => a.got.length >= 3, '3 ticks at 10 Hz', { timeoutMs: 5000, everyMs: 20 });
  t.same(a.got, b.got, 'both sockets got the very same messages');
  t.equal(builds, a.got.length, 'one build per tick, not per socket');
  t.equal(slow.got.length, 0, 'nothing sent into the full socket');
  t.equal(ss.dropped, builds, 'each tick counted as dropped for it');
  t.equal(sa.dropped, 0);
  slow.buffered = 0;
  await waitFor(() => slow.got.length >= 1, 'a message once its buffer drained', { timeoutMs: 5000, everyMs: 20 });
  const st = hub.stats();
  t.equal(st.built, builds);
  t.equal(st.dropped, ss.dropped);
  t.equal(st.sent, a.got.length + b.got.length + slow.got.length);
});

t.test('rates have their own timers; removing the last socket of a rate stops its builds', async (t) => {
  const hub = new TelemetryHub(() => '{}', 1000);
  t.teardown(() => hub.close());
  const one = new Sink();
  const ten = new Sink();
  const s1 = hub.add(one, 1, 'x');
  const s10 = hub.add(ten, 10, 'x');
  await waitFor(() => one.got.length >= 1, 'a 1 Hz tick', { timeoutMs: 5000, everyMs: 20 });
  t.ok(ten.got.length >= 5, `10 Hz ticked more often meanwhile: ${ten.got.length}`);
  hub.remove(s10);
  hub.remove(s10); // idempotent
  const before = hub.stats().built;
  await pause(200);
  t.ok(hub.stats().built - before <= 1, 'no 10 Hz builds once nobody listens at 10 Hz');
  t.equal(hub.count(), 1);
  t.equal(hub.countFrom('x'), 1);
  hub.remove(s1);
  t.equal(hub.countFrom('x'), 0);
  t.throws(() => hub.add(new Sink(), 0, 'x'), RangeError);
});

t.test('close ends every socket with the code once and refuses new ones', async (t) => {
  const hub = new TelemetryHub(() => '{}', 1000);
  const a = new Sink();
  const b = new Sink();
  hub.add(a, 5, 'x');
  hub.add(b, 2, 'y');
  hub.close(1001, 'Server shutting down');
  hub.close();
  t.same(a.ended, [[1001, 'Server shutting down']]);
  t.same(b.ended, [[1001, 'Server shutting down']]);
  t.equal(hub.count(), 0);
  t.throws(() => hub.add(new Sink(), 5, 'x'), /closed/);
  const n = a.got.length;
  await pause(200);
  t.equal(a.got.length, n, 'no ticks after close');
});

t.test('a message that fails to build skips the tick instead of throwing out of the timer', async (t) => {
  let fail = true;
  const hub = new TelemetryHub(() => {
    if (fail) throw new Error('boom');
    return '{}';
  }, 1024);
  t.teardown(() => hub.close());
  const got: string[] = [];
  hub.add({ getBufferedAmount: () => 0, send: (m: string) => { got.push(m); return 1; }, end: () => {} } as never, 10, 'a');
  await new Promise((r) => setTimeout(r, 250));
  t.equal(got.length, 0, 'nothing sent while the build fails');
  fail = false;
  await new Promise((r) => setTimeout(r, 250));
  t.ok(got.length > 0, `sent again once it builds (${got.length})`);
});
