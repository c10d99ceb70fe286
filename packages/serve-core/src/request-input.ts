import type { Context } from "hono";
import type { z } from "zod";
import { coerceTextValue } from "./coerce-text-value.js";
import { ServeError } from "./errors.js";
import type { FileInput } from "./file-input.js";
import { sniffMediaType } from "./file-value.js";

/** Fields of an object schema, for coercing multipart text fields. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> {
  const shape = (schema as { shape?: Record<string, z.ZodType> }).shape;
  return shape ?? {};
}

/**
 * Reads a request body as a plain object: JSON as-is; multipart/form-data
 * with file parts as {@link FileInput}s and text parts coerced through
 * `schema`. Throws 400 (malformed) or 415 (other media types).
 */
export async function readRequestBody(c: Context, schema: z.ZodType): Promise<unknown> {
  const contentType = c.req.header("content-type")?.toLowerCase() ?? "";
  if (contentType.startsWith("multipart/form-data")) return readMultipart(c, schema);
  if (
    contentType.startsWith("application/json") ||
    /^application\/[\w.+-]+\+json/.test(contentType)
  ) {
    return readJson(c);
  }
  if (contentType === "") {
    const text = await c.req.text();
    if (text.trim() === "") return {};
    return parseJson(text);
  }
  throw new ServeError(
    "UNSUPPORTED_MEDIA_TYPE",
    `Content-Type must be application/json or multipart/form-data; got ${contentType.split(";")[0]}`,
  );
}

async function readJson(c: Context): Promise<unknown> {
  return parseJson(await c.req.text());
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ServeError(
      "MALFORMED_REQUEST",
      `request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

async function readMultipart(c: Context, schema: z.ZodType): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    form = await c.req.raw.formData();
  } catch {
    throw new ServeError("MALFORMED_REQUEST", "request body is not valid multipart/form-data");
  }
  const shape = objectShape(schema);
  const body: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (key in body) {
      throw new ServeError(
        "MALFORMED_REQUEST",
        `multipart field \`${key}\` was sent more than once`,
      );
    }
    body[key] =
      typeof value === "string" ? coerceTextValue(shape[key], value) : await toFileInput(value);
  }
  return body;
}

async function toFileInput(file: File): Promise<FileInput> {
  const data = new Uint8Array(await file.arrayBuffer());
  return {
    data,
    mediaType:
      file.type && file.type !== "application/octet-stream" ? file.type : sniffMediaType(data),
    ...(file.name ? { filename: file.name } : {}),
  };
}
