import { BatchInputError } from "./batch-input-error.js";
import type { BatchRow } from "./batch-row.js";
import type { RowSource } from "./batch-rows.js";
import { inShard, type Shard } from "./shard.js";

/** What a batch will do, counted before the first row runs. */
export interface BatchPlan {
  /** Rows of the input in this shard. */
  rows: number;
  /** Of those, rows already in the output (skipped). */
  skipped: number;
  /** Of the skipped, rows whose line is an error. */
  previouslyFailed: number;
  /** Rows to run now. */
  toRun: number;
}

/** Which rows a batch runs: in its shard, not yet in the output. */
export interface RowFilter {
  shard: Shard | undefined;
  done: ReadonlyMap<string, { failed: boolean }>;
}

/**
 * Reads every row's id once (no input is built) to count the work and to
 * check that ids are unique: they decide what a rerun skips and where a
 * row's shard is, so two rows with one id would make one of them vanish.
 */
export async function planBatch(source: RowSource, filter: RowFilter): Promise<BatchPlan> {
  const seen = new Map<string, string>();
  const plan: BatchPlan = { rows: 0, skipped: 0, previouslyFailed: 0, toRun: 0 };
  for await (const row of source.rows()) {
    const key = String(row.id);
    const before = seen.get(key);
    if (before !== undefined) {
      throw new BatchInputError(
        `${before} and ${row.where} of ${source.path} both have id ${JSON.stringify(row.id)}; ids must be unique (a rerun skips the ids already in the output)`,
      );
    }
    seen.set(key, row.where);
    if (!inShard(row.id, filter.shard)) continue;
    plan.rows++;
    const done = filter.done.get(key);
    if (!done) plan.toRun++;
    else {
      plan.skipped++;
      if (done.failed) plan.previouslyFailed++;
    }
  }
  return plan;
}

/** The rows a batch runs, read lazily in input order. */
export async function* rowsToRun(source: RowSource, filter: RowFilter): AsyncGenerator<BatchRow> {
  for await (const row of source.rows()) {
    if (inShard(row.id, filter.shard) && !filter.done.has(String(row.id))) yield row;
  }
}
