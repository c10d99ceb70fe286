import { AggregatorRegistry, Registry } from "prom-client";
import { processMetrics } from "./process-metrics.js";

/** The content type of {@link metricsText}: Prometheus text format 0.0.4. */
export const METRICS_CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * Several registries as one Prometheus text: a metric that several
 * model-versions record shows once, with a series per `model` and
 * `version` label (two blocks of one name would be refused by Prometheus),
 * then the process's metrics.
 */
export async function metricsText(registries: readonly Registry[]): Promise<string> {
  const metrics = await Promise.all(registries.map((r) => r.getMetricsAsJSON()));
  const merged = AggregatorRegistry.aggregate(metrics);
  return `${await merged.metrics()}\n${await processMetrics().metrics()}`;
}
