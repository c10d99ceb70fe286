import { Registry } from "prom-client";
import { SECONDS_BUCKETS } from "./serve-metrics.js";
import { type CountedSeries, SummedCounter } from "./summed-counter.js";
import { type HistogramSeries, SummedHistogram } from "./summed-histogram.js";

/** What one answered HTTP request is counted by. */
export interface HttpRequestLabels {
  /** The route pattern (`/models/:name/predict`), or `unmatched`. */
  route: string;
  method: string;
  status: number;
  /** The model and version that answered; empty on routes that are not about one. */
  model: string;
  version: string;
}

/** The server's own request counter and timings, in a registry of their own. */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests = new SummedCounter({
    name: "servekit_http_requests_total",
    help: "HTTP requests answered, by route pattern ('unmatched' for unknown paths), method, status, and the model and version that answered",
    labelNames: ["route", "method", "status", "model", "version"] as const,
    registers: [this.registry],
  });
  private readonly duration = new SummedHistogram({
    name: "servekit_http_request_duration_seconds",
    help: "Time until the response headers were ready, by route pattern, method, model and version",
    labelNames: ["route", "method", "model", "version"] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });

  /**
   * The counter series and histogram child of each label set, looked up
   * once. Bounded as the series are (route patterns, methods, statuses,
   * models).
   */
  private readonly children = new Map<
    string,
    {
      requests: CountedSeries;
      duration: HistogramSeries;
    }
  >();

  /** One answered HTTP request. */
  observe(labels: HttpRequestLabels, seconds: number): void {
    const { route, method, status, model, version } = labels;
    const key = `${route}\u0000${method}\u0000${status}\u0000${model}\u0000${version}`;
    let child = this.children.get(key);
    if (child === undefined) {
      child = {
        requests: this.requests.series({ route, method, model, version, status: String(status) }),
        duration: this.duration.series({ route, method, model, version }),
      };
      this.children.set(key, child);
    }
    child.requests.count++;
    child.duration.observe(seconds);
  }
}
