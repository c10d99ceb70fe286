import type { LabelValues, Metric, Registry } from "prom-client";

/** One label set of a {@link SummedHistogram}: observe into it. */
export class HistogramSeries {
  /** Observations per bucket, not cumulative; the last is above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Counts one value; a value that is not a finite number is skipped (prom-client would throw). */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const { bounds } = this;
    let bucket = 0;
    while (bucket < bounds.length && value > (bounds[bucket] as number)) bucket++;
    (this.counts[bucket] as number)++;
    this.sum += value;
    this.count++;
  }
}

export interface SummedHistogramConfiguration<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  /** Upper bounds, ascending. */
  buckets: readonly number[];
  registers: Registry[];
}

/**
 * A Prometheus histogram for the request path. Each label set is a
 * {@link HistogramSeries} of plain numbers, looked up once and kept by the
 * caller; a registry reads them when it collects (a scrape, or `get()`),
 * in prom-client's own form, so `/metrics` shows the same lines a
 * prom-client Histogram would. prom-client validates and hashes the labels
 * on every `observe`, and the request path observes three histograms.
 *
 * @example
 * const duration = new SummedHistogram({ name: "x_seconds", help: "…", labelNames: ["route"], buckets: [0.1, 1], registers: [registry] });
 * const predict = duration.series({ route: "/predict" }); // once per label set
 * predict.observe(0.02);                                  // per request
 */
export class SummedHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly bounds: readonly number[];
  private readonly all: { labels: LabelValues<L>; series: HistogramSeries }[] = [];

  constructor(config: SummedHistogramConfiguration<L>) {
    const sorted = config.buckets.every(
      (bound, i) => i === 0 || bound > (config.buckets[i - 1] as number),
    );
    if (!sorted) throw new Error(`${config.name}: buckets must ascend`);
    this.name = config.name;
    this.help = config.help;
    this.bounds = [...config.buckets];
    for (const registry of config.registers)
      registry.registerMetric(this as unknown as Metric<string>);
  }

  /** The series of one label set; look it up once per label set and keep it. */
  series(labels: LabelValues<L>): HistogramSeries {
    const series = new HistogramSeries(this.bounds);
    this.all.push({ labels, series });
    return series;
  }

  /** What prom-client's registry reads: cumulative buckets, sum and count per label set. */
  async get() {
    const values: { value: number; labels: LabelValues<string>; metricName: string }[] = [];
    for (const { labels, series } of this.all) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += series.counts[i] as number;
        values.push({
          value: cumulative,
          labels: { le, ...labels },
          metricName: `${this.name}_bucket`,
        });
      });
      values.push(
        {
          value: series.count,
          labels: { le: "+Inf", ...labels },
          metricName: `${this.name}_bucket`,
        },
        { value: series.sum, labels: { ...labels }, metricName: `${this.name}_sum` },
        { value: series.count, labels: { ...labels }, metricName: `${this.name}_count` },
      );
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    };
  }

  /** Zeroes every series (`registry.resetMetrics()`). */
  reset(): void {
    for (const { series } of this.all) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }
}
