import { CapturingLogger, type Logger } from "../../logger.js";
import type { PredictorMetrics } from "../../metrics/predictor-metrics.js";
import type { AnyPredictor } from "../../predictor.js";
import { endSpan, withSpan } from "../../tracing/trace-spans.js";
import { tracingEnabled } from "../../tracing/tracing-state.js";
import type { WeightsSettings } from "../../weights/weights-settings.js";
import type { JobResult, PredictionJob } from "./executor.js";
import { predictRequests, startPredictSpan } from "./predict-request.js";
import { PredictionContext } from "./prediction-context.js";
import type { SetupReport } from "./setup-report.js";
import { setupWeights } from "./setup-weights.js";

export interface PredictorHostOptions {
  predictor: AnyPredictor;
  log: Logger;
  /** 0-based index of this worker thread (0 inline). */
  workerIndex: number;
  /** `ctx.metrics` in setup and predict: the app's registry inline, forwarding from a worker. */
  metrics: PredictorMetrics;
  /** Where `ctx.weights` looks for files. */
  weights: WeightsSettings;
  /** The predictor project's root, whose `weights.lock` is checked before setup. */
  projectRoot: string | undefined;
}

/**
 * Runs one predictor's setup and predictions in the current thread: used
 * directly by the inline executor and inside each pool worker.
 */
export class PredictorHost {
  private state: unknown;

  constructor(private readonly options: PredictorHostOptions) {}

  /** Runs `setup` and reports how it went, each log line to `onLog` as it comes; never throws. */
  async setup(signal: AbortSignal, onLog?: (line: string) => void): Promise<SetupReport> {
    const started_at = new Date().toISOString();
    const { predictor, workerIndex, metrics } = this.options;
    // No `worker` key here: a pool worker's logger carries it already, and a
    // second one would be a duplicate JSON key that strict log ingesters refuse.
    const log = new CapturingLogger(this.options.log.child({ phase: "setup" }), onLog);
    try {
      const weights = setupWeights({ ...this.options, log, signal });
      this.state = await predictor.setup?.({ log, signal, workerIndex, metrics, weights });
      return {
        started_at,
        completed_at: new Date().toISOString(),
        status: "succeeded",
        logs: log.text(),
      };
    } catch (error) {
      this.options.log.error({ err: error }, "predictor setup failed");
      return {
        started_at,
        completed_at: new Date().toISOString(),
        status: "failed",
        logs: log.text(),
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }

  /** Runs `predict` (in a `predict` span when tracing); errors are thrown as-is for the caller to classify. */
  predict(job: PredictionJob): Promise<JobResult> {
    // Not async itself: an async function that returns a promise adds
    // microtask turns to every prediction.
    return tracingEnabled() ? this.predictInSpan(job) : this.runPredict(job);
  }

  private async predictInSpan(job: PredictionJob): Promise<JobResult> {
    const span = startPredictSpan(job, this.options.predictor, this.options.workerIndex);
    if (span === undefined) return this.runPredict(job);
    try {
      // Active meanwhile: the predictor's own spans and log lines join it.
      const result = await withSpan(span, () => this.runPredict(job));
      endSpan(span);
      return result;
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
  }

  private async runPredict(job: PredictionJob): Promise<JobResult> {
    const { request, requests } = predictRequests(job, this.options.predictor);
    const ctx = new PredictionContext(
      this.state,
      this.options.log,
      job.cancel,
      job.requestId,
      request,
      this.options.metrics,
      requests,
    );
    if (job.batch) {
      const results = await this.options.predictor.predictBatch!(job.input as unknown[], ctx);
      // Per-input errors become items of their own, so each fails only its input.
      const output = Array.isArray(results)
        ? results.map((result) =>
            result instanceof Error ? { error: result } : { output: result },
          )
        : results;
      return { output, logs: PredictionContext.logsOf(ctx) };
    }
    const output: unknown = await this.options.predictor.predict(job.input, ctx);
    if (isAsyncIterable(output)) {
      // A streaming predictor: hand each item on as it comes, and keep them all for non-streaming clients.
      const chunks: unknown[] = [];
      for await (const chunk of output) {
        chunks.push(chunk);
        job.onChunk?.(chunk);
      }
      return { output: chunks, logs: PredictionContext.logsOf(ctx) };
    }
    return { output, logs: PredictionContext.logsOf(ctx) };
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === "function";
}
