// Predictors for the tracing tests: each opens a span of its own inside
// predict (as a user would), logs a line, and returns what ctx.request held.
import { trace } from "@opentelemetry/api";
import { definePredictor, z } from "../index.js";

const RequestSeen = z.object({
  id: z.string(),
  model: z.string(),
  version: z.string(),
  deadline: z.string().optional(),
  headers: z.record(z.string(), z.string()),
});

function seen(request: {
  id: string;
  model: string;
  version: string;
  deadline?: Date;
  headers: Record<string, string>;
}) {
  return { ...request, deadline: request.deadline?.toISOString() };
}

export const tracedPredictor = definePredictor({
  name: "traced",
  version: "2.0.0",
  input: z.object({ text: z.string(), fail: z.boolean().default(false) }),
  output: z.object({
    text: z.string(),
    request: RequestSeen,
    requestId: z.string(),
    /** Whether a span was active in predict: false whenever tracing is off. */
    inSpan: z.boolean(),
  }),
  predict(input, ctx) {
    const inSpan = trace.getActiveSpan() !== undefined;
    return trace.getTracer("user-code").startActiveSpan("user work", (span) => {
      ctx.log.info("predicting inside user work");
      span.end();
      if (input.fail) throw new Error("asked to fail");
      return { text: input.text, request: seen(ctx.request), requestId: ctx.requestId, inSpan };
    });
  },
});

export const tracedBatchPredictor = definePredictor({
  name: "traced-batch",
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string(), request: RequestSeen, batchId: z.string() }),
  batch: { maxSize: 3, maxWaitMs: 200 },
  predictBatch(inputs, ctx) {
    return inputs.map((input, i) => ({
      text: input.text,
      request: seen(ctx.requests![i]!),
      batchId: ctx.request.id,
    }));
  },
  predict: () => {
    throw new Error("batched: predictBatch runs instead");
  },
});
