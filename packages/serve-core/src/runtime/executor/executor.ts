import type { Cancellation } from "../cancellation.js";
import type { SetupReport } from "./setup-report.js";

/**
 * Lifecycle of an executor, as `/health` reports it (BUSY is added by the
 * server). READY: at least one worker serves; DEFUNCT: a crashed worker could
 * not be replaced (Cog's name for a server that must be restarted).
 */
export type ExecutorState = "STARTING" | "READY" | "SETUP_FAILED" | "DEFUNCT";

/** How many pool workers serve, as `/health` reports them. */
export interface WorkerCounts {
  /** Workers that finished setup and take predictions. */
  ready: number;
  /** Workers the pool is sized for. */
  total: number;
  /** Failed setups of replacement workers in a row (0 once every replacement serves). */
  failed_restarts: number;
  /** Why the last replacement failed, while one is being retried. */
  last_restart_error?: string;
}

/** One prediction handed to an executor: an input that has passed validation. */
export interface PredictionJob {
  input: unknown;
  requestId: string;
  /**
   * Aborted on timeout, cancel or client disconnect. `predict` sees it as
   * `ctx.signal`, an AbortSignal made only if the predictor reads it.
   */
  cancel: Cancellation;
  /** `input` is an array for `predictBatch`; the output is one `BatchItemResult` per input. */
  batch?: boolean;
  /**
   * Called with each item as a streaming `predict` (one returning an
   * AsyncIterable) yields it; the job's output is then the array of all items.
   */
  onChunk?: (chunk: unknown) => void;
  /** W3C `traceparent` of the span `predict`'s span is a child of; only when tracing is on. */
  traceparent?: string | undefined;
  /** What `ctx.request` tells `predict`. @default just the request id */
  request?: JobRequest | undefined;
  /** In a batch, one per input: `ctx.requests` of `predictBatch`. */
  requests?: JobRequest[] | undefined;
}

/** The request behind a job, as it crosses to a worker thread (`ctx.request` is made from it). */
export interface JobRequest {
  id: string;
  /** When the prediction times out, in ms since the epoch. */
  deadline?: number | undefined;
  /** The request headers `requestHeaders` allows, lower-cased names. */
  headers: Record<string, string>;
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
  /** Pool workers serving now; undefined when predictions run inline. */
  readonly workers: WorkerCounts | undefined;
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
