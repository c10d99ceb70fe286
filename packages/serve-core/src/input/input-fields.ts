import type { z } from "zod";
import type { AnyPredictor } from "../predictor.js";
import { coerceTextValue } from "./coerce-text-value.js";
import { findFileFields } from "./find-file-fields.js";

/** What reading inputs from text (CSV cells, `-i key=value`, batch rows) needs to know of the input fields. */
export interface RowFields {
  /** Every top-level input field. */
  names: string[];
  /** Fields without a default that each row must have. */
  required: string[];
  /** `file()` / `image()` fields: their values may be paths to read. */
  fileFields: string[];
  /** Turns a text value (a CSV cell) into the field's type, as `-i key=value` does. */
  coerce(name: string, text: string): unknown;
}

/** Input fields from a predictor's zod schema (in this process). */
export function rowFieldsFromPredictor(predictor: AnyPredictor): RowFields {
  const shape = (predictor.input as { shape?: Record<string, z.ZodType> }).shape ?? {};
  const names = Object.keys(shape);
  return {
    names,
    required: names.filter((name) => !acceptsNothing(shape[name]!)),
    fileFields: [...findFileFields(predictor.input).keys()],
    coerce: (name, text) => coerceTextValue(shape[name], text),
  };
}

function acceptsNothing(field: z.ZodType): boolean {
  try {
    return field.safeParse(undefined).success;
  } catch {
    // An async schema (a file field): leave the verdict to validation.
    return true;
  }
}

interface JsonSchemaProperty {
  type?: string | string[];
  enum?: unknown[];
  contentEncoding?: string;
}

/** The JSON Schema of an input object, as a server's OpenAPI document holds it. */
export interface InputJsonSchema {
  properties?: Record<string, JsonSchemaProperty>;
  required?: string[];
}

/**
 * Input fields from the `Input` schema of a server's OpenAPI document
 * (`--url` batches and predictions): text stays text where the field takes a string or a
 * string enum, anything else is read as JSON ("3" → 3, "true" → true).
 */
export function rowFieldsFromJsonSchema(schema: InputJsonSchema): RowFields {
  const properties = schema.properties ?? {};
  return {
    names: Object.keys(properties),
    required: schema.required ?? [],
    fileFields: Object.keys(properties).filter(
      (name) => properties[name]?.contentEncoding === "base64",
    ),
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
