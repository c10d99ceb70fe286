import type { z } from "zod";
import { type FileFieldMeta, fileFields } from "./file-input.js";

/** Unwraps optional/default/nullable wrappers down to the schema that holds the type. */
function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    const inner = (current as { _zod?: { def?: { innerType?: z.ZodType } } })._zod?.def?.innerType;
    if (!inner) break;
    current = inner;
  }
  return current;
}

/**
 * The top-level fields of an object input schema that are {@link file} or
 * {@link image} inputs, with their kind.
 *
 * @example
 * findFileFields(z.object({ photo: image(), n: z.number() })) // Map { "photo" => "image" }
 */
export function findFileFields(schema: z.ZodType): Map<string, FileFieldMeta["kind"]> {
  const found = new Map<string, FileFieldMeta["kind"]>();
  const shape = (unwrapSchema(schema) as { shape?: Record<string, z.ZodType> }).shape ?? {};
  for (const [key, field] of Object.entries(shape)) {
    const meta = fileFields.get(field) ?? fileFields.get(unwrapSchema(field));
    if (meta) found.set(key, meta.kind);
  }
  return found;
}
