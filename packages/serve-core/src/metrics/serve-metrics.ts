import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Logger } from "../logger.js";
import { processMetrics } from "./process-metrics.js";
import { RegistryPredictorMetrics } from "./registry-predictor-metrics.js";

/** How one prediction ended, as `servekit_predictions_total{status}` counts it. */
export type PredictionStatus =
  /** `predict` returned an output that matches the schema. */
  | "succeeded"
  /** `predict` threw (a ServeError of its own included), its worker crashed, or its output broke the schema. */
  | "failed"
  /** It ran past `predictTimeoutMs`. */
  | "timeout"
  /** Refused before it ran: not ready, shutting down, or the queue was full. */
  | "rejected"
  /** The client went away before the answer (while queued or running). */
  | "cancelled";

/** Live numbers the gauges read at scrape time. */
export interface MetricsSource {
  /** Predictions holding a slot now. */
  readonly inFlight: number;
  /** Predictions waiting for a slot. */
  readonly queued: number;
  /** Whether predictions are accepted (setup done, not shutting down). */
  readonly isReady: boolean;
}

export interface ServeMetricsOptions {
  predictor: { name: string; version: string };
  /** Worker threads configured (0 inline). */
  workers: number;
  /** Where dropped predictor metrics are reported. */
  log: Logger;
}

// Seconds: from a fast inline predictor to one that runs up to the default 60 s timeout.
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * The metrics of one app, in a registry of its own (several apps may share a
 * process), plus the process metrics every app shows. The model runtime
 * and the HTTP middleware record into it; `GET /metrics` prints it.
 */
export class ServeMetrics {
  readonly registry = new Registry();
  /** What predictors get as `ctx.metrics` (inline, and replaying calls from pool workers). */
  readonly predictorMetrics: RegistryPredictorMetrics;

  private readonly httpRequests = new Counter({
    name: "servekit_http_requests_total",
    help: "HTTP requests answered, by route pattern ('unmatched' for unknown paths), method and status",
    labelNames: ["route", "method", "status"] as const,
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: "servekit_http_request_duration_seconds",
    help: "Time until the response headers were ready, by route pattern and method",
    labelNames: ["route", "method"] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  private readonly queueWait = new Histogram({
    name: "servekit_prediction_queue_wait_seconds",
    help: "Time predictions waited for a free slot",
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  private readonly predictDuration = new Histogram({
    name: "servekit_prediction_duration_seconds",
    help: "Time from hand-off to the predictor until the answer (output checked, error or timeout)",
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  private readonly predictions = new Counter({
    name: "servekit_predictions_total",
    help: "Predictions by outcome: succeeded, failed, timeout, rejected (before running) or cancelled (client gone)",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  private readonly setupDuration = new Gauge({
    name: "servekit_setup_duration_seconds",
    help: "How long the predictor's setup took (all workers)",
    registers: [this.registry],
  });

  constructor(options: ServeMetricsOptions) {
    this.predictorMetrics = new RegistryPredictorMetrics(this.registry, options.log);
    // Every outcome shows from the start at 0, so rate() and alerts work before the first one.
    const statuses: PredictionStatus[] = [
      "succeeded",
      "failed",
      "timeout",
      "rejected",
      "cancelled",
    ];
    for (const status of statuses) this.predictions.inc({ status }, 0);
    new Gauge({
      name: "servekit_info",
      help: "The predictor served; always 1",
      labelNames: ["predictor", "version"] as const,
      registers: [this.registry],
    }).set({ predictor: options.predictor.name, version: options.predictor.version }, 1);
    new Gauge({
      name: "servekit_workers",
      help: "Worker threads configured (0: predictions run on the HTTP thread)",
      registers: [this.registry],
    }).set(options.workers);
  }

  /** Adds the gauges read from `source` on each scrape: in flight, queue depth, readiness. */
  watch(source: MetricsSource): void {
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    gauge(
      "servekit_predictions_in_flight",
      "Predictions holding a slot now",
      () => source.inFlight,
    );
    gauge("servekit_queue_depth", "Predictions waiting for a slot", () => source.queued);
    gauge("servekit_ready", "1 while predictions are accepted", () => (source.isReady ? 1 : 0));
  }

  /** One answered HTTP request. */
  observeHttp(labels: { route: string; method: string; status: number }, seconds: number): void {
    this.httpRequests.inc({ ...labels, status: String(labels.status) });
    this.httpDuration.observe({ route: labels.route, method: labels.method }, seconds);
  }

  /** A prediction got a slot after waiting `seconds`. */
  observeQueueWait(seconds: number): void {
    this.queueWait.observe(seconds);
  }

  /** A prediction ended; `runSeconds` when it was handed to the predictor. */
  observePrediction(status: PredictionStatus, runSeconds?: number): void {
    this.predictions.inc({ status });
    if (runSeconds !== undefined) this.predictDuration.observe(runSeconds);
  }

  observeSetup(seconds: number): void {
    this.setupDuration.set(seconds);
  }

  /** The content type of {@link text}: Prometheus text format 0.0.4. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in Prometheus text format: this app's, then the process's. */
  async text(): Promise<string> {
    const [app, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${app}\n${process}`;
  }
}
