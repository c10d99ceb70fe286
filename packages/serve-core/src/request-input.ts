import { isAscii } from "node:buffer";
import { IncomingMessage } from "node:http";
import type { Context } from "hono";
import type { z } from "zod";
import { coerceTextValue } from "./coerce-text-value.js";
import { ServeError } from "./errors.js";
import type { FileInput } from "./file-input.js";
import { sniffMediaType } from "./file-value.js";
import { findFileFields } from "./find-file-fields.js";
import { findBase64FileValues } from "./json-file-values.js";

/** Fields of an object schema, for coercing multipart text fields. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> {
  const shape = (schema as { shape?: Record<string, z.ZodType> }).shape;
  return shape ?? {};
}

/**
 * Reads a request body as a plain object: JSON as-is; multipart/form-data
 * with file parts as {@link FileInput}s and text parts coerced through
 * `schema`. Throws 400 (malformed), 413 (over `maxBytes`, from the
 * Content-Length header before reading, or while reading a chunked body) or
 * 415 (other media types).
 */
export async function readRequestBody(
  c: Context,
  schema: z.ZodType,
  maxBytes: number,
): Promise<unknown> {
  const declared = Number(c.req.header("content-length"));
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const header = c.req.header("content-type") ?? "";
  const contentType = header.toLowerCase();
  if (contentType.startsWith("multipart/form-data")) {
    // The header as sent: the boundary is case-sensitive.
    return readMultipart(await readBodyBytes(c, maxBytes), header, schema);
  }
  if (
    contentType.startsWith("application/json") ||
    /^application\/[\w.+-]+\+json/.test(contentType)
  ) {
    return parseJsonBody(await readBodyBytes(c, maxBytes), fileKeysOf(schema));
  }
  if (contentType === "") {
    const text = bodyText(await readBodyBytes(c, maxBytes));
    if (text.trim() === "") return {};
    return parseJson(text);
  }
  throw new ServeError(
    "UNSUPPORTED_MEDIA_TYPE",
    `Content-Type must be application/json or multipart/form-data; got ${contentType.split(";")[0]}`,
  );
}

/**
 * The raw body, at most `maxBytes` (else 413). Under @hono/node-server it is
 * read straight from Node's request stream, skipping the web-stream layer
 * (a few milliseconds less per multi-megabyte body); routes must not touch
 * `c.req.raw`'s body or signal first (see `clientSignal`).
 */
async function readBodyBytes(c: Context, maxBytes: number): Promise<Buffer> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming instanceof IncomingMessage && !incoming.readableDidRead) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of incoming as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size);
  }
  const body = Buffer.from(await c.req.arrayBuffer());
  if (body.length > maxBytes) throw tooLarge(maxBytes);
  return body;
}

/** The 413 for a body over `maxBytes`. */
export function tooLarge(maxBytes: number): ServeError {
  return new ServeError(
    "PAYLOAD_TOO_LARGE",
    `request body is larger than the limit of ${maxBytes} bytes (${(maxBytes / 1024 / 1024).toFixed(1)} MiB)`,
  );
}

/**
 * The body as a string. Base64 payloads make bodies plain ASCII, which
 * latin1 decodes the same as UTF-8, without UTF-8's validation: ~0.1 ms
 * less per megabyte.
 */
function bodyText(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
}

/** The top-level file and image fields of each input schema, found once. */
const fileKeysCache = new WeakMap<z.ZodType, ReadonlySet<string>>();

function fileKeysOf(schema: z.ZodType): ReadonlySet<string> {
  let keys = fileKeysCache.get(schema);
  if (!keys) {
    keys = new Set(findFileFields(schema).keys());
    fileKeysCache.set(schema, keys);
  }
  return keys;
}

/**
 * JSON.parse of the body, except that long base64 values of file fields are
 * decoded straight from the bytes (see {@link findBase64FileValues}): the
 * text JSON.parse sees has `null` in their place, and the parsed object gets
 * the decoded bytes, which `file()` and `image()` accept as they are.
 */
function parseJsonBody(bytes: Buffer, fileKeys: ReadonlySet<string>): unknown {
  const values = findBase64FileValues(bytes, fileKeys);
  if (values.length === 0) return parseJson(bodyText(bytes));
  let text = "";
  let pos = 0;
  for (const value of values) {
    text += `${bodyText(bytes.subarray(pos, value.start))}null`;
    pos = value.end;
  }
  const parsed = parseJson(text + bodyText(bytes.subarray(pos))) as Record<string, unknown>;
  for (const value of values) parsed[value.key] = value.data;
  return parsed;
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

async function readMultipart(
  bytes: Buffer,
  contentType: string,
  schema: z.ZodType,
): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
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
