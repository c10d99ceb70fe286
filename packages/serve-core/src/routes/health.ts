import { createRoute, z } from "@hono/zod-openapi";
import type { RouteDeps } from "./route-deps.js";
import { HealthResponse } from "./schemas.js";

const health = createRoute({
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

const live = createRoute({
  method: "get",
  path: "/health/live",
  summary: "Liveness probe: 200 while the process serves HTTP",
  tags: ["health"],
  responses: { 200: { description: "Alive", content: { "application/json": { schema: Probe } } } },
});

const ready = createRoute({
  method: "get",
  path: "/health/ready",
  summary: "Readiness probe: 200 when predictions are accepted, else 503",
  tags: ["health"],
  responses: {
    200: { description: "READY or BUSY", content: { "application/json": { schema: Probe } } },
    503: {
      description: "STARTING, SETUP_FAILED or shutting down",
      content: { "application/json": { schema: Probe } },
    },
  },
});

/** `/health` (Cog's shape) and Kubernetes-style `/health/live` and `/health/ready`. */
export function registerHealthRoutes({ app, service }: RouteDeps): void {
  app.openAPIRegistry.registerPath(health);
  app.openAPIRegistry.registerPath(live);
  app.openAPIRegistry.registerPath(ready);

  app.get(health.path, (c) => {
    const { status, setup } = service.health();
    return c.json({ status, setup });
  });
  app.get(live.path, (c) => c.json({ status: "ALIVE" }));
  app.get(ready.path, (c) => {
    const { status, draining } = service.health();
    if (draining) return c.json({ status: "DRAINING" }, 503);
    return c.json({ status }, service.ready ? 200 : 503);
  });
}
