import { resolve } from "node:path";
import { ServeError } from "../errors.js";
import type { ModelRuntime } from "../runtime/model-runtime.js";
import { BatchInputError } from "./batch-input-error.js";
import { BatchOutput, type BatchOutputOptions } from "./batch-output.js";
import { type BatchPlan, planBatch, type RowFilter, rowsToRun } from "./batch-plan.js";
import type { BatchRow } from "./batch-row.js";
import { openRows } from "./batch-rows.js";
import { type RemoteRowsOptions, remoteRowRunner } from "./remote-row-runner.js";
import type { RowResult, RowRunner } from "./row-runner.js";
import { runtimeRowRunner } from "./runtime-row-runner.js";
import { parseShard, type Shard } from "./shard.js";

/** What {@link runBatch} runs, where, and how. */
export interface BatchOptions {
  /** Runs the rows in this process (its setup is awaited); or give `urls`. */
  runtime?: ModelRuntime;
  /** Runs the rows on these running servers, in turn; or give `runtime`. */
  urls?: readonly string[];
  /** A `.jsonl` or `.csv` file, or a folder (one row per file). */
  input: string;
  /** The JSONL output; rows whose id it holds already are skipped. */
  output: string;
  /** Fields every row gets unless it has its own (`-i key=value`). @default {} */
  values?: Readonly<Record<string, unknown>>;
  /** The file field a folder's files go to. @default the only one */
  fileField?: string;
  /** Only this slice of the rows, by a hash of their ids: `"1/3"` or `{ index: 1, count: 3 }`. */
  shard?: Shard | string;
  /** Stop taking rows once more than this many have failed in this run. @default no limit */
  maxErrors?: number;
  /** Rows in flight at once. @default twice the runtime's capacity; 8 per server with `urls` */
  concurrency?: number;
  /** Aborting it stops the batch: nothing new starts, what runs is cancelled (and runs again on a rerun). */
  signal?: AbortSignal;
  /** Called when the batch starts and after each row. */
  onProgress?: (progress: BatchProgress) => void;
  /** Retries and fetch for `urls`. */
  remote?: Omit<RemoteRowsOptions, "urls">;
  /** How often the output is made durable. */
  durability?: BatchOutputOptions;
}

/** Where a batch stands. */
export interface BatchProgress extends BatchPlan {
  /** Rows of `toRun` finished in this run. */
  done: number;
  succeeded: number;
  failed: number;
  inFlight: number;
  elapsedMs: number;
  /** Rows finished per second in this run. */
  rate: number;
}

/** How a batch ended. */
export interface BatchSummary extends BatchProgress {
  /** Why it stopped before every row ran; undefined when none is left. */
  stopped: "max-errors" | "aborted" | undefined;
  /** Rows failed in the output: this run's and those from earlier runs. */
  failedInOutput: number;
  /** The output file, absolute. */
  output: string;
}

/**
 * Runs every row of a JSONL file, CSV file or folder through a predictor
 * and appends one JSON line per row to `output`: `{id, output,
 * predict_time}` or `{id, error: {code, message}}`. Resumable: rows whose
 * id is in the output already are skipped, so after a kill (even -9) the
 * same call goes on with no row lost or written twice. A bad row is an
 * error line, not an abort. Throws a {@link BatchInputError} for an
 * unusable input, output or option before any row runs.
 *
 * @example
 * const runtime = new ModelRuntime(predictor, { workers: 2 });
 * const summary = await runBatch({ runtime, input: "photos/", output: "detections.jsonl" });
 * console.log(`${summary.succeeded} ok, ${summary.failed} failed`);
 * await runtime.close();
 */
export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const { input, output: outputPath } = options;
  const shard = typeof options.shard === "string" ? parseShard(options.shard) : options.shard;
  checkOptions(options);
  const runner = await rowRunner(options);
  const source = await openRows(input, {
    fields: runner.fields,
    values: options.values,
    fileField: options.fileField,
  });
  const output = await BatchOutput.open(resolve(outputPath), options.durability);
  try {
    const filter: RowFilter = { shard, done: output.done };
    const plan = await planBatch(source, filter);
    if (options.runtime) await setUp(options.runtime);
    const run = new BatchRun(runner, output, plan, options);
    const concurrency = options.concurrency ?? runner.concurrency;
    await run.drive(rowsToRun(source, filter), concurrency);
    await output.flush();
    return run.summary(resolve(outputPath));
  } finally {
    await output.close();
  }
}

function checkOptions(options: BatchOptions): void {
  if (!options.runtime === !options.urls?.length) {
    throw new BatchInputError("give a runtime to run rows in this process, or urls of servers");
  }
  if (resolve(options.input) === resolve(options.output)) {
    throw new BatchInputError(`the output must not be the input (${options.input})`);
  }
  for (const [name, value, min] of [
    ["maxErrors", options.maxErrors, 0],
    ["concurrency", options.concurrency, 1],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
      throw new BatchInputError(`${name} must be a whole number ≥ ${min}, got ${value}`);
    }
  }
}

async function rowRunner(options: BatchOptions): Promise<RowRunner> {
  const { runtime } = options;
  if (runtime) return runtimeRowRunner(runtime);
  return remoteRowRunner({ ...options.remote, urls: options.urls ?? [] });
}

/** Waits for setup (after the input and output proved usable, so their mistakes show at once). */
async function setUp(runtime: ModelRuntime): Promise<void> {
  await runtime.ready;
  const { status, setup } = runtime.health();
  if (status === "SETUP_FAILED" || status === "DEFUNCT") {
    throw new Error(
      `setup of ${runtime.predictor.name} failed: ${setup.error}${setup.logs ? `\nsetup logs:\n${setup.logs}` : ""}`,
    );
  }
}

/** One run's counts, its concurrency, and when it stops. */
class BatchRun {
  private readonly started = performance.now();
  private done = 0;
  private succeeded = 0;
  private failed = 0;
  private inFlight = 0;
  private stopped: BatchSummary["stopped"];
  /** The first error that said nothing about a row (servers gone): rethrown at the end. */
  private fatal: unknown;
  /** Cancels rows in flight: the caller aborted, or a fatal error. */
  private readonly cancel = new AbortController();

  constructor(
    private readonly runner: RowRunner,
    private readonly output: BatchOutput,
    private readonly plan: BatchPlan,
    private readonly options: BatchOptions,
  ) {}

  /** Runs `rows` with `concurrency` in flight until they end or the run stops. */
  async drive(rows: AsyncGenerator<BatchRow>, concurrency: number): Promise<void> {
    const { signal } = this.options;
    const onAbort = () => {
      this.stopped ??= "aborted";
      this.cancel.abort(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) onAbort();
    this.report();
    try {
      const lane = async () => {
        while (!this.stopped && this.fatal === undefined) {
          const next = await rows.next();
          if (next.done || this.stopped || this.fatal !== undefined) return;
          await this.runRow(next.value);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
    } finally {
      signal?.removeEventListener("abort", onAbort);
      await rows.return(undefined);
    }
    if (this.fatal !== undefined) throw this.fatal;
  }

  summary(outputPath: string): BatchSummary {
    return {
      ...this.progress(),
      stopped: this.done < this.plan.toRun ? this.stopped : undefined,
      failedInOutput: this.plan.previouslyFailed + this.failed,
      output: outputPath,
    };
  }

  private async runRow(row: BatchRow): Promise<void> {
    this.inFlight++;
    const result = await this.attempt(row).finally(() => {
      this.inFlight--;
    });
    if (result) this.finish(row, result);
  }

  /** The row's result; undefined when it must not be written (cancelled, or not its fault). */
  private async attempt(row: BatchRow): Promise<RowResult | undefined> {
    try {
      return await this.runner.run(await rowInput(row), row.id, this.cancel.signal);
    } catch (error) {
      if (this.cancel.signal.aborted) return undefined;
      // Its input could not be built (not JSON, a missing file): the row's own error.
      if (error instanceof ServeError && error.status < 500) return { ok: false, error };
      // Not about the row (shutting down, servers gone): unwritten, so a rerun runs it.
      this.fatal ??= error;
      this.cancel.abort(error);
      return undefined;
    }
  }

  private finish(row: BatchRow, result: RowResult): void {
    const predictTime = round(result.predictTime);
    if (result.ok) {
      this.succeeded++;
      this.output.write({ id: row.id, output: result.output, predict_time: predictTime ?? 0 });
    } else {
      this.failed++;
      const { code, message } = result.error;
      this.output.write({
        id: row.id,
        error: { code, message },
        ...(predictTime === undefined ? {} : { predict_time: predictTime }),
      });
    }
    this.done++;
    if (this.output.failure) this.fatal ??= this.output.failure;
    const { maxErrors } = this.options;
    if (maxErrors !== undefined && this.failed > maxErrors) this.stopped ??= "max-errors";
    this.report();
  }

  private progress(): BatchProgress {
    const elapsedMs = performance.now() - this.started;
    return {
      ...this.plan,
      done: this.done,
      succeeded: this.succeeded,
      failed: this.failed,
      inFlight: this.inFlight,
      elapsedMs,
      rate: elapsedMs > 0 ? (this.done * 1000) / elapsedMs : 0,
    };
  }

  private report(): void {
    this.options.onProgress?.(this.progress());
  }
}

/** A row's input; a file that cannot be read is the row's error, whatever threw. */
async function rowInput(row: BatchRow): Promise<Record<string, unknown>> {
  try {
    return await row.input();
  } catch (error) {
    if (error instanceof ServeError) throw error;
    throw new ServeError("INVALID_INPUT", `cannot read ${row.where}: ${(error as Error).message}`);
  }
}

/** Seconds to 0.1 ms. */
function round(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.round(seconds * 10_000) / 10_000;
}

// The batch face's public surface, exported from the package through this file.
export { BatchInputError, isBatchInputError } from "./batch-input-error.js";
export type { BatchLine, BatchOutputOptions } from "./batch-output.js";
export type { BatchPlan } from "./batch-plan.js";
export type { RemoteRowsOptions } from "./remote-row-runner.js";
export type { Shard } from "./shard.js";
