import { createRoute, z } from "@hono/zod-openapi";
import type { AnyPredictor } from "../../predictor.js";
import { asyncPredictionSchema } from "./async-prediction-schemas.js";
import { unknownPrediction } from "./get-prediction.js";
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

/** `POST /predictions/{id}/cancel`: aborts an async prediction. */
export function registerCancelPredictionRoute({
  app,
  predictor,
  asyncPredictions,
}: RouteDeps): void {
  const route = cancelPredictionRoute(predictor);

  app.post(honoPath(route.path), (c) => {
    const id = c.req.param("id");
    const prediction = asyncPredictions.cancel(id);
    if (!prediction) throw unknownPrediction(id);
    return c.json(prediction);
  });
}
