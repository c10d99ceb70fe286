import { ServeError } from "../../errors.js";
import type { MetricCall } from "../../metrics/predictor-metrics.js";
import { tracingEnabled } from "../../tracing/tracing-state.js";
import type {
  Executor,
  ExecutorState,
  JobResult,
  PredictionJob,
  WorkerCounts,
} from "./executor.js";
import { flushWorkerTraces } from "./flush-worker-traces.js";
import { POOL_WORKER_MARK } from "./pool-worker-context.js";
import { DEFAULT_RESTART_POLICY, RestartBackoff } from "./restart-backoff.js";
import {
  appendSetupLog,
  mergeSetupReports,
  pendingSetupReport,
  type SetupReport,
} from "./setup-report.js";
import { startWorker } from "./start-worker.js";
import { setWorkerOldSpaceFloor } from "./worker-heap.js";
import type { WorkerPoolOptions } from "./worker-pool-options.js";
import { type FromWorker, fromWireBatch, fromWireError } from "./worker-protocol.js";
import {
  newSlot,
  type PendingJob,
  poolStoppedError,
  releaseSlot,
  type Slot,
  sendJob,
} from "./worker-slot.js";

/**
 * A pool of `worker_threads`, each importing the predictor module and running
 * setup once, so CPU-bound predictions never block the HTTP thread. A worker
 * that dies is replaced; the prediction it was running fails with 500. A
 * replacement whose setup fails is tried again with backoff while the other
 * workers serve; after `restart.attempts` failures in a row the pool is
 * DEFUNCT, so liveness fails and the platform restarts the process.
 */
export class WorkerPool implements Executor {
  readonly capacity: number;
  private readonly slots: Slot[] = [];
  private readonly queue: PendingJob[] = [];
  /** Per worker, the report of the last setup that succeeded: `/health`'s `setup` while a replacement runs. */
  private readonly serving: (SetupReport | undefined)[] = [];
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly backoff: RestartBackoff;
  private nextId = 1;
  private closing = false;
  private setupFailed = false;
  private defunct = false;
  private lastRestartError: string | undefined;
  private firstStart: Promise<void> | undefined;
  private started = false;

  constructor(private readonly options: WorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new TypeError(`workers must be a whole number ≥ 1, got ${options.size}`);
    }
    this.capacity = options.size;
    this.backoff = new RestartBackoff(options.restart ?? DEFAULT_RESTART_POLICY);
  }

  get state(): ExecutorState {
    if (this.setupFailed) return "SETUP_FAILED";
    if (this.defunct) return "DEFUNCT";
    return this.started && this.readyCount > 0 ? "READY" : "STARTING";
  }

  get accepting(): boolean {
    if (!this.started || this.setupFailed || this.closing) return false;
    // A pool that gave up still serves on the workers it has left, until the platform restarts it.
    return !this.defunct || this.readyCount > 0;
  }

  get workers(): WorkerCounts {
    return {
      ready: this.readyCount,
      total: this.capacity,
      failed_restarts: this.backoff.pending,
      ...(this.lastRestartError === undefined ? {} : { last_restart_error: this.lastRestartError }),
    };
  }

  get setup(): SetupReport {
    return this.slots.length === 0
      ? pendingSetupReport()
      : mergeSetupReports(this.slots.map((s) => this.serving[s.index] ?? s.setup));
  }

  private get readyCount(): number {
    return this.slots.filter((s) => s.ready).length;
  }

  start(): Promise<void> {
    this.firstStart ??= this.startWorkers();
    return this.firstStart;
  }

  private async startWorkers(): Promise<void> {
    // Before the first worker exists: V8 reads the flag when each isolate is created.
    setWorkerOldSpaceFloor(this.options.oldSpaceMb);
    await Promise.all(
      Array.from({ length: this.capacity }, (_, index) => this.spawn(index, false)),
    );
    this.started = true;
  }

  run(job: PredictionJob): Promise<JobResult> {
    if (this.closing) return Promise.reject(poolStoppedError());
    return new Promise<JobResult>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; queued and running jobs fail with 503 DRAINING. */
  async close(): Promise<void> {
    this.closing = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    for (const pending of this.queue.splice(0)) pending.reject(poolStoppedError());
    for (const slot of this.slots) {
      const pending = slot.current;
      releaseSlot(slot);
      pending?.reject(poolStoppedError());
    }
    // The workers' last `predict` spans are sent before their threads go.
    if (tracingEnabled())
      await Promise.all(this.slots.map((slot) => flushWorkerTraces(slot.worker)));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  /** Starts worker `index` (again, after a crash); resolves when its setup has finished. */
  private spawn(index: number, replacement: boolean): Promise<void> {
    const worker = startWorker(
      {
        [POOL_WORKER_MARK]: true,
        moduleUrl: this.options.moduleUrl,
        predictorName: this.options.predictorName,
        predictorVersion: this.options.predictorVersion,
        workerIndex: index,
        logLevel: this.options.logLevel,
        weights: this.options.weights,
        projectRoot: this.options.projectRoot,
      },
      this.options.maxOldSpaceMb ?? 0,
    );
    const slot = newSlot(index, worker, replacement);
    this.slots[index] = slot;
    return new Promise<void>((resolve) => {
      worker.on("message", (message: FromWorker) => {
        if (message.type === "metric") {
          this.recordMetric(message.call, index);
          return;
        }
        if (message.type === "setup-log") {
          slot.setup = appendSetupLog(slot.setup, message.line);
          return;
        }
        if (message.type === "setup") {
          this.onSetup(slot, message.report);
          resolve();
          return;
        }
        if (message.type === "traces-flushed") return;
        if (message.type === "chunk") {
          if (slot.current?.id === message.id) slot.current.job.onChunk?.(message.chunk);
          return;
        }
        this.finish(slot, message);
      });
      worker.on("error", (error) => {
        this.options.log.error({ err: error, worker: index }, "worker thread crashed");
      });
      worker.on("exit", (exitCode) => {
        this.onExit(slot, exitCode);
        resolve();
      });
    });
  }

  private onSetup(slot: Slot, report: SetupReport): void {
    slot.setup = report;
    if (report.status === "succeeded") {
      slot.ready = true;
      this.serving[slot.index] = report;
      if (slot.replacement) {
        this.backoff.succeeded(slot.index);
        if (this.backoff.pending === 0) this.lastRestartError = undefined;
        this.options.log.info({ worker: slot.index }, "replacement worker is serving");
      }
      this.dispatch();
      return;
    }
    if (!slot.replacement) {
      this.setupFailed = true;
      return;
    }
    // Its thread would idle on; the retry starts a fresh one.
    slot.retired = true;
    void slot.worker.terminate();
    this.replacementFailed(slot.index, report.error ?? "setup failed");
  }

  private finish(slot: Slot, message: Extract<FromWorker, { type: "result" | "failure" }>): void {
    const pending = slot.current;
    if (!pending || pending.id !== message.id) return;
    releaseSlot(slot);
    if (message.type === "result") {
      const output = pending.job.batch ? fromWireBatch(message.output) : message.output;
      pending.resolve({ output, logs: message.logs });
    } else pending.reject(fromWireError(message.error));
    this.dispatch();
  }

  /** Records a forwarded metric call; a bad one is logged, never allowed to break the pool. */
  private recordMetric(call: MetricCall, worker: number): void {
    try {
      this.options.predictorMetrics[call.kind](call.name, call.value, call.labels);
    } catch (error) {
      this.options.log.warn({ err: error, worker }, "dropped a predictor metric from a worker");
    }
  }

  private onExit(slot: Slot, exitCode: number): void {
    if (this.slots[slot.index] !== slot || slot.retired || this.closing) return;
    const pending = slot.current;
    const wasServing = slot.ready;
    releaseSlot(slot);
    slot.ready = false;
    pending?.reject(
      new ServeError(
        "WORKER_CRASHED",
        `the worker running this prediction stopped (exit code ${exitCode}); it has been replaced`,
      ),
    );
    if (wasServing) {
      this.options.log.warn({ worker: slot.index, exitCode }, "worker thread exited; replacing it");
      void this.spawn(slot.index, true);
      return;
    }
    if (slot.setup.status !== "starting") return;
    const error = `worker exited with code ${exitCode} during setup`;
    slot.setup = {
      ...slot.setup,
      status: "failed",
      completed_at: new Date().toISOString(),
      error: slot.setup.error ?? error,
    };
    if (slot.replacement) this.replacementFailed(slot.index, error);
    else this.setupFailed = true;
  }

  /** Tries worker `index` again after a backoff, or gives the pool up once the tries are spent. */
  private replacementFailed(index: number, error: string): void {
    this.lastRestartError = `worker ${index}: ${error}`;
    const delayMs = this.backoff.failed(index);
    if (delayMs === undefined) {
      this.defunct = true;
      this.options.log.error(
        { worker: index, error, workersServing: this.readyCount },
        "could not replace a crashed worker; giving up: /health/live now answers 503 so the platform restarts the process",
      );
      return;
    }
    this.options.log.warn(
      { worker: index, error, retryInMs: delayMs, workersServing: this.readyCount },
      "replacement worker failed setup; trying again",
    );
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      if (!this.closing) void this.spawn(index, true);
    }, delayMs);
    timer.unref();
    this.retryTimers.add(timer);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot?.ready || slot.current) continue;
      const pending = this.queue.shift()!;
      if (pending.job.cancel.aborted) {
        pending.reject(pending.job.cancel.reason);
        continue;
      }
      sendJob(slot, pending, this.options);
    }
  }
}
