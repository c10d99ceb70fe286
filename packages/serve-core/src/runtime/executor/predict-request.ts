import { threadId } from "node:worker_threads";
import type { Span } from "@opentelemetry/api";
import type { AnyPredictor, PredictRequest } from "../../predictor.js";
import { SPAN_ATTRIBUTES, startSpan } from "../../tracing/trace-spans.js";
import { contextFromTraceparent, tracingEnabled } from "../../tracing/tracing-state.js";
import type { JobRequest, PredictionJob } from "./executor.js";
import { inPoolWorker } from "./pool-worker-context.js";

const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** `ctx.request` (and, in a batch, `ctx.requests`) for a job, in the thread that runs it. */
export function predictRequests(
  job: PredictionJob,
  predictor: AnyPredictor,
): { request: PredictRequest; requests?: PredictRequest[] } {
  const toRequest = (from: JobRequest): PredictRequest => ({
    id: from.id,
    model: predictor.name,
    version: predictor.version,
    ...(from.deadline === undefined ? {} : { deadline: new Date(from.deadline) }),
    headers: from.headers,
  });
  const request = toRequest(job.request ?? { id: job.requestId, headers: NO_HEADERS });
  if (!job.batch) return { request };
  return { request, requests: (job.requests ?? []).map(toRequest) };
}

/**
 * The `predict` span of a job, a child of the span its `traceparent` names
 * (the request's, or the batch's); undefined when tracing is off.
 */
export function startPredictSpan(
  job: PredictionJob,
  predictor: AnyPredictor,
  workerIndex: number,
): Span | undefined {
  if (!tracingEnabled()) return undefined;
  return startSpan("predict", {
    parent: contextFromTraceparent(job.traceparent),
    attributes: {
      [SPAN_ATTRIBUTES.model]: predictor.name,
      [SPAN_ATTRIBUTES.version]: predictor.version,
      [SPAN_ATTRIBUTES.requestId]: job.requestId,
      ...(job.batch ? { [SPAN_ATTRIBUTES.batchSize]: (job.input as unknown[]).length } : {}),
      "thread.id": threadId,
      ...(inPoolWorker() ? { [SPAN_ATTRIBUTES.workerIndex]: workerIndex } : {}),
    },
  });
}
