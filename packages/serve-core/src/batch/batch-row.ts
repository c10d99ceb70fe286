import type { ServeError } from "../errors.js";

/** One row of a batch input, read lazily: its input is built only when it runs. */
export interface BatchRow {
  /** Its `id` field, else its line or row number (1-based), else its file name. */
  id: string | number;
  /** Where it is, for messages: "line 4", "row 3", "bus.jpg". */
  where: string;
  /**
   * The raw input, file fields read; rejects with a ServeError for a bad row
   * (not JSON, not an object, a missing file), which becomes its error line.
   */
  input(): Promise<Record<string, unknown>>;
}

/** A row that becomes an error line: `error` says what is wrong with it. */
export function failingRow(id: string | number, where: string, error: ServeError): BatchRow {
  return { id, where, input: () => Promise.reject(error) };
}
