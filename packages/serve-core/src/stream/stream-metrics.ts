import { Counter, Gauge, Registry } from "prom-client";

/** How a message ended, as `servekit_stream_messages_total{result}` counts it. */
export type StreamMessageResult =
  /** Read from the stream (or claimed from a consumer that left it pending): one delivery. */
  | "consumed"
  /** Its output was published and it was acknowledged. */
  | "succeeded"
  /** Its prediction failed and it was left pending, to be tried again. */
  | "failed"
  /** It went to the dead-letter stream (attempts used up, or input no retry can fix). */
  | "dead_lettered";

/** Live numbers the gauges read at scrape time. */
export interface StreamMetricsSource {
  readonly inFlight: number;
  /** The group's lag (entries not yet delivered to it), read from Redis; undefined when unknown. */
  lag(): Promise<number | undefined>;
}

/**
 * A stream consumer's metrics, in a registry of its own labelled with
 * `stream` and `group`: messages by result, messages in flight, and the
 * group's lag (`XINFO GROUPS`, read when scraped). `GET /metrics` prints it
 * with the server's when the consumer runs inside `serve()`.
 */
export class StreamMetrics {
  readonly registry = new Registry();
  private readonly messages: Counter<"result">;

  constructor(labels: { stream: string; group: string }, source: StreamMetricsSource) {
    this.registry.setDefaultLabels(labels);
    this.messages = new Counter({
      name: "servekit_stream_messages_total",
      help: "Stream messages by result: consumed (each delivery), succeeded, failed (left pending for a retry), dead_lettered",
      labelNames: ["result"] as const,
      registers: [this.registry],
    });
    // Every result shows from the first scrape, at 0, so rates work from the start.
    for (const result of ["consumed", "succeeded", "failed", "dead_lettered"] as const)
      this.messages.inc({ result }, 0);
    new Gauge({
      name: "servekit_stream_in_flight",
      help: "Messages this consumer holds unacknowledged: being parsed, predicted or published",
      registers: [this.registry],
      collect() {
        this.set(source.inFlight);
      },
    });
    new Gauge({
      name: "servekit_stream_group_lag",
      help: "Entries of the stream not yet delivered to the consumer group (XINFO GROUPS lag)",
      registers: [this.registry],
      async collect() {
        const lag = await source.lag();
        if (lag !== undefined) this.set(lag);
      },
    });
  }

  count(result: StreamMessageResult, by = 1): void {
    this.messages.inc({ result }, by);
  }

  /** Messages counted with `result` so far. */
  async total(result: StreamMessageResult): Promise<number> {
    const { values } = await this.messages.get();
    return values.find((v) => v.labels.result === result)?.value ?? 0;
  }
}
