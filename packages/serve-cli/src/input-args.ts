import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { z } from "@servekit/core";
import { type AnyPredictor, coerceTextValue, findFileFields } from "@servekit/core";
import { usageError } from "./cli-error.js";

/** What `-i key=value` parsing needs to know about the input fields. */
export interface InputFields {
  names: string[];
  /** Fields without a default that must be given. */
  required: string[];
  isFile(name: string): boolean;
  /** Turns the text after `=` into the field's type. */
  coerce(name: string, text: string): unknown;
}

/** Input fields from a predictor's zod schema (local mode). */
export function fieldsFromPredictor(predictor: AnyPredictor): InputFields {
  const shape = (predictor.input as { shape?: Record<string, z.ZodType> }).shape ?? {};
  const files = findFileFields(predictor.input);
  return {
    names: Object.keys(shape),
    required: Object.keys(shape).filter((name) => !acceptsNothing(shape[name]!)),
    isFile: (name) => files.has(name),
    coerce: (name, text) => coerceTextValue(shape[name], text),
  };
}

function acceptsNothing(field: z.ZodType): boolean {
  try {
    return field.safeParse(undefined).success;
  } catch {
    // An async schema that got past undefined: leave the verdict to validation.
    return true;
  }
}

interface JsonSchemaProperty {
  type?: string | string[];
  enum?: unknown[];
  contentEncoding?: string;
}

/** Input fields from the `Input` schema of a server's OpenAPI document (`--url` mode). */
export function fieldsFromJsonSchema(schema: {
  properties?: Record<string, JsonSchemaProperty>;
  required?: string[];
}): InputFields {
  const properties = schema.properties ?? {};
  return {
    names: Object.keys(properties),
    required: schema.required ?? [],
    isFile: (name) => properties[name]?.contentEncoding === "base64",
    coerce: (name, text) => {
      const property = properties[name];
      const types = [property?.type ?? []].flat();
      const isText =
        types.includes("string") || (property?.enum?.every((v) => typeof v === "string") ?? false);
      if (isText) return text;
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    },
  };
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
