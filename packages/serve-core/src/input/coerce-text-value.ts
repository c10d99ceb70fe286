import type { z } from "zod";

/**
 * Turns a text value (a form field, a CLI `key=value`) into what `schema`
 * expects: kept as text if the schema takes it, else parsed as JSON, so
 * "0.5" becomes 0.5, "true" true and "[1,2]" an array.
 */
export function coerceTextValue(schema: z.ZodType | undefined, text: string): unknown {
  if (schema === undefined) return text;
  try {
    if (schema.safeParse(text).success) return text;
  } catch {
    // Async schemas (file inputs) can't be checked synchronously; they take text as-is.
    return text;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
