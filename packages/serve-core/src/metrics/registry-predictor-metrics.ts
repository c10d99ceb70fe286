import { Counter, Histogram, type Registry } from "prom-client";
import type { Logger } from "../logger.js";
import {
  checkMetricCall,
  type MetricCall,
  type MetricLabels,
  PREDICTOR_METRIC_PREFIX,
  type PredictorMetrics,
} from "./predictor-metrics.js";

/** Bounds that keep a predictor's own metrics from growing the scrape without limit. */
const MAX_METRICS = 100;
const MAX_SERIES_PER_METRIC = 1_000;

interface Declared {
  kind: MetricCall["kind"];
  labelNames: string[];
  metric: Counter | Histogram;
  series: Set<string>;
}

/**
 * The main thread's {@link PredictorMetrics}: creates a counter or histogram
 * in the app's registry on first use. A call that conflicts with an earlier
 * one (another kind or label set) or passes a bound is dropped and logged
 * once per metric, so a metrics mistake never fails a prediction.
 */
export class RegistryPredictorMetrics implements PredictorMetrics {
  private readonly declared = new Map<string, Declared>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly registry: Registry,
    private readonly log: Logger,
  ) {}

  increment(name: string, value = 1, labels?: MetricLabels): void {
    this.record(checkMetricCall("increment", name, value, labels));
  }

  observe(name: string, value: number, labels?: MetricLabels): void {
    this.record(checkMetricCall("observe", name, value, labels));
  }

  /** Applies a call that was checked already, e.g. one forwarded by a pool worker. */
  record(call: MetricCall): void {
    const declared = this.declare(call);
    if (!declared) return;
    const labelNames = Object.keys(call.labels).sort();
    if (labelNames.join() !== declared.labelNames.join()) {
      const first = declared.labelNames.join(", ");
      this.warnOnce(
        call.name,
        `labels {${labelNames.join(", ")}} differ from the first call's {${first}}`,
      );
      return;
    }
    const series = labelNames.map((label) => call.labels[label]).join("\u0000");
    if (!declared.series.has(series)) {
      if (declared.series.size >= MAX_SERIES_PER_METRIC) {
        this.warnOnce(
          call.name,
          `more than ${MAX_SERIES_PER_METRIC} label combinations; use labels with few values`,
        );
        return;
      }
      declared.series.add(series);
    }
    if (declared.metric instanceof Counter) declared.metric.inc(call.labels, call.value);
    else declared.metric.observe(call.labels, call.value);
  }

  private declare(call: MetricCall): Declared | undefined {
    const existing = this.declared.get(call.name);
    if (existing) {
      if (existing.kind === call.kind) return existing;
      this.warnOnce(call.name, `it is a ${kindName(existing.kind)}, not a ${kindName(call.kind)}`);
      return undefined;
    }
    if (this.declared.size >= MAX_METRICS) {
      this.warnOnce(call.name, `a predictor may define at most ${MAX_METRICS} metrics`);
      return undefined;
    }
    const labelNames = Object.keys(call.labels).sort();
    const config = {
      name: `${PREDICTOR_METRIC_PREFIX}${call.name}`,
      help: `Predictor metric "${call.name}" (ctx.metrics.${call.kind})`,
      labelNames,
      registers: [this.registry],
    };
    const metric = call.kind === "increment" ? new Counter(config) : new Histogram(config);
    const declared: Declared = { kind: call.kind, labelNames, metric, series: new Set() };
    this.declared.set(call.name, declared);
    return declared;
  }

  private warnOnce(name: string, problem: string): void {
    if (this.warned.has(name)) return;
    this.warned.add(name);
    this.log.warn(
      { metric: `${PREDICTOR_METRIC_PREFIX}${name}` },
      `predictor metric "${name}" dropped: ${problem}`,
    );
  }
}

function kindName(kind: MetricCall["kind"]): string {
  return kind === "increment" ? "counter (increment)" : "histogram (observe)";
}
