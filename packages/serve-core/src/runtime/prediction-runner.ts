import type { Context } from "@opentelemetry/api";
import { ClientClosedError, ServeError, toServeError } from "../errors.js";
import { invalidInputError } from "../input/validation-issues.js";
import type { Logger } from "../logger.js";
import type { ServeMetrics } from "../metrics/serve-metrics.js";
import type { AnyPredictor } from "../predictor.js";
import { inSpan } from "../tracing/trace-spans.js";
import { traceparentOf } from "../tracing/tracing-state.js";
import type { Batcher } from "./batcher.js";
import { Cancellation } from "./cancellation.js";
import type { Executor, JobRequest } from "./executor/executor.js";
import { deadlinesOf, type FixedDeadlines } from "./fixed-deadlines.js";

/** What {@link PredictionRunner} needs. */
export interface PredictionRunnerDeps {
  predictor: AnyPredictor;
  executor: Executor;
  /** Present when the predictor batches: single predictions go through it. */
  batcher: Batcher | undefined;
  predictTimeoutMs: number;
  log: Logger;
  metrics: ServeMetrics | undefined;
  /** Aborted when the shutdown grace period is over: what still runs gets its reason. */
  stopping: Cancellation;
}

/** One prediction that has a slot: what it is, who asked, and how to free the slot. */
export interface RunRequest {
  input: unknown;
  requestId: string;
  /** The caller's: aborting it aborts the prediction (`ctx.signal`). */
  caller: Cancellation;
  onChunk: ((chunk: unknown) => void) | undefined;
  /** Frees the slot; called when the work really stops, even if the answer left earlier. */
  release: () => void;
  /** The request's trace context, when tracing is on: `batch`, `predict` and `output check` join it. */
  trace?: Context | undefined;
  /** Allowed request headers, for `ctx.request.headers`. */
  headers?: Record<string, string> | undefined;
}

const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** What a run gives back. */
export interface RunResult {
  output: unknown;
  logs: string;
  startedAt: Date;
  completedAt: Date;
  /** Milliseconds from hand-off to the executor until its result was back and checked. */
  runMs: number;
}

/**
 * Runs one admitted prediction: timeout, hand-off to the executor (through
 * the batcher when the predictor batches), the output check, and the error a
 * caller may see; records how it ended.
 */
export class PredictionRunner {
  private readonly timeouts: FixedDeadlines;

  constructor(private readonly deps: PredictionRunnerDeps) {
    this.timeouts = deadlinesOf(deps.predictTimeoutMs);
  }

  async run(runRequest: RunRequest): Promise<RunResult> {
    const { input, requestId, caller, onChunk, release, trace } = runRequest;
    const { predictor, executor, batcher, predictTimeoutMs, metrics, stopping } = this.deps;
    const running = performance.now();
    // Aborted by the caller, the timeout or the stop. The executor follows it
    // as it is; an AbortSignal is made from it only if the predictor reads
    // `ctx.signal` (see Cancellation), or for the batcher.
    const job = new Cancellation();
    let timedOut = false;
    const timeout = this.timeouts.set(() => {
      timedOut = true;
      job.abort(new ServeError("TIMEOUT", `prediction took longer than ${predictTimeoutMs} ms`));
    });
    const stopFollowingCaller = caller.onAbort((reason) => job.abort(reason));
    const stopListening = stopping.onAbort((reason) => job.abort(reason));
    const startedAt = new Date();
    const request: JobRequest = {
      id: requestId,
      deadline: startedAt.getTime() + predictTimeoutMs,
      headers: runRequest.headers ?? NO_HEADERS,
    };
    const work = batcher
      ? batcher.submit(input, job.signal, { request, trace })
      : executor.run({
          input,
          requestId,
          cancel: job,
          request,
          traceparent: trace && traceparentOf(trace),
          // Streaming predictors hand each item on; the caller may or may not listen.
          ...(predictor.stream ? { onChunk: (chunk: unknown) => onChunk?.(chunk) } : {}),
        });
    // The slot is freed when the work really stops, even if we answer earlier.
    const stopped = () => {
      timeout.clear();
      stopFollowingCaller();
      stopListening();
      release();
    };
    work.then(stopped, stopped);
    try {
      const { output, logs } = await raceAbort(work, job);
      const checked = trace
        ? await inSpan("output check", () => this.checkOutput(output), { parent: trace })
        : await this.checkOutput(output);
      const runMs = performance.now() - running;
      metrics?.observePrediction("succeeded", runMs / 1000); // metrics: outcome, run time
      return { output: checked, logs, startedAt, completedAt: new Date(), runMs };
    } catch (error) {
      // metrics: how it ended, and how long it ran
      const status = timedOut ? "timeout" : caller.aborted ? "cancelled" : "failed";
      metrics?.observePrediction(status, (performance.now() - running) / 1000);
      if (status === "cancelled") throw this.clientClosed(requestId, "while running");
      // Shutdown's answer, not a failure: serve logs it once for all of them.
      if (error === stopping.reason) throw error;
      throw this.classify(error, requestId);
    }
  }

  /** The error of a prediction whose caller went away; logged at info. */
  clientClosed(requestId: string, when: string): ClientClosedError {
    this.deps.log.info(
      { request_id: requestId },
      `client closed the connection ${when}; prediction cancelled`,
    );
    return new ClientClosedError();
  }

  private checkOutput(output: unknown): Promise<unknown> {
    if (this.deps.predictor.stream) {
      // A stream's output is the array of its items; each must match the schema.
      const items = Array.isArray(output) ? output : [output];
      return Promise.all(items.map((item) => this.checkOne(item)));
    }
    return this.checkOne(output);
  }

  private async checkOne(output: unknown): Promise<unknown> {
    const result = await this.deps.predictor.output.safeParseAsync(output);
    if (result.success) return result.data;
    throw new ServeError(
      "PREDICTION_FAILED",
      "predictor returned an output that does not match its schema",
      { cause: invalidInputError(result.error, ["output"]) },
    );
  }

  private classify(error: unknown, requestId: string): ServeError {
    if (error instanceof ServeError && error.status < 500) return error;
    const serveError =
      error instanceof ServeError
        ? error
        : new ServeError(
            "PREDICTION_FAILED",
            `prediction failed; see the server log for request ${requestId}`,
            { cause: error },
          );
    this.deps.log.error(
      { request_id: requestId, code: serveError.code, err: serveError.cause ?? serveError },
      serveError.message,
    );
    if (serveError.code === "PREDICTION_FAILED" && serveError.cause instanceof ServeError) {
      // Keep the schema details in the log, not the response.
      return new ServeError("PREDICTION_FAILED", serveError.message);
    }
    return serveError;
  }
}

/** Settles with `work`, or rejects as soon as `job` aborts. */
function raceAbort<T>(work: Promise<T>, job: Cancellation): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stopListening = job.onAbort((reason) =>
      reject(toServeError(reason, "TIMEOUT", "prediction aborted")),
    );
    work.then(
      (value) => {
        stopListening();
        resolve(value);
      },
      (error: unknown) => {
        stopListening();
        reject(error);
      },
    );
  });
}
