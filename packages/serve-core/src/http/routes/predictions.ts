import { randomUUID } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import { ServeError } from "../../errors.js";
import { acceptedInput } from "../../input/accepted-input.js";
import { invalidInputError } from "../../input/validation-issues.js";
import type { AnyPredictor } from "../../predictor.js";
import { succeededFields } from "../../runtime/async/prediction-record.js";
import { clientSignal } from "../client-signal.js";
import { readRequestBody } from "../read-body.js";
import {
  asyncPredictionSchema,
  collectionUrl,
  prefersAsync,
  WebhookFields,
} from "./async-prediction-schemas.js";
import { bodyLimits } from "./body-limits.js";
import { predictionSchemas } from "./prediction-schemas.js";
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
export function predictionsRoute(predictor: AnyPredictor) {
  const { input, output } = predictionSchemas(predictor);
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
    .openapi("PredictionResponse");
  return createRoute({
    method: "post",
    path: "/predictions",
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
              .openapi("PredictionRequest"),
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
        content: { "application/json": { schema: asyncPredictionSchema(predictor) } },
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
export function registerPredictionsRoute({
  app,
  predictor,
  runtime,
  options,
  receiving,
  asyncPredictions,
}: RouteDeps): void {
  const limits = bodyLimits(options, receiving);
  const route = predictionsRoute(predictor);

  app.post(route.path, async (c) => {
    const arrivedAt = performance.now();
    const createdAt = new Date().toISOString();
    // Before the body is read: under overload, refusing must cost next to nothing.
    runtime.refuseWhenFull();
    // Multipart fields are the input itself (files can't nest inside JSON).
    const multipart = c.req.header("content-type")?.startsWith("multipart/form-data") ?? false;
    const body = multipart
      ? { input: await readRequestBody(c, predictor.input, limits) }
      : await readRequestBody(c, Envelope, limits);
    const envelope = Envelope.safeParse(body);
    if (!envelope.success) throw invalidInputError(envelope.error);
    if (prefersAsync(c.req.header("prefer"))) {
      if (multipart) {
        throw new ServeError(
          "UNSUPPORTED_MEDIA_TYPE",
          "async predictions take a JSON body (files as base64 or data: URLs), so they can be journaled and re-run; drop `Prefer: respond-async` to upload multipart",
        );
      }
      const { prediction } = await asyncPredictions.create({
        id: envelope.data.id ?? randomUUID(),
        input: envelope.data.input,
        webhook: envelope.data.webhook,
        webhookEventsFilter: envelope.data.webhook_events_filter,
        collectionUrl: collectionUrl(c.req.url),
        requestId: c.get("requestId"),
      });
      c.header("Location", prediction.urls.get);
      return c.json(prediction, 202);
    }
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
        requestId: c.get("requestId"),
        signal: clientSignal(c),
        arrivedAt,
      });
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
  });
}
