import { CapturingLogger, type Logger } from "../../logger.js";
import type { PredictorMetrics } from "../../metrics/predictor-metrics.js";
import type { PredictContext, PredictRequest } from "../../predictor.js";
import type { Cancellation } from "../cancellation.js";

/**
 * The `ctx` of one `predict` call. Its `signal` and `log` are made when
 * first read: most light predictors read neither, and an AbortController
 * and a child logger per prediction cost such a model about 9% of the
 * server's CPU (docs/benchmarks.md). A class, not an object literal with getters: V8 builds such
 * a literal on a slow path (~600 ns against ~30 ns here), and it holds what
 * its getters' closures see.
 */
export class PredictionContext implements PredictContext<unknown> {
  readonly #cancel: Cancellation;
  readonly #baseLog: Logger;
  #log: CapturingLogger | undefined;

  constructor(
    readonly state: unknown,
    baseLog: Logger,
    cancel: Cancellation,
    readonly requestId: string,
    readonly request: PredictRequest,
    readonly metrics: PredictorMetrics,
    /** Only in `predictBatch`. */
    readonly requests: PredictRequest[] | undefined,
  ) {
    this.#baseLog = baseLog;
    this.#cancel = cancel;
  }

  get signal(): AbortSignal {
    return this.#cancel.signal;
  }

  /** Lines logged here carry the request id, and come back as the prediction's `logs`. */
  get log(): CapturingLogger {
    this.#log ??= new CapturingLogger(this.#baseLog.child({ request_id: this.requestId }));
    return this.#log;
  }

  /** What the predictor logged through `ctx.log`, one line per call. */
  static logsOf(ctx: PredictionContext): string {
    return ctx.#log?.text() ?? "";
  }
}
