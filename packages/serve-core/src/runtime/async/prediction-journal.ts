import {
  closeSync,
  existsSync,
  fdatasync,
  fsyncSync,
  openSync,
  renameSync,
  write,
  writeSync,
} from "node:fs";
import { open, rename } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Logger } from "../../logger.js";
import { ensureJournalDirectory } from "./journal-directory.js";
import { journalLines } from "./journal-lines.js";
import type { Prediction } from "./prediction.js";

const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);

/** One line of the journal: a prediction as accepted, or changes to one. */
export type JournalEntry =
  | { op: "create"; prediction: Prediction }
  | { op: "update"; id: string; changes: Partial<Prediction> };

/** The journal's file inside `journalDir`. */
export const JOURNAL_FILE = "predictions.jsonl";

/** Compaction while running starts once the file has grown past this, and past twice its last compacted size. */
const DEFAULT_COMPACT_AT_BYTES = 64 * 1024 * 1024;

/** Longest line replayed; a longer one (no request body comes near it) is skipped unread. */
const MAX_LINE_BYTES = 256 * 1024 * 1024;

export interface PredictionJournalOptions {
  /** Directory of the journal, created if missing. */
  dir: string;
  /** Applies one replayed entry to the caller's state; false when it did not apply (an update to an id not kept). */
  replay: (entry: JournalEntry) => boolean;
  /** The predictions to keep now: what a compaction writes, one line each. */
  snapshot: () => Prediction[];
  log: Logger;
  /** @default {@link DEFAULT_COMPACT_AT_BYTES} */
  compactAtBytes?: number;
}

/**
 * An append-only JSON-lines file of async predictions. Every append is written
 * whole and fsync'd before it resolves, so an accepted prediction survives a
 * crash; {@link PredictionJournal.open} streams it back line by line, whatever
 * its size, and compacts it to one line per prediction kept. It compacts
 * itself again while running, once it has doubled in size.
 */
export class PredictionJournal {
  private fd: number;
  private readonly path: string;
  private readonly options: PredictionJournalOptions;
  private readonly compactAtBytes: number;
  private tail: Promise<void> = Promise.resolve();
  private closed = false;
  /** Bytes in the file now, and just after the last compaction. */
  private bytes: number;
  private compactedBytes: number;
  /** A failed append may have left part of a line: the next one starts on a fresh line. */
  private torn = false;

  private constructor(fd: number, bytes: number, path: string, options: PredictionJournalOptions) {
    this.fd = fd;
    this.bytes = bytes;
    this.compactedBytes = bytes;
    this.path = path;
    this.options = options;
    this.compactAtBytes = options.compactAtBytes ?? DEFAULT_COMPACT_AT_BYTES;
  }

  /**
   * Streams the journal in `dir` through `replay`, then rewrites the file with
   * `snapshot()` (atomically: temp file, fsync, rename). Synchronous: it runs
   * once, at start-up, before requests are taken.
   */
  static open(options: PredictionJournalOptions): {
    journal: PredictionJournal;
    skippedLines: number;
  } {
    ensureJournalDirectory(options.dir);
    const path = join(options.dir, JOURNAL_FILE);
    let skippedLines = 0;
    if (existsSync(path)) {
      for (const line of journalLines(path, MAX_LINE_BYTES)) {
        const entry = line === undefined ? undefined : parseEntry(line);
        if (entry === null) continue;
        if (entry === undefined) skippedLines++;
        else options.replay(entry);
      }
    }
    const bytes = writeCompacted(path, options.snapshot());
    const journal = new PredictionJournal(openSync(path, "a"), bytes, path, options);
    return { journal, skippedLines };
  }

  /**
   * Appends one entry; resolves once it is on disk. Appends are written in
   * call order. A short write is continued; a failed one (a full disk) rejects,
   * and the next append begins with a newline so it is never glued to the torn line.
   */
  append(entry: JournalEntry): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the prediction journal is closed"));
    const json = JSON.stringify(entry);
    const done = this.tail.then(async () => {
      const line = Buffer.from(`${this.torn ? "\n" : ""}${json}\n`);
      this.torn = true;
      for (let offset = 0; offset < line.length; ) {
        const { bytesWritten } = await writeAsync(this.fd, line, offset, line.length - offset);
        offset += bytesWritten;
        this.bytes += bytesWritten;
      }
      await fdatasyncAsync(this.fd);
      this.torn = false;
    });
    // A failed append must not stop the ones after it.
    this.tail = done.catch(() => {}).then(() => this.compactIfGrown());

    return done;
  }

  /** Waits for pending appends, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    closeSync(this.fd);
  }

  /**
   * Rewrites the file with just the predictions kept once it has grown past
   * `compactAtBytes` and twice its last compacted size. It runs in the append
   * chain, so no append interleaves; lines queued after it re-apply changes
   * the snapshot already holds, which replays to the same state.
   */
  private async compactIfGrown(): Promise<void> {
    if (this.closed || this.bytes < Math.max(this.compactAtBytes, 2 * this.compactedBytes)) return;
    try {
      // Written with awaits, so a large journal does not stall requests while it is rewritten.
      const bytes = await writeCompactedAsync(this.path, this.options.snapshot());
      const fd = openSync(this.path, "a");
      closeSync(this.fd);
      this.fd = fd;
      this.bytes = bytes;
      this.compactedBytes = bytes;
      this.torn = false;
      this.options.log.info({ journal: this.path, bytes }, "prediction journal compacted");
    } catch (error) {
      // The old file is still whole (the rename is the last step): keep appending to it.
      this.compactedBytes = this.bytes;
      this.options.log.warn(
        { err: error, journal: this.path },
        "could not compact the prediction journal",
      );
    }
  }
}

/** A journal entry, `undefined` for a line that is not one (torn, corrupt), `null` for a blank line. */
function parseEntry(line: string): JournalEntry | undefined | null {
  if (line.trim() === "") return null;
  try {
    const entry = JSON.parse(line) as JournalEntry;
    return entry.op === "create" || entry.op === "update" ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** One prediction as the single line a compacted journal holds for it. */
function compactedLine(prediction: Prediction): Buffer {
  return Buffer.from(`${JSON.stringify({ op: "create", prediction })}\n`);
}

/** Writes `predictions` to `path` as create lines, atomically (temp file, fsync, rename); returns the file's size. */
function writeCompacted(path: string, predictions: Prediction[]): number {
  const compacted = `${path}.tmp`;
  const tmp = openSync(compacted, "w");
  let bytes = 0;
  try {
    for (const prediction of predictions) {
      const line = compactedLine(prediction);
      for (let offset = 0; offset < line.length; ) {
        offset += writeSync(tmp, line, offset, line.length - offset);
      }
      bytes += line.length;
    }
    fsyncSync(tmp);
  } finally {
    closeSync(tmp);
  }
  renameSync(compacted, path);
  syncDirectory(join(path, ".."));
  return bytes;
}

/** {@link writeCompacted} for a running server: the same file, written without blocking. */
async function writeCompactedAsync(path: string, predictions: Prediction[]): Promise<number> {
  const compacted = `${path}.tmp`;
  const tmp = await open(compacted, "w");
  let bytes = 0;
  try {
    for (const prediction of predictions) {
      const line = compactedLine(prediction);
      // writeFile writes the whole buffer at the current position, after the lines before it.
      await tmp.writeFile(line);
      bytes += line.length;
    }
    await tmp.sync();
  } finally {
    await tmp.close();
  }
  await rename(compacted, path);
  syncDirectory(join(path, ".."));
  return bytes;
}

/** Makes a rename durable (a no-op where directories cannot be opened, e.g. Windows). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Best effort.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
