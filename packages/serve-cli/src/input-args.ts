import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  type AnyPredictor,
  type InputJsonSchema,
  type RowFields,
  rowFieldsFromJsonSchema,
  rowFieldsFromPredictor,
} from "@servekit/core";
import { usageError } from "./cli-error.js";

/** What `-i key=value` parsing needs to know about the input fields: core's, plus a file test. */
export interface InputFields extends RowFields {
  isFile(name: string): boolean;
}

/** Input fields from a predictor's zod schema (local mode). */
export function fieldsFromPredictor(predictor: AnyPredictor): InputFields {
  return withFileTest(rowFieldsFromPredictor(predictor));
}

/** Input fields from the `Input` schema of a server's OpenAPI document (`--url` mode). */
export function fieldsFromJsonSchema(schema: InputJsonSchema): InputFields {
  return withFileTest(rowFieldsFromJsonSchema(schema));
}

function withFileTest(fields: RowFields): InputFields {
  const files = new Set(fields.fileFields);
  return { ...fields, isFile: (name) => files.has(name) };
}

/**
 * Parses repeated `-i key=value` flags into an input object. Values are
 * coerced to the field's type; `key=@path` reads a file into a file or image
 * field. Unknown fields and malformed pairs are usage errors (exit 2).
 *
 * @example
 * await parseInputArgs(["image=@bus.jpg", "confidence=0.5"], fields) // { image: <bytes>, confidence: 0.5 }
 */
export async function parseInputArgs(
  pairs: string[],
  fields: InputFields,
  cwd = process.cwd(),
): Promise<Record<string, unknown>> {
  const input: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw usageError(`-i expects key=value (e.g. -i confidence=0.5), got "${pair}"`);
    const key = pair.slice(0, eq);
    const text = pair.slice(eq + 1);
    if (!fields.names.includes(key)) {
      throw usageError(
        `unknown input field \`${key}\`; the inputs are: ${fields.names.join(", ") || "(none)"}`,
      );
    }
    if (key in input) throw usageError(`input field \`${key}\` was given twice`);
    if (fields.isFile(key) && text.startsWith("@")) {
      const path = resolve(cwd, text.slice(1));
      input[key] = await readFile(path).catch(() => {
        throw usageError(`cannot read ${path} for \`${key}\` (from -i ${key}=@${text.slice(1)})`);
      });
    } else {
      input[key] = fields.coerce(key, text);
    }
  }
  return input;
}

/**
 * Throws a usage error (exit 2) naming the `-i` flags that required fields
 * lack, e.g. "missing `-i image=@file`", before anything is sent or set up.
 */
export function checkRequiredInputs(input: Record<string, unknown>, fields: InputFields): void {
  const missing = fields.required.filter((name) => !(name in input));
  if (missing.length === 0) return;
  const flags = missing.map(
    (name) => `\`-i ${name}=${fields.isFile(name) ? "@file" : "<value>"}\``,
  );
  throw usageError(
    `missing ${flags.join(" and ")} (required input${missing.length > 1 ? "s" : ""})`,
  );
}

/** JSON text of an input, with bytes (from `@path`) as base64. */
export function inputToJson(input: Record<string, unknown>): string {
  return JSON.stringify(input, function bytesAsBase64(this: Record<string, unknown>, key, value) {
    const original = this[key];
    return original instanceof Uint8Array ? Buffer.from(original).toString("base64") : value;
  });
}
