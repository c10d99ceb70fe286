import { randomUUID } from "node:crypto";
import { ServeError } from "../errors.js";
import { invalidInputError } from "../input/validation-issues.js";
import { createLogger, type Logger } from "../logger.js";
import { forwardPredictorMetrics } from "../metrics/predictor-metrics.js";
import { ServeMetrics } from "../metrics/serve-metrics.js";
import { type ResolvedServeOptions, resolveServeOptions, type ServeOptions } from "../options.js";
import type { AnyPredictor } from "../predictor.js";
import { activeTraceContext, endSpan, startSpan } from "../tracing/trace-spans.js";
import { Admission } from "./admission.js";
import { AsyncPredictions } from "./async/async-predictions.js";
import { Batcher } from "./batcher.js";
import { asCancellation, Cancellation } from "./cancellation.js";
import { createExecutor } from "./executor/create-executor.js";
import type { Executor } from "./executor/executor.js";
import { inPoolWorker } from "./executor/pool-worker-context.js";
import { PredictionRecords } from "./prediction-records.js";
import { PredictionRunner, type RunResult } from "./prediction-runner.js";
import type { Health, PredictionOutcome, PredictOptions } from "./runtime-types.js";

/** What a test may swap in a {@link ModelRuntime}, beyond its options. */
export interface ModelRuntimeHooks {
  /** Sends webhooks. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** When the async-prediction journal compacts itself while running. */
  journalCompactAtBytes?: number;
}

/**
 * One model, served: setup, health, admission (capacity, one bounded queue,
 * refusal with a computed Retry-After), predictions (dynamic batching
 * inside), async predictions and their journal, cancellation and shutdown.
 * It knows nothing of HTTP: `createApp` is one face over it, a batch runner
 * or stream consumer can be another. Setup starts at construction.
 *
 * @example
 * const runtime = new ModelRuntime(predictor, { workers: 2 });
 * await runtime.ready;
 * const input = await runtime.parseInput({ text: "hi" }); // 422 INVALID_INPUT with field paths
 * const { output } = await runtime.predict(input, { signal, requestId: "job-1" });
 * await runtime.drain(10_000);
 * await runtime.close();
 */
export class ModelRuntime {
  readonly predictor: AnyPredictor;
  readonly options: ResolvedServeOptions;
  readonly log: Logger;
  /** Where outcomes and timings go; undefined with `metrics: false`. */
  readonly metrics: ServeMetrics | undefined;
  /** Async predictions (create, get, cancel, settled), journaled with `journalDir`. */
  readonly predictions: AsyncPredictions;
  /** Resolves when setup has finished, whether it succeeded or not (see {@link health}). */
  readonly ready: Promise<void>;
  private readonly executor: Executor;
  private readonly admission: Admission;
  private readonly runner: PredictionRunner;
  /** Output metrics and the prediction log. */
  private readonly records: PredictionRecords;
  /** Aborted when the shutdown grace period is over: what still waits or runs gets 503 DRAINING. */
  private readonly stopping = new Cancellation();

  constructor(predictor: AnyPredictor, options: ServeOptions = {}, hooks: ModelRuntimeHooks = {}) {
    const resolved = resolveServeOptions(options);
    if (inPoolWorker() && resolved.workers > 0) {
      throw new Error(
        `createApp(${predictor.name}) or new ModelRuntime(${predictor.name}) ran inside one of its own worker threads (the module that defines the predictor creates it at import time); create it in a separate entry module`,
      );
    }
    this.predictor = predictor;
    this.options = resolved;
    const log = resolved.logger ?? createLogger({ level: resolved.logLevel, name: predictor.name });
    this.log = log;
    // Metrics: one registry per runtime (several may share a process).
    const metrics = resolved.metrics
      ? new ServeMetrics({ predictor, workers: resolved.workers, log })
      : undefined;
    this.metrics = metrics;
    // With metrics off, ctx.metrics still checks its calls, then drops them.
    const predictorMetrics = metrics?.predictorMetrics ?? forwardPredictorMetrics(() => {});
    this.executor = createExecutor({ predictor, options: resolved, log, predictorMetrics });
    // With batching, each executor slot runs up to maxSize predictions at once.
    const perSlot = predictor.batch?.maxSize ?? 1;
    this.admission = new Admission({
      capacity: Math.min(resolved.maxConcurrency, this.executor.capacity) * perSlot,
      maxQueue: resolved.maxQueue,
      executor: this.executor,
      exposeSetupDetails: resolved.exposeSetupDetails,
    });
    this.runner = new PredictionRunner({
      predictor,
      executor: this.executor,
      batcher: predictor.batch ? new Batcher(this.executor, predictor.batch) : undefined,
      predictTimeoutMs: resolved.predictTimeoutMs,
      log,
      metrics,
      stopping: this.stopping,
    });
    metrics?.watch(this);
    this.records = new PredictionRecords(predictor, resolved, metrics, log);
    // The journal opens before setup starts: a `journalDir` that cannot be used
    // throws here, before any worker thread exists to keep the process up.
    let started: Promise<void> | undefined;
    this.predictions = new AsyncPredictions({
      parseInput: (raw, path) => this.parseInput(raw, path),
      predict: (input, predictOptions) => this.predict(input, predictOptions),
      admission: this.admission,
      options: resolved,
      log,
      ready: Promise.resolve().then(() => started),
      fetch: hooks.fetch,
      journalCompactAtBytes: hooks.journalCompactAtBytes,
      // With a shared store, a replica takes over only the predictions of a model-version it serves.
      model: `${predictor.name}@${predictor.version}`,
    });
    started = this.setup();
    this.ready = started;
  }

  /** Setup's result, admission's load and whether shutdown has begun: what `/health` reports. */
  health(): Health {
    const state = this.executor.state;
    return {
      status: state === "READY" && this.admission.saturated ? "BUSY" : state,
      setup: this.executor.setup,
      draining: this.admission.draining,
      workers: this.executor.workers,
    };
  }

  /** Readiness: setup finished and a worker serves (READY or BUSY), and shutdown has not begun. */
  get isReady(): boolean {
    return this.executor.state === "READY" && !this.admission.draining;
  }

  /** Predictions holding a slot now (a timed-out one until it really stops). */
  get inFlight(): number {
    return this.admission.active;
  }

  /** Predictions waiting for a slot. */
  get queued(): number {
    return this.admission.queued;
  }

  /** Predictions it runs at once: slots × the predictor's batch size (a batch of N holds N). */
  get capacity(): number {
    return this.admission.capacity;
  }

  /** Whether a prediction would run now, without waiting (what a shadow run asks). */
  get hasFreeSlot(): boolean {
    return this.isReady && !this.admission.saturated && this.admission.queued === 0;
  }

  /**
   * Validates a raw input against the predictor's schema (defaults applied,
   * files decoded); throws 422 INVALID_INPUT naming each wrong field, under
   * `path` (e.g. `["input"]` for an envelope's field).
   */
  async parseInput(raw: unknown, path: (string | number)[] = []): Promise<unknown> {
    const parsed = await this.predictor.input.safeParseAsync(raw);
    if (!parsed.success) throw invalidInputError(parsed.error, path);
    return parsed.data;
  }

  /**
   * Throws the 503 (with Retry-After) a new prediction would get now: not
   * accepting, or every slot and queue place taken. Cheap, so a face can call
   * it before it reads and parses a request, and overload costs little.
   */
  refuseWhenFull(): void {
    try {
      this.admission.refuseWhenFull();
    } catch (error) {
      this.metrics?.observePrediction("rejected");
      throw error;
    }
  }

  /**
   * Runs one validated input (see {@link parseInput}): waits for a slot, runs
   * with `predictTimeoutMs`, checks the output. Aborting `signal` drops a
   * queued prediction and aborts a running one (a `ClientClosedError`).
   */
  async predict(input: unknown, options: PredictOptions = {}): Promise<PredictionOutcome> {
    // One async function with try/catch, not helpers chained with .catch:
    // each promise layer is a measurable share of a light model's request.
    const { cancel: caller, unfollow } = asCancellation(options.signal);
    const { onChunk, accepted = false } = options;
    const requestId = options.requestId ?? randomUUID();
    const waitFrom = performance.now();
    const arrivedAt = options.arrivedAt ?? waitFrom;
    // The request's span (the HTTP face made it active); undefined when tracing is off.
    const trace = activeTraceContext();
    const waiting = trace && startSpan("queue wait", { parent: trace });
    try {
      let release: (() => void) | undefined;
      try {
        // A free slot is taken at once, without the abort wiring of a wait.
        release = caller.aborted || this.stopping.aborted ? undefined : this.admission.tryAcquire();
        release ??= await this.waitForSlot(caller, arrivedAt, accepted);
      } catch (error) {
        endSpan(waiting, error);
        throw caller.aborted ? this.runner.clientClosed(requestId, "while queued") : error;
      }
      endSpan(waiting);
      // The wait for a slot alone; reading and validating before it have their own timings.
      const queueMs = performance.now() - waitFrom;
      this.metrics?.observeQueueWait(queueMs / 1000); // metrics: queue wait
      const record = this.records.start(input, requestId);
      let result: RunResult;
      try {
        result = await this.runner.run({
          input,
          requestId,
          caller,
          onChunk,
          release,
          trace,
          headers: options.headers,
        });
      } catch (error) {
        this.records.failed(record, error);
        throw error;
      }
      this.records.succeeded(record, result.output, result.runMs);
      return { ...result, queueMs };
    } finally {
      unfollow();
    }
  }

  /** Stops accepting; resolves true once running and queued predictions have finished, false after `graceMs`. */
  async drain(graceMs: number): Promise<boolean> {
    this.admission.drain();
    const idle = this.admission.idle().then(() => true);
    const timedOut = new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref());
    return Promise.race([idle, timedOut]);
  }

  /** Waits for pending webhook deliveries; resolves true once sent (or given up), false after `graceMs`. */
  flush(graceMs: number): Promise<boolean> {
    return this.predictions.flush(graceMs);
  }

  /**
   * Stops: what still waits for a slot or runs gets 503 DRAINING with
   * Retry-After (never a dropped connection), the journal closes (what is
   * cut short re-runs on the next start), then the executor stops.
   */
  async close(): Promise<void> {
    // Journal first: what the closing workers abort stays unfinished there, to re-run on start.
    await this.predictions.close();
    this.admission.drain();
    this.stopping.abort(
      new ServeError("DRAINING", "server shut down before this prediction finished; retry", {
        retryAfterSeconds: 1,
      }),
    );
    await this.executor.close();
    await this.records.close();
  }

  private async setup(): Promise<void> {
    const begin = performance.now();
    await this.executor.start();
    const ms = Math.round(performance.now() - begin);
    this.metrics?.observeSetup(ms / 1000); // metrics: setup duration
    if (this.executor.state === "READY") this.log.info({ ms }, "predictor ready");
    else this.log.error({ ms, error: this.executor.setup.error }, "predictor setup failed");
  }

  /**
   * Waits for a slot: a request at most what is left of `queueTimeoutMs`
   * since `arrivedAt`, accepted work as long as it takes. A refusal counts as
   * `rejected`, a caller gone while queued as `cancelled`.
   */
  private async waitForSlot(
    caller: Cancellation,
    arrivedAt: number,
    accepted: boolean,
  ): Promise<() => void> {
    const timeoutMs = accepted
      ? Number.POSITIVE_INFINITY
      : this.options.queueTimeoutMs - (performance.now() - arrivedAt);
    const linked = new Cancellation();
    const follow = (reason: unknown) => linked.abort(reason);
    const stopFollowingCaller = caller.onAbort(follow);
    const stopFollowingStop = this.stopping.onAbort(follow);
    try {
      return await this.admission.acquire(linked, { timeoutMs, accepted });
    } catch (error) {
      this.metrics?.observePrediction(caller.aborted ? "cancelled" : "rejected");
      throw error;
    } finally {
      stopFollowingCaller();
      stopFollowingStop();
    }
  }
}
