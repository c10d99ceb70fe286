import { Counter, type CounterConfiguration, type LabelValues } from "prom-client";

/** One label set of a {@link SummedCounter}: add to `count`. */
export interface CountedSeries {
  count: number;
}

/**
 * A prom-client Counter for the request path. Each label set's increments
 * are summed in a plain number, and handed to prom-client when its
 * registry collects (a scrape, or `get()`), so a scrape still reads exact
 * totals. prom-client validates and hashes the labels on every `inc`, a
 * few percent of a light model's whole request.
 *
 * @example
 * const requests = new SummedCounter({ name: "x_total", help: "…", labelNames: ["status"], registers: [registry] });
 * const ok = requests.series({ status: "200" }); // once per label set
 * ok.count++;                                    // per request
 */
export class SummedCounter<L extends string> {
  /** The prom-client counter itself, e.g. to create a series at 0 before it is counted. */
  readonly counter: Counter<L>;
  private readonly summed: { labels: LabelValues<L>; counted: CountedSeries }[] = [];

  constructor(config: CounterConfiguration<L>) {
    const flush = () => {
      for (const { labels, counted } of this.summed) {
        if (counted.count === 0) continue;
        this.counter.inc(labels, counted.count);
        counted.count = 0;
      }
    };
    this.counter = new Counter({ ...config, collect: flush });
  }

  /** The series of one label set; look it up once per label set and keep it. */
  series(labels: LabelValues<L>): CountedSeries {
    const counted = { count: 0 };
    this.summed.push({ labels, counted });
    return counted;
  }
}
