import { ServeError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { ServeMetrics } from "../metrics/serve-metrics.js";
import type { ResolvedServeOptions } from "../options.js";
import type { AnyPredictor, OutputMetric } from "../predictor.js";
import { PredictionLog } from "./prediction-log.js";

/** A prediction being recorded: its input as the log keeps it, when it is in the sample. */
export interface RecordedPrediction {
  requestId: string;
  loggedInput: unknown;
}

/**
 * What is kept of each prediction besides its answer: the numbers the
 * predictor's `outputMetrics` take from its output (per-version
 * histograms) and, with `predictionLog`, a sample of inputs and outputs.
 */
export class PredictionRecords {
  private readonly log: PredictionLog | undefined;
  /** The predictor's `outputMetrics`, listed once rather than per prediction. */
  private readonly outputMetrics: [string, OutputMetric<unknown>][];

  constructor(
    private readonly predictor: AnyPredictor,
    options: ResolvedServeOptions,
    private readonly metrics: ServeMetrics | undefined,
    private readonly logger: Logger,
  ) {
    this.outputMetrics = Object.entries(predictor.outputMetrics ?? {});
    this.log = options.predictionLog
      ? new PredictionLog(options.predictionLog, predictor, logger)
      : undefined;
  }

  /** Called before the prediction runs: a pool worker will take its files' bytes. */
  start(input: unknown, requestId: string): RecordedPrediction | undefined {
    if (!this.log?.sampled()) return undefined;
    return { requestId, loggedInput: this.log.summarizeInput(input) };
  }

  succeeded(record: RecordedPrediction | undefined, output: unknown, runMs: number): void {
    if (record)
      this.log?.write({
        requestId: record.requestId,
        input: record.loggedInput,
        output,
        predictMs: runMs,
      });
    if (this.metrics && this.outputMetrics.length > 0 && !this.predictor.stream)
      this.observeOutput(output);
  }

  failed(record: RecordedPrediction | undefined, error: unknown): void {
    if (!record || !(error instanceof ServeError)) return;
    this.log?.write({
      requestId: record.requestId,
      input: record.loggedInput,
      error: { code: error.code, message: error.message },
    });
  }

  close(): Promise<void> {
    return this.log?.close() ?? Promise.resolve();
  }

  /** The predictor's `outputMetrics` of one output; a throwing one is logged, never the request's failure. */
  private observeOutput(output: unknown): void {
    for (const [name, metric] of this.outputMetrics) {
      try {
        const value = metric.value(output);
        if (value !== undefined && Number.isFinite(value)) this.metrics?.observeOutput(name, value);
      } catch (error) {
        this.logger.warn({ err: error, metric: name }, "outputMetrics value() threw; not recorded");
      }
    }
  }
}
