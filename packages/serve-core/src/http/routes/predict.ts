import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AnyPredictor } from "../../predictor.js";
import { inSpan } from "../../tracing/trace-spans.js";
import { clientSignal } from "../client-signal.js";
import { leaseFor, modelPaths, withModelHeaders } from "../model-lease.js";
import { readRequestBody } from "../read-body.js";
import { requestHeader } from "../request-header.js";
import { allowedRequestHeaders } from "../request-headers.js";
import { bodyLimits } from "./body-limits.js";
import { DEFAULT_PLACE, predictionSchemas, type RoutePlace } from "./prediction-schemas.js";
import { readInput } from "./read-input.js";
import type { RouteDeps } from "./route-deps.js";
import { errorResponses } from "./schemas.js";
import { serverTiming } from "./server-timing.js";
import { streamFormatFor, streamPrediction } from "./stream-response.js";

/** The OpenAPI definition of `POST /predict`, from the predictor's schemas. */
export function predictRoute(predictor: AnyPredictor, place: RoutePlace = DEFAULT_PLACE) {
  const { output, inputContent } = predictionSchemas(predictor, place.suffix);
  const streamNote =
    "Each item matches `Output`: one `event: output` per item, then `event: done` (or `event: error`).";
  return createRoute({
    method: "post",
    path: `${place.prefix}/predict`,
    summary: `Run ${predictor.name}${place.prefix.includes("/versions/") ? ` ${predictor.version}` : ""} on one input`,
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

/**
 * `POST /predict` (the default model), `/models/{name}/predict` and
 * `/models/{name}/versions/{version}/predict`: the body is the input, the
 * response is the output, from the version the traffic policy (or the
 * request) chose, named in `X-Model-Version`.
 */
export function registerPredictRoute({ app, models, options, receiving }: RouteDeps): void {
  const limits = bodyLimits(options, receiving);
  const handler = async (c: Context) => {
    const start = performance.now();
    const lease = leaseFor(c, models);
    let releaseWithStream = false;
    try {
      const { runtime } = lease;
      const { predictor } = runtime;
      // Before the body is read: under overload, refusing must cost next to nothing.
      runtime.refuseWhenFull();
      const { input, shadowInput, readAt, validatedAt } = await readInput(
        () => inSpan("read input", () => readRequestBody(c, predictor.input, limits)),
        (raw) => inSpan("validate input", () => runtime.parseInput(raw)),
        lease.shadow !== undefined,
      );
      const requestId: string = c.get("requestId");
      const headers = allowedRequestHeaders(c, options.requestHeaders);
      const format = predictor.stream ? streamFormatFor(requestHeader(c, "accept")) : undefined;
      if (format) {
        releaseWithStream = true;
        const response = await streamPrediction(
          format,
          (onChunk) =>
            runtime
              .predict(input, {
                requestId,
                signal: clientSignal(c),
                onChunk,
                arrivedAt: start,
                headers,
              })
              .finally(lease.release),
          requestId,
        );
        return withModelHeaders(response, lease);
      }
      const outcome = await runtime.predict(input, {
        requestId,
        signal: clientSignal(c),
        arrivedAt: start,
        headers,
      });
      void models.shadow(lease, shadowInput, outcome.output, requestId);
      c.header(
        "Server-Timing",
        serverTiming({
          read: readAt - start,
          validate: validatedAt - readAt,
          queue: outcome.queueMs,
          predict: outcome.runMs,
        }),
      );
      return c.json(outcome.output as object);
    } finally {
      if (!releaseWithStream) lease.release();
    }
  };
  for (const path of modelPaths("/predict")) app.post(path, handler);
}
