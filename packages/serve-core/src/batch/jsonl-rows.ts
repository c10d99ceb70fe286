import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { ServeError } from "../errors.js";
import { type BatchRow, failingRow } from "./batch-row.js";
import { type RowInputOptions, rowInput } from "./row-input.js";

/**
 * The rows of a JSONL file, one JSON object per line; blank lines are
 * skipped but counted, so a row's number is its line in the file. A line
 * that is not a JSON object still is a row (with its line number as id),
 * whose input rejects: it becomes an error line, not an abort.
 */
export async function* jsonlRows(path: string, build: RowInputOptions): AsyncGenerator<BatchRow> {
  const lines = createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let number = 0;
  for await (const line of lines) {
    number++;
    if (line.trim() === "") continue;
    yield jsonlRow(line, number, build);
  }
}

function jsonlRow(line: string, number: number, build: RowInputOptions): BatchRow {
  const where = `line ${number}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    return failingRow(
      number,
      where,
      new ServeError(
        "MALFORMED_REQUEST",
        `${where} is not valid JSON (${(error as Error).message}); each line must be one JSON object`,
      ),
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    const got = parsed === null ? "null" : Array.isArray(parsed) ? "an array" : typeof parsed;
    return failingRow(
      number,
      where,
      new ServeError(
        "INVALID_INPUT",
        `${where} must be a JSON object of input fields, e.g. {"text": "hi"}; got ${got}`,
      ),
    );
  }
  const own = parsed as Record<string, unknown>;
  const id = rowId(own.id, number);
  if (id === undefined) {
    return failingRow(
      number,
      where,
      new ServeError(
        "INVALID_INPUT",
        `\`id\` on ${where} must be a non-empty string or a number, got ${JSON.stringify(own.id)}`,
        { details: [{ path: ["id"], message: "must be a non-empty string or a number" }] },
      ),
    );
  }
  return { id, where, input: () => rowInput(own, build) };
}

/** A row's own `id`, else its number; undefined when its `id` cannot be one. */
export function rowId(value: unknown, number: number): string | number | undefined {
  if (value === undefined || value === null) return number;
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  return undefined;
}
