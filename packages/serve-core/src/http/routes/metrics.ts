import { createRoute, z } from "@hono/zod-openapi";
import type { HttpMetrics } from "../../metrics/http-metrics.js";
import { METRICS_CONTENT_TYPE, metricsText } from "../../metrics/metrics-text.js";
import type { RouteDeps } from "./route-deps.js";

/** The OpenAPI definition of `GET /metrics`. */
export const metricsRoute = createRoute({
  method: "get",
  path: "/metrics",
  summary: "Prometheus metrics: requests, predictions, queue, process and the predictor's own",
  tags: ["meta"],
  responses: {
    200: {
      description: "Prometheus text format 0.0.4 (see docs/metrics.md for the metric names)",
      content: { "text/plain": { schema: z.string() } },
    },
  },
});

/** `GET /metrics`: the server's and every model-version's metrics for Prometheus to scrape. */
export function registerMetricsRoute({ app, models }: RouteDeps, http: HttpMetrics): void {
  app.get(metricsRoute.path, async (c) =>
    c.body(await metricsText([http.registry, ...models.metricsRegistries()]), 200, {
      "Content-Type": METRICS_CONTENT_TYPE,
    }),
  );
}
