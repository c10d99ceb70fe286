import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ServeError } from "../../errors.js";
import { invalidInputError } from "../../input/validation-issues.js";
import type { AnyPredictor } from "../../predictor.js";
import type { AsyncPredictions } from "../../runtime/async/async-predictions.js";
import { leaseFor, modelPaths } from "../model-lease.js";
import { type BodyLimits, readRequestBody } from "../read-body.js";
import {
  asyncPredictionSchema,
  collectionUrl,
  prefersAsync,
  WebhookFields,
} from "./async-prediction-schemas.js";
import { bodyLimits } from "./body-limits.js";
import { honoPath } from "./hono-path.js";
import { predictionSchemas } from "./prediction-schemas.js";
import type { RouteDeps } from "./route-deps.js";
import { errorResponses } from "./schemas.js";

const Body = z.object({
  input: z.record(z.string(), z.unknown()).default({}),
  ...WebhookFields,
});

/** The OpenAPI definition of `PUT /predictions/{id}`. */
export function putPredictionRoute(predictor: AnyPredictor) {
  const { input } = predictionSchemas(predictor);
  const schema = asyncPredictionSchema(predictor);
  return createRoute({
    method: "put",
    path: "/predictions/{id}",
    summary: "Create a prediction with your id (idempotent)",
    description:
      "Body `{input, webhook?, webhook_events_filter?}`. With `Prefer: respond-async`: 202 at once. Without: waits and answers 200 with the finished prediction. Sending the same input for an existing id returns that prediction (safe to retry); a different input is 409 `CONFLICT`.",
    tags: ["predictions"],
    request: {
      params: z.object({ id: z.string().min(1).max(128) }),
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.object({ input, ...WebhookFields }).openapi("PutPredictionRequest"),
          },
        },
      },
    },
    responses: {
      200: { description: "The finished prediction", content: { "application/json": { schema } } },
      202: { description: "Accepted, running", content: { "application/json": { schema } } },
      ...errorResponses(400, 408, 409, 413, 415, 422, 503),
    },
  });
}

/**
 * `PUT /predictions/{id}`: idempotent create. The same body again returns the
 * existing prediction; a different input for that id is 409.
 */
export function registerPutPredictionRoute({
  app,
  predictor,
  models,
  options,
  receiving,
}: RouteDeps): void {
  const route = putPredictionRoute(predictor);

  const handler = async (c: Context) => {
    const id = c.req.param("id")!;
    // Sticky by the prediction's id: a retried PUT reaches the version that has it.
    const lease = leaseFor(c, models, { routingKey: id });
    try {
      return await create(c, id, lease.runtime.predictions, bodyLimits(options, receiving));
    } finally {
      lease.release();
    }
  };
  for (const path of modelPaths(honoPath(route.path))) app.put(path, handler);
}

async function create(
  c: Context,
  id: string,
  asyncPredictions: AsyncPredictions,
  limits: BodyLimits,
): Promise<Response> {
  {
    if (id.length > 128) {
      throw new ServeError(
        "INVALID_INPUT",
        `prediction ids are at most 128 characters, got ${id.length}`,
      );
    }
    if (c.req.header("content-type")?.startsWith("multipart/form-data")) {
      throw new ServeError(
        "UNSUPPORTED_MEDIA_TYPE",
        "PUT /predictions/{id} takes a JSON body (files as base64 or data: URLs), so it can be journaled and re-run",
      );
    }
    const body = Body.safeParse(await readRequestBody(c, Body, limits));
    if (!body.success) throw invalidInputError(body.error);
    const { prediction } = await asyncPredictions.create({
      id,
      input: body.data.input,
      webhook: body.data.webhook,
      webhookEventsFilter: body.data.webhook_events_filter,
      collectionUrl: collectionUrl(c.req.url),
      requestId: c.get("requestId"),
    });
    c.header("Location", prediction.urls.get);
    if (prefersAsync(c.req.header("prefer"))) return c.json(prediction, 202);
    return c.json((await asyncPredictions.settled(id)) ?? prediction, 200);
  }
}
