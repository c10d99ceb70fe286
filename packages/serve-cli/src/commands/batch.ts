import { resolve } from "node:path";
import {
  type BatchProgress,
  type BatchSummary,
  configServeOptions,
  createLogger,
  isBatchInputError,
  type LogLevel,
  ModelRuntime,
  runBatch,
} from "@servekit/core";
import type { Command } from "commander";
import { batchProgressReporter } from "../batch-progress.js";
import { CliError, isConfigError, usageError } from "../cli-error.js";
import {
  fieldsFromJsonSchema,
  fieldsFromPredictor,
  type InputFields,
  parseInputArgs,
} from "../input-args.js";
import { loadModels } from "../load-models.js";
import { optionFlag } from "../option-flag.js";

export interface BatchCommandOptions {
  /** File, file:export or directory; ignored with `urls`. @default "." */
  target?: string;
  /** A .jsonl or .csv file, or a folder (one row per file). */
  input: string;
  /** The JSONL output (appended to; ids in it already are skipped). */
  output: string;
  /** `key=value` fields every row gets unless it has its own. */
  fields?: string[];
  /** Running servers to send the rows to, in turn, instead of running them here. */
  urls?: string[];
  /** `i/n`: only this slice of the rows. */
  shard?: string;
  maxErrors?: number;
  concurrency?: number;
  /** Worker threads of the in-process runtime (overrides serve.config.ts). */
  workers?: number | "auto";
  /** The file field a folder's files go to. */
  fileField?: string;
  logLevel?: LogLevel;
  cwd?: string;
  signal?: AbortSignal;
  onProgress?: (progress: BatchProgress) => void;
}

/**
 * Runs a batch: loads the target and runs its rows in this process (setup
 * first), or sends them to running servers with `urls`. Resolves with the
 * summary; an unusable input, output or flag is a usage error (exit 2).
 *
 * @example
 * const summary = await batch({ target: "examples/yolov5", input: "photos", output: "out.jsonl" });
 */
export async function batch(options: BatchCommandOptions): Promise<BatchSummary> {
  const cwd = options.cwd ?? process.cwd();
  const common = {
    input: resolve(cwd, options.input),
    output: resolve(cwd, options.output),
    shard: options.shard,
    maxErrors: options.maxErrors,
    concurrency: options.concurrency,
    fileField: options.fileField,
    signal: options.signal,
    onProgress: options.onProgress,
  };
  try {
    if (options.urls?.length) {
      const fields = options.fields?.length ? await remoteFields(options.urls[0]!) : undefined;
      const values = fields ? await parseInputArgs(options.fields ?? [], fields, cwd) : {};
      return await runBatch({ ...common, urls: options.urls, values });
    }
    const { models, config } = await loadModels([options.target ?? "."], cwd);
    const model = models[0]!;
    const values = await parseInputArgs(
      options.fields ?? [],
      fieldsFromPredictor(model.predictor),
      cwd,
    );
    const logLevel = options.logLevel ?? "fatal";
    const runtime = new ModelRuntime(model.predictor, {
      ...configServeOptions(config),
      ...model.serveOptions,
      ...model.options,
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      // Pool workers log on their own, at `logLevel`.
      logLevel,
      logger: createLogger({ level: logLevel, name: model.predictor.name, destination: "stderr" }),
      predictorModule: model.predictorModule,
    });
    try {
      return await runBatch({ ...common, runtime, values });
    } finally {
      await runtime.close();
    }
  } catch (error) {
    if (isBatchInputError(error)) throw usageError(error.message);
    if (error instanceof CliError || isConfigError(error)) throw error;
    // Setup failed, servers unreachable, the output unwritable: one readable line, exit 1.
    throw new CliError(error instanceof Error ? error.message : String(error), 1, { cause: error });
  }
}

/** The input fields of a running server, from its OpenAPI document (for `-i` with `--url`). */
async function remoteFields(url: string): Promise<InputFields> {
  const base = url.replace(/\/+$/, "");
  const res = await fetch(`${base}/openapi.json`).catch((error: unknown) => {
    throw new CliError(`cannot reach ${base}: ${(error as Error).cause ?? error}`);
  });
  const doc = (await res.json().catch(() => undefined)) as
    | { components?: { schemas?: Record<string, object> } }
    | undefined;
  const schema = doc?.components?.schemas?.Input;
  if (!res.ok || !schema) {
    throw new CliError(`${base}/openapi.json has no Input schema; is ${base} a servekit server?`);
  }
  return fieldsFromJsonSchema(schema);
}

interface BatchFlags {
  input: string;
  output: string;
  field: string[];
  url: string[];
  shard?: string;
  maxErrors?: number;
  concurrency?: number;
  workers?: number | "auto";
  fileField?: string;
  logLevel: LogLevel;
}

/** `serve-cli batch`. */
export function registerBatchCommand(program: Command): void {
  program
    .command("batch")
    .description("Run a predictor over a JSONL file, CSV file or folder; resumable JSONL output")
    .argument("[target]", "predictor file, file:export, or directory with serve.config.ts", ".")
    .requiredOption("--input <path>", "rows: a .jsonl or .csv file, or a folder (a row per file)")
    .requiredOption(
      "-o, --output <file>",
      "JSONL output, appended to; a rerun skips the ids already in it",
    )
    .option(
      "-i, --field <key=value>",
      "a field every row gets unless it has its own; repeat for more; key=@path reads a file",
      collect,
      [],
    )
    .option(
      "-u, --url <url>",
      "send rows to this running server instead of running them here; repeat to use several in turn",
      collect,
      [],
    )
    .option("--shard <i/n>", "run only slice i of n (0-based), split by a hash of the row ids")
    .option(
      "--max-errors <n>",
      "stop once more than n rows have failed",
      wholeNumber("--max-errors", 0),
    )
    .option(
      "--concurrency <n>",
      "rows in flight (default: twice the model's capacity; 8 per --url)",
      wholeNumber("--concurrency", 1),
    )
    .option(
      "-w, --workers <n>",
      'worker threads for predictions: 0 (inline), n, or "auto"',
      optionFlag("workers", "--workers"),
    )
    .option("--file-field <name>", "the file input a folder's files go to (default: the only one)")
    .option(
      "--log-level <level>",
      "log level of the model (logs go to stderr; rows' errors are in the output)",
      optionFlag("logLevel", "--log-level"),
      "fatal",
    )
    .addHelpText(
      "after",
      `
Each output line is {"id", "output", "predict_time"} or {"id", "error": {"code", "message"}}.
Exit code: 0 when every row succeeded, 1 when some failed or the batch stopped, 2 on usage errors.

Examples:
  $ serve-cli batch examples/yolov5 --input ../shared/images/more -o detections.jsonl
  $ serve-cli batch predictor.ts --input rows.csv -o out.jsonl -i count=3 --max-errors 10
  $ serve-cli batch --url http://10.0.0.5:8000 --url http://10.0.0.6:8000 --input rows.jsonl -o out.jsonl
  $ serve-cli batch . --input rows.jsonl -o out-1.jsonl --shard 1/3`,
    )
    .action(async (target: string, flags: BatchFlags) => {
      const reporter = batchProgressReporter();
      const stop = new AbortController();
      const onSignal = () => {
        reporter.note(
          "stopping: rows in flight are cancelled and run again next time (again: quit at once)",
        );
        stop.abort();
      };
      // Once: a second Ctrl-C gets Node's default, ending the process at once (the output stays valid).
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      let summary: BatchSummary;
      try {
        summary = await batch({
          target,
          input: flags.input,
          output: flags.output,
          fields: flags.field,
          urls: flags.url,
          shard: flags.shard,
          maxErrors: flags.maxErrors,
          concurrency: flags.concurrency,
          workers: flags.workers,
          fileField: flags.fileField,
          logLevel: flags.logLevel,
          signal: stop.signal,
          onProgress: (progress) => reporter.update(progress),
        });
      } catch (error) {
        reporter.stop();
        throw error;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
      reporter.finish(summary);
      if (summary.stopped === "aborted") throw new CliError("batch stopped before every row ran");
      if (summary.failedInOutput > 0 || summary.stopped) {
        const count = summary.failedInOutput;
        throw new CliError(
          `${count} ${count === 1 ? "row" : "rows"} failed (see their error lines)`,
        );
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function wholeNumber(flag: string, min: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < min) {
      throw usageError(`${flag} must be a whole number ≥ ${min}, got "${text}"`);
    }
    return value;
  };
}
