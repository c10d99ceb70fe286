import { createRoute, z } from "@hono/zod-openapi";
import type { ServeMetrics } from "../../metrics/serve-metrics.js";
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

/** `GET /metrics`: the app's metrics for Prometheus to scrape. */
export function registerMetricsRoute({ app }: RouteDeps, metrics: ServeMetrics): void {
  app.get(metricsRoute.path, async (c) =>
    c.body(await metrics.text(), 200, { "Content-Type": metrics.contentType }),
  );
}
