import { Gauge, Histogram, Registry } from "prom-client";
import type { Logger } from "../logger.js";
import type { AnyPredictor } from "../predictor.js";
import { RegistryPredictorMetrics } from "./registry-predictor-metrics.js";
import { type CountedSeries, SummedCounter } from "./summed-counter.js";
import { SummedHistogram } from "./summed-histogram.js";

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
  predictor: Pick<AnyPredictor, "name" | "version" | "outputMetrics">;
  /** Worker threads configured (0 inline). */
  workers: number;
  /** Where dropped predictor metrics are reported. */
  log: Logger;
}

// Seconds: from a fast inline predictor to one that runs up to the default 60 s timeout.
export const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
// From a confidence (0–1) to a count of things found.
const DEFAULT_OUTPUT_BUCKETS = [0.1, 0.25, 0.5, 0.75, 0.9, 1, 2, 5, 10, 25, 50, 100];

/**
 * The metrics of one model-version, in a registry of its own labelled with
 * `model` and `version` (several share a server, and a process). The model
 * runtime records into it; `GET /metrics` prints it with the others (see
 * `metricsText`).
 */
export class ServeMetrics {
  readonly registry = new Registry();
  /** What predictors get as `ctx.metrics` (inline, and replaying calls from pool workers). */
  readonly predictorMetrics: RegistryPredictorMetrics;

  private readonly queueWait = new SummedHistogram({
    name: "servekit_prediction_queue_wait_seconds",
    help: "Time predictions waited for a free slot",
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  }).series({});
  private readonly predictDuration = new SummedHistogram({
    name: "servekit_prediction_duration_seconds",
    help: "Time from hand-off to the predictor until the answer (output checked, error or timeout)",
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  }).series({});
  private readonly predictions = new SummedCounter({
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

  /** Histograms of the predictor's `outputMetrics`, by name. */
  private readonly outputs = new Map<string, Histogram>();

  constructor(options: ServeMetricsOptions) {
    // Every series says which model-version it is about: several share one `/metrics`.
    this.registry.setDefaultLabels({
      model: options.predictor.name,
      version: options.predictor.version,
    });
    for (const [name, spec] of Object.entries(options.predictor.outputMetrics ?? {})) {
      this.outputs.set(
        name,
        new Histogram({
          name: `servekit_output_${name}`,
          help: spec.help ?? `${name} of each output (the predictor's outputMetrics)`,
          buckets: spec.buckets ?? DEFAULT_OUTPUT_BUCKETS,
          registers: [this.registry],
        }),
      );
    }
    this.predictorMetrics = new RegistryPredictorMetrics(this.registry, options.log);
    // Every outcome shows from the start at 0, so rate() and alerts work before the first one.
    const statuses: PredictionStatus[] = [
      "succeeded",
      "failed",
      "timeout",
      "rejected",
      "cancelled",
    ];
    for (const status of statuses) this.predictions.counter.inc({ status }, 0);
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

  private readonly predictionsByStatus = new Map<PredictionStatus, CountedSeries>();

  /** A prediction got a slot after waiting `seconds`. */
  observeQueueWait(seconds: number): void {
    this.queueWait.observe(seconds);
  }

  /** A prediction ended; `runSeconds` when it was handed to the predictor. */
  observePrediction(status: PredictionStatus, runSeconds?: number): void {
    let counted = this.predictionsByStatus.get(status);
    if (counted === undefined) {
      counted = this.predictions.series({ status });
      this.predictionsByStatus.set(status, counted);
    }
    counted.count++;
    if (runSeconds !== undefined) this.predictDuration.observe(runSeconds);
  }

  observeSetup(seconds: number): void {
    this.setupDuration.set(seconds);
  }

  /** Records a number the predictor's `outputMetrics` took from an output. */
  observeOutput(name: string, value: number): void {
    this.outputs.get(name)?.observe(value);
  }
}
