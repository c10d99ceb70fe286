import { randomUUID } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import { ServeError } from "../errors.js";
import { requestSizeLimit } from "../middleware/body-limit.js";
import { readRequestBody } from "../request-input.js";
import { invalidInputError } from "../validation-issues.js";
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
});

/** `POST /predictions`: Cog's envelope around an input, with status, logs and timings. */
export function registerPredictionsRoute({ app, predictor, service, options }: RouteDeps): void {
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
  const route = createRoute({
    method: "post",
    path: "/predictions",
    summary: `Run ${predictor.name} (Cog-compatible envelope)`,
    description:
      'Body `{id?, input}`. A prediction that fails inside the predictor is answered 200 with `status: "failed"` and `error`, as Cog does; request problems get the usual error statuses.',
    tags: ["predictions"],
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.object({ id: Envelope.shape.id, input }).openapi("PredictionRequest"),
          },
        },
      },
    },
    responses: {
      200: {
        description: "The finished prediction",
        content: { "application/json": { schema: Response } },
      },
      ...errorResponses(400, 413, 415, 422, 503),
    },
  });
  app.openAPIRegistry.registerPath(route);

  app.post(route.path, requestSizeLimit(options.maxBodyBytes), async (c) => {
    const createdAt = new Date().toISOString();
    // Multipart fields are the input itself (files can't nest inside JSON).
    const multipart = c.req.header("content-type")?.startsWith("multipart/form-data") ?? false;
    const body = multipart
      ? { input: await readRequestBody(c, predictor.input, options.maxBodyBytes) }
      : await readRequestBody(c, Envelope, options.maxBodyBytes);
    const envelope = Envelope.safeParse(body);
    if (!envelope.success) throw invalidInputError(envelope.error);
    const parsed = await predictor.input.safeParseAsync(envelope.data.input);
    if (!parsed.success) throw invalidInputError(parsed.error, ["input"]);
    const id = envelope.data.id ?? randomUUID();
    const base = { id, input: envelope.data.input, created_at: createdAt };
    try {
      const outcome = await service.predict(parsed.data, c.get("requestId"), c.req.raw.signal);
      return c.json({
        ...base,
        status: "succeeded" as const,
        output: outcome.output,
        error: null,
        logs: outcome.logs,
        metrics: {
          predict_time: (outcome.completedAt.getTime() - outcome.startedAt.getTime()) / 1000,
        },
        started_at: outcome.startedAt.toISOString(),
        completed_at: outcome.completedAt.toISOString(),
      });
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
