import type { Executor, ExecutorState, JobResult, PredictionJob } from "./executor.js";
import type { PredictorHost } from "./predictor-host.js";
import { appendSetupLog, pendingSetupReport, type SetupReport } from "./setup-report.js";

/**
 * Runs predictions on the HTTP thread. Right for light or I/O-bound
 * predictors; a CPU-bound one would stall every other request.
 */
export class InlineExecutor implements Executor {
  state: ExecutorState = "STARTING";
  setup: SetupReport = pendingSetupReport();
  readonly workers = undefined;
  private readonly shutdown = new AbortController();

  constructor(
    private readonly host: PredictorHost,
    readonly capacity: number,
  ) {}

  get accepting(): boolean {
    return this.state === "READY";
  }

  async start(): Promise<void> {
    this.setup = { ...pendingSetupReport(), started_at: new Date().toISOString() };
    this.setup = await this.host.setup(this.shutdown.signal, (line) => {
      this.setup = appendSetupLog(this.setup, line);
    });
    this.state = this.setup.status === "succeeded" ? "READY" : "SETUP_FAILED";
  }

  run(job: PredictionJob): Promise<JobResult> {
    return this.host.predict(job);
  }

  async close(): Promise<void> {
    this.shutdown.abort();
  }
}
