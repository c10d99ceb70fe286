import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as Rotating from "rotating-file-stream";
import type { RotatingFileStream } from "rotating-file-stream";
import type { FileInput } from "../input/file-value.js";
import type { Logger } from "../logger.js";

/** Options of a {@link PredictionLog} (the `predictionLog` server option). */
export interface PredictionLogOptions {
  dir: string;
  sampleRate: number;
  keepFileBytes: boolean;
  maxFileBytes: number;
  maxFiles: number;
}

/** One line of the log, before it is written. */
export interface PredictionLogEntry {
  requestId: string;
  /** The input as the predictor got it, its files already {@link summarizeInput summarized}. */
  input: unknown;
  output?: unknown;
  error?: { code: string; message: string };
  predictMs?: number;
}

/**
 * A sample of one model-version's predictions, as JSONL under
 * `<dir>/<name>/<version>/predictions.jsonl`, rotated by size (the oldest
 * rotated files go past `maxFiles`): inputs and outputs collected for the
 * next training set. Files are written as their sha256, size and media type
 * unless `keepFileBytes`. Writing never fails a prediction: an error is
 * logged once and the log stops.
 */
export class PredictionLog {
  private readonly stream: RotatingFileStream;
  private broken = false;

  constructor(
    private readonly options: PredictionLogOptions,
    private readonly model: { name: string; version: string },
    private readonly log: Logger,
  ) {
    const dir = join(options.dir, model.name, model.version);
    mkdirSync(dir, { recursive: true });
    // Required here: only servers with a prediction log need it.
    const { createStream } = createRequire(import.meta.url)(
      "rotating-file-stream",
    ) as typeof Rotating;
    this.stream = createStream(
      (time, index) => (time ? `predictions.${index}.jsonl` : "predictions.jsonl"),
      {
        path: dir,
        size: `${Math.ceil(options.maxFileBytes / 1024)}K`,
        maxFiles: options.maxFiles,
        // The rotation library's list of rotated files, out of the way of `*.jsonl` readers.
        history: ".rotated-files",
      },
    );
    this.stream.on("error", (error) => this.fail(error));
  }

  /** Whether this prediction is in the sample (decided before it runs, so its files can be summarized first). */
  sampled(): boolean {
    return !this.broken && Math.random() < this.options.sampleRate;
  }

  /** The input with each file replaced by its summary, or its bytes as base64 with `keepFileBytes`. */
  summarizeInput(input: unknown): unknown {
    return mapFiles(input, (file) => ({
      sha256: createHash("sha256").update(file.data).digest("hex"),
      size: file.data.byteLength,
      media_type: file.mediaType,
      ...(file.filename ? { filename: file.filename } : {}),
      ...(this.options.keepFileBytes ? { base64: Buffer.from(file.data).toString("base64") } : {}),
    }));
  }

  write(entry: PredictionLogEntry): void {
    if (this.broken) return;
    const line = {
      time: new Date().toISOString(),
      request_id: entry.requestId,
      model: this.model.name,
      version: this.model.version,
      input: entry.input,
      ...(entry.error ? { error: entry.error } : { output: entry.output }),
      ...(entry.predictMs === undefined ? {} : { predict_time: entry.predictMs / 1000 }),
    };
    this.stream.write(`${JSON.stringify(line)}\n`);
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }

  private fail(error: unknown): void {
    if (this.broken) return;
    this.broken = true;
    this.log.error(
      { err: error, dir: this.options.dir },
      "prediction log cannot be written; it is off until restart",
    );
  }
}

function isFile(value: unknown): value is FileInput {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as FileInput).data instanceof Uint8Array &&
    typeof (value as FileInput).mediaType === "string"
  );
}

function mapFiles(value: unknown, summarize: (file: FileInput) => unknown, depth = 0): unknown {
  if (isFile(value)) return summarize(value);
  if (depth > 64 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => mapFiles(item, summarize, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, mapFiles(item, summarize, depth + 1)]),
  );
}
