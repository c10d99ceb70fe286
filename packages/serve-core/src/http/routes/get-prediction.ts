import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ServeError } from "../../errors.js";
import type { AnyPredictor } from "../../predictor.js";
import type { AsyncPredictions } from "../../runtime/async/async-predictions.js";
import type { ModelRegistry } from "../../runtime/models/model-registry.js";
import { modelPaths } from "../model-lease.js";
import { asyncPredictionSchema } from "./async-prediction-schemas.js";
import { honoPath } from "./hono-path.js";
import type { RouteDeps } from "./route-deps.js";
import { errorResponses } from "./schemas.js";

/** The OpenAPI definition of `GET /predictions/{id}`. */
export function getPredictionRoute(predictor: AnyPredictor) {
  return createRoute({
    method: "get",
    path: "/predictions/{id}",
    summary: "Read an async prediction",
    description:
      "Status is `starting` or `processing` while it runs, then `succeeded`, `failed` or `canceled`.",
    tags: ["predictions"],
    request: { params: z.object({ id: z.string() }) },
    responses: {
      200: {
        description: "The prediction",
        content: { "application/json": { schema: asyncPredictionSchema(predictor) } },
      },
      ...errorResponses(404),
    },
  });
}

/**
 * `GET /predictions/{id}` (and under `/models/{name}[/versions/{v}]`, where
 * an async prediction's `urls.get` points): its current state, from
 * whichever version runs it.
 */
export function registerGetPredictionRoute({ app, predictor, models }: RouteDeps): void {
  const route = getPredictionRoute(predictor);
  const handler = async (c: Context) => {
    const id = c.req.param("id")!;
    const prediction = await asyncPredictionsFor(models, id).read(id);
    if (!prediction) throw unknownPrediction(id);
    return c.json(prediction);
  };
  for (const path of modelPaths(honoPath(route.path))) app.get(path, handler);
}

/**
 * Where to look for prediction `id`: the version that holds it in this
 * process, else the default model's (which, with a Redis `store`, reads
 * what any replica accepted).
 */
export function asyncPredictionsFor(models: ModelRegistry, id: string): AsyncPredictions {
  return models.predictionsWith(id) ?? models.runtime(models.defaultModel).predictions;
}

/** The 404 for an id no async prediction has. */
export function unknownPrediction(id: string): ServeError {
  return new ServeError(
    "NOT_FOUND",
    `no prediction ${id}: it was never created with \`Prefer: respond-async\` or PUT, or it finished longer ago than the server keeps results`,
  );
}
