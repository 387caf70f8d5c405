// A Prometheus metric whose values are read at scrape time from the
// engine's own counters, registered in a prom-client Registry (which formats
// and escapes it). Nothing is counted twice and nothing runs per frame: the
// engine already counts, and a scrape every few seconds reads the figures.
// prom-client's Counter cannot be set to a value it did not count itself,
// hence this small metric instead of Counter/Gauge with collect().

import type { Metric, Registry } from 'prom-client';
import type { LatencyHistogram } from '../util/latency-histogram.js';

export type MetricType = 'counter' | 'gauge' | 'histogram';
export type Labels = Record<string, string>;

export interface Sample {
  value: number;
  labels?: Labels;
  /** The sample's own name (`_bucket`, `_sum`, `_count` of a histogram); default: the metric's. */
  metricName?: string;
}

/** What prom-client's Registry reads of a metric (its `get()`), in the shape it formats. */
interface MetricData {
  name: string;
  help: string;
  type: MetricType;
  values: Sample[];
  aggregator: 'sum';
}

export class ScrapeMetric {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly aggregator = 'sum';
  /** Reads the current values; called once per scrape. */
  readonly #read: () => Sample[];

  constructor(name: string, help: string, type: MetricType, read: () => Sample[]) {
    this.name = name;
    this.help = help;
    this.type = type;
    this.#read = read;
  }

  get(): MetricData {
    return { name: this.name, help: this.help, type: this.type, values: this.#read(), aggregator: 'sum' };
  }
}

/**
 * A histogram of durations kept in ms (LatencyHistogram), exported in
 * seconds as Prometheus names say (`_seconds`): bounds and sum are scaled.
 */
export function histogramSamples(name: string, h: LatencyHistogram, labels: Labels = {}): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < h.bounds.length; i++) {
    out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: String(h.bounds[i] / 1000) }, value: h.cumulative(i) });
  }
  out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: h.cumulative(h.bounds.length) });
  out.push({ metricName: `${name}_sum`, labels, value: h.sum / 1000 });
  out.push({ metricName: `${name}_count`, labels, value: h.count });
  return out;
}

/** Registers `m` (prom-client types only its own classes as metrics; the Registry reads name, help, type and get()). */
export function register(registry: Registry, m: ScrapeMetric): void {
  registry.registerMetric(m as unknown as Metric);
}
