import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { HttpMetrics } from "../../metrics/http-metrics.js";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Counts and times every request as `servekit_http_requests_total` and
 * `servekit_http_request_duration_seconds`, with the model and version that answered. Labels are the route *pattern*
 * (`/docs/:asset`), never the raw path, and `unmatched` for unknown paths,
 * so clients can't grow the number of series.
 */
export function httpMetrics(metrics: HttpMetrics): MiddlewareHandler {
  return async function recordHttpMetrics(c, next) {
    const start = performance.now();
    await next();
    metrics.observe(
      {
        route: routeLabel(c),
        method: METHODS.has(c.req.method) ? c.req.method : "OTHER",
        status: c.res.status,
        // Set by the prediction routes once a request is routed to a model-version.
        model: c.res.headers.get("x-model-name") ?? "",
        version: c.res.headers.get("x-model-version") ?? "",
      },
      (performance.now() - start) / 1000,
    );
  };
}

/** The pattern of the route that matched: the last one not registered for every method (middleware is). */
function routeLabel(c: Context): string {
  return matchedRoutes(c).findLast((route) => route.method !== "ALL")?.path ?? "unmatched";
}
