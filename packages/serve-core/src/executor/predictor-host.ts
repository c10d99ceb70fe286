import { CapturingLogger, type Logger } from "../logger.js";
import type { AnyPredictor } from "../predictor.js";
import type { JobResult, PredictionJob } from "./executor.js";
import type { SetupReport } from "./setup-report.js";

/**
 * Runs one predictor's setup and predictions in the current thread: used
 * directly by the inline executor and inside each pool worker.
 */
export class PredictorHost {
  private state: unknown;

  constructor(
    private readonly predictor: AnyPredictor,
    private readonly log: Logger,
    private readonly workerIndex: number,
  ) {}

  /** Runs `setup` and reports how it went; never throws. */
  async setup(signal: AbortSignal): Promise<SetupReport> {
    const started_at = new Date().toISOString();
    const log = new CapturingLogger(this.log.child({ phase: "setup", worker: this.workerIndex }));
    try {
      this.state = await this.predictor.setup?.({ log, signal, workerIndex: this.workerIndex });
      return {
        started_at,
        completed_at: new Date().toISOString(),
        status: "succeeded",
        logs: log.text(),
      };
    } catch (error) {
      this.log.error({ err: error, worker: this.workerIndex }, "predictor setup failed");
      return {
        started_at,
        completed_at: new Date().toISOString(),
        status: "failed",
        logs: log.text(),
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }

  /** Runs `predict`; errors are thrown as-is for the caller to classify. */
  async predict(job: PredictionJob): Promise<JobResult> {
    const log = new CapturingLogger(this.log.child({ request_id: job.requestId }));
    const output = await this.predictor.predict(job.input, {
      state: this.state,
      log,
      signal: job.signal,
      requestId: job.requestId,
    });
    return { output, logs: log.text() };
  }
}
