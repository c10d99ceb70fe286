import { createRoute, z } from "@hono/zod-openapi";
import type { RouteDeps } from "./route-deps.js";
import { HealthResponse } from "./schemas.js";
import { setupDetails } from "./setup-details.js";

/** The OpenAPI definition of `GET /health`. */
export const healthRoute = createRoute({
  method: "get",
  path: "/health",
  summary: "Health and setup status (Cog-compatible)",
  tags: ["health"],
  responses: {
    200: {
      description: "Always 200; read `status`",
      content: { "application/json": { schema: HealthResponse } },
    },
  },
});

const Probe = z.object({ status: z.string() });

/** The OpenAPI definition of `GET /health/live`. */
export const liveRoute = createRoute({
  method: "get",
  path: "/health/live",
  summary:
    "Liveness probe: 200 unless the worker pool cannot recover (then 503: restart the process)",
  tags: ["health"],
  responses: {
    200: { description: "Alive", content: { "application/json": { schema: Probe } } },
    503: {
      description: "DEFUNCT: crashed workers could not be replaced; restart the process",
      content: { "application/json": { schema: Probe } },
    },
  },
});

/** The OpenAPI definition of `GET /health/ready`. */
export const readyRoute = createRoute({
  method: "get",
  path: "/health/ready",
  summary: "Readiness probe: 200 when predictions are accepted, else 503",
  tags: ["health"],
  responses: {
    200: { description: "READY or BUSY", content: { "application/json": { schema: Probe } } },
    503: {
      description: "STARTING, SETUP_FAILED, DEFUNCT or shutting down (DRAINING)",
      content: { "application/json": { schema: Probe } },
    },
  },
});

/** `/health` (Cog's shape) and Kubernetes-style `/health/live` and `/health/ready`. */
export function registerHealthRoutes({ app, models, options }: RouteDeps): void {
  const several = () => models.runtimes().length > 1;
  app.get(healthRoute.path, (c) => {
    // With several model-versions: the worst status, the default model's setup, and each version's status.
    const { status, setup, workers } = models.health();
    return c.json({
      status,
      ...(several()
        ? {
            models: Object.fromEntries(
              models
                .list()
                .map((m) => [
                  m.name,
                  Object.fromEntries(m.versions.map((v) => [v.version, v.status])),
                ]),
            ),
          }
        : {}),
      setup: setupDetails(setup, options.exposeSetupDetails),
      // The restart error is setup's error, hidden with it.
      ...(workers
        ? {
            workers: options.exposeSetupDetails
              ? workers
              : { ...workers, last_restart_error: undefined },
          }
        : {}),
    });
  });
  app.get(liveRoute.path, (c) =>
    models.health().status === "DEFUNCT"
      ? c.json({ status: "DEFUNCT" }, 503)
      : c.json({ status: "ALIVE" }),
  );
  app.get(readyRoute.path, (c) => {
    const { status, draining } = models.health();
    if (draining) return c.json({ status: "DRAINING" }, 503);
    return c.json({ status }, models.isReady ? 200 : 503);
  });
}
