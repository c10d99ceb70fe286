import { Counter, Histogram, Registry } from "prom-client";
import { SECONDS_BUCKETS } from "./serve-metrics.js";

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
  private readonly requests = new Counter({
    name: "servekit_http_requests_total",
    help: "HTTP requests answered, by route pattern ('unmatched' for unknown paths), method, status, and the model and version that answered",
    labelNames: ["route", "method", "status", "model", "version"] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: "servekit_http_request_duration_seconds",
    help: "Time until the response headers were ready, by route pattern, method, model and version",
    labelNames: ["route", "method", "model", "version"] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });

  /** One answered HTTP request. */
  observe(labels: HttpRequestLabels, seconds: number): void {
    const { status, ...rest } = labels;
    this.requests.inc({ ...rest, status: String(status) });
    this.duration.observe(rest, seconds);
  }
}
