import { createRoute, z } from "@hono/zod-openapi";
import type { RouteDeps } from "./route-deps.js";

/** The OpenAPI definition of `GET /`. */
export const rootRoute = createRoute({
  method: "get",
  path: "/",
  summary: "Service information",
  tags: ["meta"],
  responses: {
    200: {
      description: "Name, version and links",
      content: {
        "application/json": {
          schema: z.object({
            name: z.string(),
            version: z.string(),
            description: z.string().optional(),
            links: z.record(z.string(), z.string()),
          }),
        },
      },
    },
  },
});

/** `GET /`: what this service is and where its docs are. */
export function registerRootRoute({ app, predictor, options }: RouteDeps): void {
  const links: Record<string, string> = {
    openapi: "/openapi.json",
    health: "/health",
    predict: "/predict",
    predictions: "/predictions",
    models: "/models",
    ...(options.docs ? { docs: "/docs" } : {}),
    ...(options.ui ? { ui: "/ui" } : {}),
    ...(options.metrics ? { metrics: "/metrics" } : {}),
  };
  app.get(rootRoute.path, (c) =>
    c.json({
      name: predictor.name,
      version: predictor.version,
      ...(predictor.description ? { description: predictor.description } : {}),
      links,
    }),
  );
}
