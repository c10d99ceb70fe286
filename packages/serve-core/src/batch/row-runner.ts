import type { ServeError } from "../errors.js";
import type { RowFields } from "../input/input-fields.js";

/** How one row ended: its output, or the error that belongs in its line. */
export type RowResult =
  | { ok: true; output: unknown /** Seconds the prediction ran. */; predictTime: number }
  | { ok: false; error: ServeError; predictTime?: number };

/**
 * Runs rows somewhere: in this process through a ModelRuntime, or on running
 * servers. A row's own failure (bad input, the predictor threw) resolves as
 * a failed {@link RowResult}; anything that says nothing about the row
 * (shutting down, servers unreachable) rejects, stopping the batch without
 * writing that row, so a rerun runs it.
 */
export interface RowRunner {
  /** What the rows' fields are: how CSV cells are coerced, which values are files. */
  fields: RowFields;
  /** Rows to keep in flight by default, so the model never waits for the next one. */
  concurrency: number;
  run(input: Record<string, unknown>, id: string | number, signal: AbortSignal): Promise<RowResult>;
}

/** Errors that say the service is not taking work now, not that the row is bad. */
export const NOT_ABOUT_THE_ROW = new Set(["OVERLOADED", "NOT_READY", "DRAINING", "CLIENT_CLOSED"]);
