import { createReadStream } from "node:fs";
import { type FileHandle, mkdir, open, stat, truncate } from "node:fs/promises";
import { dirname } from "node:path";
import { BatchInputError } from "./batch-input-error.js";

/** One line of a batch's output: a row's output, or its error. */
export type BatchLine =
  | { id: string | number; output: unknown; predict_time: number }
  | {
      id: string | number;
      error: { code: string; message: string };
      predict_time?: number;
    };

/** How often {@link BatchOutput} makes written lines durable. */
export interface BatchOutputOptions {
  /** Write and fsync once this many lines wait. @default 32 */
  groupSize?: number;
  /** … or once the oldest waiting line is this old. @default 200 */
  flushMs?: number;
}

const NEWLINE = 0x0a;

/**
 * A batch's append-only JSONL output. Opening it reads the ids already
 * there (a rerun skips them) and cuts off a torn last line: a line without
 * its newline was cut short by a kill, so it is dropped, and its row runs
 * again. Lines are written and fsync'd in small groups, so a kill at any
 * moment loses at most the last group, which the rerun redoes.
 *
 * @example
 * const output = await BatchOutput.open("out.jsonl");
 * if (!output.done.has("7")) output.write({ id: 7, output: { text: "hi" }, predict_time: 0.01 });
 * await output.close();
 */
export class BatchOutput {
  /** Ids already in the file (as text), each with whether its line is an error. */
  readonly done: ReadonlyMap<string, { failed: boolean }>;
  /** Bytes of a torn last line that opening cut off (0 when the file ended cleanly). */
  readonly tornBytes: number;
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private writeError: Error | undefined;

  private constructor(
    private readonly file: FileHandle,
    private readonly path: string,
    private readonly options: Required<BatchOutputOptions>,
    done: Map<string, { failed: boolean }>,
    tornBytes: number,
  ) {
    this.done = done;
    this.tornBytes = tornBytes;
  }

  /** Why the file could not be written, once that happened: the batch should stop. */
  get failure(): Error | undefined {
    return this.writeError;
  }

  /** Opens (or creates, with its folder) the output at `path`. */
  static async open(path: string, options: BatchOutputOptions = {}): Promise<BatchOutput> {
    const found = await stat(path).catch(() => undefined);
    if (found?.isDirectory()) {
      throw new BatchInputError(`output ${path} is a folder; give a file, e.g. ${path}/out.jsonl`);
    }
    await mkdir(dirname(path), { recursive: true });
    const { done, cleanBytes } = found ? await readDone(path) : { done: new Map(), cleanBytes: 0 };
    const tornBytes = (found?.size ?? 0) - cleanBytes;
    if (tornBytes > 0) await truncate(path, cleanBytes);
    const file = await open(path, "a");
    return new BatchOutput(
      file,
      path,
      { groupSize: options.groupSize ?? 32, flushMs: options.flushMs ?? 200 },
      done,
      tornBytes,
    );
  }

  /** Queues a line; it is written (and fsync'd) with its group. */
  write(line: BatchLine): void {
    this.pending.push(`${JSON.stringify(line)}\n`);
    // A failed write shows in `failure` and rejects the next awaited flush or close.
    const flushInBackground = () => this.flush().catch(() => {});
    if (this.pending.length >= this.options.groupSize) void flushInBackground();
    else this.timer ??= setTimeout(flushInBackground, this.options.flushMs);
  }

  /** Writes and fsyncs what is queued; rejects when the file cannot be written. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const group = this.pending.join("");
    this.pending = [];
    if (group !== "") {
      this.writing = this.writing.then(async () => {
        if (this.writeError) return;
        try {
          await this.file.write(group);
          await this.file.datasync();
        } catch (error) {
          this.writeError = new Error(`cannot write ${this.path}: ${(error as Error).message}`, {
            cause: error,
          });
        }
      });
    }
    await this.writing;
    if (this.writeError) throw this.writeError;
  }

  /** Flushes what is queued and closes the file. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.file.close();
    }
  }
}

/**
 * The ids of the complete lines of an output file, and how many bytes those
 * lines take: whatever follows the last newline is a torn line. A complete
 * line that is not a row's JSON (edited by hand) is ignored.
 */
async function readDone(
  path: string,
): Promise<{ done: Map<string, { failed: boolean }>; cleanBytes: number }> {
  const done = new Map<string, { failed: boolean }>();
  let carry: Buffer[] = [];
  let cleanBytes = 0;
  let offset = 0;
  const take = (line: Buffer) => {
    const row = parseLine(line);
    if (row) done.set(String(row.id), { failed: row.failed });
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, start)) {
      take(Buffer.concat([...carry, chunk.subarray(start, at)]));
      carry = [];
      cleanBytes = offset + at + 1;
      start = at + 1;
    }
    if (start < chunk.length) carry.push(chunk.subarray(start));
    offset += chunk.length;
  }
  return { done, cleanBytes };
}

function parseLine(line: Buffer): { id: string | number; failed: boolean } | undefined {
  try {
    const row = JSON.parse(line.toString("utf8")) as { id?: unknown; error?: unknown };
    if (typeof row.id !== "string" && typeof row.id !== "number") return undefined;
    return { id: row.id, failed: row.error !== undefined };
  } catch {
    return undefined;
  }
}
