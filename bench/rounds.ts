// Repeated rounds of the headline scenarios. This 2-core VM is shared and
// one 10 s window of the 400-client fan-out has swung by ±3 µs per frame
// between runs, more than the gaps the ablations measure. So those
// scenarios run several rounds, each round all configurations back to back,
// and the report keeps the median round of each scenario with every round's
// figure next to it.

import type { RoundsSummary, ScenarioResult } from './run-scenario.js';

export type { RoundsSummary };


/** What picks the median round: encode rate for throughput scenarios, CPU per delivered frame for the rest. */
function key(r: ScenarioResult): number {
  return r.group === 'throughput' ? r.encoded_fps : r.cpu_us_per_frame;
}

/**
 * Collapses results that share an id into one: the median round by `key`
 * (the lower middle for an even count, so no figure is an average of two
 * runs), with `rounds` listing all of them. First-appearance order is kept.
 */
export function mergeRounds(results: ScenarioResult[]): ScenarioResult[] {
  const byId = new Map<string, ScenarioResult[]>();
  for (const r of results) {
    const list = byId.get(r.id);
    if (list) list.push(r);
    else byId.set(r.id, [r]);
  }
  const out: ScenarioResult[] = [];
  for (const list of byId.values()) {
    if (list.length === 1) {
      out.push(list[0]);
      continue;
    }
    const order = list.map((_, i) => i).sort((a, b) => key(list[a]) - key(list[b]));
    const picked = order[(order.length - 1) >> 1];
    out.push({
      ...list[picked],
      rounds: {
        count: list.length,
        cpu_us_per_frame: list.map((r) => r.cpu_us_per_frame),
        main_thread_us_per_frame: list.map((r) => r.main_thread_us_per_frame),
        cpu_us_per_encode: list.map((r) => r.cpu_us_per_encode),
        encoded_fps: list.map((r) => r.encoded_fps),
        picked,
      },
    });
  }
  return out;
}

/** "27.1 µs, rounds 26.3 / 27.1 / 29.0" style spread of a merged result, or '' for a single run. */
export function roundsSpread(r: ScenarioResult, pick: (x: RoundsSummary) => number[], digits = 1): string {
  if (!r.rounds) return '';
  return `${r.rounds.count} rounds: ${pick(r.rounds).map((v) => v.toFixed(digits)).join(' / ')}`;
}
