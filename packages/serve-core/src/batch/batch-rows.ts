import { stat } from "node:fs/promises";
import { dirname, extname, resolve } from "node:path";
import type { RowFields } from "../input/input-fields.js";
import { BatchInputError } from "./batch-input-error.js";
import type { BatchRow } from "./batch-row.js";
import { csvRows } from "./csv-rows.js";
import { folderRows } from "./folder-rows.js";
import { jsonlRows } from "./jsonl-rows.js";
import type { RowInputOptions } from "./row-input.js";

/** The kinds of batch input. */
export type RowSourceKind = "jsonl" | "csv" | "folder";

/** A batch input that can be read as rows, any number of times. */
export interface RowSource {
  kind: RowSourceKind;
  /** Absolute path of the file or folder. */
  path: string;
  rows(): AsyncIterable<BatchRow>;
}

/** What {@link openRows} needs beyond the path. */
export interface OpenRowsOptions {
  fields: RowFields;
  /** Fields every row gets unless it has its own. @default {} */
  values?: Readonly<Record<string, unknown>>;
  /** The file field a folder's files go to. @default the predictor's only file field */
  fileField?: string | undefined;
}

const JSONL = new Set([".jsonl", ".ndjson"]);
const DELIMITED: Record<string, string> = { ".csv": ",", ".tsv": "\t" };

/**
 * Opens a batch input by what it is: a folder (one row per file), a JSONL
 * file (`.jsonl`, `.ndjson`: one JSON object per line) or a CSV file
 * (`.csv`, `.tsv`: a header row naming the input fields). Throws a
 * {@link BatchInputError} when it is none of these.
 *
 * @example
 * const source = await openRows("rows.csv", { fields: rowFieldsFromPredictor(predictor) });
 * for await (const row of source.rows()) console.log(row.id, await row.input());
 */
export async function openRows(path: string, options: OpenRowsOptions): Promise<RowSource> {
  const absolute = resolve(path);
  const found = await stat(absolute).catch(() => undefined);
  if (!found) {
    throw new BatchInputError(
      `${path} does not exist; give a .jsonl or .csv file, or a folder of files`,
    );
  }
  const values = options.values ?? {};
  if (found.isDirectory()) {
    return {
      kind: "folder",
      path: absolute,
      rows: folderRows(absolute, options.fields, values, options.fileField),
    };
  }
  const build: RowInputOptions = { fields: options.fields, values, baseDir: dirname(absolute) };
  const extension = extname(absolute).toLowerCase();
  if (JSONL.has(extension)) {
    return { kind: "jsonl", path: absolute, rows: () => jsonlRows(absolute, build) };
  }
  const delimiter = DELIMITED[extension];
  if (delimiter !== undefined) {
    return { kind: "csv", path: absolute, rows: csvRows(absolute, delimiter, build) };
  }
  throw new BatchInputError(
    `${path} is neither JSONL (.jsonl, .ndjson) nor CSV (.csv, .tsv) nor a folder; rename it or convert it`,
  );
}
