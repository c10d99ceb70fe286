import { isAscii } from "node:buffer";
import { IncomingMessage } from "node:http";
import type { Context } from "hono";
import type { z } from "zod";
import { ServeError } from "../errors.js";
import { coerceTextValue } from "../input/coerce-text-value.js";
import type { FileInput } from "../input/file-input.js";
import { sniffMediaType } from "../input/file-value.js";
import { findFileFields } from "../input/find-file-fields.js";
import { nestsDeeperThan } from "../input/json-depth.js";
import { findBase64FileValues } from "../input/json-file-values.js";
import { multipartPartBytes, sniffedFilePart } from "../input/multipart-part-bytes.js";
import type { ByteBudget } from "./byte-budget.js";
import { ClientClosedError } from "./client-signal.js";

/** Arrays and objects nested deeper than this in a request body get 400. */
export const MAX_JSON_DEPTH = 64;

/** Limits on reading one request body. */
export interface BodyLimits {
  /** Largest body in bytes; larger gets 413. */
  maxBytes: number;
  /** Longest the whole body may take to arrive; slower gets 408 and the connection closed. */
  timeoutMs?: number;
  /** Bytes of every body being read at once; a body that does not fit gets 503 with Retry-After. */
  budget?: ByteBudget;
}

/** Fields of an object schema, for coercing multipart text fields. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> {
  const shape = (schema as { shape?: Record<string, z.ZodType> }).shape;
  return shape ?? {};
}

/**
 * Reads a request body as a plain object: JSON as-is; multipart/form-data
 * with file parts as {@link FileInput}s and text parts coerced through
 * `schema`. Throws 400 (malformed, or nested deeper than
 * {@link MAX_JSON_DEPTH}), 408 (slower than `timeoutMs`), 413 (over
 * `maxBytes`, from the Content-Length header before reading, or while
 * reading a chunked body), 415 (other media types), 503 (no room left in
 * `budget`) or {@link ClientClosedError} (the client hung up mid-upload).
 * A number for `limits` is `maxBytes` alone.
 */
export async function readRequestBody(
  c: Context,
  schema: z.ZodType,
  limits: BodyLimits | number,
): Promise<unknown> {
  const body = await readBody(
    c,
    schema,
    typeof limits === "number" ? { maxBytes: limits } : limits,
  );
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw new ServeError(
      "MALFORMED_REQUEST",
      `request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; send at most ${MAX_JSON_DEPTH}`,
    );
  }
  return body;
}

async function readBody(c: Context, schema: z.ZodType, limits: BodyLimits): Promise<unknown> {
  const declared = Number(c.req.header("content-length"));
  if (declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const header = c.req.header("content-type") ?? "";
  const contentType = header.toLowerCase();
  if (contentType.startsWith("multipart/form-data")) {
    // The header as sent: the boundary is case-sensitive.
    return readMultipart(await readBodyBytes(c, limits), header, schema);
  }
  if (
    contentType.startsWith("application/json") ||
    /^application\/[\w.+-]+\+json/.test(contentType)
  ) {
    return parseJsonBody(await readBodyBytes(c, limits), fileKeysOf(schema));
  }
  if (contentType === "") {
    const text = bodyText(await readBodyBytes(c, limits));
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
async function readBodyBytes(c: Context, limits: BodyLimits): Promise<Buffer> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming instanceof IncomingMessage && !incoming.readableDidRead) {
    try {
      return await readIncoming(incoming, limits);
    } catch (error) {
      // The rest of the body was not read: do not wait for it to keep the connection.
      if (!(error instanceof ClientClosedError)) c.header("Connection", "close");
      throw error;
    }
  }
  const body = Buffer.from(await c.req.arrayBuffer());
  if (body.length > limits.maxBytes) throw tooLarge(limits.maxBytes);
  return body;
}

/**
 * Reads Node's request stream whole, holding its bytes against `budget`
 * meanwhile (a declared Content-Length up front, before any byte is read).
 */
function readIncoming(
  incoming: IncomingMessage,
  { maxBytes, timeoutMs, budget }: BodyLimits,
): Promise<Buffer> {
  let taken = 0;
  const take = (total: number) => {
    if (!budget || total <= taken) return;
    if (!budget.tryTake(total - taken)) throw noRoom(budget);
    taken = total;
  };
  const declared = Number(incoming.headers["content-length"]);
  take(Number.isFinite(declared) ? declared : 0);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(
            () =>
              fail(
                new ServeError(
                  "REQUEST_TIMEOUT",
                  `request body did not arrive within ${timeoutMs} ms (${size} bytes came); send it faster or in a smaller request`,
                ),
              ),
            timeoutMs,
          );
    const settle = () => {
      clearTimeout(timer);
      budget?.give(taken);
      taken = 0;
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onGone);
      incoming.off("close", onGone);
    };
    const fail = (error: unknown) => {
      settle();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return fail(tooLarge(maxBytes));
      try {
        take(size);
      } catch (error) {
        return fail(error);
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      settle();
      resolve(Buffer.concat(chunks, size));
    };
    // A reset or a close before the end: the client hung up mid-upload.
    const onGone = () => fail(new ClientClosedError());
    incoming.on("data", onData);
    incoming.once("end", onEnd);
    incoming.once("error", onGone);
    incoming.once("close", onGone);
  });
}

/** The 503 for a body that does not fit in what is left of `budget`. */
function noRoom(budget: ByteBudget): ServeError {
  return new ServeError(
    "OVERLOADED",
    `request bodies being received already hold ${budget.inUse} of the ${budget.limit} bytes allowed at once (maxBodyBytesInFlight); retry shortly`,
    { retryAfterSeconds: 1 },
  );
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
  const fileFields = findFileFields(schema);
  let rawParts: Map<string, Uint8Array> | undefined;
  const body: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (key in body) {
      throw new ServeError(
        "MALFORMED_REQUEST",
        `multipart field \`${key}\` was sent more than once`,
      );
    }
    if (typeof value !== "string") {
      body[key] = await toFileInput(value);
      continue;
    }
    // FormData decodes a part without a filename as UTF-8 text: a file sent
    // that way (no Content-Type either) is taken from its bytes when they sniff as one.
    let sniffed: FileInput | undefined;
    if (fileFields.has(key)) {
      rawParts ??= multipartPartBytes(bytes, contentType);
      sniffed = sniffedFilePart(rawParts.get(key));
    }
    body[key] = sniffed ?? coerceTextValue(shape[key], value);
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
