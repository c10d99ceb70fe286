import { randomUUID } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ServeError } from "../../errors.js";
import { acceptedInput } from "../../input/accepted-input.js";
import { invalidInputError } from "../../input/validation-issues.js";
import type { AnyPredictor } from "../../predictor.js";
import { succeededFields } from "../../runtime/async/prediction-record.js";
import type { ModelRegistry } from "../../runtime/models/model-registry.js";
import type { ModelLease } from "../../runtime/models/model-types.js";
import { clientSignal } from "../client-signal.js";
import { leaseFor, modelPaths } from "../model-lease.js";
import { type BodyLimits, readRequestBody } from "../read-body.js";
import {
  asyncPredictionSchema,
  collectionUrl,
  prefersAsync,
  WebhookFields,
} from "./async-prediction-schemas.js";
import { bodyLimits } from "./body-limits.js";
import { DEFAULT_PLACE, predictionSchemas, type RoutePlace } from "./prediction-schemas.js";
import type { RouteDeps } from "./route-deps.js";
import { errorResponses } from "./schemas.js";

const Envelope = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .openapi({ description: "Your id for this prediction; generated if absent" }),
  input: z.record(z.string(), z.unknown()).default({}),
  ...WebhookFields,
});

/** The OpenAPI definition of `POST /predictions`, from the predictor's schemas. */
export function predictionsRoute(predictor: AnyPredictor, place: RoutePlace = DEFAULT_PLACE) {
  const { input, output } = predictionSchemas(predictor, place.suffix);
  const Response = z
    .object({
      id: z.string(),
      status: z.enum(["succeeded", "failed"]),
      input: z.record(z.string(), z.unknown()),
      output: output.nullable(),
      error: z.string().nullable(),
      logs: z.string(),
      metrics: z.object({
        predict_time: z.number().optional().openapi({ description: "Seconds spent in predict" }),
      }),
      created_at: z.string(),
      started_at: z.string().nullable(),
      completed_at: z.string().nullable(),
    })
    .openapi(`PredictionResponse${place.suffix}`);
  return createRoute({
    method: "post",
    path: `${place.prefix}/predictions`,
    summary: `Run ${predictor.name} (Cog-compatible envelope)`,
    description:
      'Body `{id?, input, webhook?, webhook_events_filter?}`. A prediction that fails inside the predictor is answered 200 with `status: "failed"` and `error`, as Cog does; request problems get the usual error statuses. With `Prefer: respond-async`: 202 with the prediction (`status: "starting"`), then poll `urls.get` or wait for the webhook.',
    tags: ["predictions"],
    request: {
      headers: z.object({
        prefer: z
          .string()
          .optional()
          .openapi({ description: "`respond-async` to get 202 at once and run in the background" }),
      }),
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z
              .object({ id: Envelope.shape.id, input, ...WebhookFields })
              .openapi(`PredictionRequest${place.suffix}`),
          },
        },
      },
    },
    responses: {
      200: {
        description: "The finished prediction",
        content: { "application/json": { schema: Response } },
      },
      202: {
        description: "Accepted (`Prefer: respond-async`); `Location` is `urls.get`",
        content: { "application/json": { schema: asyncPredictionSchema(predictor, place.suffix) } },
      },
      ...errorResponses(400, 408, 409, 413, 415, 422, 503),
    },
  });
}

/**
 * `POST /predictions`: Cog's envelope around an input, with status, logs and
 * timings; with `Prefer: respond-async`, 202 at once and the prediction runs
 * in the background (see {@link AsyncPredictions}).
 */
export function registerPredictionsRoute({ app, models, options, receiving }: RouteDeps): void {
  const limits = bodyLimits(options, receiving);
  const handler = async (c: Context) => {
    const lease = leaseFor(c, models);
    try {
      return await answer(c, lease, models, limits);
    } finally {
      lease.release();
    }
  };
  for (const path of modelPaths("/predictions")) app.post(path, handler);
}

async function answer(
  c: Context,
  lease: ModelLease,
  models: ModelRegistry,
  limits: BodyLimits,
): Promise<Response> {
  const { runtime } = lease;
  const arrivedAt = performance.now();
  const createdAt = new Date().toISOString();
  // Before the body is read: under overload, refusing must cost next to nothing.
  runtime.refuseWhenFull();
  // Multipart fields are the input itself (files can't nest inside JSON).
  const multipart = c.req.header("content-type")?.startsWith("multipart/form-data") ?? false;
  const body = multipart
    ? { input: await readRequestBody(c, runtime.predictor.input, limits) }
    : await readRequestBody(c, Envelope, limits);
  const envelope = Envelope.safeParse(body);
  if (!envelope.success) throw invalidInputError(envelope.error);
  const requestId: string = c.get("requestId");
  if (prefersAsync(c.req.header("prefer"))) {
    if (multipart) {
      throw new ServeError(
        "UNSUPPORTED_MEDIA_TYPE",
        "async predictions take a JSON body (files as base64 or data: URLs), so they can be journaled and re-run; drop `Prefer: respond-async` to upload multipart",
      );
    }
    const { prediction } = await runtime.predictions.create({
      id: envelope.data.id ?? randomUUID(),
      input: envelope.data.input,
      webhook: envelope.data.webhook,
      webhookEventsFilter: envelope.data.webhook_events_filter,
      collectionUrl: collectionUrl(c.req.url),
      requestId,
    });
    c.header("Location", prediction.urls.get);
    return c.json(prediction, 202);
  }
  const shadowInput = lease.shadow ? structuredClone(envelope.data.input) : undefined;
  const input = await runtime.parseInput(envelope.data.input, ["input"]);
  const id = envelope.data.id ?? randomUUID();
  // Echo only what the schema took: ignored fields are not sent back.
  const base = {
    id,
    input: acceptedInput(envelope.data.input, input),
    created_at: createdAt,
  };
  try {
    const outcome = await runtime.predict(input, {
      requestId,
      signal: clientSignal(c),
      arrivedAt,
    });
    void models.shadow(lease, shadowInput, outcome.output, requestId);
    return c.json({ ...base, ...succeededFields(outcome) });
  } catch (error) {
    // Request-level refusals (not ready, overloaded, bad input) keep their status.
    if (
      !(error instanceof ServeError) ||
      error.status < 500 ||
      error.code === "NOT_READY" ||
      error.code === "OVERLOADED"
    ) {
      throw error;
    }
    return c.json({
      ...base,
      status: "failed" as const,
      output: null,
      error: error.message,
      logs: "",
      metrics: {},
      started_at: null,
      completed_at: new Date().toISOString(),
    });
  }
}
