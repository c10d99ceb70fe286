import type { Cancellation } from "./cancellation.js";
import type { WorkerCounts } from "./executor/executor.js";
import type { SetupReport } from "./executor/setup-report.js";

/** Status values of `/health`, as Cog names them. */
export type HealthStatus = "STARTING" | "READY" | "BUSY" | "SETUP_FAILED" | "DEFUNCT";

/** A model runtime's health: what `/health` reports. */
export interface Health {
  status: HealthStatus;
  setup: SetupReport;
  /** True once shutdown has begun: no new predictions are accepted. */
  draining: boolean;
  /** Pool workers serving now (undefined inline): fewer than `total` while crashed ones are replaced. */
  workers: WorkerCounts | undefined;
}

/** How `ModelRuntime.predict` runs one input, beyond the input itself. */
export interface PredictOptions {
  /**
   * The caller's signal: aborting it drops a queued prediction and aborts a
   * running one (`ctx.signal`). A {@link Cancellation} does the same without
   * an AbortController, for callers that make thousands a second.
   */
  signal?: AbortSignal | Cancellation | undefined;
  /** Names the prediction in logs and `ctx.requestId`. @default a random UUID */
  requestId?: string | undefined;
  /** Request headers `predict` sees in `ctx.request.headers` (the `requestHeaders` allow-list). @default {} */
  headers?: Record<string, string> | undefined;
  /** Gets each item of a streaming predictor's output as it comes. */
  onChunk?: ((chunk: unknown) => void) | undefined;
  /**
   * When the request arrived (`performance.now()`): the time before
   * admission (reading, validating) counts against `queueTimeoutMs`, but
   * not in the outcome's `queueMs`.
   * @default now
   */
  arrivedAt?: number | undefined;
  /**
   * Work already accepted (an async prediction): it waits in the queue as
   * long as it takes, even past `maxQueue`, and is never refused for load.
   * @default false
   */
  accepted?: boolean | undefined;
}

/** One finished prediction. */
export interface PredictionOutcome {
  output: unknown;
  logs: string;
  startedAt: Date;
  completedAt: Date;
  /** Milliseconds spent waiting for a free slot. */
  queueMs: number;
  /** Milliseconds from hand-off to the executor until its result was back and checked. */
  runMs: number;
}
