import { createRoute, z } from "@hono/zod-openapi";
import type { AnyPredictor } from "../../predictor.js";
import { clientSignal } from "../client-signal.js";
import { readRequestBody } from "../read-body.js";
import { bodyLimits } from "./body-limits.js";
import { predictionSchemas } from "./prediction-schemas.js";
import type { RouteDeps } from "./route-deps.js";
import { errorResponses } from "./schemas.js";
import { setServerTiming } from "./server-timing.js";
import { streamFormatFor, streamPrediction } from "./stream-response.js";

/** The OpenAPI definition of `POST /predict`, from the predictor's schemas. */
export function predictRoute(predictor: AnyPredictor) {
  const { output, inputContent } = predictionSchemas(predictor);
  const streamNote =
    "Each item matches `Output`: one `event: output` per item, then `event: done` (or `event: error`).";
  return createRoute({
    method: "post",
    path: "/predict",
    summary: `Run ${predictor.name} on one input`,
    description: predictor.description,
    tags: ["predictions"],
    request: { body: { required: true, content: inputContent } },
    responses: {
      200: predictor.stream
        ? {
            description: `The prediction's items: a JSON array, or streamed when the Accept header asks for text/event-stream or application/x-ndjson. ${streamNote}`,
            content: {
              "application/json": { schema: z.array(output) },
              "text/event-stream": { schema: output },
              "application/x-ndjson": { schema: output },
            },
          }
        : {
            description: "The prediction's output",
            content: { "application/json": { schema: output } },
          },
      ...errorResponses(400, 408, 413, 415, 422, 500, 503, 504),
    },
  });
}

/** `POST /predict`: the body is the input, the response is the output. */
export function registerPredictRoute({
  app,
  predictor,
  runtime,
  options,
  receiving,
}: RouteDeps): void {
  const limits = bodyLimits(options, receiving);
  const route = predictRoute(predictor);

  app.post(route.path, async (c) => {
    const start = performance.now();
    // Before the body is read: under overload, refusing must cost next to nothing.
    runtime.refuseWhenFull();
    const body = await readRequestBody(c, predictor.input, limits);
    const read = performance.now();
    const input = await runtime.parseInput(body);
    const validated = performance.now();
    const format = predictor.stream ? streamFormatFor(c.req.header("accept")) : undefined;
    if (format) {
      return streamPrediction(
        format,
        (onChunk) =>
          runtime.predict(input, {
            requestId: c.get("requestId"),
            signal: clientSignal(c),
            onChunk,
            arrivedAt: start,
          }),
        c.get("requestId"),
      );
    }
    const outcome = await runtime.predict(input, {
      requestId: c.get("requestId"),
      signal: clientSignal(c),
      arrivedAt: start,
    });
    setServerTiming(c, {
      read: read - start,
      validate: validated - read,
      queue: outcome.queueMs,
      predict: outcome.runMs,
    });
    return c.json(outcome.output as object);
  });
}
