// Closed-loop benchmark of the vehicle side (issue 13's targets), with the
// simulated vehicle as its own process on loopback UDP and no video: a ground
// target is projected into a virtual down-looking camera through the pose
// the vehicle reports (LOCAL_POSITION_NED + ATTITUDE), fed to the follower as
// tracker output at 30 Hz with a little noise, and the follower flies the
// vehicle to keep it centred.
//
//   walker  a target walking a 6 m circle at 0.31 m/s (within the 0.5 m/s
//           per-axis limit): centre error over a 30 s window after it settled
//   person  the synthetic scene's person path (peaks ≈ 1.3 m/s, above the
//           limits), for information: what the limits allow against it
//   loss    repeated target losses and stop_tracking: time from the loss to
//           the first zero setpoint received by the vehicle (its own clock)
//
// Also: setpoint rate at the vehicle (its 2 s rolling rate, sampled every
// second), every setpoint judged against the limits by the vehicle.
//
// npm run bench:vehicle [-- --measure 30 --trials 20 --only walker|person|loss --start-alt M --out DIR]

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, projectGroundPoint, VehicleService, type CameraPose, type ImagePoint } from '../../lib/index.js';

interface Options { measureS: number; trials: number; only: string | null; out: string; startAltM: number | null }

function parseArgs(argv: string[]): Options {
  const o: Options = { measureS: 30, trials: 20, only: null, startAltM: null, out: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bench/vehicle/results') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--measure') o.measureS = Number(argv[++i]);
    else if (a === '--trials') o.trials = Number(argv[++i]);
    else if (a === '--only') o.only = argv[++i];
    else if (a === '--out') o.out = argv[++i];
    else if (a === '--start-alt') o.startAltM = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const epochMs = () => performance.timeOrigin + performance.now();
const HFOV = 60;
const ASPECT = 4 / 3;
const FEED_MS = 1000 / 30;
const NOISE = 0.003;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
}
const r3 = (v: number) => Math.round(v * 1000) / 1000;

/** A 30 Hz tracker feed: a ground target seen through the reported pose. */
class Feed {
  readonly #svc: VehicleService;
  #timer: NodeJS.Timeout | null = null;
  #target: (t: number) => [number, number] = () => [0, 0];
  #t0 = performance.now();
  #usable = true;
  #seed = 7;
  readonly #pose: CameraPose = { north_m: 0, east_m: 0, alt_m: 0, yaw_deg: 0 };
  readonly #img: ImagePoint = { x: 0, y: 0, visible: false };
  /** Centre error per fed frame (the target's true position, without the noise) and its time (s). */
  errors: number[] = [];
  times: number[] = [];

  constructor(svc: VehicleService) {
    this.#svc = svc;
  }

  start(target: (t: number) => [number, number]): void {
    this.#target = target;
    this.#t0 = performance.now();
    this.errors = [];
    this.times = [];
    this.#usable = true;
    if (!this.#timer) this.#timer = setInterval(() => this.#tick(), FEED_MS);
  }

  /** Tracker output stops being usable (target lost) or comes back. */
  setUsable(v: boolean): void {
    this.#usable = v;
  }

  #rnd(): number {
    this.#seed = (this.#seed * 16807) % 2147483647;
    return (this.#seed / 2147483647 - 0.5) * 2;
  }

  #tick(): void {
    if (!this.#svc.pose(this.#pose)) return;
    const t = (performance.now() - this.#t0) / 1000;
    const [n, e] = this.#target(t);
    const p = projectGroundPoint(this.#pose, n, e, HFOV, ASPECT, this.#img);
    this.errors.push(Math.hypot(p.x, p.y));
    this.times.push(t);
    this.#svc.onTrackerOutput({
      position_2d: [p.x + NOISE * this.#rnd(), p.y + NOISE * this.#rnd()], confidence: 0.9,
      usable_for_following: this.#usable && p.visible, timestamp: Date.now() / 1000,
    });
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}

interface TrackResult {
  scenario: string;
  target_speed_m_s: string;
  converge_s: number | null;
  window_s: number;
  frames: number;
  within_015_pct: number;
  error_p50: number;
  error_p95: number;
  error_max: number;
  rate_hz_min: number;
  rate_hz_max: number;
  rate_hz_mean: number;
}

/** Follows `target` (ground path relative to the vehicle's position at the start) until it settles, then measures a window. */
async function track(svc: VehicleService, feed: Feed, scenario: string, speed: string, target: (t: number) => [number, number], o: Options, settleS: number): Promise<TrackResult> {
  const sim = svc.sim!;
  const p0 = svc.pose()!;
  feed.start((t) => { const [n, e] = target(t); return [p0.north_m + n, p0.east_m + e]; });
  await sleep(300);
  const rep = await svc.startOffboard({ videoLive: () => true });
  if (rep.status !== 'success') throw new Error(`start_offboard_mode failed: ${rep.details.errors.join('; ')}`);
  const started = feed.times.at(-1)!;
  // Settled: the first moment after which the error stayed ≤ 0.15 for 2 s, or settleS at the latest.
  let converge: number | null = null;
  const t0 = performance.now();
  while ((performance.now() - t0) / 1000 < settleS) {
    await sleep(250);
    const since = feed.times.at(-1)! - 2;
    const recent = feed.errors.filter((_, i) => feed.times[i] >= since);
    if (converge === null && recent.length > 30 && recent.every((x) => x <= 0.15) && since >= started) { converge = since - started; break; }
  }
  const from = feed.times.at(-1)!;
  const before = await sim.stats();
  const rates: number[] = [];
  const w0 = performance.now();
  while (performance.now() - w0 < o.measureS * 1000) {
    await sleep(1000);
    rates.push((await sim.stats()).setpoints.rate_hz);
  }
  const after = await sim.stats();
  const elapsedS = (performance.now() - w0) / 1000;
  const win = feed.errors.filter((_, i) => feed.times[i] >= from);
  const stop = await svc.stopOffboard();
  if (stop.status !== 'success') throw new Error(`stop_offboard_mode failed: ${stop.details.errors.join('; ')}`);
  return {
    scenario, target_speed_m_s: speed, converge_s: converge === null ? null : r3(converge), window_s: o.measureS, frames: win.length,
    within_015_pct: r3((100 * win.filter((x) => x <= 0.15).length) / win.length),
    error_p50: r3(quantile(win, 0.5)), error_p95: r3(quantile(win, 0.95)), error_max: r3(Math.max(...win)),
    rate_hz_min: Math.min(...rates), rate_hz_max: Math.max(...rates),
    rate_hz_mean: r3((after.setpoints.received - before.setpoints.received) / elapsedS),
  };
}

interface LossResult { kind: string; trials: number; p50_ms: number; p95_ms: number; max_ms: number; all_ms: number[] }

/** Repeated losses while following a moving target: time to the first zero setpoint at the vehicle. */
async function losses(svc: VehicleService, feed: Feed, o: Options): Promise<LossResult[]> {
  const sim = svc.sim!;
  const p0 = svc.pose()!;
  feed.start((t) => [p0.north_m + 2 + 0.2 * t, p0.east_m + 1.5]);
  await sleep(300);
  const rep = await svc.startOffboard({ videoLive: () => true });
  if (rep.status !== 'success') throw new Error(`start_offboard_mode failed: ${rep.details.errors.join('; ')}`);
  const out: Record<string, number[]> = { target_lost: [], stop_tracking: [] };
  for (let k = 0; k < o.trials; k++) {
    // Moving again (non-zero setpoints) before each loss; the loss timeline (hold 3 s) is not reached.
    await sleep(1200);
    // target_lost: the tracker's next output (≤ 1 frame, 33 ms, later) says not usable; stop_tracking: null at once.
    const kind = k % 2 === 0 ? 'target_lost' : 'stop_tracking';
    const at = epochMs();
    if (kind === 'target_lost') feed.setUsable(false);
    else { feed.stop(); svc.onTrackerOutput(null); }
    await sleep(400);
    const zero = (await sim.journal()).find((e) => e.kind === 'zero_after_motion' && e.at_ms > at);
    out[kind].push(zero ? r3(zero.at_ms - at) : Number.NaN);
    feed.setUsable(true);
    if (kind === 'stop_tracking') feed.start((t) => [p0.north_m + 2 + 0.2 * t, p0.east_m + 1.5]);
  }
  await sleep(1200);
  const stopAt = epochMs();
  await svc.stopOffboard();
  const z = (await sim.journal()).find((e) => e.kind === 'zero_after_motion' && e.at_ms > stopAt);
  const res = Object.entries(out).map(([kind, xs]) => ({
    kind, trials: xs.length, p50_ms: r3(quantile(xs, 0.5)), p95_ms: r3(quantile(xs, 0.95)), max_ms: r3(Math.max(...xs)), all_ms: xs,
  }));
  const stopMs = z ? r3(z.at_ms - stopAt) : Number.NaN;
  res.push({ kind: 'stop_offboard_mode', trials: 1, p50_ms: stopMs, p95_ms: stopMs, max_ms: stopMs, all_ms: [stopMs] });
  return res;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const load0 = os.loadavg()[0];
  const svc = new VehicleService(loadConfig(undefined, o.startAltM ? { sim: { start_altitude_m: o.startAltM } } : undefined));
  await svc.start();
  const t0 = performance.now();
  while (!(svc.link.connected && svc.pose())) {
    if (performance.now() - t0 > 5000) throw new Error('no link to the simulated vehicle');
    await sleep(50);
  }
  const feed = new Feed(svc);
  const tracks: TrackResult[] = [];
  let lossRes: LossResult[] = [];
  const want = (s: string) => !o.only || o.only === s;
  try {
    if (want('walker')) {
      // A 6 m circle at 0.31 m/s, starting 3 m ahead and 2 m right of the vehicle.
      const w = (2 * Math.PI) / 120;
      tracks.push(await track(svc, feed, 'walker', '0.31', (t) => [3 + 6 * Math.sin(w * t), 2 + 6 * (1 - Math.cos(w * t))], o, 25));
    }
    if (want('person')) {
      // The synthetic scene's person: east 2.5 m over 17 s, north 1.8 m over 11 s (peaks 0.92 and 1.03 m/s).
      tracks.push(await track(svc, feed, 'person (faster than the limits)', '≤ 1.39',
        (t) => [1.8 * Math.sin((2 * Math.PI * t) / 11), 2.5 * Math.sin((2 * Math.PI * t) / 17 + 2) - 2.5 * Math.sin(2)], o, 5));
    }
    if (want('loss')) lossRes = await losses(svc, feed, o);
  } finally {
    feed.stop();
  }
  const sim = await svc.sim!.stats();
  await svc.close();
  const result = {
    run: { started: startedAt.toISOString(), node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadavg_start: load0, loadavg_end: os.loadavg()[0], command: `node dist/bench/vehicle/closed-loop.js ${process.argv.slice(2).join(' ')}`.trim() },
    tracks, losses: lossRes,
    vehicle: { setpoints_checked: sim.limits.checked, limit_violations: sim.limits.violations, by_kind: sim.limits.by_kind, ground_contacts: sim.ground_contacts },
  };
  const lines = [
    `# Vehicle closed loop, ${result.run.started}`,
    '',
    `Machine: ${result.run.cpus} × ${result.run.cpu}, Node ${result.run.node}; load average ${load0.toFixed(2)} at start, ${result.run.loadavg_end.toFixed(2)} at end. \`${result.run.command}\`.`,
    '',
    '| scenario | target speed m/s | settled after s | window s | frames | error ≤ 0.15 | error p50 / p95 / max | setpoint Hz at the vehicle (min / mean / max) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...tracks.map((r) => `| ${r.scenario} | ${r.target_speed_m_s} | ${r.converge_s ?? 'not within the settle time'} | ${r.window_s} | ${r.frames} | ${r.within_015_pct} % | ${r.error_p50} / ${r.error_p95} / ${r.error_max} | ${r.rate_hz_min} / ${r.rate_hz_mean} / ${r.rate_hz_max} |`),
    '',
    '| first zero setpoint at the vehicle after | trials | p50 ms | p95 ms | max ms |',
    '|---|---:|---:|---:|---:|',
    ...lossRes.map((r) => `| ${r.kind} | ${r.trials} | ${r.p50_ms} | ${r.p95_ms} | ${r.max_ms} |`),
    '',
    `Setpoints judged by the vehicle: ${sim.limits.checked}, limit violations: ${sim.limits.violations}${sim.limits.violations ? ` ${JSON.stringify(sim.limits.by_kind)}` : ''}; ground contacts: ${sim.ground_contacts}.`,
  ];
  const md = lines.join('\n');
  console.log(md);
  mkdirSync(o.out, { recursive: true });
  const stamp = result.run.started.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  writeFileSync(path.join(o.out, `${stamp}.json`), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(path.join(o.out, `${stamp}.md`), md + '\n');
  console.log(`\nwritten: ${path.join(o.out, stamp)}.{json,md}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
