import { createRoute, z } from "@hono/zod-openapi";
import { honoPath } from "./hono-path.js";
import type { RouteDeps } from "./route-deps.js";
import { errorResponses } from "./schemas.js";

const Traffic = z
  .object({
    weights: z
      .record(z.string(), z.number())
      .openapi({ description: "Relative share per version" }),
    shadow: z
      .object({ version: z.string(), fraction: z.number().min(0).max(1) })
      .nullable()
      .openapi({
        description: "A candidate that also runs on this fraction of requests, never answering",
      }),
  })
  .openapi("TrafficPolicy");

/** One model in `GET /models`. */
export const ModelInfoSchema = z
  .object({
    name: z.string(),
    default: z
      .boolean()
      .openapi({ description: "Whether `/predict` and the other single-model routes go here" }),
    description: z.string().optional(),
    versions: z.array(
      z.object({
        version: z.string(),
        status: z.enum(["STARTING", "READY", "BUSY", "SETUP_FAILED", "DEFUNCT"]),
        ready: z.boolean(),
        share: z.number().openapi({ description: "Share of requests it gets now, 0–1" }),
        inFlight: z.number().int(),
        queued: z.number().int(),
      }),
    ),
    traffic: Traffic,
  })
  .openapi("ModelInfo");

/** The OpenAPI definition of `GET /models`. */
export const listModelsRoute = createRoute({
  method: "get",
  path: "/models",
  summary: "Models, their versions, readiness and traffic policy",
  tags: ["models"],
  responses: {
    200: {
      description: "Every model served",
      content: {
        "application/json": {
          schema: z.object({ default: z.string(), models: z.array(ModelInfoSchema) }),
        },
      },
    },
  },
});

/** The OpenAPI definition of `GET /models/{name}`. */
export const getModelRoute = createRoute({
  method: "get",
  path: "/models/{name}",
  summary: "One model: its versions, readiness and traffic policy",
  tags: ["models"],
  request: { params: z.object({ name: z.string() }) },
  responses: {
    200: { description: "The model", content: { "application/json": { schema: ModelInfoSchema } } },
    ...errorResponses(404),
  },
});

/** `GET /models` and `GET /models/{name}`: what is served and how traffic is split. */
export function registerModelRoutes({ app, models }: RouteDeps): void {
  app.get(listModelsRoute.path, (c) =>
    c.json({ default: models.defaultModel, models: models.list() }),
  );
  app.get(honoPath(getModelRoute.path), (c) => c.json(models.info(c.req.param("name")!)));
}
