/** Label values of one predictor metric sample, e.g. `{ model: "yolov5n" }`. */
export type MetricLabels = Record<string, string | number>;

/**
 * What `ctx.metrics` gives a predictor, in `setup` and `predict`: counters
 * and histograms created on first use, exported on `GET /metrics` as
 * `servekit_predictor_<name>`. Works the same inline and in pool workers
 * (there, each call is forwarded to the main thread).
 *
 * @example
 * ctx.metrics.increment("cache_hits_total");
 * ctx.metrics.increment("detections_total", out.length, { class: "person" });
 * ctx.metrics.observe("preprocess_seconds", (performance.now() - t0) / 1000);
 */
export interface PredictorMetrics {
  /** Adds `value` (default 1, never negative) to the counter `servekit_predictor_<name>`. */
  increment(name: string, value?: number, labels?: MetricLabels): void;
  /** Records `value` in the histogram `servekit_predictor_<name>` (buckets 5 ms … 10 s, for seconds). */
  observe(name: string, value: number, labels?: MetricLabels): void;
}

/** One checked `ctx.metrics` call: what a pool worker sends to the main thread. */
export interface MetricCall {
  kind: "increment" | "observe";
  name: string;
  value: number;
  labels: Record<string, string>;
}

/** Prefix of every metric a predictor records. */
export const PREDICTOR_METRIC_PREFIX = "servekit_predictor_";

const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Checks one call where the predictor made it (so a mistake throws in its own
 * code, inline or in a worker) and turns label values into strings.
 */
export function checkMetricCall(
  kind: MetricCall["kind"],
  name: string,
  value: number,
  labels: MetricLabels = {},
): MetricCall {
  const where = `ctx.metrics.${kind}(${JSON.stringify(name)})`;
  if (typeof name !== "string" || !METRIC_NAME.test(name)) {
    throw new TypeError(
      `${where}: the name must be letters, digits and '_', not starting with a digit, e.g. "cache_hits_total"`,
    );
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`${where}: the value must be a finite number, got ${String(value)}`);
  }
  if (kind === "increment" && value < 0) {
    throw new TypeError(`${where}: counters only go up; the value must be ≥ 0, got ${value}`);
  }
  const strings: Record<string, string> = {};
  for (const [label, labelValue] of Object.entries(labels)) {
    if (!LABEL_NAME.test(label) || label.startsWith("__") || label === "le") {
      throw new TypeError(
        `${where}: label "${label}" must be letters, digits and '_', not starting with a digit or "__", and not "le"`,
      );
    }
    if (typeof labelValue !== "string" && typeof labelValue !== "number") {
      throw new TypeError(`${where}: label "${label}" must be a string or number`);
    }
    strings[label] = String(labelValue);
  }
  return { kind, name, value, labels: strings };
}

/**
 * A {@link PredictorMetrics} that checks each call and hands it to `send`:
 * in a pool worker, `send` posts it to the main thread; with metrics off,
 * `send` drops it (so a predictor behaves the same either way).
 */
export function forwardPredictorMetrics(send: (call: MetricCall) => void): PredictorMetrics {
  return {
    increment: (name, value = 1, labels) => send(checkMetricCall("increment", name, value, labels)),
    observe: (name, value, labels) => send(checkMetricCall("observe", name, value, labels)),
  };
}
