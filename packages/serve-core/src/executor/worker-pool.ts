import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { ServeError } from "../errors.js";
import type { Logger, LogLevel } from "../logger.js";
import type { MetricCall, PredictorMetrics } from "../metrics/predictor-metrics.js";
import type { Executor, ExecutorState, JobResult, PredictionJob } from "./executor.js";
import { POOL_WORKER_MARK } from "./pool-worker-context.js";
import { mergeSetupReports, pendingSetupReport, type SetupReport } from "./setup-report.js";
import { setWorkerOldSpaceFloor } from "./worker-heap.js";
import {
  type FromWorker,
  fromWireError,
  type ToWorker,
  transferables,
  type WorkerBoot,
} from "./worker-protocol.js";

export interface WorkerPoolOptions {
  /** URL of the module that exports the predictor. */
  moduleUrl: string;
  predictorName: string;
  /** Number of worker threads; each runs one prediction at a time. */
  size: number;
  log: Logger;
  logLevel: LogLevel;
  /** How long a worker may ignore an abort before it is terminated and replaced. */
  abortGraceMs: number;
  /** See `setWorkerOldSpaceFloor`; 0 leaves the workers the command line's size, or V8's default. */
  oldSpaceMb: number;
  /** Replays the `ctx.metrics` calls workers forward. */
  predictorMetrics: PredictorMetrics;
}

interface PendingJob {
  id: number;
  job: PredictionJob;
  resolve: (result: JobResult) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  index: number;
  worker: Worker;
  ready: boolean;
  setup: SetupReport;
  current: PendingJob | undefined;
  killTimer: NodeJS.Timeout | undefined;
  /** Removes the current job's abort listener: the job's signal can outlive the job. */
  stopListening: (() => void) | undefined;
}

/**
 * A pool of `worker_threads`, each importing the predictor module and running
 * setup once, so CPU-bound predictions never block the HTTP thread. A worker
 * that dies is replaced; the prediction it was running fails with 500.
 */
export class WorkerPool implements Executor {
  readonly capacity: number;
  private readonly slots: Slot[] = [];
  private readonly queue: PendingJob[] = [];
  private nextId = 1;
  private closing = false;
  private setupFailed = false;
  private firstStart: Promise<void> | undefined;
  private started = false;

  constructor(private readonly options: WorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new TypeError(`workers must be a whole number ≥ 1, got ${options.size}`);
    }
    this.capacity = options.size;
  }

  get state(): ExecutorState {
    if (this.setupFailed) return "SETUP_FAILED";
    return this.slots.length === this.capacity && this.slots.every((s) => s.ready)
      ? "READY"
      : "STARTING";
  }

  get accepting(): boolean {
    return this.started && !this.setupFailed && !this.closing;
  }

  get setup(): SetupReport {
    return this.slots.length === 0
      ? pendingSetupReport()
      : mergeSetupReports(this.slots.map((s) => s.setup));
  }

  start(): Promise<void> {
    this.firstStart ??= this.startWorkers();
    return this.firstStart;
  }

  private async startWorkers(): Promise<void> {
    // Before the first worker exists: V8 reads the flag when each isolate is created.
    setWorkerOldSpaceFloor(this.options.oldSpaceMb);
    await Promise.all(Array.from({ length: this.capacity }, (_, index) => this.spawn(index)));
    this.started = true;
  }

  run(job: PredictionJob): Promise<JobResult> {
    if (this.closing) return Promise.reject(new ServeError("NOT_READY", "server is shutting down"));
    return new Promise<JobResult>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const pending of this.queue.splice(0)) {
      pending.reject(new ServeError("NOT_READY", "server is shutting down"));
    }
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  /** Starts worker `index` (again, after a crash); resolves when its setup has finished. */
  private spawn(index: number): Promise<void> {
    const boot: WorkerBoot = {
      [POOL_WORKER_MARK]: true,
      moduleUrl: this.options.moduleUrl,
      predictorName: this.options.predictorName,
      workerIndex: index,
      logLevel: this.options.logLevel,
    };
    const worker = startWorker(boot);
    const slot: Slot = {
      index,
      worker,
      ready: false,
      setup: { ...pendingSetupReport(), started_at: new Date().toISOString() },
      current: undefined,
      killTimer: undefined,
      stopListening: undefined,
    };
    this.slots[index] = slot;
    return new Promise<void>((resolve) => {
      worker.on("message", (message: FromWorker) => {
        if (message.type === "metric") {
          this.recordMetric(message.call, index);
          return;
        }
        if (message.type === "setup") {
          slot.setup = message.report;
          slot.ready = message.report.status === "succeeded";
          if (!slot.ready) this.setupFailed = true;
          resolve();
          this.dispatch();
          return;
        }
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

  private finish(slot: Slot, message: Extract<FromWorker, { type: "result" | "failure" }>): void {
    const pending = slot.current;
    if (!pending || pending.id !== message.id) return;
    this.release(slot);
    if (message.type === "result") pending.resolve({ output: message.output, logs: message.logs });
    else pending.reject(fromWireError(message.error));
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
    if (this.slots[slot.index] !== slot) return;
    const pending = slot.current;
    this.release(slot);
    slot.ready = false;
    if (this.closing) return;
    pending?.reject(
      new ServeError(
        "WORKER_CRASHED",
        `the worker running this prediction stopped (exit code ${exitCode}); it has been replaced`,
      ),
    );
    if (slot.setup.status === "succeeded") {
      this.options.log.warn({ worker: slot.index, exitCode }, "worker thread exited; replacing it");
      void this.spawn(slot.index);
    } else if (slot.setup.status === "starting") {
      this.setupFailed = true;
      slot.setup = {
        ...slot.setup,
        status: "failed",
        completed_at: new Date().toISOString(),
        error: slot.setup.error ?? `worker exited with code ${exitCode} during setup`,
      };
    }
  }

  private release(slot: Slot): void {
    if (slot.killTimer) clearTimeout(slot.killTimer);
    slot.killTimer = undefined;
    slot.stopListening?.();
    slot.stopListening = undefined;
    slot.current = undefined;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot?.ready || slot.current) continue;
      const pending = this.queue.shift()!;
      if (pending.job.signal.aborted) {
        pending.reject(pending.job.signal.reason);
        continue;
      }
      const { input, requestId, signal } = pending.job;
      const message: ToWorker = {
        type: "run",
        id: pending.id,
        input,
        requestId,
        batch: pending.job.batch,
        stream: pending.job.onChunk !== undefined,
      };
      try {
        slot.worker.postMessage(message, transferables(input));
      } catch (error) {
        // e.g. a DataCloneError: the input holds something that can't cross threads.
        pending.reject(error);
        continue;
      }
      slot.current = pending;
      const onAbort = () => this.abort(slot, pending.id);
      signal.addEventListener("abort", onAbort, { once: true });
      slot.stopListening = () => signal.removeEventListener("abort", onAbort);
    }
  }

  /** Tells the worker to abort; if it has not stopped after the grace period, replaces it. */
  private abort(slot: Slot, id: number): void {
    if (slot.current?.id !== id) return;
    const message: ToWorker = { type: "abort", id };
    slot.worker.postMessage(message);
    slot.killTimer = setTimeout(() => {
      if (slot.current?.id !== id) return;
      this.options.log.warn(
        { worker: slot.index, graceMs: this.options.abortGraceMs },
        "prediction ignored its abort signal; terminating its worker",
      );
      void slot.worker.terminate();
    }, this.options.abortGraceMs);
    slot.killTimer.unref();
  }
}

/** The worker entry beside this module: built `.js` in dist, `.ts` when run from source. */
function workerEntry(): URL {
  const built = new URL("./worker-main.js", import.meta.url);
  return existsSync(fileURLToPath(built)) ? built : new URL("./worker-main.ts", import.meta.url);
}

const TYPESCRIPT = /\.(c|m)?tsx?$/;

// Registers tsx inside the worker before importing the entry: on Node 20 the
// tsx loader inherited through execArgv only registers on the main thread.
const TS_BOOTSTRAP = `
const { workerData } = await import("node:worker_threads");
const api = await import(workerData.tsxApi);
(api.register ?? api.default.register)();
await import(workerData.entry);
`;

/** Starts a worker thread on the entry, through tsx when TypeScript must be loaded. */
function startWorker(boot: WorkerBoot): Worker {
  const entry = workerEntry();
  const needsTypeScript = TYPESCRIPT.test(entry.pathname) || TYPESCRIPT.test(boot.moduleUrl);
  if (!needsTypeScript) return new Worker(entry, { workerData: boot });
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(TS_BOOTSTRAP)}`), {
    workerData: {
      ...boot,
      entry: entry.href,
      tsxApi: pathToFileURL(resolveTsxApi(boot.moduleUrl)).href,
    },
  });
}

function resolveTsxApi(moduleUrl: string): string {
  // Set by serve-cli, which carries tsx itself.
  if (process.env.SERVEKIT_TSX_API) return process.env.SERVEKIT_TSX_API;
  for (const base of [import.meta.url, pathToFileURL(`${process.cwd()}/`).href]) {
    try {
      // The ESM build of tsx's register API, as its package.json exports map names it.
      const manifest = createRequire(base).resolve("tsx/package.json");
      const exportsMap = JSON.parse(readFileSync(manifest, "utf8")).exports["./esm/api"];
      return join(dirname(manifest), exportsMap.import.default);
    } catch {
      // try the next place
    }
  }
  throw new ServeError(
    "INTERNAL",
    `worker threads need the "tsx" package to load TypeScript (${moduleUrl}); install it (npm i tsx) or point to built JavaScript`,
  );
}
