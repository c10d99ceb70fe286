import { createRoute, z } from "@hono/zod-openapi";
import { invalidInputError } from "../../input/validation-issues.js";
import { clientSignal } from "../client-signal.js";
import { readRequestBody } from "../read-body.js";
import { bodyLimits } from "./body-limits.js";
import { predictionSchemas } from "./prediction-schemas.js";
import type { RouteDeps } from "./route-deps.js";
import { errorResponses } from "./schemas.js";
import { setServerTiming } from "./server-timing.js";
import { streamFormatFor, streamPrediction } from "./stream-response.js";

/** `POST /predict`: the body is the input, the response is the output. */
export function registerPredictRoute({ app, predictor, service, options }: RouteDeps): void {
  const { output, inputContent } = predictionSchemas(predictor);
  const limits = bodyLimits(options, service);
  const streamNote =
    "Each item matches `Output`: one `event: output` per item, then `event: done` (or `event: error`).";
  const route = createRoute({
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
  app.openAPIRegistry.registerPath(route);

  app.post(route.path, async (c) => {
    const start = performance.now();
    // Before the body is read: under overload, refusing must cost next to nothing.
    service.refuseWhenFull();
    const body = await readRequestBody(c, predictor.input, limits);
    const read = performance.now();
    const parsed = await predictor.input.safeParseAsync(body);
    if (!parsed.success) throw invalidInputError(parsed.error);
    const validated = performance.now();
    const format = predictor.stream ? streamFormatFor(c.req.header("accept")) : undefined;
    if (format) {
      return streamPrediction(
        format,
        (onChunk) =>
          service.predict(parsed.data, c.get("requestId"), clientSignal(c), {
            onChunk,
            arrivedAt: start,
          }),
        c.get("requestId"),
      );
    }
    const outcome = await service.predict(parsed.data, c.get("requestId"), clientSignal(c), {
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
