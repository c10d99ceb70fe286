import type { SetupReport } from "./setup-report.js";

/** Lifecycle of an executor, as `/health` reports it (BUSY is added by the server). */
export type ExecutorState = "STARTING" | "READY" | "SETUP_FAILED";

/** One prediction handed to an executor: an input that has passed validation. */
export interface PredictionJob {
  input: unknown;
  requestId: string;
  /** Aborted on timeout, cancel or client disconnect; passed to `predict` as `ctx.signal`. */
  signal: AbortSignal;
  /** `input` is an array for `predictBatch`; the output is one `{output}` or `{error}` per input. */
  batch?: boolean;
  /**
   * Called with each item as a streaming `predict` (one returning an
   * AsyncIterable) yields it; the job's output is then the array of all items.
   */
  onChunk?: (chunk: unknown) => void;
}

export interface JobResult {
  output: unknown;
  /** Lines the predictor logged during this prediction. */
  logs: string;
}

/**
 * Where predictions run: inline on the HTTP thread, or in a pool of worker
 * threads. Callers never give it more jobs than `capacity` at once.
 */
export interface Executor {
  readonly state: ExecutorState;
  readonly setup: SetupReport;
  /**
   * Whether jobs are taken: setup succeeded once and has not failed since.
   * Stays true while a crashed pool worker is replaced (jobs queue meanwhile).
   */
  readonly accepting: boolean;
  /** How many predictions can run at once. */
  readonly capacity: number;
  /** Runs setup; resolves once every worker is ready or one has failed. */
  start(): Promise<void>;
  /** Runs one prediction; settles only when the work has really stopped. */
  run(job: PredictionJob): Promise<JobResult>;
  /** Stops all work; pending jobs fail. */
  close(): Promise<void>;
}
