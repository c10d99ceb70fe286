import { ServeError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import { isFinished, type Prediction } from "./prediction.js";
import { PredictionJournal } from "./prediction-journal.js";
import type { PredictionStore } from "./prediction-store.js";

export interface JournalReplayOptions {
  dir: string;
  log: Logger;
  /** Where replayed predictions go; its limits hold while replaying. */
  store: PredictionStore;
  /** For tests: when the journal compacts itself while running. */
  compactAtBytes?: number | undefined;
}

/**
 * Opens the journal in `dir` and folds it into `store`; returns the journal
 * and the predictions a crash left unfinished, to re-run. Throws when `dir`
 * cannot be used.
 */
export function replayJournal({ dir, log, store, compactAtBytes }: JournalReplayOptions): {
  journal: PredictionJournal;
  unfinished: Prediction[];
} {
  const opened = PredictionJournal.open({
    dir,
    log,
    compactAtBytes,
    // Folded straight into the store, so its limits hold while replaying a large journal.
    replay: (entry) => {
      if (entry.op === "create") {
        store.set(entry.prediction);
        return true;
      }
      const current = store.get(entry.id);
      if (current) store.set({ ...current, ...entry.changes });
      return current !== undefined;
    },
    snapshot: () => store.all(),
  });
  const kept = store.all();
  const unfinished = kept.filter((p) => !isFinished(p.status));
  log.info(
    {
      journal: dir,
      kept: kept.length,
      rerun: unfinished.length,
      skipped_lines: opened.skippedLines,
    },
    "async prediction journal replayed",
  );
  return { journal: opened.journal, unfinished };
}

/** A journal that could not be written: 503 to retry when the disk is full, else 500. */
export function journalWriteError(error: unknown): ServeError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new ServeError(
      "OVERLOADED",
      `could not write the prediction journal: its disk is full (${code}); retry later`,
      { cause: error, retryAfterSeconds: 30 },
    );
  }
  return new ServeError("INTERNAL", "could not write the prediction journal", { cause: error });
}
