import { setMaxListeners } from "node:events";
import { ServeError, toServeError } from "../errors.js";
import { ByteBudget } from "../http/byte-budget.js";
import { ClientClosedError } from "../http/client-signal.js";
import { invalidInputError } from "../input/validation-issues.js";
import type { Logger } from "../logger.js";
import { forwardPredictorMetrics } from "../metrics/predictor-metrics.js";
import type { ServeMetrics } from "../metrics/serve-metrics.js";
import type { ResolvedServeOptions } from "../options.js";
import type { AnyPredictor } from "../predictor.js";
import { Batcher } from "./batcher.js";
import { ConcurrencyLimiter } from "./concurrency-limiter.js";
import { createExecutor } from "./executor/create-executor.js";
import type { Executor, WorkerCounts } from "./executor/executor.js";
import type { SetupReport } from "./executor/setup-report.js";

/** Status values of `/health`, as Cog names them. */
export type HealthStatus = "STARTING" | "READY" | "BUSY" | "SETUP_FAILED" | "DEFUNCT";

export interface Health {
  status: HealthStatus;
  setup: SetupReport;
  /** True once shutdown has begun: no new predictions are accepted. */
  draining: boolean;
  /** Pool workers serving now (undefined inline): fewer than `total` while crashed ones are replaced. */
  workers: WorkerCounts | undefined;
}

/** How {@link PredictionService.predict} runs one input, beyond the input itself. */
export interface PredictOptions {
  /** Gets each item of a streaming predictor's output as it comes. */
  onChunk?: (chunk: unknown) => void;
  /**
   * When the request arrived (`performance.now()`): the time before
   * admission (reading, validating) counts against `queueTimeoutMs`.
   * @default now
   */
  arrivedAt?: number;
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

export interface PredictionServiceDeps {
  predictor: AnyPredictor;
  options: ResolvedServeOptions;
  log: Logger;
  /** Where outcomes, timings and the predictor's own metrics go; absent with `metrics: false`. */
  metrics?: ServeMetrics | undefined;
}

/**
 * Runs validated inputs through the predictor: admission (readiness,
 * concurrency, queue), timeout, the executor, and the output check.
 * Routes call it; it knows nothing of HTTP.
 */
export class PredictionService {
  private readonly executor: Executor;
  private readonly limiter: ConcurrencyLimiter;
  private readonly batcher: Batcher | undefined;
  private readonly predictor: AnyPredictor;
  private readonly options: ResolvedServeOptions;
  private readonly log: Logger;
  private readonly metrics: ServeMetrics | undefined;
  /** Bytes of request bodies being read now, at most `maxBodyBytesInFlight`. */
  readonly receiving: ByteBudget;
  private draining = false;
  /** Aborted when the shutdown grace period is over: what still waits or runs gets 503 DRAINING. */
  private readonly stopping = abortControllerForMany();
  private started: Promise<void> | undefined;

  constructor({ predictor, options, log, metrics }: PredictionServiceDeps) {
    this.predictor = predictor;
    this.options = options;
    this.log = log;
    this.metrics = metrics;
    // With metrics off, ctx.metrics still checks its calls, then drops them.
    const predictorMetrics = metrics?.predictorMetrics ?? forwardPredictorMetrics(() => {});
    this.executor = createExecutor({ predictor, options, log, predictorMetrics });
    // With batching, each executor slot runs up to maxSize predictions at once.
    const perSlot = predictor.batch?.maxSize ?? 1;
    this.limiter = new ConcurrencyLimiter(
      Math.min(options.maxConcurrency, this.executor.capacity) * perSlot,
      options.maxQueue,
    );
    this.batcher = predictor.batch ? new Batcher(this.executor, predictor.batch) : undefined;
    this.receiving = new ByteBudget(options.maxBodyBytesInFlight);
  }

  /** Runs setup (once); resolves when done, whether it succeeded or not. */
  start(): Promise<void> {
    this.started ??= (async () => {
      const begin = performance.now();
      await this.executor.start();
      const ms = Math.round(performance.now() - begin);
      this.metrics?.observeSetup(ms / 1000); // metrics: setup duration
      if (this.executor.state === "READY") this.log.info({ ms }, "predictor ready");
      else this.log.error({ ms, error: this.executor.setup.error }, "predictor setup failed");
    })();
    return this.started;
  }

  health(): Health {
    const state = this.executor.state;
    return {
      status: state === "READY" && this.limiter.saturated ? "BUSY" : state,
      setup: this.executor.setup,
      draining: this.draining,
      workers: this.executor.workers,
    };
  }

  /** Predictions holding a slot now (a timed-out one until it really stops). */
  get inFlight(): number {
    return this.limiter.active;
  }

  /** Predictions waiting for a slot. */
  get queued(): number {
    return this.limiter.queued;
  }

  /** Readiness: setup finished and a worker serves (READY or BUSY), and the server is not shutting down. */
  get ready(): boolean {
    return this.executor.state === "READY" && !this.draining;
  }

  /**
   * Refuses (503 with Retry-After) when a prediction would be refused now:
   * not accepting, or every slot and queue place taken. Cheap, so a face can
   * call it before it reads and parses a request, and overload costs little.
   */
  refuseWhenFull(): void {
    try {
      this.assertAccepting();
      const { maxConcurrency, maxQueue, active, queued } = this.limiter;
      if (active + queued >= maxConcurrency + maxQueue) {
        throw new ServeError(
          "OVERLOADED",
          `server is at capacity (${active} running, ${queued} queued); retry shortly`,
          { retryAfterSeconds: 1 },
        );
      }
    } catch (error) {
      this.metrics?.observePrediction("rejected");
      throw error;
    }
  }

  /**
   * Runs one validated input. `signal` is the client's: aborting it (e.g. the
   * connection closed) drops a queued prediction and aborts a running one.
   */
  async predict(
    input: unknown,
    requestId: string,
    signal: AbortSignal,
    { onChunk, arrivedAt }: PredictOptions = {},
  ): Promise<PredictionOutcome> {
    const queued = arrivedAt ?? performance.now();
    const release = await this.admit(signal, queued).catch((error: unknown) => {
      throw signal.aborted ? this.clientClosed(requestId, "while queued") : error;
    });
    const running = performance.now();
    this.metrics?.observeQueueWait((running - queued) / 1000); // metrics: queue wait
    // Aborted by the client or by the timeout. Not AbortSignal.any(): its
    // signals are held by WeakRefs, which V8's minor GCs treat as strong, so
    // each request's signals would be promoted to the old generation.
    const job = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      job.abort(
        new ServeError(
          "TIMEOUT",
          `prediction took longer than ${this.options.predictTimeoutMs} ms`,
        ),
      );
    }, this.options.predictTimeoutMs);
    const onClientAbort = () => job.abort(signal.reason);
    signal.addEventListener("abort", onClientAbort, { once: true });
    if (signal.aborted) onClientAbort();
    const onStop = () => job.abort(this.stopping.signal.reason);
    this.stopping.signal.addEventListener("abort", onStop, { once: true });
    const startedAt = new Date();
    const work = this.batcher
      ? this.batcher.submit(input, job.signal)
      : this.executor.run({
          input,
          requestId,
          signal: job.signal,
          // Streaming predictors hand each item on; the caller may or may not listen.
          ...(this.predictor.stream ? { onChunk: (chunk: unknown) => onChunk?.(chunk) } : {}),
        });
    // The slot is freed when the work really stops, even if we answer earlier.
    void work
      .finally(() => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onClientAbort);
        this.stopping.signal.removeEventListener("abort", onStop);
        release();
      })
      .catch(() => {});
    try {
      const { output, logs } = await raceAbort(work, job.signal);
      const checked = await this.checkOutput(output);
      const runMs = performance.now() - running;
      this.metrics?.observePrediction("succeeded", runMs / 1000); // metrics: outcome, run time
      return {
        output: checked,
        logs,
        startedAt,
        completedAt: new Date(),
        queueMs: running - queued,
        runMs,
      };
    } catch (error) {
      // metrics: how it ended, and how long it ran
      const status = timedOut ? "timeout" : signal.aborted ? "cancelled" : "failed";
      this.metrics?.observePrediction(status, (performance.now() - running) / 1000);
      if (status === "cancelled") throw this.clientClosed(requestId, "while running");
      // Shutdown's answer, not a failure: serve logs it once for all of them.
      if (error === this.stopping.signal.reason) throw error;
      throw this.classify(error, requestId);
    }
  }

  /** Stops accepting; resolves when running and queued predictions have finished or `graceMs` passed. */
  async drain(graceMs: number): Promise<boolean> {
    this.draining = true;
    const idle = this.limiter.idle().then(() => true);
    const timedOut = new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref());
    return Promise.race([idle, timedOut]);
  }

  /**
   * Stops: what still waits for a slot or runs gets 503 DRAINING with
   * Retry-After (never a dropped connection), then the executor stops.
   */
  async close(): Promise<void> {
    this.draining = true;
    this.stopping.abort(
      new ServeError("DRAINING", "server shut down before this prediction finished; retry", {
        retryAfterSeconds: 1,
      }),
    );
    await this.executor.close();
  }

  /**
   * Waits for a slot, at most what is left of `queueTimeoutMs` since
   * `arrivedAt`; a refusal counts as `rejected`, a client gone while queued
   * as `cancelled`.
   */
  private async admit(signal: AbortSignal, arrivedAt: number): Promise<() => void> {
    try {
      this.assertAccepting();
      const { queueTimeoutMs } = this.options;
      const left = queueTimeoutMs - (performance.now() - arrivedAt);
      return await this.whileServing(signal, (waiting) => this.limiter.acquire(waiting, left));
    } catch (error) {
      this.metrics?.observePrediction(signal.aborted ? "cancelled" : "rejected");
      throw error;
    }
  }

  /** Calls `wait` with `signal`, also aborted (503 DRAINING) if shutdown stops waiting work first. */
  private async whileServing<T>(
    signal: AbortSignal,
    wait: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const linked = new AbortController();
    const onClientAbort = () => linked.abort(signal.reason);
    const onStop = () => linked.abort(this.stopping.signal.reason);
    signal.addEventListener("abort", onClientAbort, { once: true });
    this.stopping.signal.addEventListener("abort", onStop, { once: true });
    if (signal.aborted) onClientAbort();
    try {
      return await wait(linked.signal);
    } finally {
      signal.removeEventListener("abort", onClientAbort);
      this.stopping.signal.removeEventListener("abort", onStop);
    }
  }

  private assertAccepting(): void {
    if (this.draining) {
      throw new ServeError(
        "DRAINING",
        "server is shutting down and takes no new predictions; retry, another instance will answer",
        { retryAfterSeconds: 1 },
      );
    }
    if (this.executor.accepting) return;
    const state = this.executor.state;
    if (state === "SETUP_FAILED") {
      throw new ServeError(
        "NOT_READY",
        this.options.exposeSetupDetails
          ? `predictor setup failed: ${this.executor.setup.error ?? "see /health"}`
          : "predictor setup failed; the server's log has the details",
      );
    }
    if (state === "DEFUNCT") {
      throw new ServeError(
        "NOT_READY",
        `no worker serves and crashed ones could not be replaced (${(this.options.exposeSetupDetails && this.executor.workers?.last_restart_error) || "see the server's log"}); the process must be restarted`,
      );
    }
    if (state === "STARTING") {
      throw new ServeError(
        "NOT_READY",
        "predictor is still starting (setup running); retry shortly",
        {
          retryAfterSeconds: 1,
        },
      );
    }
  }

  private async checkOutput(output: unknown): Promise<unknown> {
    if (this.predictor.stream) {
      // A stream's output is the array of its items; each must match the schema.
      const items = Array.isArray(output) ? output : [output];
      return Promise.all(items.map((item) => this.checkOne(item)));
    }
    return this.checkOne(output);
  }

  private async checkOne(output: unknown): Promise<unknown> {
    const result = await this.predictor.output.safeParseAsync(output);
    if (result.success) return result.data;
    throw new ServeError(
      "PREDICTION_FAILED",
      "predictor returned an output that does not match its schema",
      {
        cause: invalidInputError(result.error, ["output"]),
      },
    );
  }

  private clientClosed(requestId: string, when: string): ClientClosedError {
    this.log.info(
      { request_id: requestId },
      `client closed the connection ${when}; prediction cancelled`,
    );
    return new ClientClosedError();
  }

  private classify(error: unknown, requestId: string): ServeError {
    if (error instanceof ServeError && error.status < 500) return error;
    const serveError =
      error instanceof ServeError
        ? error
        : new ServeError(
            "PREDICTION_FAILED",
            `prediction failed; see the server log for request ${requestId}`,
            {
              cause: error,
            },
          );
    this.log.error(
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

/** Settles with `work`, or rejects as soon as `signal` aborts. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted)
    return Promise.reject(toServeError(signal.reason, "TIMEOUT", "prediction aborted"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(toServeError(signal.reason, "TIMEOUT", "prediction aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * The shutdown controller: every waiting or running prediction listens to its
 * signal, so Node's warning at 11 listeners would be noise, not a leak.
 */
function abortControllerForMany(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
