import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { invalidField } from "../errors.js";
import type { RowFields } from "../input/input-fields.js";

/** How a row's own fields become an input. */
export interface RowInputOptions {
  fields: RowFields;
  /** Fields every row gets unless it has its own (`-i key=value`). */
  values: Readonly<Record<string, unknown>>;
  /** Folder that relative file paths start from: the input file's. */
  baseDir: string;
}

/**
 * A row's raw input: `values` under the row's own fields, its `id` dropped
 * unless the predictor takes one, and each file field that names a file read
 * into bytes. A file value is a path when it starts with `@`, holds a `.`
 * (which base64 never does) or names a file that exists; data URLs and
 * anything else go to the schema as they are (base64). A path to nothing
 * rejects with 422 INVALID_INPUT naming the field.
 *
 * @example
 * await rowInput({ id: 7, image: "photos/cat.jpg" }, options) // { image: <Buffer …> }
 */
export async function rowInput(
  own: Readonly<Record<string, unknown>>,
  { fields, values, baseDir }: RowInputOptions,
): Promise<Record<string, unknown>> {
  const input: Record<string, unknown> = { ...values, ...own };
  if (!fields.names.includes("id")) delete input.id;
  for (const name of fields.fileFields) {
    const value = input[name];
    if (typeof value !== "string") continue;
    const path = await filePath(value, baseDir);
    if (path === undefined) continue;
    input[name] = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      const shown = value.startsWith("@") ? value.slice(1) : value;
      throw invalidField(
        [name],
        error.code === "ENOENT"
          ? `no file at ${shown} (relative paths start from ${baseDir})`
          : `cannot read ${path}: ${error.code ?? error.message}`,
      );
    });
  }
  return input;
}

/** The absolute path a file value names, or undefined when it is file content. */
async function filePath(value: string, baseDir: string): Promise<string | undefined> {
  if (value.startsWith("@")) return resolve(baseDir, value.slice(1));
  if (/^(data:|https?:\/\/)/i.test(value)) return undefined;
  // Base64 never holds a ".": a value with one is a path.
  if (value.includes(".")) return resolve(baseDir, value);
  // Short and dot-less (e.g. "photos/cat"): a path only if that file exists, else base64
  // (whose JPEG form starts with "/9j/", so a leading "/" proves nothing).
  if (value.length > 1024) return undefined;
  const candidate = resolve(baseDir, value);
  const found = await stat(candidate).catch(() => undefined);
  return found?.isFile() ? candidate : undefined;
}
