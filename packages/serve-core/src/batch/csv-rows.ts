import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { ServeError } from "../errors.js";
import { BatchInputError } from "./batch-input-error.js";
import { type BatchRow, failingRow } from "./batch-row.js";
import { type RowInputOptions, rowInput } from "./row-input.js";

/**
 * The rows of a CSV (or TSV) file whose header names the input fields (and
 * optionally `id`). Cells are coerced through the input schema as
 * `-i key=value` is ("0.5" → 0.5, "true" → true, enum names stay text);
 * an empty cell leaves its field out, so its default applies. A row is
 * numbered from 1 after the header. A header naming no input, or CSV that
 * cannot be parsed, is a {@link BatchInputError}; a row with the wrong
 * number of cells is an error line.
 */
export function csvRows(
  path: string,
  delimiter: string,
  build: RowInputOptions,
): () => AsyncGenerator<BatchRow> {
  return async function* rows() {
    // Loaded here: only batch jobs over CSV files need it.
    const { parse } = await import("csv-parse");
    const parser = createReadStream(path).pipe(
      parse({ bom: true, delimiter, relax_column_count: true, skip_empty_lines: true }),
    );
    let header: string[] | undefined;
    let number = 0;
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        if (!header) {
          header = checkedHeader(record, path, build);
          continue;
        }
        number++;
        yield csvRow(record, header, number, build);
      }
    } catch (error) {
      if (error instanceof BatchInputError) throw error;
      throw new BatchInputError(
        `${basename(path)} is not valid CSV: ${(error as Error).message}; fix it and run again`,
      );
    }
  };
}

function checkedHeader(record: string[], path: string, build: RowInputOptions): string[] {
  const header = record.map((name) => name.trim());
  const known = new Set([...build.fields.names, "id"]);
  const unknown = header.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new BatchInputError(
      `${basename(path)}'s header names ${unknown.map((n) => `\`${n}\``).join(", ")}, which ${unknown.length > 1 ? "are no inputs" : "is no input"}; the columns may be: id, ${build.fields.names.join(", ")}`,
    );
  }
  const twice = header.filter((name, i) => header.indexOf(name) !== i);
  if (twice.length > 0) {
    throw new BatchInputError(`${basename(path)}'s header names \`${twice[0]}\` twice`);
  }
  return header;
}

function csvRow(
  record: string[],
  header: string[],
  number: number,
  build: RowInputOptions,
): BatchRow {
  const where = `row ${number}`;
  const idCell = record[header.indexOf("id")]?.trim();
  const id = idCell ? idCell : number;
  if (record.length !== header.length) {
    return failingRow(
      id,
      where,
      new ServeError(
        "INVALID_INPUT",
        `${where} has ${record.length} cells, the header ${header.length}; quote cells that hold the delimiter`,
      ),
    );
  }
  const own: Record<string, unknown> = {};
  for (const [i, name] of header.entries()) {
    const text = record[i]!;
    if (text === "") continue;
    const isFile = build.fields.fileFields.includes(name);
    own[name] =
      isFile || (name === "id" && !build.fields.names.includes("id"))
        ? text
        : build.fields.coerce(name, text);
  }
  return { id, where, input: () => rowInput(own, build) };
}
