import {
  closeSync,
  existsSync,
  fdatasync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  write,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Prediction } from "./prediction.js";

const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);

/** One line of the journal: a prediction as accepted, or changes to one. */
export type JournalEntry =
  | { op: "create"; prediction: Prediction }
  | { op: "update"; id: string; changes: Partial<Prediction> };

/** The journal's file inside `journalDir`. */
export const JOURNAL_FILE = "predictions.jsonl";

/**
 * An append-only JSON-lines file of async predictions. Every append is
 * fsync'd before it resolves, so an accepted prediction survives a crash;
 * {@link PredictionJournal.open} replays it and compacts it to one line per
 * prediction still kept.
 */
export class PredictionJournal {
  private readonly fd: number;
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /**
   * Reads the journal in `dir` (created if missing), folds it into the last
   * state of each prediction, keeps those `keep` accepts, and rewrites the
   * file with just them. Synchronous: it runs once, at start-up.
   */
  static open(
    dir: string,
    keep: (predictions: Prediction[]) => Prediction[],
  ): { journal: PredictionJournal; predictions: Prediction[]; skippedLines: number } {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, JOURNAL_FILE);
    const { predictions, skippedLines } = existsSync(path)
      ? replay(readFileSync(path, "utf8"))
      : { predictions: [], skippedLines: 0 };
    const kept = keep(predictions);
    const compacted = `${path}.tmp`;
    const tmp = openSync(compacted, "w");
    try {
      const text = kept.map((p) => `${JSON.stringify({ op: "create", prediction: p })}\n`).join("");
      writeSync(tmp, text);
      fsyncSync(tmp);
    } finally {
      closeSync(tmp);
    }
    renameSync(compacted, path);
    syncDirectory(dir);
    return { journal: new PredictionJournal(openSync(path, "a")), predictions: kept, skippedLines };
  }

  /** Appends one entry; resolves once it is on disk. Appends are written in call order. */
  append(entry: JournalEntry): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the prediction journal is closed"));
    const line = `${JSON.stringify(entry)}\n`;
    const done = this.tail.then(async () => {
      await writeAsync(this.fd, line);
      await fdatasyncAsync(this.fd);
    });
    // A failed append must not stop the ones after it.
    this.tail = done.catch(() => {});
    return done;
  }

  /** Waits for pending appends, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    closeSync(this.fd);
  }
}

/** Folds journal lines into predictions; a torn last line (a crash mid-write) is skipped. */
function replay(text: string): { predictions: Prediction[]; skippedLines: number } {
  const byId = new Map<string, Prediction>();
  let skippedLines = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      skippedLines++;
      continue;
    }
    if (entry.op === "create") byId.set(entry.prediction.id, entry.prediction);
    else if (entry.op === "update") {
      const current = byId.get(entry.id);
      if (current) byId.set(entry.id, { ...current, ...entry.changes });
      else skippedLines++;
    } else skippedLines++;
  }
  return { predictions: [...byId.values()], skippedLines };
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
