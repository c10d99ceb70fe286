import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RowFields } from "../input/input-fields.js";
import { BatchInputError } from "./batch-input-error.js";
import type { BatchRow } from "./batch-row.js";

/**
 * The rows of a folder: one per file (sorted by name; hidden files and
 * subfolders left out), its name the id, its bytes the predictor's file
 * field, the other fields from `values`. Throws a {@link BatchInputError}
 * at once when the predictor has no file field, several and none chosen,
 * or a required field that `values` lacks.
 */
export function folderRows(
  dir: string,
  fields: RowFields,
  values: Readonly<Record<string, unknown>>,
  chosen: string | undefined,
): () => AsyncGenerator<BatchRow> {
  const field = fileFieldFor(fields, chosen);
  const missing = fields.required.filter((name) => name !== field && !(name in values));
  if (missing.length > 0) {
    throw new BatchInputError(
      `a folder gives each row only its file (\`${field}\`); give the other required input${missing.length > 1 ? "s" : ""} for every row: ${missing.map((n) => `-i ${n}=<value>`).join(" ")}`,
    );
  }
  return async function* rows() {
    const entries = await readdir(dir, { withFileTypes: true });
    const names = entries
      .filter((entry) => !entry.name.startsWith(".") && (entry.isFile() || entry.isSymbolicLink()))
      .map((entry) => entry.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      yield {
        id: name,
        where: name,
        input: async () => ({ ...values, [field]: await readFile(join(dir, name)) }),
      };
    }
  };
}

function fileFieldFor(fields: RowFields, chosen: string | undefined): string {
  if (chosen !== undefined) {
    if (fields.fileFields.includes(chosen)) return chosen;
    throw new BatchInputError(
      `\`${chosen}\` is no file input; the file inputs are: ${fields.fileFields.join(", ") || "(none)"}`,
    );
  }
  const [only, ...others] = fields.fileFields;
  if (only === undefined) {
    throw new BatchInputError(
      "a folder input needs a predictor with a file() or image() input; this one has none: give a .jsonl or .csv file instead",
    );
  }
  if (others.length > 0) {
    throw new BatchInputError(
      `the predictor has several file inputs (${fields.fileFields.join(", ")}); choose the one a folder's files go to (fileField, --file-field)`,
    );
  }
  return only;
}
