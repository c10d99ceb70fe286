import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AnyPredictor } from "../../predictor.js";
import { modelPaths } from "../model-lease.js";
import { asyncPredictionSchema } from "./async-prediction-schemas.js";
import { asyncPredictionsFor, unknownPrediction } from "./get-prediction.js";
import { honoPath } from "./hono-path.js";
import type { RouteDeps } from "./route-deps.js";
import { errorResponses } from "./schemas.js";

/** The OpenAPI definition of `POST /predictions/{id}/cancel`. */
export function cancelPredictionRoute(predictor: AnyPredictor) {
  return createRoute({
    method: "post",
    path: "/predictions/{id}/cancel",
    summary: "Cancel an async prediction",
    description:
      "A queued prediction leaves the queue; a running one has its `ctx.signal` aborted. Status becomes `canceled`. Cancelling a finished prediction changes nothing and returns it.",
    tags: ["predictions"],
    request: { params: z.object({ id: z.string() }) },
    responses: {
      200: {
        description: "The prediction after cancelling",
        content: { "application/json": { schema: asyncPredictionSchema(predictor) } },
      },
      ...errorResponses(404),
    },
  });
}

/** `POST /predictions/{id}/cancel` (also under `/models/...`): aborts an async prediction, whichever version runs it. */
export function registerCancelPredictionRoute({ app, predictor, models }: RouteDeps): void {
  const route = cancelPredictionRoute(predictor);
  const handler = async (c: Context) => {
    const id = c.req.param("id")!;
    const prediction = await asyncPredictionsFor(models, id).cancelAnywhere(id);
    if (!prediction) throw unknownPrediction(id);
    return c.json(prediction);
  };
  for (const path of modelPaths(honoPath(route.path))) app.post(path, handler);
}
