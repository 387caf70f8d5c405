import t from 'tap';
import { globalLimits } from '../../../lib/vehicle/followers/limits.js';
import { SetpointPublisher, type CommandSource } from '../../../lib/vehicle/offboard/setpoint-publisher.js';
import type { Setpoint } from '../../../lib/vehicle/setpoint.js';
import { sleep, testConfig, vehicleState } from '../vehicle-fixtures.js';

const limits = globalLimits(testConfig().safety);

function publisher(send: (sp: Setpoint) => Promise<void>, onFailureLimit: (e: Error) => void = () => {}) {
  return new SetpointPublisher({ rateHz: 20, commandTimeoutMs: 500, maxFailures: 3, hoverThrust: 0.5, limits, vehicle: vehicleState(), send, onFailureLimit });
}

t.test('streams neutral at the rate, then the source\'s commands; a command older than the timeout becomes neutral', async (t) => {
  const sent: { at: number; sp: Setpoint }[] = [];
  const p = publisher(async (sp) => { sent.push({ at: performance.now(), sp: { ...sp } }); });
  t.teardown(() => p.stop());
  p.start('velocity_body');
  await sleep(1000);
  const n = sent.length;
  t.ok(n >= 16 && n <= 23, `${n} setpoints in 1 s at 20 Hz`);
  t.ok(sent.every((s) => s.sp.kind === 'velocity_body' && s.sp.fwd === 0), 'all neutral');
  let commandAt = performance.now();
  const cmd: Setpoint = { kind: 'velocity_body', fwd: 0.3, right: 0, down: 0, yawspeed_deg_s: 0 };
  const source: CommandSource = { current: () => cmd, get commandAt() { return commandAt; } };
  p.follow(source);
  await sleep(200);
  t.equal((sent.at(-1)!.sp as { fwd: number }).fwd, 0.3, 'follows the source');
  commandAt = performance.now() - 600;
  await sleep(120);
  t.equal((sent.at(-1)!.sp as { fwd: number }).fwd, 0, 'stale: replaced by zeros');
  t.ok(p.stats().stale_replaced >= 1);
  commandAt = performance.now() + 10_000;
  cmd.fwd = 3;
  await sleep(120);
  t.equal((sent.at(-1)!.sp as { fwd: number }).fwd, 0.5, 'a command beyond the limits is clamped at the last moment');
  t.ok(p.stats().clamped >= 1);
  const gaps = sent.slice(1).map((s, i) => s.at - sent[i].at);
  t.ok(Math.max(...gaps) < 300, `largest gap ${Math.max(...gaps).toFixed(0)} ms`);
});

t.test('3 failed sends in a row call onFailureLimit once; a success in between resets the count', async (t) => {
  let fail = false;
  let calls = 0;
  let flip = 0;
  const p = publisher(async () => {
    if (fail === true || (fail as unknown) === 'alternate' && flip++ % 2 === 0) throw new Error('ECONNREFUSED');
  }, () => calls++);
  t.teardown(() => p.stop());
  p.start('velocity_body');
  (fail as unknown) = 'alternate';
  await sleep(400);
  t.equal(calls, 0, 'alternating failures never reach 3 in a row');
  fail = true;
  await sleep(300);
  t.equal(calls, 1);
  await sleep(300);
  t.equal(calls, 1, 'called once');
  t.match(p.stats(), { consecutive_failures: Number, last_error: 'ECONNREFUSED' });
});

t.test('publishNeutralNow sends at once and keeps streaming neutral', async (t) => {
  const sent: number[] = [];
  const p = publisher(async (sp) => { if (sp.kind === 'velocity_body') sent.push(sp.fwd); });
  t.teardown(() => p.stop());
  const cmd: Setpoint = { kind: 'velocity_body', fwd: 0.2, right: 0, down: 0, yawspeed_deg_s: 0 };
  p.start('velocity_body');
  p.follow({ current: () => cmd, commandAt: performance.now() + 1e9 });
  await sleep(120);
  const before = sent.length;
  await p.publishNeutralNow();
  t.equal(sent.length, before + 1);
  t.equal(sent.at(-1), 0);
  await sleep(120);
  t.ok(sent.slice(before).every((v) => v === 0));
  p.stop();
  const n = sent.length;
  await sleep(120);
  t.equal(sent.length, n, 'stopped');
});
